//! `vibe review --cluster`: the review of a live namespace through the Kubernetes API, read-only.
//!
//! The live objects (Deployments, StatefulSets, Services, Ingresses, NetworkPolicies, PVCs,
//! HPAs, ConfigMaps, CronJobs, SealedSecrets, PrometheusRules; never Secrets) become [`Object`](crate::repo::Object)s like
//! the repo's ([`objects`]) and replace the repo's Kubernetes objects; the rest of the repo
//! (Dockerfile, source, workflows, chart values, the ArgoCD Application) stays, so every check
//! runs unchanged and a compliant app deployed from a compliant repo reviews clean. Then come
//! the pods' live evidence ([`live`]), the age of the last backup and restore drill from the
//! CronJobs' status ([`backup_age`]) and the drift between k8s/ and the namespace ([`drift`]).
//! Findings on live objects name the object and the field (`cluster:Deployment/web:spec.replicas`).
//!
//! Only GET requests are sent, all inside the namespace: the namespace itself, the lists of the
//! kinds above and of pods, pods' logs and GETs through the pod proxy. [`role::manifest`] is the
//! Role that allows exactly that. The Kubernetes client ([`client`]) is behind the `cluster`
//! feature; the rest builds without it.

pub mod backup_age;
#[cfg(feature = "cluster")]
pub mod client;
pub mod drift;
pub mod live;
pub mod objects;
pub mod role;
pub mod schedule;

use crate::contract::CheckId;
use crate::error::{ClusterError, Error};
use crate::repo::Repo;
use crate::review::{self, Evidence, Finding, Report, ReviewContext};
use crate::workspace::Workspace;
use objects::{FILE_PREFIX, LiveObjects};
use serde_json::Value as Json;
use std::collections::HashSet;
use std::path::Path;

/// Default number of recent log lines read per app container.
pub const DEFAULT_TAIL_LINES: u32 = 200;

/// One GET the review sends: the path, and what it reads in RBAC terms (for a 403's message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// Path and query.
    pub path: String,
    /// `get` or `list`.
    pub verb: &'static str,
    /// The RBAC resource (`deployments`, `pods/log`).
    pub resource: String,
}

/// The app's answer through the pod proxy (status, body), or why there was none.
pub type Answer = Result<(u16, String), String>;

/// The API server as the review uses it. [`client::KubeApi`] is the real one.
pub trait Api {
    /// GETs `read.path`: the body, or `None` for 404. Any other failure is an error.
    fn get(&mut self, read: &Read) -> Result<Option<String>, ClusterError>;
    /// GETs through the pod proxy. The app's own error answers are an `Ok(Ok(..))`; a proxy that
    /// cannot reach the pod is `Ok(Err(..))`; rejected credentials or permissions are errors.
    fn proxy(&mut self, read: &Read) -> Result<Answer, ClusterError>;
    /// The API server's clock: the `Date` header of its last answer, if it sent one.
    fn server_date(&self) -> Option<String> {
        None
    }
}

/// What to review and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// Kubeconfig context (default: the current one).
    pub context: Option<String>,
    /// Namespace (default: the app's, from vibe.yaml and the platform settings).
    pub namespace: Option<String>,
    /// Recent log lines read per app container.
    pub tail_lines: u32,
}

/// A finished cluster review.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The report, as for a repo (findings on live objects are marked live).
    pub report: Report,
    /// What was read and what could not be checked, in plain words (the header of the report).
    pub notes: Vec<String>,
}

/// The namespace to review: `--namespace`, else the app's (vibe.yaml + platform settings).
pub fn namespace(ws: &Workspace, flag: Option<&str>) -> Result<String, Error> {
    if let Some(ns) = flag {
        return Ok(ns.to_string());
    }
    let repo = Repo::load(&ws.root)?;
    app_namespace(&ReviewContext::for_workspace(&repo, ws), &ws.root)
}

/// The app's namespace as the review context knows it, or what to pass instead.
fn app_namespace(ctx: &ReviewContext, root: &Path) -> Result<String, Error> {
    ctx.namespace.clone().ok_or_else(|| {
        Error::Usage(format!(
            "which namespace? {} has no vibe.yaml (and no manifests naming one): pass --namespace NS",
            root.display()
        ))
    })
}

