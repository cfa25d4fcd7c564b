//! Network checks (C1–C6): the app's NetworkPolicies (`networking.k8s.io/v1`), read the way
//! Kubernetes reads them, matched against the real pod labels of the workloads in the repo.
//!
//! How an allow "X -> Y:port" is judged (C2–C6 fire only where the connection is really refused):
//! - Y's side: when some NetworkPolicy of type Ingress in Y's namespace selects Y's pods (the
//!   default-deny does), one of those policies needs an ingress rule whose `from` admits X and whose
//!   `ports` include the port. When no policy selects Y, nothing is refused: the missing
//!   default-deny is C1's single finding (the article's "typical first review" reports C1 alone).
//!   A peer with only `podSelector` means pods of the policy's own namespace; `namespaceSelector`
//!   (with or without `podSelector`) is judged on the namespace's `kubernetes.io/metadata.name`
//!   label plus the labels of Namespace objects in the repo; a rule without `from` admits everyone. Ports: a number (with `endPort`, a range), the name of one
//!   of Y's container ports, or no ports at all (every port); protocol TCP (the default).
//! - An egress rule never stands in for Y's side: the default-deny-ingress still refuses the
//!   connection at Y. But when X itself is egress-isolated (a policy of type Egress selects it),
//!   X's egress must also allow Y:port, or the connection never leaves X; that is reported too.
//! - `ipBlock` peers are not judged (pod IPs are unknown before deployment) and never count.
//! - Selectors: `matchLabels` and `matchExpressions` (In, NotIn, Exists, DoesNotExist).
//! - The ingress controller is known by its namespace and its one platform label: a peer's
//!   `podSelector` must be satisfied by that label alone. Prometheus' pod labels are not part of
//!   the platform settings, so for C3 any `podSelector` next to the right `namespaceSelector` counts.
//! - Objects without `metadata.namespace` are taken to be in the app's namespace.
//!
//! Workloads are folded into distinct pod "shapes" (namespace, labels, ports) before matching,
//! so a repo with many copies of one app costs one match per shape, not one per workload.

use crate::contract::CheckId;
use crate::contract::{self, NETWORK_POLICIES_FILE, PORT_HTTP};
use crate::k8s::{self, PortRef, selects, service_selects};
use crate::repo::Object;
use crate::review::check::{Check, Judged};
use crate::review::context::ReviewContext;
use crate::review::model::{Labels, labels_of, namespace_of};
use crate::review::workload::Workload;
use crate::review::{Direction, Finding, Remedy, Review, Sender};
use crate::yaml::Node;
use std::collections::{HashMap, HashSet};

mod app_to_stores;
mod default_deny;
mod fix;
mod ingress_controller;
mod prometheus;
use app_to_stores::{c4, c5, c6};
use default_deny::c1;
use ingress_controller::c2;
use prometheus::c3;

/// The checks of this family, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::C1, run: c1, judged: Judged::Static, repo_only: false, fixer: Some(fix::network) },
    Check { id: CheckId::C2, run: c2, judged: Judged::Static, repo_only: false, fixer: Some(fix::network) },
    Check { id: CheckId::C3, run: c3, judged: Judged::Static, repo_only: false, fixer: Some(fix::network) },
    Check { id: CheckId::C4, run: c4, judged: Judged::Static, repo_only: false, fixer: Some(fix::network) },
    Check { id: CheckId::C5, run: c5, judged: Judged::Static, repo_only: false, fixer: Some(fix::network) },
    Check { id: CheckId::C6, run: c6, judged: Judged::Static, repo_only: false, fixer: Some(fix::network) },
];

/// The label every namespace carries with its own name.
const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";
/// Labels generated objects are selected by (naming rules).
const NAME_LABEL: &str = "app.kubernetes.io/name";
const COMPONENT_LABEL: &str = "app.kubernetes.io/component";

