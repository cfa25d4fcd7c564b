//! Ingress backend -> Service port -> target port: how Kubernetes follows a route.
//!
//! Which Service objects a backend may name (by namespace, by folder) is the caller's choice;
//! this module gives the meaning of the fields once found.

use crate::yaml::Node;

/// A port as a backend or Service names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PortRef<'a> {
    /// A port number.
    Number(i64),
    /// A port name.
    Name(&'a str),
}

impl PortRef<'_> {
    /// The port a scalar names: a number when it reads as one, else a name.
    pub fn of(node: &Node) -> Option<PortRef<'_>> {
        match node.as_i64() {
            Some(n) => Some(PortRef::Number(n)),
            None => node.as_str().map(PortRef::Name),
        }
    }
}

/// The Service and port an Ingress backend names.
#[derive(Debug, Clone, Copy, Default)]
pub struct BackendRef<'a> {
    /// `service.name` (networking.k8s.io/v1) or `serviceName` (extensions/v1beta1).
    pub service: Option<&'a str>,
    /// `service.port.number`, else `service.port.name`; or `servicePort`.
    pub port: Option<PortRef<'a>>,
    /// The node the port was read from (for its line).
    pub port_node: Option<&'a Node>,
}

/// Reads a `backend` (or `defaultBackend`) node in either API shape.
pub fn backend_ref(backend: &Node) -> BackendRef<'_> {
    let (service, candidates) = match backend.get("service") {
        Some(s) => (s.get("name"), [s.path("port.number"), s.path("port.name")]),
        None => (backend.get("serviceName"), [backend.get("servicePort"), None]),
    };
    // A port field that is absent or null is unset; the next one is read then.
    let found = candidates.into_iter().flatten().find_map(|n| PortRef::of(n).map(|p| (p, n)));
    BackendRef {
        service: service.and_then(Node::as_str),
        port: found.map(|(p, _)| p),
        port_node: found.map(|(_, n)| n),
    }
}

/// The entry of a Service's `spec.ports` that a backend port reaches: the one with that
/// `port` number or that `name`. A backend without a port reaches a Service's only port (with
/// several, which one is meant is unknown: `None`).
pub fn service_port<'a>(service: &'a Node, port: Option<PortRef>) -> Option<&'a Node> {
    let ports = service.path("spec.ports").map(Node::items).unwrap_or_default();
    match port {
        Some(PortRef::Number(n)) => ports.iter().find(|p| p.get("port").and_then(Node::as_i64) == Some(n)),
        Some(PortRef::Name(n)) => ports.iter().find(|p| p.get("name").and_then(Node::as_str) == Some(n)),
        None if ports.len() == 1 => ports.first(),
        None => None,
    }
}

/// The pod port a Service port entry sends to: its `targetPort` (a number or a container port
/// name), else its own `port`, as Kubernetes defaults it.
pub fn target_port(entry: &Node) -> Option<PortRef<'_>> {
    entry
        .get("targetPort")
        .and_then(PortRef::of)
        .or_else(|| entry.get("port").and_then(Node::as_i64).map(PortRef::Number))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_one;

    fn node(text: &str) -> Node {
        parse_one(text).unwrap().unwrap()
    }

    #[test]
    fn backends_read_in_both_api_shapes() {
        let v1 = node("service: {name: web, port: {number: 8081}}");
        let b = backend_ref(&v1);
        assert_eq!((b.service, b.port), (Some("web"), Some(PortRef::Number(8081))));
        let named = node("service: {name: web, port: {name: http}}");
        assert_eq!(backend_ref(&named).port, Some(PortRef::Name("http")));
        let unset_number = node("service: {name: web, port: {number: ~, name: http}}");
        assert_eq!(backend_ref(&unset_number).port, Some(PortRef::Name("http")));
        let old = node("serviceName: web\nservicePort: '80'\n");
        assert_eq!((backend_ref(&old).service, backend_ref(&old).port), (Some("web"), Some(PortRef::Number(80))));
        assert_eq!(backend_ref(&node("resource: {kind: Bucket}")).service, None);
    }

    #[test]
    fn a_backend_port_reaches_its_service_port_and_target() {
        let svc =
            node("spec:\n  ports:\n    - {name: http, port: 80, targetPort: web}\n    - {name: metrics, port: 9090}\n");
        let by_number = service_port(&svc, Some(PortRef::Number(80))).unwrap();
        assert_eq!(target_port(by_number), Some(PortRef::Name("web")));
        let by_name = service_port(&svc, Some(PortRef::Name("metrics"))).unwrap();
        assert_eq!(target_port(by_name), Some(PortRef::Number(9090)));
        assert!(service_port(&svc, Some(PortRef::Number(8080))).is_none());
        assert!(service_port(&svc, None).is_none(), "two ports: which one is unknown");
        let one = node("spec:\n  ports: [{port: 8081, targetPort: 8080}]\n");
        assert_eq!(service_port(&one, None).and_then(target_port), Some(PortRef::Number(8080)));
    }
}
