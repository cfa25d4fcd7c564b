//! The fixers of C1–C6 (NetworkPolicies), declared with their checks in this family's `CHECKS`.

use super::{COMPONENT_LABEL, NAME_LABEL, NAMESPACE_NAME_LABEL};
use crate::contract::{self, CheckId, PORT_HTTP};
use crate::edit::Files;
use crate::edit::yaml_edit::{self as edit, Y};
use crate::k8s::selects;
use crate::repo::Object;
use crate::review::fixers::{Fixed, Fx, workload_of};
use crate::review::workload::{self, Workload};
use crate::review::{Direction, Finding, Remedy, Sender};
use crate::yaml::{self, Node};

/// The labels to select a workload's pods by: name + component when present, else all of them.
fn selector_labels(w: &Workload) -> Vec<(String, String)> {
    let labels = w.labels();
    let preferred: Vec<(String, String)> = labels
        .iter()
        .filter(|(k, _)| *k == NAME_LABEL || *k == COMPONENT_LABEL)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if preferred.len() == 2 { preferred } else { labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
}

/// The pods the naming rules promise for a component (`None` = the app), when the slug is known.
fn expected_labels(fx: &Fx, component: Option<&str>) -> Option<Vec<(String, String)>> {
    let slug = fx.ctx.slug.as_ref()?;
    Some(vec![(NAME_LABEL.into(), slug.clone()), (COMPONENT_LABEL.into(), component.unwrap_or("app").into())])
}

fn match_labels(labels: &[(String, String)]) -> Y {
    Y::map([("matchLabels", Y::Map(labels.iter().map(|(k, v)| (k.clone(), Y::str(v))).collect()))])
}

fn tcp_port(port: i64) -> Y {
    Y::seq([Y::map([("protocol", Y::str("TCP")), ("port", Y::int(port))])])
}

/// Labels of one set of pods, as `(key, value)` pairs in selector order.
type PodLabels = Vec<(String, String)>;

/// C1–C6: add the missing NetworkPolicy to the network-policies file.
pub(super) fn network(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let ask = Ask::new(fx, f)?;
    let parts = match f.id {
        CheckId::C1 => Some(default_deny()),
        CheckId::C3 => Some(observability_to_app(&ask)?),
        CheckId::C2 if ask.sender == Some(Sender::IngressController) => Some(controller_to_front(&ask)?),
        CheckId::C2 => nginx_to_app(&ask, files)?,
        _ => app_to_store(&ask, files)?,
    };
    // None: the finding was about the sender's egress, and the egress policy is added.
    let Some((name, why, selected, kind, peers, port)) = parts else { return Ok(()) };
    let spec = ingress_spec(&selected, kind, peers, port);
    add_policy(fx, files, ask.ns.as_deref(), &name, &why, f.id, spec)
}

/// What the network fixer knows of the finding it fixes: the pods it names, their namespace,
/// and the check's remedy (who may not reach them, on which port, refused by which side).
struct Ask<'f, 'a> {
    fx: &'f Fx<'a>,
    id: CheckId,
    target: Option<Workload<'a>>,
    ns: Option<String>,
    sender: Option<Sender>,
    found_port: Option<i64>,
    egress: bool,
}

impl<'f, 'a> Ask<'f, 'a> {
    fn new(fx: &'f Fx<'a>, f: &Finding) -> Result<Ask<'f, 'a>, String> {
        let target = match &f.object {
            Some(_) => Some(workload_of(fx, f)?),
            None => None,
        };
        let ns = target.as_ref().and_then(|w| w.obj.namespace.clone()).or_else(|| fx.ctx.namespace.clone());
        let (sender, found_port, egress) = match f.remedy {
            Some(Remedy::AllowTraffic { from, port, direction }) => {
                (Some(from), Some(port), direction == Direction::Egress)
            }
            _ => (None, None, false),
        };
        Ok(Ask { fx, id: f.id, target, ns, sender, found_port, egress })
    }

    /// The component of the pods the finding names (`None`: the app, or no object named).
    fn component(&self) -> Option<&'static str> {
        self.target.as_ref().and_then(|w| w.component)
    }

    /// The labels to select the receiving pods by.
    fn labels_of_target(&self, component: Option<&str>) -> Result<PodLabels, String> {
        let labels = match &self.target {
            Some(w) => selector_labels(w),
            None => expected_labels(self.fx, component).unwrap_or_default(),
        };
        if labels.is_empty() { Err("the pods have no labels to select them by".into()) } else { Ok(labels) }
    }

    /// The labels of the app's long-running pods in the namespace (or the promised ones).
    fn app_peers(&self) -> Result<Vec<PodLabels>, String> {
        let ctx = self.fx.ctx;
        let mut peers: Vec<PodLabels> = workload::workloads(self.fx.repo)
            .iter()
            .filter(|w| {
                w.is_app() && w.long_running() && w.obj.namespace.clone().or_else(|| ctx.namespace.clone()) == self.ns
            })
            .map(selector_labels)
            .filter(|l| !l.is_empty())
            .collect();
        peers.dedup();
        if peers.is_empty() {
            peers.extend(expected_labels(self.fx, None));
        }
        if peers.is_empty() { Err("the app's pods have no labels to select them by".into()) } else { Ok(peers) }
    }

    /// Opens the senders' egress to the receivers where it is restricted. True when that was
    /// the whole finding (it was about the senders' egress), so no ingress policy is needed.
    fn open_egress(
        &self,
        files: &mut Files,
        from: &[PodLabels],
        to: &PodLabels,
        port: i64,
        names: (&str, &str),
    ) -> Result<bool, String> {
        let ns = self.ns.as_deref();
        if self.egress {
            add_egress(self.fx, files, self.id, ns, from, to, port, names.0, names.1)?;
            return Ok(true);
        }
        // The check asks for the other side next: open it now when the senders are egress-restricted.
        if from.iter().any(|l| egress_isolated(self.fx, ns, l)) {
            add_egress(self.fx, files, self.id, ns, from, to, port, names.0, names.1)?;
        }
        Ok(false)
    }
}

