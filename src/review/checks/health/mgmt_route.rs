//! B6: no Ingress rule routes to the management port 8082.

use super::*;

/// B6: no Ingress backend reaches the management port 8082 (by number or by the name `mgmt`).
pub fn b6(r: &Review, out: &mut Vec<Finding>) {
    let routes = &r.model.routes;
    for b in routes.backends() {
        let t = routes.resolve(&b);
        let mgmt = i64::from(PORT_MGMT);
        let is_mgmt = |p: &Option<PortRef>| match p {
            Some(PortRef::Number(n)) => *n == mgmt,
            Some(PortRef::Name(n)) => *n == MGMT_PORT_NAME,
            None => false,
        };
        let hit = is_mgmt(&b.port)
            || t.service_port_name == Some(MGMT_PORT_NAME)
            || is_mgmt(&t.target)
            || t.container_ports.contains(&mgmt);
        if !hit {
            continue;
        }
        let via = match &b.service {
            Some(s) => format!("the Service `{s}`"),
            None => "its backend".into(),
        };
        out.push(
            Finding::new(CheckId::B6, &b.ingress.file, b.port_line.or(b.line))
                .object(b.ingress.id())
                .message(format!(
                    "The Ingress `{}` sends {} through {via} to the management port {PORT_MGMT}: anyone could read its internals or call /shutdown.",
                    b.ingress.name,
                    b.describe_path()
                ))
                .fix(format!(
                    "Point that backend at the app's `http` port {PORT_HTTP} (or at the nginx front), never at {PORT_MGMT} or a port named `{MGMT_PORT_NAME}`."
                )),
        );
    }
}
