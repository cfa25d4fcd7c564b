//! D3: the app waits for each enabled store in an initContainer.

use super::*;

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
