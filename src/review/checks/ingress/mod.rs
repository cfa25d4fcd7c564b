//! Ingress checks (H1–H3): the public host, TLS, and /metrics kept off the external route.
//! They apply only when the repo has an Ingress.
//!
//! Routes are followed the way Kubernetes does: Ingress backend (`service.name` + `port.number`
//! or `port.name`; `serviceName`/`servicePort` of extensions/v1beta1) -> the Service's port ->
//! its `targetPort` (a number, or a container port name) -> the pods its selector matches.
//! Where several objects share a namespace and name (copies of an app in one folder), the one
//! whose file shares the longest path prefix with the referring file is used.
//!
//! Decisions where the contract leaves room:
//! - H1 compares each rule host with the platform host of the app's slug when vibe.yaml gives
//!   it, else with the host pattern for any slug. A rule without a host (every name) fires too.
//! - H2: an Ingress without `spec.tls` is one finding; with TLS, each rule host no TLS entry
//!   covers is one finding (a TLS entry without `hosts` covers every host; `*.domain` covers
//!   one label).
//! - H3 judges each backend whose path can match /metrics (no path, `/`, `/metrics`, a prefix
//!   of it). It fires when the backend reaches port 8081 of a pod that is not the nginx front;
//!   when it reaches the nginx front, it fires unless a ConfigMap the nginx pod mounts has a
//!   `location` for /metrics that answers `return 404` (403 or `deny all` also keep it out).

use super::image::key_line;
use crate::contract::CheckId;
use crate::contract::PORT_HTTP;
pub(crate) use crate::k8s::PortRef;
use crate::k8s::{self, service_selects, tls_entries_cover};
use crate::repo::{Object, Repo};
mod fix;
use crate::review::registry::{Check, Judged};
use crate::review::workload::{self, Workload};
use crate::review::{Finding, Review};
use crate::yaml::Node;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The checks of this file, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::H1, run: h1, judged: Judged::Static, repo_only: false, fixer: None },
    Check { id: CheckId::H2, run: h2, judged: Judged::Static, repo_only: false, fixer: Some(fix::h2) },
    Check { id: CheckId::H3, run: h3, judged: Judged::Static, repo_only: false, fixer: None },
];

/// The path H3 protects.
const METRICS_PATH: &str = "/metrics";

/// A `location` block of an nginx config for /metrics, and its body.
static METRICS_LOCATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"location\s+(?:=|\^~|~\*?)?\s*["']?\^?/metrics(?:[/$"'\s(][^{]*)?\{([^}]*)\}"#).expect("valid regex")
});
/// A body that refuses the request.
static REFUSES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\breturn\s+40[34]\b|\bdeny\s+all\b").expect("valid regex"));