/// Reviews the live namespace of the workspace's app through the kubeconfig.
#[cfg(feature = "cluster")]
pub fn review(ws: &Workspace, opts: &Options) -> Result<Outcome, Error> {
    let repo = Repo::load(&ws.root)?;
    let ctx = ReviewContext::for_workspace(&repo, ws);
    let ns = match &opts.namespace {
        Some(ns) => ns.clone(),
        None => app_namespace(&ctx, &ws.root)?,
    };
    let mut api = client::KubeApi::connect(opts.context.as_deref(), &ns)?;
    let about = format!("context {} at {}", api.context, api.server);
    let context = api.context.clone();
    review_with(&mut api, repo, ctx, &ns, opts.tail_lines, &about, &context)
}

/// Without the `cluster` feature there is no Kubernetes client.
#[cfg(not(feature = "cluster"))]
pub fn review(_ws: &Workspace, _opts: &Options) -> Result<Outcome, Error> {
    Err(ClusterError::NotBuilt.into())
}

/// Parses a list answer into its items, with the kind and apiVersion every item needs (the API
/// server leaves them out of typed lists' items).
fn items(body: &str, read: &Read, kind: &str, api_version: &str, ns: &str) -> Result<Vec<Json>, ClusterError> {
    let list: Json = serde_json::from_str(body).map_err(|e| ClusterError::Api {
        verb: read.verb.into(),
        resource: read.resource.clone(),
        namespace: ns.into(),
        code: 200,
        message: format!("the answer is not JSON ({e}); is the server a Kubernetes API server?"),
    })?;
    let mut out = Vec::new();
    for mut item in list["items"].as_array().cloned().unwrap_or_default() {
        if let Some(o) = item.as_object_mut() {
            o.entry("kind").or_insert_with(|| Json::from(kind));
            o.entry("apiVersion").or_insert_with(|| Json::from(api_version));
        }
        out.push(item);
    }
    Ok(out)
}

/// The review of namespace `ns` read through `api`, with the repo already loaded. `about` says
/// where the cluster is (for the header); `context` names it in errors.
pub fn review_with(
    api: &mut dyn Api,
    mut repo: Repo,
    mut ctx: ReviewContext,
    ns: &str,
    tail_lines: u32,
    about: &str,
    context: &str,
) -> Result<Outcome, Error> {
    let mut notes = Vec::new();
    let read = read_namespace(api, ns, context, &mut notes)?;
    notes.insert(0, read.header(ns, about));
    let has_repo = repo.root.join(crate::spec::ANSWERS_FILE).exists() || !repo.objects.is_empty();
    let drift = drift_findings(&repo, &read, ns, &mut notes);
    let backups = backup_evidence(api, &repo, &ctx, &read, ns);
    let kept = swap_in_live(&mut repo, &mut ctx, &read, ns);
    if !has_repo {
        notes.push(format!(
            "No app repo here (no vibe.yaml, no manifests): only the live objects were reviewed; the checks of the \
             Dockerfile, source and workflows ({}) were not run.",
            review::registry::repo_only().map(CheckId::as_str).collect::<Vec<_>>().join(", ")
        ));
    }
    let mut evidence = gather_pod_evidence(api, &mut ctx, &read, ns, tail_lines)?;
    notes.append(&mut evidence.notes);
    if let Some(mut backups) = backups {
        notes.append(&mut backups.notes);
        evidence.findings.append(&mut backups.findings);
        evidence.checks.extend([CheckId::D5, CheckId::D6]);
    }
    let mut report = review_live_repo(&repo, &mut ctx, &read.live, &kept, has_repo);
    // The logs and endpoints are merged by the probe's rule, so `--cluster` and `--probe` agree on
    // what live evidence replaces; the pods' status and the drift are facts of their own.
    crate::probe::merge::merge(&mut report, &evidence.checks, evidence.findings);
    report.add(&ctx, drift.into_iter().chain(evidence.status));
    report.namespace = Some(ns.to_string());
    report.subject = review::Subject::Namespace;
    Ok(Outcome { report, notes })
}

