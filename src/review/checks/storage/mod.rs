//! Storage checks (D1–D4): volumes for the stores that keep data, safe rollouts, the app
//! waiting for its stores, and no data kept in a container's own filesystem.
//!
//! - Stores are recognised by image (`Workload::component`); the stateful ones, their ports and
//!   data directories come from `contract::COMPONENTS`. A postgres container that sets `PGDATA`
//!   keeps its data there instead of the image's default.
//! - "Applied before" (D1): files of one folder apply in name order (the numbered k8s/ files), and
//!   within one file an earlier document comes first; a claim in another folder is not held against
//!   the repo (its apply order is unknown). A StatefulSet's `volumeClaimTemplates` count as its PVC.
//! - Waiting (D3): an initContainer waits for a store when its command/args name one of the
//!   store's hosts: a Service selecting the store's pods, the store workload's name, or (when the
//!   repo has no store workload) the naming-rule Service `<slug>-<store>`; DNS forms
//!   (`name.namespace.svc...`) and `host:port` count. `$VAR`, `${VAR}` and `$(VAR)` are resolved
//!   from the initContainer's `env` values and its `envFrom` ConfigMaps first.
//! - Local database files (D4): application source and app config files that open SQLite
//!   (sqlite3.connect, SQLAlchemy/JDBC/PDO `sqlite:` URLs, better-sqlite3, go-sqlite3 / gorm's
//!   sqlite driver, rusqlite, Laravel's `DB_CONNECTION=sqlite`, Django's sqlite3 backend), once per
//!   file at the first use. In-memory databases (`:memory:`), comments and test files are ignored.

use crate::contract::CheckId;
use crate::contract::{self, STORAGE_FILE};
use crate::k8s::service_selects;
use crate::repo::Object;
use crate::review::model::{Labels, labels_of, namespace_of};
mod fix;
use crate::review::registry::{Check, Judged};
use crate::review::workload::{self, Container, Workload};
use crate::review::{Finding, Remedy, Review};
use crate::yaml::Node;
use regex::Regex;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

/// The checks of this file, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::D1, run: d1, judged: Judged::Static, repo_only: false, fixer: None },
    Check { id: CheckId::D2, run: d2, judged: Judged::Static, repo_only: false, fixer: Some(fix::d2) },
    Check { id: CheckId::D3, run: d3, judged: Judged::Static, repo_only: false, fixer: Some(fix::d3) },
    Check { id: CheckId::D4, run: d4, judged: Judged::Static, repo_only: false, fixer: None },
];

/// A stateful platform store (postgres, mongo, rabbitmq), by component id.
fn stateful(id: &str) -> Option<&'static contract::Component> {
    contract::component(id).filter(|c| c.stateful)
}

/// Store workloads that keep data, with their component.
fn stateful_stores<'a>(r: &'a Review) -> Vec<(Workload<'a>, &'static contract::Component)> {
    r.model.workloads.iter().copied().filter_map(|w| Some((w, stateful(w.component?)?))).collect()
}

/// The store's own container: the first regular container whose image is the store.
fn store_container<'a>(w: &Workload<'a>, id: &str) -> Option<Container<'a>> {
    let mains = w.main_containers();
    mains.iter().find(|c| c.image.and_then(workload::component_of_image) == Some(id)).or(mains.first()).copied()
}

/// Where the store keeps its data: the contract's data dir, or `PGDATA` when a postgres container sets it.
fn data_dir(c: &Container, comp: &contract::Component) -> Option<String> {
    if comp.id == "postgres" {
        let pgdata = c
            .node
            .get("env")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .find(|e| e.get("name").and_then(Node::as_str) == Some("PGDATA"))
            .and_then(|e| e.get("value"))
            .and_then(Node::as_str);
        if let Some(p) = pgdata.filter(|p| p.starts_with('/')) {
            return Some(p.to_string());
        }
    }
    comp.data_dir.map(str::to_string)
}