/// C1: every inbound connection refused unless a policy allows it.
fn default_deny() -> PolicyParts {
    (
        "default-deny-ingress".into(),
        "every inbound connection is refused unless a policy below allows it".into(),
        Vec::new(),
        "Ingress",
        Vec::new(),
        None,
    )
}

/// C3: Prometheus, from the observability namespace, reaches the app's http port.
fn observability_to_app(ask: &Ask) -> Result<PolicyParts, String> {
    let obs = &ask.fx.ctx.platform.observability_namespace;
    let peer =
        Y::map([("namespaceSelector", Y::map([("matchLabels", Y::map([(NAMESPACE_NAME_LABEL, Y::str(obs))]))]))]);
    Ok((
        "allow-observability-to-app".into(),
        format!("Prometheus (namespace {obs}) scrapes the app's /metrics"),
        ask.labels_of_target(None)?,
        "Ingress",
        vec![peer],
        Some(i64::from(PORT_HTTP)),
    ))
}

/// C2: the ingress controller reaches the routed pods (the nginx front, else the app).
fn controller_to_front(ask: &Ask) -> Result<PolicyParts, String> {
    let p = &ask.fx.ctx.platform;
    let component = ask.component();
    let to = if component == Some("nginx") { "nginx" } else { "app" };
    let default_port = if to == "nginx" {
        contract::component("nginx").and_then(|c| c.port).map(i64::from)
    } else {
        Some(i64::from(PORT_HTTP))
    };
    let peer = Y::map([
        (
            "namespaceSelector",
            Y::map([("matchLabels", Y::map([(NAMESPACE_NAME_LABEL, Y::str(&p.ingress_controller_namespace))]))]),
        ),
        (
            "podSelector",
            Y::map([(
                "matchLabels",
                Y::map([(p.ingress_controller_label_key.as_str(), Y::str(&p.ingress_controller_label_value))]),
            )]),
        ),
    ]);
    Ok((
        format!("allow-ingress-controller-to-{to}"),
        format!(
            "the ingress controller reaches the {} (the public URL)",
            if to == "nginx" { "nginx front" } else { "app" }
        ),
        ask.labels_of_target(component)?,
        "Ingress",
        vec![peer],
        ask.found_port.or(default_port),
    ))
}

