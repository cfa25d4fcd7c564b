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
use crate::review::context::ReviewContext;
use crate::review::model::{container_words, key_line};
mod fix;
use crate::review::registry::{Check, Judged};
use crate::review::workload::{self, Container, Workload};
use crate::review::{Finding, Review};
use crate::yaml::Node;
use std::collections::HashSet;

/// The checks of this file, declared once: id, function, evidence, scope and fixer.
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

/// F1: every container declares cpu and memory requests.
pub fn f1(r: &Review, out: &mut Vec<Finding>) {
    declared(r, out, CheckId::F1, "requests");
}

/// F2: every container declares cpu and memory limits.
pub fn f2(r: &Review, out: &mut Vec<Finding>) {
    declared(r, out, CheckId::F2, "limits");
}

/// True when every value present equals the size's.
fn equals_size(res: &Resources, s: &Size) -> bool {
    res.pairs(s).iter().all(|(_, v, want)| match v {
        None => true,
        Some(v) => v.as_str().and_then(parse_quantity).is_some_and(|q| Some(q) == parse_quantity(want)),
    })
}

/// The values that differ from a size's: "requests.cpu 200m (sm: 100m)".
fn differences(res: &Resources, s: &Size) -> Vec<String> {
    res.pairs(s)
        .iter()
        .filter_map(|(k, v, want)| {
            let got = (*v)?.as_str()?;
            let same = parse_quantity(got).is_some_and(|q| Some(q) == parse_quantity(want));
            (!same).then(|| format!("{k} {got} ({}: {want})", s.id))
        })
        .collect()
}

fn size_values(s: &Size) -> String {
    format!(
        "`requests: {{cpu: {}, memory: {}}}`, `limits: {{cpu: {}, memory: {}}}`",
        s.cpu_request, s.memory_request, s.cpu_limit, s.memory_limit
    )
}

/// F3: app resources equal its t-shirt size; stores at least md.
pub fn f3(r: &Review, out: &mut Vec<Finding>) {
    let min_store = contract::size(MIN_STORE_SIZE).unwrap_or(&SIZES[0]);
    for &w in &r.model.workloads {
        for c in w.main_containers() {
            let res = resources(&c);
            if res.pairs(min_store).iter().all(|(_, v, _)| v.is_none()) {
                continue;
            }
            let line = key_line(c.node, "resources").or_else(|| c.line());
            let who = container_words(&w, &c);
            match role(&w, &c) {
                Role::App if w.is_app() => {
                    let (ok, message, fix) = match &r.ctx.size {
                        Some(id) => {
                            let s = app_size(r.ctx);
                            (
                                equals_size(&res, s),
                                format!(
                                    "The resources of the app {who} differ from its t-shirt size {id} in vibe.yaml: {}.",
                                    differences(&res, s).join(", ")
                                ),
                                format!(
                                    "Set exactly {} (size {id}), or change `size` in vibe.yaml and run `vibe generate`.",
                                    size_values(s)
                                ),
                            )
                        }
                        None => {
                            // The size most of the values already match.
                            let closest = SIZES
                                .iter()
                                .max_by_key(|s| (4 - differences(&res, s).len(), s.id == contract::DEFAULT_SIZE))
                                .unwrap_or(app_size(r.ctx));
                            (
                                SIZES.iter().any(|s| equals_size(&res, s)),
                                format!(
                                    "The resources of the app {who} match none of the platform's t-shirt sizes ({}).",
                                    SIZES.iter().map(|s| s.id).collect::<Vec<_>>().join(", ")
                                ),
                                format!(
                                    "Use exactly one size's requests and limits, e.g. {} for {} (the closest).",
                                    size_values(closest),
                                    closest.id
                                ),
                            )
                        }
                    };
                    if !ok {
                        out.push(
                            Finding::new(CheckId::F3, &w.obj.file, line).object(w.obj.id()).message(message).fix(fix),
                        );
                    }
                }
                Role::Store => {
                    let below: Vec<String> = res
                        .pairs(min_store)
                        .iter()
                        .filter_map(|(k, v, want)| {
                            let got = (*v)?.as_str()?;
                            let small = parse_quantity(got).is_none_or(|q| parse_quantity(want).is_some_and(|w| q < w));
                            small.then(|| format!("{k} {got} (at least {want})"))
                        })
                        .collect();
                    if below.is_empty() {
                        continue;
                    }
                    out.push(
                        Finding::new(CheckId::F3, &w.obj.file, line)
                            .object(w.obj.id())
                            .message(format!(
                                "The store {who} is smaller than size {MIN_STORE_SIZE}: {}; it runs out of memory under ordinary load.",
                                below.join(", ")
                            ))
                            .fix(format!("Give it at least size {MIN_STORE_SIZE}: {}.", size_values(min_store))),
                    );
                }
                _ => {}
            }
        }
    }
}