/// True when a selector is empty (selects every pod): absent, null, `{}` or only empty lists.
fn is_empty_selector(sel: Option<&Node>) -> bool {
    match sel {
        None => true,
        Some(s) if s.is_null() => true,
        Some(s) => {
            s.is_map()
                && s.get("matchLabels").is_none_or(|m| m.entries().is_empty())
                && s.get("matchExpressions").is_none_or(|m| m.items().is_empty())
        }
    }
}

/// Distinct pods: what selectors and ports are matched against.
#[derive(Debug, Clone)]
struct Shape {
    ns: Option<String>,
    labels: Labels,
    /// Container ports: number and name.
    ports: Vec<(i64, Option<String>)>,
    /// A workload with this shape (`Kind/name`), for findings; `None` for an expected pod the repo lacks.
    object: Option<String>,
    /// Platform component id, or `None` for the app.
    component: Option<&'static str>,
    /// False when the pods' labels are unknown (no workload in the repo, no slug): any selector is accepted.
    known: bool,
}

impl Shape {
    fn from_workload(w: &Workload, ctx: &ReviewContext) -> Shape {
        let ports =
            w.main_containers().iter().flat_map(|c| c.ports()).map(|(n, name)| (n, name.map(str::to_string))).collect();
        Shape {
            ns: namespace_of(w.obj, ctx),
            labels: labels_of(w),
            ports,
            object: Some(w.obj.id()),
            component: w.component,
            known: true,
        }
    }

    /// The pod the naming rules promise for `component` (`None` = the app), when the repo has none.
    fn expected(ctx: &ReviewContext, component: Option<&'static str>, port: i64, port_name: &str) -> Shape {
        let mut labels = Labels::new();
        if let Some(slug) = &ctx.slug {
            labels.insert(NAME_LABEL.into(), slug.clone());
            labels.insert(COMPONENT_LABEL.into(), component.unwrap_or("app").into());
        }
        let known = !labels.is_empty();
        Shape {
            ns: ctx.namespace.clone(),
            labels,
            ports: vec![(port, Some(port_name.into()))],
            object: None,
            component,
            known,
        }
    }

    fn key(&self) -> String {
        format!("{:?}|{:?}|{:?}", self.ns, self.labels, self.ports)
    }

    /// How findings name these pods.
    fn describe(&self) -> String {
        let what = match self.component {
            None => "the app".to_string(),
            Some("nginx") => "the nginx front".to_string(),
            Some(c) => c.to_string(),
        };
        match &self.object {
            Some(o) => format!("{what} ({o})"),
            None => what,
        }
    }

    /// True when a policy's `podSelector` selects these pods (always, when their labels are unknown).
    fn selected_by(&self, selector: Option<&Node>) -> bool {
        !self.known || selects(selector, &self.labels)
    }

    /// These pods as a connection's source or destination.
    fn as_source(&self) -> Source<'_> {
        Source { ns: self.ns.clone(), labels: self.known.then_some(&self.labels) }
    }

    /// The `matchLabels` to write for these pods: name + component when present, else all labels.
    fn selector_text(&self) -> String {
        if !self.known {
            return format!("{{{NAME_LABEL}: <app slug>, {COMPONENT_LABEL}: {}}}", self.component.unwrap_or("app"));
        }
        let preferred: Vec<_> =
            self.labels.iter().filter(|(k, _)| k.as_str() == NAME_LABEL || k.as_str() == COMPONENT_LABEL).collect();
        let chosen: Vec<_> = if preferred.is_empty() { self.labels.iter().collect() } else { preferred };
        let inner: Vec<String> = chosen.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        format!("{{{}}}", inner.join(", "))
    }
}

/// Folds workloads into distinct shapes, keeping the first workload of each as the example.
fn shapes<'a>(ws: impl Iterator<Item = &'a Workload<'a>>, ctx: &ReviewContext) -> Vec<Shape> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for w in ws {
        let s = Shape::from_workload(w, ctx);
        if seen.insert(s.key()) {
            out.push(s);
        }
    }
    out
}

