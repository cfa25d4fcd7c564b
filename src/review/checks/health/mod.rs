//! Health checks (B1–B8): the app's ports, its probes, no route to the management port, where the
//! app's own code listens (B7) and how its image starts it (B8).
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
use crate::review::check::{Check, Judged};
use crate::review::model::{container_words, key_line};
use crate::review::workload::{Container, Workload};
use crate::review::{Finding, Review};
use crate::yaml::Node;

mod fix;
mod http_port;
mod listen_port;
mod listen_sites;
mod mgmt_port;
mod mgmt_route;
mod probe_timeout;
mod probes;
mod spring_ports;
mod start_command;
use http_port::b1;
use listen_port::b7;
use mgmt_port::b2;
use mgmt_route::b6;
use probe_timeout::b5;
use probes::{b3, b4};
use start_command::b8;

/// The checks of this family, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::B1, run: b1, judged: Judged::Static, repo_only: false, fixer: Some(fix::b1) },
    Check { id: CheckId::B2, run: b2, judged: Judged::Static, repo_only: false, fixer: Some(fix::b2) },
    Check { id: CheckId::B3, run: b3, judged: Judged::LiveAdds, repo_only: false, fixer: Some(fix::b3) },
    Check { id: CheckId::B4, run: b4, judged: Judged::LiveAdds, repo_only: false, fixer: Some(fix::b4) },
    Check { id: CheckId::B5, run: b5, judged: Judged::Static, repo_only: false, fixer: Some(fix::b5) },
    Check { id: CheckId::B6, run: b6, judged: Judged::Static, repo_only: false, fixer: None },
    Check { id: CheckId::B7, run: b7, judged: Judged::Static, repo_only: true, fixer: Some(fix::b7) },
    Check { id: CheckId::B8, run: b8, judged: Judged::Static, repo_only: true, fixer: Some(fix::b8) },
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
