//! The charts ArgoCD deploys, and the objects they render: each rendered document with the chart
//! file it comes from, so the review can judge what is deployed rather than only k8s/.
//!
//! How a chart is rendered (contract v2, P7):
//! - every file is what vibe wrote (the lock's hash): the chart renders exactly k8s/ (vibe writes
//!   both from one context, and its tests prove the twins equal), so nothing is rendered;
//! - only values differ, in vibe's own chart: vibe renders it itself from the values, without helm
//!   ([`values`]): the values are the chart's only input and vibe's k8s templates are its twin;
//! - a template differs (edited by hand, or a chart vibe did not write): `helm template` when helm
//!   is on PATH ([`helm`]), else the chart cannot be rendered, and the review says so (P7).
//!
//! This module reads and renders; it knows nothing of checks.

pub mod helm;
pub mod values;

use crate::generate::write::Lock;
use crate::repo::Repo;
use crate::spec::AppSpec;
use crate::yaml::Node;

/// A chart an ArgoCD Application in the repo deploys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployed {
    /// The chart folder, repo-relative (`helm/vibe-stack`).
    pub dir: String,
    /// The release name ArgoCD gives it (`spec.source.helm.releaseName`, else the Application's name).
    pub release: String,
    /// The namespace it is deployed to (`spec.destination.namespace`).
    pub namespace: Option<String>,
}

/// One object the chart renders, with where it comes from.
#[derive(Debug, Clone)]
pub struct Doc {
    /// The chart template it comes from (`helm/vibe-stack/templates/08-app.yaml`).
    pub template: String,
    /// Index of the document among the template's rendered documents.
    pub index: usize,
    /// The rendered object (lines are those of the rendered text, not of the template).
    pub node: Node,
}

/// A value of the chart's values file that differs from what vibe.yaml gives, as vibe rendered it.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueChange {
    /// The key path in the values file (`hpa.min`).
    pub key: String,
    /// What vibe.yaml gives (as JSON).
    pub vibe: serde_json::Value,
    /// What the values file says.
    pub value: serde_json::Value,
    /// The key's line in the values file.
    pub line: Option<u32>,
}

/// Who rendered a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderedBy {
    /// vibe, from the values file (its own chart, templates unchanged).
    Vibe,
    /// `helm template`.
    Helm,
}

/// What vibe could tell of what a chart renders.
#[derive(Debug, Clone)]
pub enum Rendering {
    /// Every file is what vibe wrote: the chart renders exactly the objects of k8s/.
    AsGenerated,
    /// Rendered: the objects ArgoCD deploys.
    Rendered {
        /// Who rendered it.
        by: RenderedBy,
        /// The objects, in template order.
        docs: Vec<Doc>,
        /// The values that differ from vibe.yaml (vibe's renders only), for placing findings.
        changes: Vec<ValueChange>,
    },
    /// vibe cannot tell what the chart renders.
    Unrenderable(Unrenderable),
    /// The values file could not be read or parsed: the review's blocking diagnostic says so,
    /// and nothing is rendered from it.
    Unread,
}

/// Why a chart could not be rendered, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrenderable {
    /// The chart file the problem is in (a changed template, or the values file).
    pub file: String,
    /// Its line, when known (the first changed line).
    pub line: Option<u32>,
    /// What changed, in plain words (`line 42 now reads "…"`).
    pub changed: String,
    /// Why it could not be rendered (no helm on PATH, helm's own message).
    pub why: String,
}

/// A chart ArgoCD deploys and what vibe could tell of its objects.
#[derive(Debug, Clone)]
pub struct View {
    /// The chart.
    pub chart: Deployed,
    /// Its objects, or why they are unknown.
    pub rendering: Rendering,
    /// The chart's template files (the report says they were reviewed as rendered).
    pub templates: Vec<String>,
}

