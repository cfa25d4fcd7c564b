//! C2: the ingress controller may reach the routed pods (and nginx the app on 8081).

use super::*;

/// Every Service an Ingress routes to, with the namespace the route is in and the port it
/// names, once each. Services are found as the review model resolves routes (nearest folder).
fn routed_services<'a>(r: &Review<'a>) -> Vec<(Option<String>, &'a Object, Option<PortRef<'a>>)> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for b in r.model.routes.backends() {
        let Some(svc) = r.model.routes.service(&b) else { continue };
        let ns = namespace_of(b.ingress, r.ctx);
        if seen.insert((ns.clone(), std::ptr::from_ref(svc), b.port)) {
            out.push((ns, svc, b.port));
        }
    }
    out
}

/// The pods and container port a Service port sends traffic to.
fn service_targets(
    service: &Object,
    port: Option<PortRef>,
    candidates: &[(Shape, bool)],
    in_ns: &[usize],
) -> Vec<(usize, i64)> {
    let selector = service.node.path("spec.selector");
    // A port the Service does not declare is taken as the pods' own port: C2 then still asks
    // for the policy the route needs.
    let target = match k8s::service_port(&service.node, port) {
        Some(e) => k8s::target_port(e),
        None => port,
    };
    let mut out = Vec::new();
    for &i in in_ns {
        let shape = &candidates[i].0;
        if !service_selects(selector, &shape.labels) {
            continue;
        }
        let num = match target {
            Some(PortRef::Number(n)) => Some(n),
            Some(PortRef::Name(name)) => {
                shape.ports.iter().find(|(_, pn)| pn.as_deref() == Some(name)).map(|(n, _)| *n)
            }
            None => None,
        };
        if let Some(n) = num {
            out.push((i, n));
        }
    }
    out
}

/// C2: with an Ingress, the ingress controller may reach the routed pods (and nginx the app on 8081).
pub fn c2(r: &Review, out: &mut Vec<Finding>) {
    if !r.repo.objects.iter().any(|o| o.kind == "Ingress") {
        return;
    }
    let net = Net::new(r);
    let roles = Roles::new(r);
    let p = &r.ctx.platform;
    let app_shapes = roles.app_shapes(r.ctx);
    let nginx_shapes = match roles.by_component.get("nginx") {
        Some(ws) => shapes(ws.iter(), r.ctx),
        None => Vec::new(),
    };
    // Candidates for routing: app and nginx pods (true = nginx).
    let candidates: Vec<(Shape, bool)> =
        nginx_shapes.iter().map(|s| (s.clone(), true)).chain(app_shapes.iter().map(|s| (s.clone(), false))).collect();
    let mut by_ns: HashMap<&Option<String>, Vec<usize>> = HashMap::new();
    for (i, (shape, _)) in candidates.iter().enumerate() {
        by_ns.entry(&shape.ns).or_default().push(i);
    }
    let mut routed: Vec<(usize, i64)> = Vec::new();
    let mut seen = HashSet::new();
    for (ns, svc, port) in routed_services(r) {
        let in_ns = by_ns.get(&ns).map(Vec::as_slice).unwrap_or_default();
        for t in service_targets(svc, port, &candidates, in_ns) {
            if seen.insert(t) {
                routed.push(t);
            }
        }
    }
    if routed.is_empty() {
        // Backends the repo cannot resolve: assume the contract's layout (nginx front if any, else the app).
        let nginx_port = contract::component("nginx").and_then(|c| c.port).map(i64::from).unwrap_or(0);
        let front = !nginx_shapes.is_empty();
        for (i, (_, is_nginx)) in candidates.iter().enumerate() {
            if *is_nginx == front {
                routed.push((i, if *is_nginx { nginx_port } else { i64::from(PORT_HTTP) }));
            }
        }
    }
    let controller_labels: Labels =
        [(p.ingress_controller_label_key.clone(), p.ingress_controller_label_value.clone())].into_iter().collect();
    let controller = Source { ns: Some(p.ingress_controller_namespace.clone()), labels: Some(&controller_labels) };
    let controller_text = format!(
        "the ingress controller (pods {}: {} in namespace {})",
        p.ingress_controller_label_key, p.ingress_controller_label_value, p.ingress_controller_namespace
    );
    let mut routed_nginx: Vec<Shape> = Vec::new();
    let mut nginx_seen = HashSet::new();
    for (i, port) in routed {
        let (to, is_nginx) = &candidates[i];
        if *is_nginx && nginx_seen.insert(i) {
            routed_nginx.push(to.clone());
        }
        if !net.ingress_allows(&controller, to, port) {
            out.push(missing_finding(CheckId::C2, to).message(format!(
                "Nothing lets {controller_text} reach {} on port {port}: behind default-deny the public URL answers \
                 with a gateway error.",
                to.describe()
            )).fix(format!(
                "Add a NetworkPolicy to {NETWORK_POLICIES_FILE} with `podSelector: {{matchLabels: {}}}` and an ingress \
                 rule from `namespaceSelector: {{matchLabels: {{{NAMESPACE_NAME_LABEL}: {}}}}}` together with \
                 `podSelector: {{matchLabels: {{{}: {}}}}}` on TCP port {port}.",
                to.selector_text(),
                p.ingress_controller_namespace,
                p.ingress_controller_label_key,
                p.ingress_controller_label_value
            )).remedy(Remedy::AllowTraffic { from: Sender::IngressController, port, direction: Direction::Ingress }));
        }
    }
    // The nginx front forwards to the app: nginx -> app:8081 as well.
    let http = i64::from(PORT_HTTP);
    for (from, to) in pairs(&routed_nginx, &app_shapes) {
        if let Some(missing) = net.pod_to_pod(from, to, http) {
            out.push(pod_to_pod_finding(CheckId::C2, from, to, http, missing));
        }
    }
}
