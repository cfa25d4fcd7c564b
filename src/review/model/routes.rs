//! Ingress routes, followed the way Kubernetes does: Ingress backend (`service.name` +
//! `port.number` or `port.name`; `serviceName`/`servicePort` of extensions/v1beta1) -> the
//! Service's port -> its `targetPort` (a number, or a container port name) -> the pods its
//! selector matches. Where several objects share a namespace and name (copies of an app in one
//! folder), the one whose file shares the longest path prefix with the referring file is used.

use super::key_line;
use crate::k8s::{self, PortRef, service_selects};
use crate::repo::{Object, Repo};
use crate::review::workload::Workload;
use crate::yaml::Node;
use std::collections::HashMap;

/// The path the metrics are served on (H3 keeps it off the public route).
pub const METRICS_PATH: &str = "/metrics";

/// One Ingress backend: the default backend or a rule path's.
#[derive(Debug, Clone)]
pub struct Backend<'a> {
    /// The Ingress.
    pub ingress: &'a Object,
    /// The rule's host, when the backend belongs to a rule.
    pub host: Option<&'a str>,
    /// The path, if any (`None`: every path).
    pub path: Option<&'a str>,
    /// `pathType`, if any.
    pub path_type: Option<&'a str>,
    /// Service name.
    pub service: Option<&'a str>,
    /// Service port.
    pub port: Option<PortRef<'a>>,
    /// Line of the backend (its path entry, or the default backend).
    pub line: Option<u32>,
    /// Line of the backend's port.
    pub port_line: Option<u32>,
}

impl Backend<'_> {
    /// "the path `/`", "every path (default backend)".
    pub fn describe_path(&self) -> String {
        match (self.path, self.host) {
            (Some(p), Some(h)) => format!("the path `{p}` of {h}"),
            (Some(p), None) => format!("the path `{p}`"),
            (None, Some(h)) => format!("every path of {h}"),
            (None, None) => "every request (default backend)".into(),
        }
    }

    /// True when a request for /metrics can take this backend.
    pub fn covers_metrics(&self) -> bool {
        let Some(path) = self.path.filter(|p| !p.is_empty()) else { return true };
        match self.path_type.unwrap_or("ImplementationSpecific") {
            "Exact" => path.trim_end_matches('/') == METRICS_PATH,
            // Element-wise prefix: `/` and `/metrics` cover /metrics, `/met` does not.
            "Prefix" => {
                let p = path.trim_end_matches('/');
                p.is_empty() || p == METRICS_PATH
            }
            // Controllers read these as plain prefixes (Traefik) or regexes (nginx).
            _ => {
                METRICS_PATH.starts_with(path.trim_end_matches(['*', '$']))
                    || path.starts_with("/.*")
                    || path == "/(.*)"
            }
        }
    }
}

/// Where a backend leads.
#[derive(Debug, Clone, Default)]
pub struct Target<'a> {
    /// The Service, when it is in the repo.
    pub service: Option<&'a Object>,
    /// The name of the Service port used.
    pub service_port_name: Option<&'a str>,
    /// The Service port's `targetPort` (its `port` when absent).
    pub target: Option<PortRef<'a>>,
    /// The workloads the Service selects.
    pub pods: Vec<Workload<'a>>,
    /// The container port numbers reached in those pods.
    pub container_ports: Vec<i64>,
}

/// Ingresses, Services, workloads and ConfigMaps, indexed for route resolution.
///
/// Every object is indexed under each folder that contains its file, so a lookup from a
/// file tries its own folder first, then each parent: copies of an app in sibling folders
/// never see each other, and a lookup costs a few hash probes however many copies there are.
pub struct Routes<'a> {
    ingresses: Vec<&'a Object>,
    /// (folder, name) -> Services.
    services: HashMap<(&'a str, &'a str), Vec<&'a Object>>,
    /// (folder, name) -> ConfigMaps.
    configmaps: HashMap<(&'a str, &'a str), Vec<&'a Object>>,
    workloads: Vec<Workload<'a>>,
    /// folder -> indexes of the workloads in it or below it.
    by_folder: HashMap<&'a str, Vec<usize>>,
}

