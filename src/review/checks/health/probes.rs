//! B3, B4: the liveness and readiness probes are httpGets on /liveness and /readiness, port 8082.

use super::*;

/// A probe's port as a number, resolving a port name among the container's own ports.
fn probe_port(c: &Container, port: &Node) -> Option<i64> {
    if let Some(n) = port.as_i64() {
        return Some(n);
    }
    let name = port.as_str()?;
    c.ports().into_iter().find(|(_, n)| *n == Some(name)).map(|(n, _)| n)
}

/// B3/B4: `key` on the app container is an httpGet on `path`, port 8082.
fn probe_check(r: &Review, out: &mut Vec<Finding>, id: CheckId, key: &str, path: &str) {
    let endpoint = contract::MGMT_ENDPOINTS.iter().find(|e| e.path == path);
    let answers = endpoint
        .map(|e| match e.not_ok {
            Some(n) => format!("; {path} answers 200 `{}`, or 503 `{n}`", e.ok),
            None => format!("; {path} answers 200 `{}`", e.ok),
        })
        .unwrap_or_default();
    let wanted = format!(
        "`{key}: {{httpGet: {{path: {path}, port: {PORT_MGMT}}}, timeoutSeconds: {}}}`",
        contract::PROBE_TIMEOUT_SECONDS
    );
    for w in app_workloads(r) {
        let Some(c) = w.app_container() else { continue };
        let who = container_words(&w, &c);
        let (problem, line) = match c.node.get(key) {
            None => (format!("has no {key}"), c.line()),
            Some(probe) => match probe.get("httpGet") {
                None => {
                    let kind = ["exec", "tcpSocket", "grpc"].into_iter().find(|k| probe.get(k).is_some());
                    let kind = kind.map(|k| format!(" (it is a {k} check)")).unwrap_or_default();
                    (format!("has a {key} that is not an httpGet{kind}"), key_line(c.node, key))
                }
                Some(http) => {
                    let mut problems = Vec::new();
                    let mut line = None;
                    let got_path = http.get("path").and_then(Node::as_str);
                    if got_path != Some(path) {
                        problems.push(match got_path {
                            Some(p) => format!("asks `{p}` instead of `{path}`"),
                            None => format!("asks no path instead of `{path}`"),
                        });
                        line = key_line(http, "path");
                    }
                    let port = http.get("port");
                    let got_port = port.and_then(|p| probe_port(&c, p));
                    if got_port != Some(i64::from(PORT_MGMT)) {
                        let written = port.and_then(Node::as_str).unwrap_or("none");
                        problems.push(match got_port {
                            Some(n) if n.to_string() != written => {
                                format!("uses port {written} ({n}) instead of {PORT_MGMT}")
                            }
                            _ => format!("uses port {written} instead of {PORT_MGMT}"),
                        });
                        line = line.or_else(|| key_line(http, "port"));
                    }
                    if problems.is_empty() {
                        continue;
                    }
                    (format!("has a {key} that {}", problems.join(" and ")), line.or_else(|| key_line(c.node, key)))
                }
            },
        };
        out.push(
            Finding::new(id, &w.obj.file, line.or_else(|| c.line()))
                .object(w.obj.id())
                .message(format!("The app {who} {problem}."))
                .fix(format!("On {who} set {wanted}{answers}.")),
        );
    }
}

/// B3: livenessProbe httpGet /liveness on 8082.
pub fn b3(r: &Review, out: &mut Vec<Finding>) {
    probe_check(r, out, CheckId::B3, "livenessProbe", "/liveness");
}

/// B4: readinessProbe httpGet /readiness on 8082.
pub fn b4(r: &Review, out: &mut Vec<Finding>) {
    probe_check(r, out, CheckId::B4, "readinessProbe", "/readiness");
}