/// F4: an HPA targets each long-running app Deployment/StatefulSet with 1 <= min <= max.
pub fn f4(r: &Review, out: &mut Vec<Finding>) {
    let hpas: Vec<_> = r.repo.objects.iter().filter(|o| o.kind == "HorizontalPodAutoscaler").collect();
    let target = |o: &crate::repo::Object| -> Option<(String, String)> {
        let t = o.node.path("spec.scaleTargetRef")?;
        Some((t.get("kind")?.as_str()?.to_string(), t.get("name")?.as_str()?.to_string()))
    };
    let mut targeted: HashSet<(String, String, Option<String>)> = HashSet::new();
    let mut targeted_any_ns: HashSet<(String, String)> = HashSet::new();
    for h in &hpas {
        if let Some((k, n)) = target(h) {
            targeted_any_ns.insert((k.clone(), n.clone()));
            targeted.insert((k, n, h.namespace.clone()));
        }
    }
    let mut apps: HashSet<(&str, &str)> = HashSet::new();
    for &w in &r.model.workloads {
        if !(w.is_app() && w.long_running() && matches!(w.obj.kind.as_str(), "Deployment" | "StatefulSet")) {
            continue;
        }
        apps.insert((w.obj.kind.as_str(), w.obj.name.as_str()));
        let key = |ns: Option<String>| (w.obj.kind.clone(), w.obj.name.clone(), ns);
        let found = targeted.contains(&key(w.obj.namespace.clone()))
            || targeted.contains(&key(None))
            || (w.obj.namespace.is_none() && targeted_any_ns.contains(&(w.obj.kind.clone(), w.obj.name.clone())));
        if found {
            continue;
        }
        let (min, max, cpu) = contract::HPA;
        out.push(
            Finding::new(CheckId::F4, HPA_FILE, None)
                .object(w.obj.id())
                .message(format!("No HorizontalPodAutoscaler targets {}: a rush of users slows it to a crawl.", w.obj.id()))
                .fix(format!(
                    "Add to {HPA_FILE} an `autoscaling/v2` HorizontalPodAutoscaler with `scaleTargetRef: {{apiVersion: apps/v1, kind: {}, name: {}}}`, `minReplicas: {min}`, `maxReplicas: {max}` and a CPU target of {cpu}%.",
                    w.obj.kind, w.obj.name
                )),
        );
    }
    for h in hpas {
        let Some((k, n)) = target(h) else { continue };
        if !apps.contains(&(k.as_str(), n.as_str())) {
            continue;
        }
        let spec = h.node.get("spec");
        let min_node = spec.and_then(|s| s.get("minReplicas"));
        let max_node = spec.and_then(|s| s.get("maxReplicas"));
        let min = min_node.map(|m| m.as_i64()).unwrap_or(Some(1));
        let max = max_node.and_then(Node::as_i64);
        let problem = match (min, max) {
            (None, _) => {
                Some(("minReplicas is not a number".to_string(), spec.and_then(|s| key_line(s, "minReplicas"))))
            }
            (Some(m), _) if m < 1 => {
                Some((format!("minReplicas is {m}, below 1"), spec.and_then(|s| key_line(s, "minReplicas"))))
            }
            (_, None) => Some((
                "maxReplicas is missing or not a number".to_string(),
                spec.and_then(|s| key_line(s, "maxReplicas")),
            )),
            (Some(m), Some(x)) if x < m => Some((
                format!("maxReplicas {x} is below minReplicas {m}"),
                spec.and_then(|s| key_line(s, "maxReplicas")),
            )),
            _ => None,
        };
        let Some((problem, line)) = problem else { continue };
        let (dmin, dmax, _) = contract::HPA;
        out.push(
            Finding::new(
                CheckId::F4,
                &h.file,
                line.or_else(|| spec.and_then(|_| key_line(&h.node, "spec"))).or(h.line()),
            )
            .object(h.id())
            .message(format!("The autoscaler {} for {k}/{n} cannot work: {problem}.", h.id()))
            .fix(format!(
                "Set `minReplicas` to at least 1 and `maxReplicas` not below it (vibe uses {dmin} and {dmax})."
            )),
        );
    }
}