/// C2: the nginx front reaches the app on the http port (`None`: only its egress was missing).
fn nginx_to_app(ask: &Ask, files: &mut Files) -> Result<Option<PolicyParts>, String> {
    let nginx: Vec<PodLabels> = workload::workloads(ask.fx.repo)
        .iter()
        .filter(|w| w.component == Some("nginx"))
        .map(selector_labels)
        .filter(|l| !l.is_empty())
        .collect();
    let nginx = if nginx.is_empty() { expected_labels(ask.fx, Some("nginx")).into_iter().collect() } else { nginx };
    if nginx.is_empty() {
        return Err("the nginx pods have no labels to select them by".into());
    }
    let to = ask.labels_of_target(None)?;
    let http = i64::from(PORT_HTTP);
    if ask.open_egress(files, &nginx, &to, http, ("nginx", "app"))? {
        return Ok(None);
    }
    let peers = nginx.iter().map(|l| Y::map([("podSelector", match_labels(l))])).collect();
    Ok(Some((
        "allow-nginx-to-app".into(),
        "the nginx front forwards traffic to the app".into(),
        to,
        "Ingress",
        peers,
        Some(http),
    )))
}

/// C4–C6: the app reaches a store on its port (`None`: only the app's egress was missing).
fn app_to_store(ask: &Ask, files: &mut Files) -> Result<Option<PolicyParts>, String> {
    let store = match ask.id {
        CheckId::C5 => "redis",
        CheckId::C6 => "rabbitmq",
        _ => ask.component().or(ask.fx.ctx.stores.database()).ok_or("no database is known")?,
    };
    let port = contract::component(store).and_then(|c| c.port).map(i64::from).ok_or("the store has no port")?;
    let to = ask.labels_of_target(Some(store))?;
    let from = ask.app_peers()?;
    if ask.open_egress(files, &from, &to, port, ("app", store))? {
        return Ok(None);
    }
    let peers = from.iter().map(|l| Y::map([("podSelector", match_labels(l))])).collect();
    Ok(Some((format!("allow-app-to-{store}"), format!("the app reaches {store}"), to, "Ingress", peers, Some(port))))
}

/// The spec of a policy selecting `selected` (all pods when empty) with one rule from `peers`.
fn ingress_spec(selected: &PodLabels, kind: &str, peers: Vec<Y>, port: Option<i64>) -> Y {
    let mut spec = vec![
        ("podSelector", if selected.is_empty() { Y::map([]) } else { match_labels(selected) }),
        ("policyTypes", Y::seq([Y::str(kind)])),
    ];
    if !peers.is_empty() || port.is_some() {
        let mut rule = vec![("from", Y::Seq(peers))];
        if let Some(p) = port {
            rule.push(("ports", tcp_port(p)));
        }
        spec.push(("ingress", Y::seq([Y::map(rule)])));
    }
    Y::map(spec)
}

/// True when a policy of type Egress selects these pods (they may only send what egress rules allow).
fn egress_isolated(fx: &Fx, ns: Option<&str>, labels: &[(String, String)]) -> bool {
    fx.repo.objects.iter().filter(|o| o.kind == "NetworkPolicy").any(|o| {
        let in_ns = o.namespace.clone().or_else(|| fx.ctx.namespace.clone()).as_deref() == ns;
        let spec = o.node.get("spec").unwrap_or(Node::none());
        let egress_type = match spec.get("policyTypes").filter(|t| !t.is_null()) {
            Some(t) => t.items().iter().any(|x| x.as_str() == Some("Egress")),
            None => spec.get("egress").is_some(),
        };
        in_ns && egress_type && selects(spec.get("podSelector"), labels)
    })
}

