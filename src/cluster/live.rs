//! Live evidence from the running pods: status and restarts, recent logs of the app containers
//! (G3, G5, G6), /metrics (G2) and the management endpoints (B3, B4) through the API server's
//! pod proxy, and the image each pod really runs.
//!
//! The judging is the probe's (`probe::judge_logs`, `judge_metrics`, `judge_mgmt`): a running
//! pod is one more way of reaching the app, not a second set of rules.

use super::objects::{FILE_PREFIX, LiveObjects};
use super::role::PODS;
use super::{Api, Read};
use crate::contract::CheckId;
use crate::contract::{MGMT_ENDPOINTS, PORT_HTTP, PORT_MGMT};
use crate::error::ClusterError;
use crate::probe::{self, child, http};
use crate::review::Finding;
use crate::review::workload::{self, parse_image};
use serde_json::Value as Json;

/// Restarts of an app container from which the pod is reported as unstable.
pub const RESTART_LIMIT: i64 = 3;
/// Pods whose logs are read per app workload (replicas log alike; two show it is not one pod's quirk).
const MAX_LOG_PODS: usize = 2;

/// What the pods showed.
#[derive(Debug, Default)]
pub struct Evidence {
    /// Live findings of the logs and endpoints (merged as `vibe review --probe` merges a probe's).
    pub findings: Vec<Finding>,
    /// Live findings of the pods' status (restarts, image pulls, readiness, the image running).
    pub status: Vec<Finding>,
    /// What was seen and what could not be checked, in plain words.
    pub notes: Vec<String>,
    /// Checks with live evidence (they are no longer "judged from source only").
    pub checks: Vec<CheckId>,
}

/// What the review knows of the app, for the endpoint checks.
#[derive(Debug, Clone, Default)]
pub struct AppFacts {
    /// The slug /info must answer.
    pub slug: Option<String>,
    /// Business metrics /metrics must carry.
    pub metrics: Vec<String>,
    /// Recent log lines to read per container.
    pub tail_lines: u32,
}

/// One container's status in a pod.
struct ContainerStatus<'a>(&'a Json);

impl ContainerStatus<'_> {
    fn str(&self, path: &[&str]) -> Option<&str> {
        path.iter().try_fold(self.0, |v, k| v.get(*k)).and_then(Json::as_str)
    }
    fn restarts(&self) -> i64 {
        self.0["restartCount"].as_i64().unwrap_or(0)
    }
    fn ready(&self) -> bool {
        self.0["ready"].as_bool().unwrap_or(false)
    }
    fn started(&self) -> bool {
        self.0["state"].get("running").is_some() || self.restarts() > 0
    }
}

/// Reads the evidence of every app workload's pods. `pods` are the items of the pod list.
pub fn gather(
    api: &mut dyn Api,
    namespace: &str,
    live: &LiveObjects,
    pods: &[Json],
    facts: &AppFacts,
) -> Result<Evidence, ClusterError> {
    let mut ev = Evidence::default();
    let apps: Vec<_> = live
        .objects
        .iter()
        .filter_map(workload::workload)
        .filter(|w| w.is_app() && w.long_running() && matches!(w.obj.kind.as_str(), "Deployment" | "StatefulSet"))
        .collect();
    if apps.is_empty() {
        ev.notes.push(format!("No app Deployment in {namespace}: no pod was checked."));
    }
    let mut logs_read = 0usize;
    let mut endpoints_read = false;
    for w in apps {
        let Some(container) = w.app_container() else { continue };
        let mine = pods_of(&w, pods);
        if mine.is_empty() {
            ev.notes.push(format!(
                "{} has no pod: its logs, /metrics and the management endpoints were not checked.",
                w.obj.id()
            ));
            continue;
        }
        for pod in &mine {
            pod_status(pod, &w.obj.id(), container.name, container.image, &mut ev);
        }
        logs_read += read_logs(api, namespace, facts, container.name, &mine, &mut ev)?;
        endpoints_read |= read_endpoints(api, namespace, facts, &w.obj.id(), container.name, &mine, &mut ev)?;
    }
    if logs_read > 0 {
        ev.checks.extend([CheckId::G3, CheckId::G5, CheckId::G6]);
    }
    if endpoints_read {
        ev.checks.extend([CheckId::G2, CheckId::B3, CheckId::B4]);
    }
    Ok(ev)
}

