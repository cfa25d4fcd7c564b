//! Resources checks (F1–F4): requests, limits, t-shirt sizes and the autoscaler.
//!
//! Decisions where the contract leaves room:
//! - F1/F2 judge every container of every workload, initContainers included, one finding per
//!   container listing what is missing; the fix names the values of the size that container
//!   should have: the app's size for app containers, the store size (never below md) for
//!   stores, the smallest size for platform helpers (exporters, nginx, the wait container).
//! - F3 judges the regular containers of app workloads whose image is not a platform
//!   component (they must equal the app's size from vibe.yaml; without vibe.yaml, equal one
//!   size, whichever), and the store containers (postgres, mongo, rabbitmq, redis: each value at
//!   least md's). Only values that are present are compared (a missing value is F1's or F2's),
//!   as quantities (`1000m` = `1`, `1Gi` = `1024Mi`). Exporters, nginx and the wait helper are
//!   not F3's business.
//! - F4: every long-running app Deployment or StatefulSet needs an HPA (autoscaling/v1 or v2)
//!   whose `scaleTargetRef` names it; a missing one is reported in the HPA file without a line.
//!   Each HPA targeting such a workload must have 1 <= minReplicas (default 1) <= maxReplicas.

use crate::contract::CheckId;
use crate::contract::{self, HPA_FILE, MIN_STORE_SIZE, SIZES, Size};
use crate::k8s::parse_quantity;
use crate::review::check::{Check, Judged};
use crate::review::context::ReviewContext;
use crate::review::model::{container_words, key_line, namespace_of};
use crate::review::workload::{self, Container, Workload};
use crate::review::{Finding, Review};
use crate::yaml::Node;
use std::collections::HashSet;

mod fix;
mod hpa;
mod requests_limits;
mod size;
use hpa::f4;
use requests_limits::{f1, f2};
use size::f3;

/// The checks of this family, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::F1, run: f1, judged: Judged::Static, repo_only: false, fixer: Some(fix::f1) },
    Check { id: CheckId::F2, run: f2, judged: Judged::Static, repo_only: false, fixer: Some(fix::f2) },
    Check { id: CheckId::F3, run: f3, judged: Judged::Static, repo_only: false, fixer: None },
    Check { id: CheckId::F4, run: f4, judged: Judged::Static, repo_only: false, fixer: None },
];

/// Components that keep or serve the app's data: at least md (F3).
const STORES: &[&str] = &["postgres", "mongo", "rabbitmq", "redis"];

/// The four values of a container's resources, as written.
#[derive(Debug, Clone, Copy, Default)]
struct Resources<'a> {
    cpu_request: Option<&'a Node>,
    memory_request: Option<&'a Node>,
    cpu_limit: Option<&'a Node>,
    memory_limit: Option<&'a Node>,
}

fn resources<'a>(c: &Container<'a>) -> Resources<'a> {
    let r = c.node.get("resources");
    let get = |path: &str| r.and_then(|r| r.path(path)).filter(|n| n.as_str().is_some());
    Resources {
        cpu_request: get("requests.cpu"),
        memory_request: get("requests.memory"),
        cpu_limit: get("limits.cpu"),
        memory_limit: get("limits.memory"),
    }
}

impl<'a> Resources<'a> {
    /// (field name, value written, the size's value) for each of the four.
    fn pairs(&self, s: &Size) -> [(&'static str, Option<&'a Node>, &'static str); 4] {
        [
            ("requests.cpu", self.cpu_request, s.cpu_request),
            ("requests.memory", self.memory_request, s.memory_request),
            ("limits.cpu", self.cpu_limit, s.cpu_limit),
            ("limits.memory", self.memory_limit, s.memory_limit),
        ]
    }
}

/// The role of a container, for the size it should have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The app itself (or another non-platform container of an app workload).
    App,
    /// A store (postgres, mongo, rabbitmq, redis).
    Store,
    /// A platform helper (exporter, nginx, wait) or an init container.
    Helper,
}

fn role(w: &Workload, c: &Container) -> Role {
    match c.image.and_then(workload::component_of_image) {
        Some(id) if STORES.contains(&id) => Role::Store,
        Some(_) => Role::Helper,
        None if c.init => Role::Helper,
        None if w.is_app() => Role::App,
        // A non-platform sidecar in a component's pod.
        None => Role::Helper,
    }
}

/// The app's size (vibe.yaml, else the default).
fn app_size(ctx: &ReviewContext) -> &'static Size {
    ctx.size.as_deref().and_then(contract::size).or_else(|| contract::size(contract::DEFAULT_SIZE)).unwrap_or(&SIZES[0])
}

/// The size a container should have, and its name in words.
fn size_for(ctx: &ReviewContext, role: Role) -> (&'static Size, String) {
    match role {
        Role::App => {
            let s = app_size(ctx);
            let how = if ctx.size.is_some() { "the app's size in vibe.yaml" } else { "the default size" };
            (s, format!("size {} ({how})", s.id))
        }
        Role::Store => {
            let s = contract::store_size(app_size(ctx).id);
            (s, format!("size {} (stores get at least {MIN_STORE_SIZE})", s.id))
        }
        Role::Helper => (&SIZES[0], format!("size {} (enough for a platform helper)", SIZES[0].id)),
    }
}

/// F1/F2: every container declares cpu and memory `requests` (F1) or `limits` (F2).
fn declared(r: &Review, out: &mut Vec<Finding>, id: CheckId, section: &str) {
    for &w in &r.model.workloads {
        for c in w.containers() {
            let res = resources(&c);
            let (cpu, memory) = if section == "requests" {
                (res.cpu_request, res.memory_request)
            } else {
                (res.cpu_limit, res.memory_limit)
            };
            let missing: Vec<&str> =
                [("cpu", cpu), ("memory", memory)].into_iter().filter(|(_, v)| v.is_none()).map(|(k, _)| k).collect();
            if missing.is_empty() {
                continue;
            }
            let (size, words) = size_for(r.ctx, role(&w, &c));
            let (cpu_v, mem_v) = if section == "requests" {
                (size.cpu_request, size.memory_request)
            } else {
                (size.cpu_limit, size.memory_limit)
            };
            let want: Vec<String> =
                missing.iter().map(|k| format!("{k}: {}", if *k == "cpu" { cpu_v } else { mem_v })).collect();
            let line = key_line(c.node, "resources").or_else(|| c.line());
            let what = if section == "requests" {
                "reserves nothing for it when placing it"
            } else {
                "lets it take a whole machine"
            };
            out.push(
                Finding::new(id, &w.obj.file, line)
                    .object(w.obj.id())
                    .message(format!(
                        "The {} declares no {} {section}: Kubernetes {what}.",
                        container_words(&w, &c),
                        missing.join(" or ")
                    ))
                    .fix(format!("Under its `resources.{section}` set `{}`: {words}.", want.join("`, `"))),
            );
        }
    }
}