/// Who a connection comes from, when judging a policy's `from` peers.
struct Source<'s> {
    ns: Option<String>,
    /// Pod labels; `None` when they are not known (any podSelector is accepted).
    labels: Option<&'s Labels>,
}

/// One NetworkPolicy, pre-read.
struct Policy<'a> {
    ns: Option<String>,
    selector: Option<&'a Node>,
    ingress_type: bool,
    egress_type: bool,
    ingress: &'a [Node],
    egress: &'a [Node],
}

impl<'a> Policy<'a> {
    fn read(obj: &'a Object, ctx: &ReviewContext) -> Option<Policy<'a>> {
        if obj.kind != "NetworkPolicy" {
            return None;
        }
        let api = obj.node.get("apiVersion").and_then(Node::as_str).unwrap_or("");
        if !api.starts_with("networking.k8s.io/") {
            return None;
        }
        let spec = obj.node.get("spec").unwrap_or(Node::none());
        let ingress = spec.get("ingress").map(Node::items).unwrap_or_default();
        let egress = spec.get("egress").map(Node::items).unwrap_or_default();
        let (ingress_type, egress_type) = match spec.get("policyTypes").filter(|t| !t.is_null()) {
            Some(types) => {
                let t: Vec<&str> = types.items().iter().filter_map(Node::as_str).collect();
                (t.contains(&"Ingress"), t.contains(&"Egress"))
            }
            // Kubernetes' defaults: Ingress always, Egress when the policy has egress rules.
            None => (true, spec.get("egress").is_some()),
        };
        Some(Policy {
            ns: namespace_of(obj, ctx),
            selector: spec.get("podSelector"),
            ingress_type,
            egress_type,
            ingress,
            egress,
        })
    }
}

/// What is missing for a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Missing {
    /// The receiving pods are ingress-isolated and no policy on them admits it.
    Ingress,
    /// The sending pods are egress-isolated and nothing lets them send it.
    Egress,
}

/// The repo's policies, by namespace.
struct Net<'a> {
    policies: HashMap<Option<String>, Vec<Policy<'a>>>,
    namespace_labels: HashMap<String, Labels>,
}