/// The pods a workload's `spec.selector.matchLabels` selects (none when it has no labels to match).
fn pods_of<'a>(w: &workload::Workload<'_>, pods: &'a [Json]) -> Vec<&'a Json> {
    let selector: Vec<(String, String)> = w
        .obj
        .node
        .path("spec.selector.matchLabels")
        .map(|m| m.entries().iter().filter_map(|e| Some((e.key.clone(), e.value.as_str()?.to_string()))).collect())
        .unwrap_or_default();
    pods.iter()
        .filter(|p| {
            !selector.is_empty() && selector.iter().all(|(k, v)| p["metadata"]["labels"][k].as_str() == Some(v))
        })
        .collect()
}

/// Judges the recent logs of a few pods whose app container has run; returns the lines read.
fn read_logs(
    api: &mut dyn Api,
    namespace: &str,
    facts: &AppFacts,
    container: &str,
    mine: &[&Json],
    ev: &mut Evidence,
) -> Result<usize, ClusterError> {
    let mut logs_read = 0;
    let with_logs = mine.iter().filter(|p| status_of(p, container).is_some_and(|s| s.started())).take(MAX_LOG_PODS);
    for pod in with_logs {
        let name = pod["metadata"]["name"].as_str().unwrap_or_default();
        let read = Read {
            path: format!("{}/{name}/log?container={container}&tailLines={}", PODS.path(namespace), facts.tail_lines),
            verb: "get",
            resource: "pods/log".into(),
        };
        let text = api.get(&read)?.unwrap_or_default();
        let lines: Vec<child::Line> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .enumerate()
            .map(|(i, l)| child::Line {
                stream: child::Stream::Stdout,
                number: u32::try_from(i + 1).unwrap_or(u32::MAX),
                text: l.to_string(),
            })
            .collect();
        logs_read += lines.len();
        let mut out = probe::Outcome::default();
        if !lines.is_empty() {
            probe::judge_logs(&lines, &[], &mut out);
        }
        let file = format!("{FILE_PREFIX}Pod/{name}:log/{container}");
        for mut f in out.findings {
            f.file = file.clone();
            ev.findings.push(f.object(format!("Pod/{name}")));
        }
        ev.notes.push(format!(
            "Pod/{name}: {} recent log line{} of container {container} judged.",
            lines.len(),
            crate::words::plural(lines.len()),
        ));
    }
    Ok(logs_read)
}

/// Judges /metrics and the management endpoints of one ready pod (else one that runs): every
/// replica serves the same code. Returns whether a pod was reached.
fn read_endpoints(
    api: &mut dyn Api,
    namespace: &str,
    facts: &AppFacts,
    owner: &str,
    container: &str,
    mine: &[&Json],
    ev: &mut Evidence,
) -> Result<bool, ClusterError> {
    let target = mine.iter().find(|p| status_of(p, container).is_some_and(|s| s.ready())).or_else(|| {
        mine.iter().find(|p| status_of(p, container).is_some_and(|s| s.0["state"].get("running").is_some()))
    });
    let Some(pod) = target else {
        ev.notes.push(format!("No pod of {owner} is running: /metrics and the management endpoints were not checked."));
        return Ok(false);
    };
    let name = pod["metadata"]["name"].as_str().unwrap_or_default();
    let mut out = probe::Outcome::default();
    let metrics = proxy(api, namespace, name, PORT_HTTP, "/metrics")?;
    probe::judge_metrics(
        &format!("{FILE_PREFIX}Pod/{name}:{PORT_HTTP}/metrics"),
        PORT_HTTP,
        &facts.metrics,
        metrics,
        &mut out,
    );
    // /shutdown is never called: it would stop a pod serving real users.
    for ep in MGMT_ENDPOINTS.iter().filter(|e| e.path != "/shutdown") {
        let answer = proxy(api, namespace, name, PORT_MGMT, ep.path)?;
        let url = format!("{FILE_PREFIX}Pod/{name}:{PORT_MGMT}{}", ep.path);
        probe::judge_mgmt(ep, &url, PORT_MGMT, facts.slug.as_deref(), answer, &mut out);
    }
    ev.findings.extend(out.findings.into_iter().map(|f| f.object(format!("Pod/{name}"))));
    ev.notes.extend(out.notes.into_iter().map(|n| format!("Pod/{name}: {n}")));
    Ok(true)
}

