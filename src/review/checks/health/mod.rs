//! Health checks (B1–B6): the app's ports, its probes, and no route to the management port.
//!
//! B1–B5 judge long-running app workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet,
//! ReplicationController, Pod; not Jobs/CronJobs, which finish, and not platform components).
//!
//! Decisions where the contract leaves room:
//! - "The app container" ([`app_container`]) is the one regular container whose image is not a
//!   platform component; among several, the one named like the workload (`shop` or `app` for
//!   `shop-app`), else the first of them.
//! - B2 also accepts 8082 declared by another regular container of the pod: the contract's
//!   nginx mgmt sidecar serves the management port for apps that cannot.
//! - B3/B4 read the app container's own probes; the port may be 8082 or the name of one of that
//!   container's ports declared as 8082 (Kubernetes resolves a named probe port in the probed
//!   container only). One finding per probe, listing everything wrong with it.
//! - B5 judges every probe (liveness, readiness, startup) of every regular container of the pod,
//!   one finding per probe: a sidecar restarted by a too-short timeout takes the app down with it.
//!   An absent `timeoutSeconds` is Kubernetes' default of 1 second. Only the readiness probe needs
//!   the longer database timeout.
//! - B6 follows every Ingress backend to the port it reaches (see [`crate::review::model::Routes`]).

use crate::contract::CheckId;
use crate::contract::{self, PORT_HTTP, PORT_MGMT};
use crate::k8s::PortRef;
use crate::review::model::{container_words, key_line};
mod fix;
use crate::review::registry::{Check, Judged};
use crate::review::workload::{Container, Workload};
use crate::review::{Finding, Review};
use crate::yaml::Node;

/// The checks of this file, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::B1, run: b1, judged: Judged::Static, repo_only: false, fixer: Some(fix::b1) },
    Check { id: CheckId::B2, run: b2, judged: Judged::Static, repo_only: false, fixer: Some(fix::b2) },
    Check { id: CheckId::B3, run: b3, judged: Judged::LiveAdds, repo_only: false, fixer: Some(fix::b3) },
    Check { id: CheckId::B4, run: b4, judged: Judged::LiveAdds, repo_only: false, fixer: Some(fix::b4) },
    Check { id: CheckId::B5, run: b5, judged: Judged::Static, repo_only: false, fixer: Some(fix::b5) },
    Check { id: CheckId::B6, run: b6, judged: Judged::Static, repo_only: false, fixer: None },
];

/// The name Kubernetes manifests give the management port.
pub(crate) const MGMT_PORT_NAME: &str = "mgmt";

/// Long-running app workloads: the ones the B checks judge.
fn app_workloads<'a>(r: &Review<'a>) -> Vec<Workload<'a>> {
    r.model.long_running_apps().copied().collect()
}

/// `ports` of a container as written, for messages.
fn declared(c: &Container) -> String {
    let ports: Vec<String> = c.ports().iter().map(|(n, _)| n.to_string()).collect();
    if ports.is_empty() { "no ports".into() } else { format!("only {}", ports.join(", ")) }
}

/// B1: the app container declares containerPort 8081.
pub fn b1(r: &Review, out: &mut Vec<Finding>) {
    for w in app_workloads(r) {
        let Some(c) = w.app_container() else { continue };
        if c.ports().iter().any(|(n, _)| *n == i64::from(PORT_HTTP)) {
            continue;
        }
        out.push(
            Finding::new(CheckId::B1, &w.obj.file, c.line())
                .object(w.obj.id())
                .message(format!(
                    "The app {} declares {} but not port {PORT_HTTP}, where the platform sends users and collects metrics.",
                    container_words(&w, &c),
                    declared(&c)
                ))
                .fix(format!(
                    "Under the ports of {} add `- name: http` / `containerPort: {PORT_HTTP}`, and make the app listen on 0.0.0.0:{PORT_HTTP}.",
                    container_words(&w, &c)
                )),
        );
    }
}

/// B2: the app container (or its mgmt sidecar) declares containerPort 8082.
pub fn b2(r: &Review, out: &mut Vec<Finding>) {
    for w in app_workloads(r) {
        let Some(c) = w.app_container() else { continue };
        if w.main_containers().iter().any(|m| m.ports().iter().any(|(n, _)| *n == i64::from(PORT_MGMT))) {
            continue;
        }
        out.push(
            Finding::new(CheckId::B2, &w.obj.file, c.line())
                .object(w.obj.id())
                .message(format!(
                    "The app {} declares {} but not the management port {PORT_MGMT}, where Kubernetes checks its health.",
                    container_words(&w, &c),
                    declared(&c)
                ))
                .fix(format!(
                    "Under the ports of {} add `- name: {MGMT_PORT_NAME}` / `containerPort: {PORT_MGMT}` and serve {} there.",
                    container_words(&w, &c),
                    contract::MGMT_ENDPOINTS.iter().map(|e| e.path).collect::<Vec<_>>().join(", ")
                )),
        );
    }
}

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

/// B5: every probe waits at least 5 s (10 s for readiness when it checks the database).
pub fn b5(r: &Review, out: &mut Vec<Finding>) {
    for w in app_workloads(r) {
        for c in w.main_containers() {
            for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
                let Some(probe) = c.node.get(key) else { continue };
                let db = key == "readinessProbe" && r.ctx.readiness_checks_database;
                let min =
                    i64::from(if db { contract::PROBE_TIMEOUT_DB_SECONDS } else { contract::PROBE_TIMEOUT_SECONDS });
                let timeout = probe.get("timeoutSeconds");
                // Kubernetes' default when the field is absent.
                let got = timeout.map(|t| t.as_i64()).unwrap_or(Some(1));
                if got.is_some_and(|t| t >= min) {
                    continue;
                }
                let now = match (timeout, got) {
                    (None, _) => "1 second".to_string(),
                    (Some(_), Some(t)) => format!("{t} second{}", if t == 1 { "" } else { "s" }),
                    (Some(t), None) => format!("`{}` (not a number of seconds)", t.as_str().unwrap_or("?")),
                };
                let why = if db { " because /readiness checks the database" } else { "" };
                out.push(
                    Finding::new(
                        CheckId::B5,
                        &w.obj.file,
                        key_line(probe, "timeoutSeconds").or_else(|| key_line(c.node, key)),
                    )
                    .object(w.obj.id())
                    .message(format!(
                        "The {key} of {} waits only {now} for an answer{}: one slow moment looks like a dead app.",
                        container_words(&w, &c),
                        if timeout.is_none() { " (Kubernetes' default, as `timeoutSeconds` is not set)" } else { "" }
                    ))
                    .fix(format!("Set `timeoutSeconds: {min}` (or more) on that {key}{why}.")),
                );
            }
        }
    }
}

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
