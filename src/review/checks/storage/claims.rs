//! D1: a PVC for every stateful store, applied before the store.

use super::*;

/// PVCs by (namespace, name).
type ClaimsByName<'a> = HashMap<(Option<String>, &'a str), Vec<&'a Object>>;
/// PVCs by namespace.
type ClaimsByNamespace<'a> = HashMap<Option<String>, Vec<&'a Object>>;

fn claims<'a>(r: &'a Review) -> (ClaimsByName<'a>, ClaimsByNamespace<'a>) {
    let mut by_name: ClaimsByName = HashMap::new();
    let mut by_ns: ClaimsByNamespace = HashMap::new();
    for o in r.repo.objects.iter().filter(|o| o.kind == "PersistentVolumeClaim") {
        let ns = namespace_of(o, r.ctx);
        by_name.entry((ns.clone(), o.name.as_str())).or_default().push(o);
        by_ns.entry(ns).or_default().push(o);
    }
    (by_name, by_ns)
}

/// A PVC that looks meant for a store (by name or component label), in its namespace.
fn claim_meant_for<'a>(
    by_ns: &HashMap<Option<String>, Vec<&'a Object>>,
    ns: &Option<String>,
    store: &str,
    workload_name: Option<&str>,
) -> Option<&'a Object> {
    by_ns.get(ns).map(Vec::as_slice).unwrap_or_default().iter().copied().find(|o| {
        o.name.contains(store)
            || workload_name.is_some_and(|w| !w.is_empty() && o.name.contains(w))
            || o.node.path("metadata.labels").and_then(|l| l.get("app.kubernetes.io/component")).and_then(Node::as_str)
                == Some(store)
    })
}

/// True when `pvc` is applied before `store`: an earlier file of the same folder (`kubectl apply -f`
/// goes by name) or an earlier document of the same file. Across folders the order is not known
/// from the repo, so it is not held against it.
fn applied_before(pvc: &Object, store: &Object) -> bool {
    let dir = |f: &str| f.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    if dir(&pvc.file) != dir(&store.file) {
        return true;
    }
    (pvc.file.as_str(), pvc.doc) < (store.file.as_str(), store.doc)
}

/// D1: a PVC for every stateful store, defined before the store, and mounted by it.
pub fn d1(r: &Review, out: &mut Vec<Finding>) {
    let (by_name, by_ns) = claims(r);
    let mut seen_stores = HashSet::new();
    for (w, comp) in stateful_stores(r) {
        seen_stores.insert(comp.id);
        let ns = namespace_of(w.obj, r.ctx);
        let Some(c) = store_container(&w, comp.id) else { continue };
        let dir = data_dir(&c, comp).unwrap_or_default();
        // The claim the store uses: the one at its data dir, else any claim it mounts.
        let claim_node = match data_mount(&w, &c, &dir) {
            DataMount::Claim(None) => continue,
            DataMount::Claim(Some(n)) => Some(n),
            _ => w
                .pod
                .get("volumes")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .find_map(|v| v.path("persistentVolumeClaim.claimName")),
        };
        if let Some(claim) = claim_node {
            let name = claim.as_str().unwrap_or("");
            match by_name.get(&(ns.clone(), name)) {
                None => out.push(
                    Finding::new(CheckId::D1, &w.obj.file, claim.line().or(w.line()))
                        .object(w.obj.id())
                        .message(format!(
                            "{} uses the volume claim `{name}`, but no PersistentVolumeClaim of that name is in the \
                             repo: the pod never starts, or its data has nowhere to live.",
                            w.obj.id()
                        ))
                        .fix(format!(
                            "Add a PersistentVolumeClaim named `{name}` (ReadWriteOnce, {}) to {STORAGE_FILE}.",
                            contract::STORE_STORAGE
                        )),
                ),
                Some(pvcs) if !pvcs.iter().any(|p| applied_before(p, w.obj)) => out.push(
                    Finding::new(CheckId::D1, &w.obj.file, claim.line().or(w.line()))
                        .object(w.obj.id())
                        .message(format!(
                            "The volume claim `{name}` is defined in {} after {} that uses it: on a fresh install \
                             the store starts before its disk exists.",
                            pvcs[0].file,
                            w.obj.id()
                        ))
                        .fix(format!(
                            "Move the PersistentVolumeClaim `{name}` to {STORAGE_FILE} (or to an earlier document \
                             of {}).",
                            w.obj.file
                        )),
                ),
                Some(_) => {}
            }
            continue;
        }
        match claim_meant_for(&by_ns, &ns, comp.id, Some(&w.obj.name)) {
            Some(pvc) => out.push(
                Finding::new(CheckId::D1, &w.obj.file, w.line())
                    .object(w.obj.id())
                    .message(format!(
                        "{} does not mount its volume claim `{}`: its data lives in the container and is lost on \
                         every restart.",
                        w.obj.id(),
                        pvc.name
                    ))
                    .fix(format!(
                        "Add a volume `{{name: data, persistentVolumeClaim: {{claimName: {}}}}}` to the pod and mount \
                         it at {dir}.",
                        pvc.name
                    )),
            ),
            None => out.push(missing_claim(r, comp.id, Some(w.obj), &dir)),
        }
    }
    // Stores vibe.yaml enables but the repo does not run (yet): they still need their claim.
    for id in r.ctx.stores.enabled() {
        let Some(comp) = stateful(id) else { continue };
        if seen_stores.contains(comp.id) {
            continue;
        }
        if claim_meant_for(&by_ns, &r.ctx.namespace, comp.id, None).is_none() {
            out.push(missing_claim(r, comp.id, None, comp.data_dir.unwrap_or_default()));
        }
    }
}

fn missing_claim(r: &Review, store: &str, object: Option<&Object>, dir: &str) -> Finding {
    let f = Finding::new(CheckId::D1, STORAGE_FILE, None)
        .message(format!(
            "No PersistentVolumeClaim for {store}: its data lives inside the container and is lost on every restart \
             or update."
        ))
        .fix(format!(
            "Add a PersistentVolumeClaim named `{}` (ReadWriteOnce, {}) to {STORAGE_FILE}, and mount it in the {store} \
             pod at {dir}.",
            pvc_name(r, store, object.map(|o| o.name.as_str())),
            contract::STORE_STORAGE
        ));
    match object {
        Some(o) => f.object(o.id()),
        None => f,
    }
}