/// A policy to add: name, why (a comment), the selected pods' labels, type, rule peers, port.
type PolicyParts = (String, String, Vec<(String, String)>, &'static str, Vec<Y>, Option<i64>);

/// An egress rule for pods that are egress-isolated: a new Egress policy (policies add up).
#[allow(clippy::too_many_arguments)]
fn add_egress(
    fx: &Fx,
    files: &mut Files,
    id: CheckId,
    ns: Option<&str>,
    from: &[Vec<(String, String)>],
    to: &[(String, String)],
    port: i64,
    from_name: &str,
    to_name: &str,
) -> Fixed {
    for labels in from {
        let spec = Y::map([
            ("podSelector", match_labels(labels)),
            ("policyTypes", Y::seq([Y::str("Egress")])),
            (
                "egress",
                Y::seq([Y::map([
                    ("to", Y::seq([Y::map([("podSelector", match_labels(to))])])),
                    ("ports", tcp_port(port)),
                ])]),
            ),
        ]);
        let why = format!("the {from_name} may send to {to_name} (it is egress-restricted)");
        add_policy(fx, files, ns, &format!("allow-{from_name}-egress-to-{to_name}"), &why, id, spec)?;
    }
    Ok(())
}

/// The file NetworkPolicies go in: the one already holding them (the contract's file first).
fn policies_file(fx: &Fx, ns: Option<&str>) -> String {
    let policies: Vec<&Object> = fx.repo.objects.iter().filter(|o| o.kind == "NetworkPolicy").collect();
    if policies.iter().any(|o| o.file == contract::NETWORK_POLICIES_FILE) {
        return contract::NETWORK_POLICIES_FILE.into();
    }
    policies
        .iter()
        .find(|o| o.namespace.as_deref() == ns)
        .or(policies.first())
        .map(|o| o.file.clone())
        .unwrap_or_else(|| contract::NETWORK_POLICIES_FILE.into())
}

/// Appends a NetworkPolicy document (a unique name; a comment saying why) to the policies file.
fn add_policy(fx: &Fx, files: &mut Files, ns: Option<&str>, name: &str, why: &str, id: CheckId, spec: Y) -> Fixed {
    let file = policies_file(fx, ns);
    let text = files.text_or_empty(&file);
    let taken: Vec<String> = yaml::parse_documents(&text)
        .unwrap_or_default()
        .iter()
        .filter(|d| d.root.get("kind").and_then(Node::as_str) == Some("NetworkPolicy"))
        .filter_map(|d| d.root.path("metadata.name").and_then(Node::as_str).map(str::to_string))
        .chain(fx.repo.objects.iter().filter(|o| o.kind == "NetworkPolicy").map(|o| o.name.clone()))
        .collect();
    // The same policy already added for another finding of this run: nothing more to do.
    let wanted_spec = spec.to_json();
    let existing_same = yaml::parse_documents(&text).unwrap_or_default().iter().any(|d| {
        d.root.get("kind").and_then(Node::as_str) == Some("NetworkPolicy")
            && d.root.path("metadata.namespace").and_then(Node::as_str) == ns
            && d.root.get("spec").map(Node::to_json) == Some(wanted_spec.clone())
    });
    if existing_same {
        return Ok(());
    }
    let unique = (1..)
        .map(|i| if i == 1 { name.to_string() } else { format!("{name}-{i}") })
        .find(|n| !taken.contains(n))
        .unwrap_or_default();
    let mut meta = vec![("name", Y::str(&unique))];
    if let Some(ns) = ns {
        meta.push(("namespace", Y::str(ns)));
    }
    let doc = Y::map([
        ("apiVersion", Y::str("networking.k8s.io/v1")),
        ("kind", Y::str("NetworkPolicy")),
        ("metadata", Y::map(meta)),
        ("spec", spec),
    ]);
    let body = format!(
        "# Added by `vibe review --fix` ({id}): {why}.\n{}",
        edit::render_document(&doc, edit::seq_indented(&text))
    );
    let out = edit::append_document(&text, &body).map_err(|e| format!("{file}: {e}"))?;
    files.put(&file, out);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract;
    use crate::contract::CheckId;
    use crate::review::fixers::testing::{POD, fix};

    #[test]
    fn a_default_deny_without_a_known_namespace_and_pods_without_labels() {
        let out = fix(&[("pod.yaml", POD)], Finding::new(CheckId::C1, contract::NETWORK_POLICIES_FILE, None)).unwrap();
        let policy = &out[contract::NETWORK_POLICIES_FILE];
        assert!(policy.contains("name: default-deny-ingress\nspec:\n  podSelector: {}\n"), "{policy}");
        let err = fix(
            &[("pod.yaml", POD)],
            Finding::new(CheckId::C3, contract::NETWORK_POLICIES_FILE, None).object("Pod/tool"),
        )
        .unwrap_err();
        assert!(err.contains("no labels"), "{err}");
    }

    #[test]
    fn the_ingress_controller_policy_takes_the_port_and_sender_from_the_remedy() {
        let app = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {app: web}}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: web\n          image: x/web:1\n";
        let remedy =
            Remedy::AllowTraffic { from: Sender::IngressController, port: 9000, direction: Direction::Ingress };
        let found = Finding::new(CheckId::C2, contract::NETWORK_POLICIES_FILE, None)
            .object("Deployment/web")
            .message("Reworded.")
            .remedy(remedy);
        let out = fix(&[("app.yaml", app)], found).unwrap();
        let policy = &out[contract::NETWORK_POLICIES_FILE];
        assert!(policy.contains("name: allow-ingress-controller-to-app"), "{policy}");
        assert!(policy.contains("port: 9000"), "{policy}");
    }
}