/// What was read from the namespace: its objects, its pods and the kinds that were listed.
struct NamespaceRead {
    live: LiveObjects,
    pods: Vec<Json>,
    kinds_read: Vec<&'static str>,
    /// The CronJobs as the API server gave them, with their status (`live` has it stripped).
    cronjobs: Vec<Json>,
}

impl NamespaceRead {
    /// The first line of the report's notes: which namespace, where, and how much was read.
    fn header(&self, ns: &str, about: &str) -> String {
        format!(
            "Live namespace {ns} ({about}): {} object{} and {} pod{} read.",
            self.live.objects.len(),
            crate::words::plural(self.live.objects.len()),
            self.pods.len(),
            crate::words::plural(self.pods.len())
        )
    }
}

/// Reads the namespace, its objects kind by kind, and its pods. A list in a namespace that does
/// not exist is just empty, so the namespace itself is read first.
fn read_namespace(api: &mut dyn Api, ns: &str, context: &str, notes: &mut Vec<String>) -> Result<NamespaceRead, Error> {
    let read = Read { path: format!("/api/v1/namespaces/{ns}"), verb: "get", resource: "namespaces".into() };
    let Some(body) = api.get(&read)? else {
        return Err(ClusterError::NamespaceMissing { namespace: ns.into(), context: context.into() }.into());
    };
    let mut all: Vec<Json> = serde_json::from_str::<Json>(&body).map(|n| vec![n]).unwrap_or_default();
    let mut kinds_read: Vec<&'static str> = vec!["Namespace"];
    for k in role::KINDS {
        if let Some(items) = read_kind(api, k, ns, notes)? {
            all.extend(items);
            kinds_read.push(k.kind);
        }
    }
    let read = Read { path: role::PODS.path(ns), verb: "list", resource: "pods".into() };
    let pods = match api.get(&read)? {
        Some(body) => items(&body, &read, "Pod", "v1", ns)?,
        None => Vec::new(),
    };
    let cronjobs = all.iter().filter(|o| o["kind"] == "CronJob").cloned().collect();
    Ok(NamespaceRead { live: LiveObjects::new(all), pods, kinds_read, cronjobs })
}

/// Lists one kind in the namespace: its items, or `None` (with a note) when the cluster does not
/// have an add-on's optional resource (SealedSecret, PrometheusRule). Any other kind the server
/// does not serve is an error.
fn read_kind(api: &mut dyn Api, k: &role::Kind, ns: &str, notes: &mut Vec<String>) -> Result<Option<Vec<Json>>, Error> {
    let read = Read { path: k.path(ns), verb: "list", resource: k.resource.into() };
    let api_version = if k.group.is_empty() { k.version.to_string() } else { format!("{}/{}", k.group, k.version) };
    match api.get(&read)? {
        Some(body) => Ok(Some(items(&body, &read, k.kind, &api_version, ns)?)),
        None if k.optional.is_some() => {
            notes.extend(k.optional.map(str::to_string));
            Ok(None)
        }
        None => Err(ClusterError::Api {
            verb: "list".into(),
            resource: k.resource.into(),
            namespace: ns.into(),
            code: 404,
            message: "the API server does not serve this resource".into(),
        }
        .into()),
    }
}

/// Drift between the manifests in k8s/ and the namespace (none, with a note, without manifests).
fn drift_findings(repo: &Repo, read: &NamespaceRead, ns: &str, notes: &mut Vec<String>) -> Vec<Finding> {
    let manifests: Vec<&crate::repo::Object> = repo.objects.iter().filter(|o| o.file.starts_with("k8s/")).collect();
    if manifests.is_empty() {
        notes.push("No manifests in k8s/: drift between Git and the namespace was not checked.".into());
        return Vec::new();
    }
    drift::findings(&manifests, &read.live.objects, &read.kinds_read, ns)
}

