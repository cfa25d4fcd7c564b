//! The review model, built once when a review starts and handed to every check (like
//! kube-linter's lint context): the repo's workloads, the routes from its Ingresses to their
//! pods, every image reference, plus the words and positions findings about them use. Checks read the model and never
//! each other; pure Kubernetes meaning (quantities, selectors, TLS hosts, Service ports) lives in
//! [`crate::k8s`].

pub mod backup_jobs;
pub mod build;
pub mod dockerignore;
pub mod entry;
pub mod env;
pub mod images;
pub mod routes;

pub use entry::Entry;
pub use images::{FromImage, FromLine, ImageSite, Place, TagOverride, argocd_tag_overrides, from_lines};
pub use routes::{Backend, METRICS_PATH, Routes, Target};

use super::context::ReviewContext;
use super::workload::{self, Container, Workload};
use crate::repo::{Object, Repo};
use crate::yaml::Node;
use std::collections::BTreeMap;

/// What the checks share, computed once per review from the repo.
pub struct Model<'a> {
    /// Every workload of the repo (objects with a pod template), in file order.
    pub workloads: Vec<Workload<'a>>,
    /// Ingress -> Service -> port -> pods, indexed once.
    pub routes: Routes<'a>,
    /// Every image reference (containers, chart values, Dockerfile FROMs), in file order.
    pub images: Vec<ImageSite<'a>>,
    /// The app's entry code: what the app image starts and the local files it imports.
    pub entry: Entry<'a>,
    /// How each Dockerfile builds, and what would stop it (A7; S4 leaves A7's lockfiles to it).
    pub builds: Vec<build::Build<'a>>,
    /// Namespaces the repo declares as pull-request previews (labelled [`crate::contract::PREVIEW_LABEL`]).
    preview_namespaces: Vec<String>,
    /// The charts ArgoCD deploys and what vibe could tell of their objects (P7 reads them; the
    /// review fills them in, a model of live objects has none).
    pub charts: Vec<crate::chart::View>,
}

impl<'a> Model<'a> {
    /// Builds the model of `repo`.
    pub fn new(repo: &'a Repo) -> Model<'a> {
        let workloads = workload::workloads(repo);
        let routes = Routes::new(repo, &workloads);
        let images = images::image_sites(repo, &workloads);
        let entry = Entry::new(repo);
        let builds = build::builds(repo);
        let (key, value) = crate::contract::PREVIEW_LABEL;
        let preview_namespaces = repo
            .objects
            .iter()
            .filter(|o| o.kind == "Namespace")
            .filter(|o| o.node.path("metadata.labels").and_then(|l| l.get(key)).and_then(Node::as_str) == Some(value))
            .map(|o| o.name.clone())
            .collect();
        Model { workloads, routes, images, entry, builds, preview_namespaces, charts: Vec::new() }
    }

    /// True when `ns` is a pull request's preview: throw-away data and one copy by design, so
    /// backups (D5, D6) and an autoscaler (F4) do not apply. The namespace vibe.yaml deploys the
    /// app to is never one, whatever its labels: production cannot be declared a preview.
    pub fn is_preview(&self, ns: Option<&str>, ctx: &ReviewContext) -> bool {
        let Some(ns) = ns else { return false };
        let production = ctx.answers.is_some() && ctx.namespace.as_deref() == Some(ns);
        !production && self.preview_namespaces.iter().any(|p| p == ns)
    }

    /// Long-running app workloads (not stores, not Jobs): the ones most checks judge.
    pub fn long_running_apps(&self) -> impl Iterator<Item = &Workload<'a>> {
        self.workloads.iter().filter(|w| w.is_app() && w.long_running())
    }
}

/// Line of a mapping key (for findings about a field that is present), else the node's own line.
pub fn key_line(node: &Node, key: &str) -> Option<u32> {
    node.entry(key).and_then(|e| e.key_pos).map(|p| p.line).or_else(|| node.get(key).and_then(Node::line))
}

/// "container `app` of Deployment/x" / "initContainer `wait` of …".
pub fn container_words(w: &Workload, c: &Container) -> String {
    let kind = if c.init { "initContainer" } else { "container" };
    if c.name.is_empty() {
        format!("a {kind} of {}", w.obj.id())
    } else {
        format!("{kind} `{}` of {}", c.name, w.obj.id())
    }
}

/// A pod's labels, owned and ordered.
pub type Labels = BTreeMap<String, String>;

/// A workload's pod labels.
pub fn labels_of(w: &Workload) -> Labels {
    w.labels().into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The namespace an object lives in: its own, else the app's.
pub fn namespace_of(obj: &Object, ctx: &ReviewContext) -> Option<String> {
    obj.namespace.clone().or_else(|| ctx.namespace.clone())
}