/// The volumeMount holding `dir` (the deepest mount at or above it).
fn mount_for<'a>(c: &Container<'a>, dir: &str) -> Option<&'a Node> {
    let dir = dir.trim_end_matches('/');
    c.node
        .get("volumeMounts")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|m| {
            let path = m.get("mountPath").and_then(Node::as_str)?.trim_end_matches('/');
            let covers = path.is_empty() || dir == path || dir.starts_with(&format!("{path}/"));
            covers.then_some((path.len(), m))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, m)| m)
}

/// A pod volume by name.
fn volume<'a>(w: &Workload<'a>, name: &str) -> Option<&'a Node> {
    w.pod
        .get("volumes")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .find(|v| v.get("name").and_then(Node::as_str) == Some(name))
}

/// Names of a StatefulSet's volumeClaimTemplates.
fn claim_templates<'a>(w: &Workload<'a>) -> Vec<&'a str> {
    if w.obj.kind != "StatefulSet" {
        return Vec::new();
    }
    w.obj
        .node
        .path("spec.volumeClaimTemplates")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|t| t.path("metadata.name").and_then(Node::as_str))
        .collect()
}

/// How the store's data directory is stored.
enum DataMount<'a> {
    /// On a PVC named here (the claimName node), or a volumeClaimTemplate (`None`).
    Claim(Option<&'a Node>),
    /// On another kind of volume: the volume (or the mount, when the volume is not defined).
    Other(&'a Node),
    /// Not mounted at all: in the container's own filesystem.
    Unmounted,
}

fn data_mount<'a>(w: &Workload<'a>, c: &Container<'a>, dir: &str) -> DataMount<'a> {
    let Some(mount) = mount_for(c, dir) else { return DataMount::Unmounted };
    let name = mount.get("name").and_then(Node::as_str).unwrap_or("");
    if claim_templates(w).contains(&name) {
        return DataMount::Claim(None);
    }
    match volume(w, name) {
        Some(v) => match v.path("persistentVolumeClaim.claimName") {
            Some(claim) => DataMount::Claim(Some(claim)),
            None => DataMount::Other(v),
        },
        None => DataMount::Other(mount),
    }
}

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

/// The claim name the naming rules give a store: `<store workload>-data`, else `<slug>-<store>-data`.
fn pvc_name(r: &Review, store: &str, workload: Option<&str>) -> String {
    match (workload, &r.ctx.slug) {
        (Some(w), _) if !w.is_empty() => format!("{w}-data"),
        (_, Some(slug)) => format!("{slug}-{store}-data"),
        _ => format!("{store}-data"),
    }
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

/// D2: stateful store Deployments use strategy Recreate.
pub fn d2(r: &Review, out: &mut Vec<Finding>) {
    for (w, comp) in stateful_stores(r) {
        if w.obj.kind != "Deployment" {
            continue;
        }
        let spec = w.obj.node.get("spec");
        let strategy = spec.and_then(|s| s.get("strategy"));
        let ty = strategy.and_then(|s| s.get("type")).and_then(Node::as_str);
        let key_line =
            |node: Option<&Node>, key: &str| node.and_then(|n| n.entry(key)).and_then(|e| e.key_pos).map(|p| p.line);
        // The type's line, else the `strategy:` key, else the `spec:` key.
        let line = strategy
            .and_then(|s| s.get("type"))
            .and_then(Node::line)
            .or(key_line(spec, "strategy"))
            .or(key_line(Some(&w.obj.node), "spec"))
            .or(w.obj.line());
        let problem = match ty {
            Some("Recreate") if strategy.and_then(|s| s.get("rollingUpdate")).is_some_and(|n| !n.is_null()) => {
                "sets strategy Recreate but keeps a `rollingUpdate` block, which Kubernetes rejects".to_string()
            }
            Some("Recreate") => continue,
            Some(other) => format!("uses the {other} strategy"),
            None => "uses the default RollingUpdate strategy".to_string(),
        };
        out.push(
            Finding::new(CheckId::D2, &w.obj.file, line)
                .object(w.obj.id())
                .message(format!(
                    "The {} Deployment {} {problem}: during an update the new pod waits forever for the disk the \
                     old one holds, or both write the same files.",
                    comp.id, w.obj.name
                ))
                .fix(format!(
                    "Set `spec.strategy.type: Recreate` on {} and remove any `rollingUpdate` block.",
                    w.obj.id()
                )),
        );
    }
}

static VAR_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|\(([A-Za-z_][A-Za-z0-9_]*)\)|([A-Za-z_][A-Za-z0-9_]*))").unwrap()
});