/// One Ingress backend: the default backend or a rule path's.
#[derive(Debug, Clone)]
pub(crate) struct Backend<'a> {
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
pub(crate) struct Target<'a> {
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
pub(crate) struct Routes<'a> {
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
    pub fn new(repo: &'a Repo) -> Routes<'a> {
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
        routes.workloads = workload::workloads(repo);
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

    /// Follows a backend to its Service, target port and pods.
    pub fn resolve(&self, b: &Backend<'a>) -> Target<'a> {
        let mut t = Target::default();
        let Some(name) = b.service else { return t };
        let svc = lookup(&self.services, &b.ingress.file, |dir| (dir, name))
            .iter()
            .copied()
            .find(|s| ns_compatible(s, b.ingress));
        let Some(svc) = svc else { return t };
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
    fn mounted_configmaps(&self, w: &Workload<'a>) -> Vec<&'a Object> {
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

/// Every Ingress of the repo.
fn ingresses(repo: &Repo) -> impl Iterator<Item = &Object> {
    repo.objects.iter().filter(|o| o.kind == "Ingress")
}

/// True when an nginx config text keeps /metrics out (a `location` for it that refuses).
fn refuses_metrics(conf: &str) -> bool {
    METRICS_LOCATION.captures_iter(conf).any(|c| c.get(1).is_some_and(|body| REFUSES.is_match(body.as_str())))
}

/// True when `host` fits the platform host pattern with some slug.
fn fits_pattern(host: &str, pattern: &str) -> bool {
    match pattern.split_once("{slug}") {
        None => host.eq_ignore_ascii_case(pattern),
        Some((before, after)) => {
            let host = host.to_ascii_lowercase();
            let (before, after) = (before.to_ascii_lowercase(), after.to_ascii_lowercase());
            if host.len() <= before.len() + after.len() || !host.starts_with(&before) || !host.ends_with(&after) {
                return false;
            }
            let slug = &host[before.len()..host.len() - after.len()];
            slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !slug.starts_with('-')
                && !slug.ends_with('-')
        }
    }
}

/// H1: each rule host matches the platform host pattern.
pub fn h1(r: &Review, out: &mut Vec<Finding>) {
    let p = &r.ctx.platform;
    let pattern = p.ingress_host_pattern.replace("{prefix}", &p.prefix);
    let expected = r.ctx.slug.as_deref().map(|s| p.ingress_host(s));
    let wanted = match &expected {
        Some(h) => format!("`{h}`"),
        None => format!("the platform pattern `{}`", pattern.replace("{slug}", "<slug>")),
    };
    for ing in ingresses(r.repo) {
        for rule in ing.node.path("spec.rules").map(Node::items).unwrap_or_default() {
            let host = rule.get("host").and_then(Node::as_str);
            let ok = match (host, &expected) {
                (Some(h), Some(e)) => h.eq_ignore_ascii_case(e),
                (Some(h), None) => fits_pattern(h, &pattern),
                (None, _) => false,
            };
            if ok {
                continue;
            }
            let (message, line) = match host {
                Some(h) => (
                    format!(
                        "The Ingress `{}` answers on `{h}`, which is not {wanted}: it will not resolve or get a valid certificate.",
                        ing.name
                    ),
                    rule.get("host").and_then(Node::line),
                ),
                None => (
                    format!(
                        "A rule of the Ingress `{}` has no host, so it answers on any name instead of {wanted}.",
                        ing.name
                    ),
                    rule.line(),
                ),
            };
            let fix = match &expected {
                Some(e) => format!("Set the rule's `host: {e}` (and list the same host under `spec.tls`)."),
                None => format!("Set the rule's `host` to {wanted}, with the app's slug (`vibe generate` writes it)."),
            };
            out.push(
                Finding::new(CheckId::H1, &ing.file, line.or(ing.line())).object(ing.id()).message(message).fix(fix),
            );
        }
    }
}

/// H2: the Ingress has TLS covering its hosts.
pub fn h2(r: &Review, out: &mut Vec<Finding>) {
    for ing in ingresses(r.repo) {
        let spec = ing.node.get("spec");
        let tls = spec.and_then(|s| s.get("tls")).map(Node::items).unwrap_or_default();
        let hosts: Vec<(&str, Option<u32>)> = spec
            .and_then(|s| s.get("rules"))
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|rule| rule.get("host").and_then(|h| Some((h.as_str()?, h.line()))))
            .collect();
        let slug = r.ctx.slug.clone().unwrap_or_else(|| ing.name.clone());
        let secret = format!("{slug}-tls");
        let host_list = if hosts.is_empty() {
            r.ctx.slug.as_deref().map(|s| r.ctx.platform.ingress_host(s)).unwrap_or_else(|| "<host>".into())
        } else {
            hosts.iter().map(|(h, _)| *h).collect::<Vec<_>>().join(", ")
        };
        if tls.is_empty() {
            out.push(
                Finding::new(CheckId::H2, &ing.file, spec.and_then(|_| key_line(&ing.node, "spec")).or(ing.line()))
                    .object(ing.id())
                    .message(format!(
                        "The Ingress `{}` has no TLS: data travels in clear text and browsers say \"not secure\".",
                        ing.name
                    ))
                    .fix(format!("Add under `spec`: `tls: [{{hosts: [{host_list}], secretName: {secret}}}]`.")),
            );
            continue;
        }
        for (host, line) in hosts {
            let covered = tls_entries_cover(tls, host);
            if covered {
                continue;
            }
            out.push(
                Finding::new(CheckId::H2, &ing.file, line.or(ing.line()))
                    .object(ing.id())
                    .message(format!("The host `{host}` of the Ingress `{}` is not listed under its TLS, so it is served without HTTPS.", ing.name))
                    .fix(format!("List `{host}` under `spec.tls[].hosts` (with `secretName: {secret}`).")),
            );
        }
    }
}

/// H3: /metrics is not reachable through the external route.
pub fn h3(r: &Review, out: &mut Vec<Finding>) {
    let routes = Routes::new(r.repo);
    if !routes.has_ingress() {
        return;
    }
    let http = i64::from(PORT_HTTP);
    for b in routes.backends() {
        if !b.covers_metrics() {
            continue;
        }
        let t = routes.resolve(&b);
        let nginx: Vec<&Workload> = t.pods.iter().filter(|w| w.component == Some("nginx")).collect();
        let problem = if !nginx.is_empty() {
            let unprotected = nginx.iter().find(|w| {
                !routes.mounted_configmaps(w).iter().any(|cm| {
                    cm.node
                        .get("data")
                        .map(Node::entries)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|e| e.value.as_str())
                        .any(refuses_metrics)
                })
            });
            match unprotected {
                None => continue,
                Some(w) => Some((
                    format!(
                        "The Ingress `{}` sends {} to the nginx front {}, whose config has no `location` answering 404 for {METRICS_PATH}, so the app's internal numbers are public.",
                        b.ingress.name,
                        b.describe_path(),
                        w.obj.id()
                    ),
                    {
                        let cms: Vec<String> =
                            routes.mounted_configmaps(w).iter().map(|c| format!("`{}`", c.name)).collect();
                        let place = if cms.is_empty() {
                            format!("the nginx config of {} (mount it from a ConfigMap)", w.obj.id())
                        } else {
                            format!("the nginx config of {} (ConfigMap {})", w.obj.id(), cms.join(", "))
                        };
                        format!(
                            "In {place}, add `location = {METRICS_PATH} {{ return 404; }}` and `location ^~ {METRICS_PATH}/ {{ return 404; }}` before `location /` (the generated nginx front has them)."
                        )
                    },
                )),
            }
        } else {
            let reaches_app = t.container_ports.contains(&http)
                || (t.pods.is_empty() && t.target == Some(PortRef::Number(http)))
                || (t.service.is_none() && b.port == Some(PortRef::Number(http)));
            reaches_app.then(|| {
                (
                    format!(
                        "The Ingress `{}` sends {} straight to port {PORT_HTTP}, which also serves {METRICS_PATH}: anyone outside can read the app's internal numbers.",
                        b.ingress.name,
                        b.describe_path()
                    ),
                    r.ctx
                        .slug
                        .as_deref()
                        .map(|s| format!("Route the Ingress to the nginx front `{s}-nginx`, which answers 404 for {METRICS_PATH}: set `nginx: true` under components in vibe.yaml and run `vibe generate`."))
                        .unwrap_or_else(|| CheckId::H3.info().fix.to_string()),
                )
            })
        };
        if let Some((message, fix)) = problem {
            out.push(
                Finding::new(CheckId::H3, &b.ingress.file, b.line.or(b.ingress.line()))
                    .object(b.ingress.id())
                    .message(message)
                    .fix(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_metrics_locations_are_recognised() {
        assert!(refuses_metrics(
            "server {\n location = /metrics {\n return 404;\n }\n location / { proxy_pass http://app; }\n}"
        ));
        assert!(refuses_metrics("location ^~ /metrics/ { return 404; }"));
        assert!(refuses_metrics("location ~ ^/metrics { deny all; }"));
        assert!(refuses_metrics("location /metrics { return 403; }"));
        assert!(!refuses_metrics("location /metrics { proxy_pass http://app; }"));
        assert!(!refuses_metrics("location / { proxy_pass http://app; }"));
        assert!(!refuses_metrics("location /metricsx { return 404; }"));
    }

    #[test]
    fn folders_go_from_the_file_up_to_the_root() {
        assert_eq!(folders("a/b/c.yaml").collect::<Vec<_>>(), vec!["a/b", "a", ""]);
        assert_eq!(folders("c.yaml").collect::<Vec<_>>(), vec![""]);
    }

    #[test]
    fn hosts_fit_the_pattern() {
        let p = "platform-{slug}.internal.example.com";
        assert!(fits_pattern("platform-shop.internal.example.com", p));
        assert!(fits_pattern("PLATFORM-shop-2.internal.example.com", p));
        assert!(!fits_pattern("platform-.internal.example.com", p));
        assert!(!fits_pattern("shop.internal.example.com", p));
        assert!(!fits_pattern("platform-shop.example.com", p));
        assert!(!fits_pattern("platform-a.b.internal.example.com", p));
    }
}