impl<'a> Net<'a> {
    fn new(r: &'a Review) -> Net<'a> {
        let mut policies: HashMap<Option<String>, Vec<Policy>> = HashMap::new();
        let mut namespace_labels: HashMap<String, Labels> = HashMap::new();
        for obj in &r.repo.objects {
            if let Some(p) = Policy::read(obj, r.ctx) {
                policies.entry(p.ns.clone()).or_default().push(p);
            } else if obj.kind == "Namespace" && !obj.name.is_empty() {
                let labels = namespace_labels.entry(obj.name.clone()).or_default();
                for e in obj.node.path("metadata.labels").map(Node::entries).unwrap_or_default() {
                    if let Some(v) = e.value.as_str() {
                        labels.insert(e.key.clone(), v.to_string());
                    }
                }
            }
        }
        Net { policies, namespace_labels }
    }

    fn in_namespace(&self, ns: &Option<String>) -> &[Policy<'a>] {
        self.policies.get(ns).map(Vec::as_slice).unwrap_or_default()
    }

    fn labels_of_namespace(&self, ns: &Option<String>) -> Labels {
        let Some(name) = ns else { return Labels::new() };
        let mut labels = self.namespace_labels.get(name).cloned().unwrap_or_default();
        labels.insert(NAMESPACE_NAME_LABEL.into(), name.clone());
        labels
    }

    /// True when one `from`/`to` peer of a policy in `policy_ns` covers `who`.
    fn peer_covers(&self, peer: &Node, policy_ns: &Option<String>, who: &Source) -> bool {
        if peer.get("ipBlock").is_some() {
            return false;
        }
        let ns_sel = peer.get("namespaceSelector");
        let pod_sel = peer.get("podSelector");
        if ns_sel.is_none() && pod_sel.is_none() {
            return false;
        }
        let ns_ok = match ns_sel {
            Some(sel) => selects(Some(sel), &self.labels_of_namespace(&who.ns)),
            None => who.ns == *policy_ns,
        };
        let pod_ok = match (pod_sel, who.labels) {
            (None, _) | (Some(_), None) => true,
            (Some(sel), Some(labels)) => selects(Some(sel), labels),
        };
        ns_ok && pod_ok
    }

    /// True when a rule's `from` (or `to`) list covers `who` (no list: everyone).
    fn peers_cover(&self, rule: &Node, key: &str, policy_ns: &Option<String>, who: &Source) -> bool {
        match rule.get(key) {
            None => true,
            Some(list) if list.is_null() || list.items().is_empty() => true,
            Some(list) => list.items().iter().any(|p| self.peer_covers(p, policy_ns, who)),
        }
    }

    /// Does `to` accept `from` on `port`? True when no Ingress policy selects `to` (nothing is
    /// denied: that is C1's finding, reported once), else when one of those policies admits it.
    fn ingress_allows(&self, from: &Source, to: &Shape, port: i64) -> bool {
        let mut isolated = false;
        for p in self.in_namespace(&to.ns).iter().filter(|p| p.ingress_type && to.selected_by(p.selector)) {
            isolated = true;
            if p.ingress
                .iter()
                .any(|rule| ports_cover(rule, port, &to.ports) && self.peers_cover(rule, "from", &p.ns, from))
            {
                return true;
            }
        }
        !isolated
    }

    /// Egress policies selecting `from`'s pods.
    fn egress_policies(&self, from: &Shape) -> impl Iterator<Item = &Policy<'a>> {
        // Pods of unknown labels count as isolated only by a policy selecting every pod.
        self.in_namespace(&from.ns).iter().filter(move |p| {
            p.egress_type && if from.known { selects(p.selector, &from.labels) } else { is_empty_selector(p.selector) }
        })
    }

    /// Does `from`'s egress reach `to` on `port` (true when `from` is not egress-isolated)?
    fn egress_allows(&self, from: &Shape, to: &Shape, port: i64) -> bool {
        let target = to.as_source();
        let mut isolated = false;
        for p in self.egress_policies(from) {
            isolated = true;
            if p.egress
                .iter()
                .any(|rule| ports_cover(rule, port, &to.ports) && self.peers_cover(rule, "to", &p.ns, &target))
            {
                return true;
            }
        }
        !isolated
    }

    /// What is missing for pods `from` (in the repo) to reach `to` on `port`.
    fn pod_to_pod(&self, from: &Shape, to: &Shape, port: i64) -> Option<Missing> {
        if !self.ingress_allows(&from.as_source(), to, port) {
            return Some(Missing::Ingress);
        }
        if !self.egress_allows(from, to, port) {
            return Some(Missing::Egress);
        }
        None
    }
}

/// True when a rule's ports include `port` (TCP) on pods with `pod_ports` (no ports: all).
fn ports_cover(rule: &Node, port: i64, pod_ports: &[(i64, Option<String>)]) -> bool {
    let list = match rule.get("ports") {
        None => return true,
        Some(l) if l.is_null() || l.items().is_empty() => return true,
        Some(l) => l.items(),
    };
    list.iter().any(|p| {
        let protocol = p.get("protocol").and_then(Node::as_str).unwrap_or("TCP");
        if protocol != "TCP" {
            return false;
        }
        let Some(want) = p.get("port").filter(|n| !n.is_null()) else { return true };
        match want.as_i64() {
            Some(n) => match p.get("endPort").and_then(Node::as_i64) {
                Some(end) => (n..=end).contains(&port),
                None => n == port,
            },
            None => {
                let name = want.as_str().unwrap_or("");
                pod_ports.iter().any(|(num, pname)| *num == port && pname.as_deref() == Some(name))
            }
        }
    })
}