/// The command and args of an initContainer as one text, with env references resolved.
fn wait_text(c: &Container, configmaps: &HashMap<(Option<String>, &str), &Node>, ns: &Option<String>) -> String {
    let mut text = String::new();
    for key in ["command", "args"] {
        if let Some(n) = c.node.get(key) {
            match n.items() {
                [] => text.extend(n.as_str().map(|s| format!("{s} "))),
                items => items.iter().filter_map(Node::as_str).for_each(|s| {
                    text.push_str(s);
                    text.push(' ');
                }),
            }
        }
    }
    if !text.contains('$') {
        return text;
    }
    let mut env: HashMap<&str, &str> = HashMap::new();
    for from in c.node.get("envFrom").map(Node::items).unwrap_or_default() {
        let Some(name) = from.path("configMapRef.name").and_then(Node::as_str) else { continue };
        if let Some(data) = configmaps.get(&(ns.clone(), name)) {
            for e in data.entries() {
                env.extend(e.value.as_str().map(|v| (e.key.as_str(), v)));
            }
        }
    }
    for e in c.node.get("env").map(Node::items).unwrap_or_default() {
        if let (Some(k), Some(v)) = (e.get("name").and_then(Node::as_str), e.get("value").and_then(Node::as_str)) {
            env.insert(k, v);
        }
    }
    VAR_REF
        .replace_all(&text, |caps: &regex::Captures| {
            let name = caps.get(1).or(caps.get(2)).or(caps.get(3)).map(|m| m.as_str()).unwrap_or("");
            env.get(name).map(|v| v.to_string()).unwrap_or_else(|| caps[0].to_string())
        })
        .into_owned()
}

/// True when `text` names `host` as a whole word (also `host.ns.svc...` and `host:port`).
fn names_host(text: &str, host: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .any(|t| t == host || t.strip_prefix(host).is_some_and(|rest| rest.starts_with('.')))
}