/// The charts ArgoCD Applications in the repo deploy (folders holding a Chart.yaml), once each.
pub fn deployed(repo: &Repo) -> Vec<Deployed> {
    let mut out: Vec<Deployed> = Vec::new();
    for o in repo.objects.iter().filter(|o| o.kind == "Application") {
        let api = o.node.get("apiVersion").and_then(Node::as_str).unwrap_or_default();
        if !api.starts_with("argoproj.io/") {
            continue;
        }
        let spec = o.node.get("spec").unwrap_or(Node::none());
        let mut sources: Vec<&Node> = spec.get("source").into_iter().collect();
        sources.extend(spec.get("sources").map(Node::items).unwrap_or_default());
        for source in sources {
            let Some(dir) = source.get("path").and_then(Node::as_str).map(clean_dir) else { continue };
            if !repo.files.iter().any(|f| *f == format!("{dir}/Chart.yaml")) || out.iter().any(|d| d.dir == dir) {
                continue;
            }
            let release = source.path("helm.releaseName").and_then(Node::as_str).unwrap_or(&o.name).to_string();
            let namespace = spec.path("destination.namespace").and_then(Node::as_str).map(str::to_string);
            out.push(Deployed { dir, release, namespace });
        }
    }
    out
}

/// `./helm/vibe-stack/` -> `helm/vibe-stack`.
fn clean_dir(path: &str) -> String {
    path.trim().trim_start_matches("./").trim_end_matches('/').to_string()
}

/// What vibe needs to render the charts of a repo.
pub struct Inputs<'a> {
    /// The repo (chart files are read from the text the review read).
    pub repo: &'a Repo,
    /// The app's spec from vibe.yaml, when it has valid answers.
    pub spec: Option<&'a AppSpec>,
    /// The lock: which files vibe wrote, and their hashes.
    pub lock: &'a Lock,
    /// The helm program, when one is on PATH.
    pub helm: Option<std::path::PathBuf>,
}

/// Every chart ArgoCD deploys and what vibe can tell of its objects. Costs a hash of each chart
/// file when the chart is vibe's, unchanged.
pub fn views(inputs: &Inputs) -> Vec<View> {
    deployed(inputs.repo).into_iter().map(|chart| view(inputs, chart)).collect()
}

fn view(inputs: &Inputs, chart: Deployed) -> View {
    let prefix = format!("{}/", chart.dir);
    let files: Vec<&String> = inputs.repo.files.iter().filter(|f| f.starts_with(&prefix)).collect();
    let templates: Vec<String> =
        files.iter().filter(|f| f[prefix.len()..].starts_with("templates/")).map(|f| f.to_string()).collect();
    let values_file = format!("{}values.yaml", prefix);
    let changed = |path: &str| text(inputs.repo, path).is_none_or(|t| !inputs.lock.wrote(path, t.as_bytes()));
    // A template vibe wrote that is gone changes what the chart renders as much as an edit.
    let removed = inputs.lock.files.keys().filter(|p| p.starts_with(&format!("{prefix}templates/")));
    let mut edited: Vec<String> = templates.iter().filter(|t| changed(t)).cloned().collect();
    edited.extend(removed.filter(|p| !templates.contains(p)).cloned());
    let values_changed = changed(&values_file);
    let unread =
        values_changed && text(inputs.repo, &values_file).is_some_and(|t| crate::yaml::parse_documents(&t).is_err());
    let rendering = if unread {
        Rendering::Unread
    } else if edited.is_empty() && !values_changed {
        Rendering::AsGenerated
    } else if edited.is_empty() {
        by_vibe(inputs, &chart, &values_file).unwrap_or_else(|reason| by_helm(inputs, &chart, reason))
    } else {
        let first = edited[0].clone();
        by_helm(inputs, &chart, template_change(inputs, &first))
    };
    View { chart, rendering, templates }
}

/// The text of a chart file: as the review read it, else from disk (safely; `_helpers.tpl`).
pub fn text(repo: &Repo, path: &str) -> Option<String> {
    if let Some(t) = repo.chart_files.get(path) {
        return Some(t.clone());
    }
    let root = crate::fsread::RepoRoot::new(&repo.root).ok()?;
    root.read_text_if_exists(path).ok().flatten()
}

/// Renders vibe's own chart from its values, or says which value keeps vibe from it.
fn by_vibe(inputs: &Inputs, chart: &Deployed, values_file: &str) -> Result<Rendering, Unrenderable> {
    let not_vibes = || Unrenderable {
        file: values_file.to_string(),
        line: None,
        changed: "the values file is not the one vibe wrote".into(),
        why: "the chart is not vibe's, or vibe.yaml cannot be read, so vibe cannot render it itself".into(),
    };
    let spec = inputs.spec.ok_or_else(not_vibes)?;
    if chart.dir != crate::contract::CHART_DIR {
        return Err(not_vibes());
    }
    let values_text = text(inputs.repo, values_file).ok_or_else(not_vibes)?;
    values::render(spec, &inputs.repo.root, &values_text, &chart.dir, &[]).map_err(|e| Unrenderable {
        file: values_file.to_string(),
        line: e.line,
        changed: e.changed,
        why: e.why,
    })
}