/// The age of the last backup and restore drill, judged at the API server's time (else this
/// machine's); `None` when CronJobs could not be read. Findings point at the repo's manifests.
fn backup_evidence(
    api: &dyn Api,
    repo: &Repo,
    ctx: &ReviewContext,
    read: &NamespaceRead,
    ns: &str,
) -> Option<backup_age::Evidence> {
    if !read.kinds_read.contains(&"CronJob") {
        return None;
    }
    let now = api.server_date().as_deref().and_then(backup_age::http_date).unwrap_or_else(jiff::Timestamp::now);
    let manifests: Vec<&crate::repo::Object> = repo.objects.iter().filter(|o| o.file.starts_with("k8s/")).collect();
    let around = backup_age::Around { namespace: ns, manifests: &manifests, slug: ctx.slug.as_deref(), now };
    Some(backup_age::judge(&read.live.objects, &read.cronjobs, &around))
}

/// Replaces the repo's Kubernetes objects by the live ones and points the context at `ns`.
/// Returns the repo files that stay (their findings are not live).
fn swap_in_live(repo: &mut Repo, ctx: &mut ReviewContext, read: &NamespaceRead, ns: &str) -> HashSet<String> {
    let replaced = |kind: &str| read.kinds_read.contains(&kind) || role::KINDS.iter().any(|k| k.kind == kind);
    let kept: HashSet<String> = repo
        .objects
        .iter()
        .filter(|o| !replaced(&o.kind))
        .map(|o| o.file.clone())
        .chain(repo.yaml.iter().map(|y| y.file.clone()))
        .chain(repo.dockerfiles.iter().map(|d| d.file.clone()))
        .chain(repo.workflows.iter().map(|w| w.file.clone()))
        .chain(repo.sources.iter().map(|s| s.file.clone()))
        .chain(repo.dependency_files.iter().map(|s| s.file.clone()))
        .chain(repo.gitignores.iter().map(|g| g.0.clone()))
        .chain(repo.env_files.iter().cloned())
        .collect();
    repo.replace_objects(|o| !replaced(&o.kind), read.live.objects.iter().cloned());
    if ctx.answers.is_none() {
        ctx.infer(repo);
    }
    ctx.namespace = Some(ns.to_string());
    kept
}

/// The pods' live evidence (status, logs, endpoints); the checks it covers are recorded in `ctx`.
fn gather_pod_evidence(
    api: &mut dyn Api,
    ctx: &mut ReviewContext,
    read: &NamespaceRead,
    ns: &str,
    tail_lines: u32,
) -> Result<live::Evidence, Error> {
    let facts = live::AppFacts {
        slug: ctx.slug.clone(),
        metrics: ctx.answers.as_ref().map(|a| a.metrics.iter().map(|m| m.name.clone()).collect()).unwrap_or_default(),
        tail_lines,
    };
    let evidence = live::gather(api, ns, &read.live, &read.pods, &facts)?;
    ctx.live_evidence.extend(evidence.checks.iter().copied());
    Ok(evidence)
}

/// The review of the repo with the live objects, findings located on the live objects (and,
/// without an app repo, the repo-only checks left out).
fn review_live_repo(
    repo: &Repo,
    ctx: &mut ReviewContext,
    live: &LiveObjects,
    kept: &HashSet<String>,
    has_repo: bool,
) -> Report {
    let mut report = review::run(repo, ctx);
    report.put_context_diagnostics(std::mem::take(&mut ctx.diagnostics));
    for f in report.findings.iter_mut().chain(report.suppressed.iter_mut()) {
        locate(f, live, kept);
    }
    if !has_repo {
        report.findings.retain(|f| !review::registry::check(f.id).repo_only);
        report.suppressed.retain(|f| !review::registry::check(f.id).repo_only);
    }
    report
}

/// Points a finding on a live object at the object and field (`cluster:Deployment/web:spec.replicas`),
/// and marks findings about the live set as live; findings on kept repo files stay as they are.
fn locate(f: &mut Finding, live: &LiveObjects, kept: &HashSet<String>) {
    if f.file.starts_with(FILE_PREFIX) {
        if let Some(path) = f.line.and_then(|l| live.path_of(&f.file, l)).filter(|p| !p.is_empty()) {
            f.file = format!("{}:{path}", f.file);
        }
        f.line = None;
        f.evidence = Evidence::Live;
    } else if !review::registry::check(f.id).repo_only && !kept.contains(&f.file) {
        f.evidence = Evidence::Live;
    }
}