/// D3: every long-running app workload waits for each enabled store in an initContainer.
pub fn d3(r: &Review, out: &mut Vec<Finding>) {
    let enabled = r.ctx.stores.enabled();
    if enabled.is_empty() {
        return;
    }
    let all = &r.model.workloads;
    // Hosts of each store, by namespace: its workloads' names and the Services selecting them.
    let mut store_labels: HashMap<(Option<String>, &str), Vec<Labels>> = HashMap::new();
    // (Service names, workload names): only Services resolve, but a wait on the workload's name is
    // taken at its word (the Service is usually named the same).
    // (namespace, store) -> (its Service names, its workload names)
    type Hosts<'a> = HashMap<(Option<String>, &'a str), (BTreeSet<String>, BTreeSet<String>)>;
    let mut hosts: Hosts = HashMap::new();
    for w in all {
        let Some(id) = w.component.filter(|c| enabled.contains(c)) else { continue };
        let key = (namespace_of(w.obj, r.ctx), id);
        hosts.entry(key.clone()).or_default().1.insert(w.obj.name.clone());
        let l = labels_of(w);
        let list = store_labels.entry(key).or_default();
        if !list.contains(&l) {
            list.push(l);
        }
    }
    let mut configmaps: HashMap<(Option<String>, &str), &Node> = HashMap::new();
    for o in &r.repo.objects {
        match o.kind.as_str() {
            "Service" => {
                let sel = o.node.path("spec.selector");
                let ns = namespace_of(o, r.ctx);
                for id in &enabled {
                    let key = (ns.clone(), *id);
                    if store_labels.get(&key).is_some_and(|ls| ls.iter().any(|l| service_selects(sel, l))) {
                        hosts.entry(key).or_default().0.insert(o.name.clone());
                    }
                }
            }
            "ConfigMap" => {
                if let Some(data) = o.node.get("data") {
                    configmaps.insert((namespace_of(o, r.ctx), o.name.as_str()), data);
                }
            }
            _ => {}
        }
    }
    for w in all.iter().filter(|w| w.is_app() && w.long_running()) {
        let ns = namespace_of(w.obj, r.ctx);
        let texts: Vec<String> =
            w.containers().iter().filter(|c| c.init).map(|c| wait_text(c, &configmaps, &ns)).collect();
        for id in &enabled {
            let port = contract::component(id).and_then(|c| c.port).unwrap_or(0);
            // Services first: the first name is the one the fix suggests.
            let mut names: Vec<&str> = hosts
                .get(&(ns.clone(), *id))
                .map(|(svc, wl)| svc.iter().chain(wl.iter()).map(String::as_str).collect())
                .unwrap_or_default();
            let promised = r.ctx.slug.as_ref().map(|s| format!("{s}-{id}"));
            if names.is_empty() {
                names.extend(promised.as_deref());
                names.push(id);
            }
            if texts.iter().any(|t| names.iter().any(|h| names_host(t, h))) {
                continue;
            }
            let host = names[0].to_string();
            // The app reaches a store through its Service: waiting on a name no Service carries
            // would wait forever, so without one the fix starts by adding it.
            let has_service = hosts.get(&(ns.clone(), *id)).is_some_and(|(svc, _)| !svc.is_empty());
            let add_service = if has_service {
                String::new()
            } else {
                format!(
                    "No Service for {id} is in the repo: first add a Service named `{host}` that selects the {id} \
                     pods on port {port} (the app reaches a store by its Service's name). Then "
                )
            };
            let wait_image = format!(
                "{}/{}",
                r.ctx.platform.mirror,
                contract::component("wait").map(|c| c.image).unwrap_or_default()
            );
            out.push(
                Finding::new(CheckId::D3, &w.obj.file, w.line())
                    .object(w.obj.id())
                    .message(format!(
                        "{} starts without waiting for {id} ({host}:{port}): on a fresh start it can fail its first \
                         connection and restart in a loop.",
                        w.obj.id()
                    ))
                    .fix(format!(
                        "{add_service}{}dd an initContainer `wait-for-{id}` to the pod template with image {wait_image} and \
                         command `[sh, -c, \"until nc -z {host} {port}; do sleep 2; done\"]` (with the same \
                         securityContext and resources rules as the other containers).",
                        if has_service { "A" } else { "a" }
                    ))
                    .remedy(Remedy::AddWaitInit { store: id.to_string(), host, port }),
            );
        }
    }
}

static SQLITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?x)
        sqlite3\.connect\s*\( | aiosqlite\.connect\s*\( | SqliteDatabase\s*\(
        | \bsqlite(?:\+[a-z]+)?:///? | jdbc:sqlite: | django\.db\.backends\.sqlite3
        | (?:require\s*\(\s*|from\s+|import\s+)['"](?:better-sqlite3|sqlite3|sqlite)['"]
        | dialect\s*:\s*['"]sqlite['"]
        | gorm\.io/driver/sqlite | github\.com/mattn/go-sqlite3 | modernc\.org/sqlite | glebarez/sqlite
        | sql\.Open\s*\(\s*"sqlite3?"
        | \brusqlite\b | sqlx::sqlite | \bSqlitePool\b
        | new\s+PDO\s*\(\s*['"]sqlite: | new\s+SQLite3\s*\(
        | \bDB_CONNECTION\s*=\s*sqlite\b
        "#,
    )
    .unwrap()
});

/// Test code is not the app: it may use SQLite freely.
fn is_test_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.split('/').any(|p| matches!(p, "test" | "tests" | "__tests__" | "spec" | "testdata"))
        || name.starts_with("test_")
        || name == "conftest.py"
        || name.contains("_test.")
        || name.contains(".test.")
        || name.contains(".spec.")
        || name.ends_with("Test.java")
        || name.ends_with("Tests.java")
        || name.ends_with("Test.kt")
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//") || t.starts_with("/*") || t.starts_with('*') || t.starts_with("--")
}

/// D4: stores keep their data on PVCs; the app keeps no local database file.
pub fn d4(r: &Review, out: &mut Vec<Finding>) {
    for (w, comp) in stateful_stores(r) {
        let Some(c) = store_container(&w, comp.id) else { continue };
        let Some(dir) = data_dir(&c, comp) else { continue };
        let fix = format!(
            "Mount {dir} from the store's PersistentVolumeClaim: a volume `{{name: data, persistentVolumeClaim: \
             {{claimName: {}}}}}` and a volumeMount `{{name: data, mountPath: {dir}}}` (not emptyDir).",
            pvc_name(r, comp.id, Some(&w.obj.name))
        );
        let (line, what) = match data_mount(&w, &c, &dir) {
            DataMount::Claim(_) => continue,
            DataMount::Other(node) => {
                let kind = node
                    .entries()
                    .iter()
                    .map(|e| e.key.as_str())
                    .find(|k| !matches!(*k, "name" | "mountPath" | "subPath" | "readOnly"))
                    .unwrap_or("a volume");
                (node.line().or(c.line()), format!("is on {kind}, which is wiped whenever the pod is replaced"))
            }
            DataMount::Unmounted => (c.line(), "is not mounted from any volume: it lives in the container".to_string()),
        };
        out.push(
            Finding::new(CheckId::D4, &w.obj.file, line)
                .object(w.obj.id())
                .message(format!(
                    "The {} data directory {dir} of {} {what}, and all data is lost.",
                    comp.id,
                    w.obj.id()
                ))
                .fix(fix),
        );
    }
    for f in &r.repo.sources {
        if is_test_file(&f.file) {
            continue;
        }
        // One pass over the whole file; lines are only looked at around a match.
        let hit = SQLITE.find_iter(&f.text).find_map(|m| {
            let start = f.text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
            let end = f.text[m.end()..].find('\n').map_or(f.text.len(), |i| m.end() + i);
            let line = &f.text[start..end];
            let usable = !is_comment(line) && !line.contains(":memory:") && !line.contains("mode=memory");
            usable.then(|| f.text[..start].bytes().filter(|b| *b == b'\n').count() as u32 + 1)
        });
        if let Some(line) = hit {
            out.push(
                Finding::new(CheckId::D4, &f.file, Some(line))
                    .message(
                        "The app keeps its data in a local SQLite database file: the file lives in the container and \
                         is lost whenever the pod restarts or is updated (and each copy of the app has its own).",
                    )
                    .fix(
                        "Move the data to the platform database: set `database: postgres` (or mongo) in vibe.yaml, \
                         run `vibe generate`, and connect with the DB_HOST/DB_PORT/DB_NAME/DB_USER settings and the \
                         password from the SealedSecret.",
                    ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_whole_words() {
        assert!(names_host("until nc -z shop-postgres 5432; do sleep 2; done", "shop-postgres"));
        assert!(names_host("pg_isready -h shop-postgres.ns.svc.cluster.local", "shop-postgres"));
        assert!(names_host("wait-for shop-redis:6379", "shop-redis"));
        assert!(!names_host("nc -z shop-postgres-exporter 9187", "shop-postgres"));
        assert!(!names_host("sleep 30", "postgres"));
    }

    #[test]
    fn sqlite_uses_are_recognised() {
        for yes in [
            "conn = sqlite3.connect('app.db')",
            "engine = create_engine('sqlite:///data.db')",
            "const Database = require('better-sqlite3')",
            "import Database from \"better-sqlite3\"",
            "\t_ \"github.com/mattn/go-sqlite3\"",
            "db, err := gorm.Open(sqlite.Open(\"x.db\")) // gorm.io/driver/sqlite",
            "String url = \"jdbc:sqlite:app.db\";",
            "$db = new PDO('sqlite:/var/data/app.sqlite');",
            "DB_CONNECTION=sqlite",
            "use rusqlite::Connection;",
        ] {
            assert!(SQLITE.is_match(yes), "{yes}");
        }
        for no in ["import psycopg", "DB_CONNECTION=pgsql", "postgres://u@h/db"] {
            assert!(!SQLITE.is_match(no), "{no}");
        }
    }
}