/// GET through the API server's pod proxy: the app's answer, or why there is none.
fn proxy(
    api: &mut dyn Api,
    namespace: &str,
    pod: &str,
    port: u16,
    path: &str,
) -> Result<Result<http::Response, String>, ClusterError> {
    let read = Read {
        path: format!("{}/{pod}:{port}/proxy{path}", PODS.path(namespace)),
        verb: "get",
        resource: "pods/proxy".into(),
    };
    Ok(api.proxy(&read)?.map(|(status, body)| http::Response { status, headers: Vec::new(), body }))
}

fn status_of<'a>(pod: &'a Json, container: &str) -> Option<ContainerStatus<'a>> {
    pod["status"]["containerStatuses"]
        .as_array()?
        .iter()
        .find(|c| c["name"].as_str() == Some(container))
        .map(ContainerStatus)
}

/// Status findings and a note for one pod of an app workload.
fn pod_status(pod: &Json, owner: &str, container: &str, wanted_image: Option<&str>, ev: &mut Evidence) {
    let name = pod["metadata"]["name"].as_str().unwrap_or_default();
    let phase = pod["status"]["phase"].as_str().unwrap_or("Unknown");
    let object = format!("Pod/{name}");
    let Some(s) = status_of(pod, container) else {
        ev.notes.push(format!("{object} ({owner}): {phase}, container {container} not started yet."));
        return;
    };
    let at = PodAt { name, file: format!("{FILE_PREFIX}Pod/{name}"), object, owner, container };
    let waiting = s.str(&["state", "waiting", "reason"]);
    let running_image = s.str(&["image"]).unwrap_or_default();
    ev.notes.push(format!(
        "{} ({owner}): {phase}{}, container {container} {}, {} restart{}, image {running_image}.",
        at.object,
        waiting.map(|w| format!(" ({w})")).unwrap_or_default(),
        if s.ready() { "ready" } else { "not ready" },
        s.restarts(),
        crate::words::plural(s.restarts())
    ));
    ev.status.extend(unstable(&at, &s));
    ev.status.extend(out_of_memory(&at, &s));
    ev.status.extend(pull_failed(&at, waiting, wanted_image.unwrap_or(running_image)));
    if phase == "Running" {
        ev.status.extend(not_ready(&at, &s));
    }
    ev.status.extend(image_running(&at, running_image, wanted_image));
}

/// The pod a status finding is about.
struct PodAt<'a> {
    name: &'a str,
    file: String,
    object: String,
    owner: &'a str,
    container: &'a str,
}

impl PodAt<'_> {
    fn finding(&self, id: CheckId) -> Finding {
        Finding::new(id, &self.file, None).object(&self.object)
    }
}

/// B3: the app container crashes in a loop or keeps restarting.
fn unstable(at: &PodAt, s: &ContainerStatus) -> Option<Finding> {
    let PodAt { name, object, owner, container, .. } = at;
    let waiting = s.str(&["state", "waiting", "reason"]);
    let restarts = s.restarts();
    if waiting != Some("CrashLoopBackOff") && restarts < RESTART_LIMIT {
        return None;
    }
    let exit =
        s.0.get("lastState")
            .and_then(|l| l.get("terminated"))
            .map(|t| {
                format!(
                    "; last exit: {} (code {})",
                    t["reason"].as_str().unwrap_or("unknown"),
                    t["exitCode"].as_i64().map_or("?".to_string(), |c| c.to_string())
                )
            })
            .unwrap_or_default();
    Some(
        at.finding(CheckId::B3)
            .message(format!(
                "Container {container} of {object} ({owner}) {} after {restarts} restart{}{exit}: the app does \
                 not stay up (it crashes, or its liveness probe fails).",
                if waiting == Some("CrashLoopBackOff") { "is in CrashLoopBackOff" } else { "keeps restarting" },
                crate::words::plural(restarts)
            ))
            .fix(format!(
                "Read why it stopped with `kubectl logs -n <namespace> {name} -c {container} --previous`; make the \
                 app start and keep answering GET /liveness on port {PORT_MGMT} within the probe's timeoutSeconds."
            ))
            .live(),
    )
}

