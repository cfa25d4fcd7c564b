//! C3: the observability namespace may reach the app on 8081.

use super::*;

/// C3: the observability namespace may reach the app on 8081.
pub fn c3(r: &Review, out: &mut Vec<Finding>) {
    let net = Net::new(r);
    let roles = Roles::new(r);
    let obs = &r.ctx.platform.observability_namespace;
    let prometheus = Source { ns: Some(obs.clone()), labels: None };
    let http = i64::from(PORT_HTTP);
    for to in roles.app_shapes(r.ctx) {
        if !net.ingress_allows(&prometheus, &to, http) {
            out.push(missing_finding(CheckId::C3, &to).message(format!(
                "Nothing lets the platform's Prometheus (namespace {obs}) reach {} on port {http}: behind \
                 default-deny its metrics are never collected, dashboards stay blank and alerts never fire.",
                to.describe()
            )).fix(format!(
                "Add a NetworkPolicy to {NETWORK_POLICIES_FILE} with `podSelector: {{matchLabels: {}}}` and an ingress \
                 rule from `namespaceSelector: {{matchLabels: {{{NAMESPACE_NAME_LABEL}: {obs}}}}}` on TCP port {http}.",
                to.selector_text()
            )).remedy(Remedy::AllowTraffic { from: Sender::Observability, port: http, direction: Direction::Ingress }));
        }
    }
}