/// The workloads of the repo, by role.
struct Roles<'a> {
    apps: Vec<Workload<'a>>,
    by_component: HashMap<&'static str, Vec<Workload<'a>>>,
}

impl<'a> Roles<'a> {
    fn new(r: &'a Review) -> Roles<'a> {
        let mut apps = Vec::new();
        let mut by_component: HashMap<&'static str, Vec<Workload>> = HashMap::new();
        for &w in &r.model.workloads {
            match w.component {
                None if w.long_running() => apps.push(w),
                None => {}
                Some(c) => by_component.entry(c).or_default().push(w),
            }
        }
        Roles { apps, by_component }
    }

    /// App pods (or the pod the naming rules promise, when the repo has no app workload).
    fn app_shapes(&self, ctx: &ReviewContext) -> Vec<Shape> {
        if self.apps.is_empty() {
            return vec![Shape::expected(ctx, None, i64::from(PORT_HTTP), "http")];
        }
        shapes(self.apps.iter(), ctx)
    }

    /// A component's pods (or the promised one when the repo has none).
    fn component_shapes(&self, ctx: &ReviewContext, id: &'static str) -> Vec<Shape> {
        match self.by_component.get(id) {
            Some(ws) if !ws.is_empty() => shapes(ws.iter(), ctx),
            _ => {
                let port = contract::component(id).and_then(|c| c.port).map(i64::from).unwrap_or(0);
                vec![Shape::expected(ctx, Some(id), port, id)]
            }
        }
    }
}

/// Pairs each of `one` with the `other` pods of its namespace (or with all of them, when none is
/// there: a store kept in another namespace), so many apps in one repo stay linear.
fn pairs<'s>(one: &'s [Shape], other: &'s [Shape]) -> Vec<(&'s Shape, &'s Shape)> {
    let mut by_ns: HashMap<&Option<String>, Vec<&Shape>> = HashMap::new();
    for s in other {
        by_ns.entry(&s.ns).or_default().push(s);
    }
    let mut out = Vec::new();
    for d in one {
        match by_ns.get(&d.ns) {
            Some(same) => out.extend(same.iter().map(|s| (d, *s))),
            None => out.extend(other.iter().map(|s| (d, s))),
        }
    }
    out
}

/// C4–C6: the app may reach an enabled store on its port.
fn app_to_store(r: &Review, out: &mut Vec<Finding>, id: CheckId, store: &'static str) {
    let Some(port) = contract::component(store).and_then(|c| c.port).map(i64::from) else { return };
    let net = Net::new(r);
    let roles = Roles::new(r);
    let apps = roles.app_shapes(r.ctx);
    let stores = roles.component_shapes(r.ctx, store);
    for (to, from) in pairs(&stores, &apps) {
        if let Some(missing) = net.pod_to_pod(from, to, port) {
            out.push(pod_to_pod_finding(id, from, to, port, missing));
        }
    }
}

/// A finding about a missing policy: it belongs in the network-policies file.
fn missing_finding(id: CheckId, to: &Shape) -> Finding {
    let f = Finding::new(id, NETWORK_POLICIES_FILE, None);
    match &to.object {
        Some(o) => f.object(o.clone()),
        None => f,
    }
}