/// F2: the container was last killed for its memory.
fn out_of_memory(at: &PodAt, s: &ContainerStatus) -> Option<Finding> {
    let PodAt { object, owner, container, .. } = at;
    (s.str(&["lastState", "terminated", "reason"]) == Some("OOMKilled")).then(|| {
        at.finding(CheckId::F2)
            .message(format!(
                "Container {container} of {object} ({owner}) was killed for using more memory than its limit \
                 (OOMKilled)."
            ))
            .fix("Choose a bigger size in vibe.yaml (`size:`) and run `vibe generate`, or find what makes the app's memory grow.")
            .live()
    })
}

/// A6: the image cannot be pulled.
fn pull_failed(at: &PodAt, waiting: Option<&str>, image: &str) -> Option<Finding> {
    let PodAt { object, owner, .. } = at;
    let Some(reason @ ("ImagePullBackOff" | "ErrImagePull" | "InvalidImageName")) = waiting else { return None };
    Some(
        at.finding(CheckId::A6)
            .message(format!("{object} ({owner}) cannot pull its image {image} ({reason})."))
            .fix("Push the image to the platform registry with the tag the manifest names (CI does this on every commit: check its last run).")
            .live(),
    )
}

/// B4: the container of a running pod runs but is not ready.
fn not_ready(at: &PodAt, s: &ContainerStatus) -> Option<Finding> {
    let PodAt { object, owner, container, .. } = at;
    (s.0["state"].get("running").is_some() && !s.ready()).then(|| {
        at.finding(CheckId::B4)
            .message(format!(
                "Container {container} of {object} ({owner}) runs but is not ready: its readiness probe fails, so \
                 it gets no traffic."
            ))
            .fix(format!(
                "Make GET /readiness on port {PORT_MGMT} answer 200 {} once the app can serve (check the \
                 database and stores it needs are reachable).",
                MGMT_ENDPOINTS[0].ok
            ))
            .live()
    })
}

/// A1 when the image running is unpinned, else P5 when it is not the one the workload asks for.
fn image_running(at: &PodAt, running_image: &str, wanted_image: Option<&str>) -> Option<Finding> {
    let PodAt { object, owner, .. } = at;
    if running_image.is_empty() {
        return None;
    }
    let r = parse_image(running_image);
    let unpinned = r.digest.is_none() && r.tag.is_none_or(|t| t.is_empty() || t.eq_ignore_ascii_case("latest"));
    if unpinned {
        return Some(
            at.finding(CheckId::A1)
                .message(format!("{object} ({owner}) runs the unpinned image {running_image}."))
                .fix("Deploy the image tagged with the commit SHA, through Git (CD bumps the tag in helm/vibe-stack/values.yaml).")
                .live(),
        );
    }
    let wanted = wanted_image.filter(|w| !same_image(w, running_image))?;
    Some(
        at.finding(CheckId::P5)
            .message(format!(
                "{object} runs {running_image} but {owner} asks for {wanted}: the rollout has not finished \
                 (or is stuck)."
            ))
            .fix("Check the rollout (`kubectl rollout status`) and the ArgoCD Application's health; fix what keeps the new pods from becoming ready.")
            .live(),
    )
}

/// The same image, whatever the runtime reports (`docker.io/library/` prefixes, digests).
fn same_image(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        let s = s.split('@').next().unwrap_or(s);
        let s = s.strip_prefix("docker.io/").unwrap_or(s);
        s.strip_prefix("library/").unwrap_or(s).to_string()
    };
    norm(a) == norm(b)
}