fn ns_compatible(a: &Object, b: &Object) -> bool {
    match (&a.namespace, &b.namespace) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// The folders containing `file`, deepest first, ending with the repo root `""`.
fn folders(file: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(file);
    std::iter::from_fn(move || {
        let cur = rest?;
        match cur.rfind('/') {
            Some(i) => {
                rest = Some(&cur[..i]);
                Some(&cur[..i])
            }
            None => {
                rest = None;
                Some("")
            }
        }
    })
}

/// The first non-empty set found looking up `key(folder)` from `file`'s folder upwards.
fn lookup<'m, 'f, K: std::hash::Hash + Eq, V>(
    map: &'m HashMap<K, Vec<V>>,
    file: &'f str,
    key: impl Fn(&'f str) -> K,
) -> &'m [V] {
    for dir in folders(file) {
        if let Some(v) = map.get(&key(dir)).filter(|v| !v.is_empty()) {
            return v;
        }
    }
    &[]
}

impl<'a> Routes<'a> {
    /// Indexes the repo (cheap when it has no Ingress: nothing is indexed then).
    pub fn new(repo: &'a Repo, workloads: &[Workload<'a>]) -> Routes<'a> {
        let ingresses: Vec<&Object> = repo.objects.iter().filter(|o| o.kind == "Ingress").collect();
        let mut routes = Routes {
            ingresses,
            services: HashMap::new(),
            configmaps: HashMap::new(),
            workloads: Vec::new(),
            by_folder: HashMap::new(),
        };
        if routes.ingresses.is_empty() {
            return routes;
        }
        for o in &repo.objects {
            let map = match o.kind.as_str() {
                "Service" => &mut routes.services,
                "ConfigMap" => &mut routes.configmaps,
                _ => continue,
            };
            for dir in folders(&o.file) {
                map.entry((dir, o.name.as_str())).or_default().push(o);
            }
        }
        routes.workloads = workloads.to_vec();
        for (i, w) in routes.workloads.iter().enumerate() {
            for dir in folders(&w.obj.file) {
                routes.by_folder.entry(dir).or_default().push(i);
            }
        }
        routes
    }

    /// True when the repo has an Ingress.
    pub fn has_ingress(&self) -> bool {
        !self.ingresses.is_empty()
    }

    /// Every backend of every Ingress, in file order.
    pub fn backends(&self) -> Vec<Backend<'a>> {
        let mut out = Vec::new();
        for ing in &self.ingresses {
            let spec = ing.node.get("spec");
            for key in ["defaultBackend", "backend"] {
                if let Some(b) = spec.and_then(|s| s.get(key)) {
                    out.push(backend(ing, None, None, None, b, spec.and_then(|s| key_line(s, key))));
                }
            }
            for rule in spec.and_then(|s| s.get("rules")).map(Node::items).unwrap_or_default() {
                let host = rule.get("host").and_then(Node::as_str);
                for p in rule.path("http.paths").map(Node::items).unwrap_or_default() {
                    let Some(b) = p.get("backend") else { continue };
                    let path = p.get("path").and_then(Node::as_str);
                    let path_type = p.get("pathType").and_then(Node::as_str);
                    out.push(backend(ing, host, path, path_type, b, p.line()));
                }
            }
        }
        out
    }

    /// The Service a backend names: the nearest copy (own folder first, then each parent) in a
    /// compatible namespace.
    pub fn service(&self, b: &Backend<'a>) -> Option<&'a Object> {
        let name = b.service?;
        lookup(&self.services, &b.ingress.file, |dir| (dir, name)).iter().copied().find(|s| ns_compatible(s, b.ingress))
    }

    /// Follows a backend to its Service, target port and pods.
    pub fn resolve(&self, b: &Backend<'a>) -> Target<'a> {
        let mut t = Target::default();
        let Some(svc) = self.service(b) else { return t };
        t.service = Some(svc);
        let Some(port) = k8s::service_port(&svc.node, b.port) else { return t };
        t.service_port_name = port.get("name").and_then(Node::as_str);
        t.target = k8s::target_port(port);
        t.pods = self.selected(svc);
        for w in &t.pods {
            match t.target {
                Some(PortRef::Number(n)) => t.container_ports.push(n),
                Some(PortRef::Name(name)) => {
                    for c in w.main_containers() {
                        if let Some((n, _)) = c.ports().into_iter().find(|(_, pn)| *pn == Some(name)) {
                            t.container_ports.push(n);
                        }
                    }
                }
                None => {}
            }
        }
        t.container_ports.sort_unstable();
        t.container_ports.dedup();
        t
    }

    /// The workloads a Service's selector matches (nearest copies only).
    fn selected(&self, svc: &'a Object) -> Vec<Workload<'a>> {
        let selector = svc.node.path("spec.selector");
        let matches = |w: &Workload| ns_compatible(w.obj, svc) && service_selects(selector, w.labels().as_slice());
        for dir in folders(&svc.file) {
            let idx = self.by_folder.get(dir).map(Vec::as_slice).unwrap_or_default();
            let found: Vec<Workload<'a>> = idx.iter().map(|&i| self.workloads[i]).filter(|w| matches(w)).collect();
            if !found.is_empty() {
                return found;
            }
        }
        Vec::new()
    }

    /// The ConfigMaps a workload's pod mounts (volumes and projected sources), nearest copies.
    pub fn mounted_configmaps(&self, w: &Workload<'a>) -> Vec<&'a Object> {
        let mut names = Vec::new();
        for v in w.pod.get("volumes").map(Node::items).unwrap_or_default() {
            if let Some(n) = v.path("configMap.name").and_then(Node::as_str) {
                names.push(n);
            }
            for s in v.path("projected.sources").map(Node::items).unwrap_or_default() {
                if let Some(n) = s.path("configMap.name").and_then(Node::as_str) {
                    names.push(n);
                }
            }
        }
        let mut out = Vec::new();
        for n in names {
            let found = lookup(&self.configmaps, &w.obj.file, |dir| (dir, n));
            out.extend(found.iter().copied().filter(|c| ns_compatible(c, w.obj)));
        }
        out
    }
}

fn backend<'a>(
    ing: &'a Object,
    host: Option<&'a str>,
    path: Option<&'a str>,
    path_type: Option<&'a str>,
    b: &'a Node,
    line: Option<u32>,
) -> Backend<'a> {
    let r = k8s::backend_ref(b);
    Backend {
        ingress: ing,
        host,
        path,
        path_type,
        service: r.service,
        port: r.port,
        line: line.or(b.line()),
        port_line: r.port_node.and_then(Node::line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_go_from_the_file_up_to_the_root() {
        assert_eq!(folders("a/b/c.yaml").collect::<Vec<_>>(), vec!["a/b", "a", ""]);
        assert_eq!(folders("c.yaml").collect::<Vec<_>>(), vec![""]);
    }
}