/// Renders with helm when it is on PATH; `reason` says what changed, for when it is not.
fn by_helm(inputs: &Inputs, chart: &Deployed, reason: Unrenderable) -> Rendering {
    let Some(program) = &inputs.helm else {
        return Rendering::Unrenderable(Unrenderable {
            why: format!("{}; helm is not on PATH, so vibe cannot render the chart to review it", reason.why),
            ..reason
        });
    };
    match helm::template(program, &inputs.repo.root, chart) {
        Ok(docs) => Rendering::Rendered { by: RenderedBy::Helm, docs, changes: Vec::new() },
        Err(message) => {
            Rendering::Unrenderable(Unrenderable { why: format!("`helm template` failed: {message}"), ..reason })
        }
    }
}

/// What changed in a template: its first line that differs from what vibe would write now.
fn template_change(inputs: &Inputs, path: &str) -> Unrenderable {
    let now = text(inputs.repo, path);
    let vibes = inputs.spec.and_then(|spec| values::generated_file(spec, &inputs.repo.root, path));
    let why = if inputs.lock.files.contains_key(path) {
        "it was changed by hand since vibe wrote it".to_string()
    } else {
        "vibe did not write it".to_string()
    };
    let (line, changed) = match (&now, &vibes) {
        (None, _) => (None, "the template vibe wrote was removed".to_string()),
        (Some(now), Some(vibes)) => first_difference(now, vibes),
        (Some(_), None) => (None, "vibe cannot say which line changed (no vibe.yaml to compare with)".to_string()),
    };
    Unrenderable { file: path.to_string(), line, changed, why }
}

/// The first line where `now` differs from `vibes`, and what it reads now.
pub fn first_difference(now: &str, vibes: &str) -> (Option<u32>, String) {
    let mut a = now.lines();
    let mut b = vibes.lines();
    let mut n = 0u32;
    loop {
        n += 1;
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (Some(x), _) => return (Some(n), format!("line {n} now reads `{}`", x.trim())),
            (None, Some(y)) => return (Some(n), format!("line {n} was removed (vibe wrote `{}`)", y.trim())),
            (None, None) => return (None, "only its line endings or bytes differ".into()),
        }
    }
}

/// Splits a multi-document YAML text into objects of `template` (empty documents left out).
pub fn parse_docs(template: &str, text: &str) -> Result<Vec<Doc>, String> {
    let docs = crate::yaml::parse_documents(text).map_err(|e| format!("line {}: {}", e.pos.line, e.message))?;
    Ok(docs
        .into_iter()
        .filter(|d| d.root.is_map())
        .enumerate()
        .map(|(index, d)| Doc { template: template.to_string(), index, node: d.root })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn argocd_applications_name_the_charts_they_deploy() {
        let app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: shop}\nspec:\n  source: {path: ./charts/web/}\n  destination: {namespace: prod}\n";
        let other =
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: x}\nspec:\n  source: {path: k8s}\n";
        let repo = Repo::from_files(
            Path::new("/r"),
            &[("argocd/app.yaml", app), ("argocd/x.yaml", other), ("charts/web/Chart.yaml", "name: web\n")],
        );
        let mut repo = repo;
        repo.files = vec!["argocd/app.yaml".into(), "argocd/x.yaml".into(), "charts/web/Chart.yaml".into()];
        assert_eq!(
            deployed(&repo),
            [Deployed { dir: "charts/web".into(), release: "shop".into(), namespace: Some("prod".into()) }]
        );
    }

    #[test]
    fn the_first_difference_names_the_line_and_its_text() {
        assert_eq!(
            first_difference("a\nb: true\nc\n", "a\nb: false\nc\n"),
            (Some(2), "line 2 now reads `b: true`".into())
        );
        assert_eq!(first_difference("a\n", "a\nb\n").0, Some(2));
    }
}