fn pod_to_pod_finding(id: CheckId, from: &Shape, to: &Shape, port: i64, missing: Missing) -> Finding {
    let direction = match missing {
        Missing::Ingress => Direction::Ingress,
        Missing::Egress => Direction::Egress,
    };
    let f = missing_finding(id, to).remedy(Remedy::AllowTraffic { from: Sender::Pods, port, direction });
    match missing {
        Missing::Ingress => f
            .message(format!(
                "Nothing lets {} reach {} on port {port}: behind default-deny the connection is refused.",
                from.describe(),
                to.describe()
            ))
            .fix(format!(
                "Add a NetworkPolicy to {NETWORK_POLICIES_FILE} with `podSelector: {{matchLabels: {}}}` and an ingress \
                 rule from `podSelector: {{matchLabels: {}}}` on TCP port {port}.",
                to.selector_text(),
                from.selector_text()
            )),
        Missing::Egress => f
            .message(format!(
                "{} may only send the traffic its egress rules allow, and none lets it reach {} on port {port}.",
                capitalise(&from.describe()),
                to.describe()
            ))
            .fix(format!(
                "Add an egress rule to the policy that restricts {} (in {NETWORK_POLICIES_FILE}): `to: [{{podSelector: \
                 {{matchLabels: {}}}}}]` on TCP port {port}.",
                from.describe(),
                to.selector_text()
            )),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_one;

    #[test]
    fn empty_selectors_select_every_pod() {
        let empty = parse_one("{}").unwrap().unwrap();
        let lists = parse_one("{matchLabels: {}, matchExpressions: []}").unwrap().unwrap();
        let some = parse_one("matchLabels: {app: db}").unwrap().unwrap();
        assert!(is_empty_selector(Some(&empty)) && is_empty_selector(Some(&lists)) && is_empty_selector(None));
        assert!(!is_empty_selector(Some(&some)));
    }

    #[test]
    fn ports_match_numbers_ranges_and_names() {
        let pod = vec![(5432, Some("pg".to_string()))];
        let rule = parse_one("ports: [{port: 5432}]").unwrap().unwrap();
        assert!(ports_cover(&rule, 5432, &pod));
        let rule = parse_one("ports: [{port: pg}]").unwrap().unwrap();
        assert!(ports_cover(&rule, 5432, &pod));
        let rule = parse_one("ports: [{port: 5000, endPort: 6000}]").unwrap().unwrap();
        assert!(ports_cover(&rule, 5432, &pod));
        let rule = parse_one("ports: [{port: 5432, protocol: UDP}]").unwrap().unwrap();
        assert!(!ports_cover(&rule, 5432, &pod));
        let rule = parse_one("from: []").unwrap().unwrap();
        assert!(ports_cover(&rule, 1, &pod));
    }

    /// C2 findings of a repo made of `files` (no vibe.yaml: the checks infer the app).
    fn c2_messages(files: &[(&str, &str)]) -> Vec<String> {
        let repo = crate::repo::Repo::from_files(std::path::Path::new("/r"), files);
        let ctx = ReviewContext::default();
        let model = crate::review::model::Model::new(&repo);
        let mut out = Vec::new();
        c2(&Review { repo: &repo, ctx: &ctx, model: &model }, &mut out);
        out.into_iter().map(|f| f.message).collect()
    }

    #[test]
    fn an_ingress_reaches_the_service_of_its_own_folder_not_a_same_named_copy() {
        let app = |name: &str, port: u16| {
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers:\n      - name: app\n        image: x/{name}:1\n        ports: [{{containerPort: {port}}}]\n"
            )
        };
        let service = |name: &str, port: u16| {
            format!(
                "apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec:\n  selector: {{app: {name}}}\n  ports: [{{port: 80, targetPort: {port}}}]\n"
            )
        };
        let ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  defaultBackend: {service: {name: web, port: {number: 80}}}\n";
        let deny = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny-ingress}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n";
        let (a_app, a_svc, b_app, b_svc) =
            (app("shop", 8081), service("shop", 8081), app("blog", 9999), service("blog", 9999));
        let found = c2_messages(&[
            ("a/app.yaml", &a_app),
            ("a/svc.yaml", &a_svc),
            ("a/ingress.yaml", ingress),
            ("a/deny.yaml", deny),
            ("b/app.yaml", &b_app),
            ("b/svc.yaml", &b_svc),
        ]);
        assert!(found.iter().any(|m| m.contains("Deployment/shop") && m.contains("port 8081")), "{found:?}");
        // The Service `web` in b/ is another copy: this Ingress does not route to its pods.
        assert!(!found.iter().any(|m| m.contains("Deployment/blog")), "{found:?}");
    }
}
