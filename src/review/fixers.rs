//! What every fixer shares: what it reads ([`Fx`]), what it returns ([`Fixed`]), its type
//! ([`Fixer`]), and how it finds the object, container or line a finding points at in the current
//! text of the files (`object_of`, `locate_object`, `edit_object`, `edit_at`, ...). Each
//! family's fixers live beside its checks (`checks/<family>/fix.rs`) and are declared in the
//! family's `CHECKS`; the G1 fixer stays here while the observability family is restructured.
//!
//! A fixer reads the repo as it was reviewed, then changes the current text of the files with the
//! verified edits of [`crate::edit`]. One that cannot make its change safely returns the reason,
//! and the finding is left for the creator. Fixers work on the object a finding names and on its
//! typed [`super::Remedy`], never on its wording, so they are idempotent (a second run finds
//! nothing to change) and robust to earlier fixes in the same file. Where a check reports one
//! finding per container, probe or env entry, the line of the finding picks it.

use super::workload::{self, Container, Workload};
use super::{Finding, ReviewContext};
use crate::contract;
use crate::edit::Files;
use crate::edit::yaml_edit::{self as edit, Seg};
use crate::repo::{Object, Repo};
use crate::yaml::{self, Node};

/// The user id vibe's generated pods run as (the generated Deployments' `runAsUser`).
pub const NON_ROOT_UID: i64 = 10001;
/// Pod spec keys new pod-level keys go above (so they read before the containers).
pub(crate) const POD_LISTS: &[&str] = &["initContainers", "containers"];
/// The platform the cluster's nodes run.
pub(crate) const PLATFORM_AMD64: &str = contract::PLATFORM_ARCH;

/// What the fixers read: the repo as reviewed and what is known of the app.
pub struct Fx<'a> {
    /// The repo as reviewed (positions match the findings).
    pub repo: &'a Repo,
    /// What the review knew of the app.
    pub ctx: &'a ReviewContext,
}

/// Outcome of one fixer: `Err` carries why it could not fix the finding.
pub type Fixed = Result<(), String>;

/// A fixer: changes the current text of `files` so the finding no longer applies, or says why
/// it cannot. Declared with its check in [`super::registry`].
pub type Fixer = fn(&Fx, &Finding, &mut Files) -> Fixed;

// ---------------------------------------------------------------------------------------------
// Finding the things a finding points at.

/// The object a finding names (in its file; the line decides between same-named objects).
pub(crate) fn object_of<'a>(fx: &Fx<'a>, f: &Finding) -> Result<&'a Object, String> {
    let id = f.object.as_deref().ok_or("the finding names no object")?;
    // Findings about something missing name the file where it belongs, not the object's own file.
    let mut candidates: Vec<&Object> = fx.repo.objects.iter().filter(|o| o.file == f.file && o.id() == id).collect();
    if candidates.is_empty() {
        candidates = fx.repo.objects.iter().filter(|o| o.id() == id).collect();
    }
    let by_line =
        f.line.and_then(|l| candidates.iter().filter(|o| o.line().is_some_and(|ol| ol <= l)).max_by_key(|o| o.line()));
    by_line.or(candidates.first()).copied().ok_or_else(|| format!("{id} is no longer in {}", f.file))
}

pub(crate) fn workload_of<'a>(fx: &Fx<'a>, f: &Finding) -> Result<Workload<'a>, String> {
    let obj = object_of(fx, f)?;
    workload::workload(obj).ok_or_else(|| format!("{} has no pod template", obj.id()))
}

/// Where an object is in the current text of its file: document index and path prefix.
pub(crate) fn locate_object(files: &mut Files, obj: &Object) -> Result<(usize, Vec<Seg>), String> {
    let text = files.text(&obj.file)?;
    let docs = yaml::parse_documents(&text).map_err(|e| format!("{} is not valid YAML ({e})", obj.file))?;
    let is_it = |n: &Node| {
        n.get("kind").and_then(Node::as_str) == Some(obj.kind.as_str())
            && n.path("metadata.name").and_then(Node::as_str).unwrap_or("") == obj.name
    };
    let in_doc = |d: &yaml::Document| -> Option<Vec<Seg>> {
        if is_it(&d.root) {
            return Some(Vec::new());
        }
        // Objects inside a `kind: List`.
        d.root.get("items")?.items().iter().position(is_it).map(|i| vec![Seg::Key("items".into()), Seg::Idx(i)])
    };
    if let Some(prefix) = docs.get(obj.doc).and_then(in_doc) {
        return Ok((obj.doc, prefix));
    }
    docs.iter()
        .find_map(|d| in_doc(d).map(|p| (d.index, p)))
        .ok_or_else(|| format!("{} is no longer in {}", obj.id(), obj.file))
}

/// Runs one edit on an object's document and stores the result.
pub(crate) fn edit_object(
    files: &mut Files,
    obj: &Object,
    op: impl FnOnce(&str, usize, &[Seg]) -> edit::EditResult<String>,
) -> Fixed {
    let (doc, prefix) = locate_object(files, obj)?;
    let text = files.text(&obj.file)?;
    let out = op(&text, doc, &prefix).map_err(|e| format!("{}: {e}", obj.file))?;
    files.put(&obj.file, out);
    Ok(())
}

/// Path from an object to its pod spec and its pod template.
pub(crate) fn pod_paths(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "Pod" => ("spec", ""),
        "CronJob" => ("spec.jobTemplate.spec.template.spec", "spec.jobTemplate.spec.template"),
        _ => ("spec.template.spec", "spec.template"),
    }
}

/// A container's path from its object: `…spec.containers.1`.
pub(crate) fn container_path(w: &Workload, c: &Container) -> Result<String, String> {
    let key = if c.init { "initContainers" } else { "containers" };
    let index = w
        .pod
        .get(key)
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .position(|n| std::ptr::eq(n, c.node))
        .ok_or("container not found")?;
    Ok(format!("{}.{key}.{index}", pod_paths(&w.obj.kind).0))
}

/// The containers a finding's line falls in (all of them when the line says nothing).
pub(crate) fn containers_at<'a>(w: &Workload<'a>, line: Option<u32>) -> Vec<Container<'a>> {
    let all = w.containers();
    let Some(line) = line else { return all };
    let hit: Vec<Container> = all
        .iter()
        .filter(|c| c.line().is_some_and(|l| l <= line && line <= edit::last_line(c.node)))
        .copied()
        .collect();
    if hit.is_empty() { all } else { hit }
}

/// The app container of an app workload (the review's rule: the one regular container that is not
/// a platform component; among several, the one named like the workload, else the first).
pub(crate) fn app_container<'a>(w: &Workload<'a>) -> Option<Container<'a>> {
    w.app_container()
}

pub(crate) fn app_container_of<'a>(w: &Workload<'a>) -> Result<Container<'a>, String> {
    app_container(w).ok_or_else(|| format!("{} has no app container", w.obj.id()))
}

/// The node at `rel` (dotted, from the object) in the current text: decisions are made on what
/// the file says now, after the fixes already planned in this run.
pub(crate) fn current(files: &mut Files, obj: &Object, rel: &str) -> Result<Option<Node>, String> {
    let (doc, prefix) = locate_object(files, obj)?;
    let text = files.text(&obj.file)?;
    let docs = yaml::parse_documents(&text).map_err(|e| format!("{} is not valid YAML ({e})", obj.file))?;
    let root = docs.get(doc).map(|d| &d.root).ok_or("document vanished")?;
    Ok(locate(root, &edit::join(&prefix, rel)).cloned())
}

/// Edits the object of a container with a path relative to the object (`rel` from `container_path`).
pub(crate) fn edit_at(
    files: &mut Files,
    obj: &Object,
    rel: &str,
    op: impl FnOnce(&str, usize, &[Seg]) -> edit::EditResult<String>,
) -> Fixed {
    edit_object(files, obj, |text, doc, prefix| op(text, doc, &edit::join(prefix, rel)))
}

/// The node at path `p` under `root`.
pub(crate) fn locate<'n>(root: &'n Node, p: &[Seg]) -> Option<&'n Node> {
    p.iter().try_fold(root, |n, s| match s {
        Seg::Key(k) => n.get(k),
        Seg::Idx(i) => n.items().get(*i),
    })
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::repo::Repo;
    use crate::review::{Finding, ReviewContext};
    use std::collections::BTreeMap;

    /// Runs the fixer of `f` on a repo made of `files`; returns the changed files' new text.
    pub(crate) fn fix(files: &[(&str, &str)], f: Finding) -> Result<BTreeMap<String, String>, String> {
        let dir = tempfile::tempdir().unwrap();
        for (p, t) in files {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, t).unwrap();
        }
        let repo = Repo::load(dir.path()).unwrap();
        let ctx = ReviewContext::for_repo(&repo, dir.path(), None);
        let fx = Fx { repo: &repo, ctx: &ctx };
        let mut fs = Files::new(dir.path());
        crate::review::registry::check(f.id).fixer.expect("a fixer")(&fx, &f, &mut fs)?;
        for c in fs.changes() {
            yaml::parse_documents(&c.after).unwrap_or_else(|e| panic!("{} is not YAML: {e}\n{}", c.path, c.after));
        }
        Ok(fs.changes().into_iter().map(|c| (c.path, c.after)).collect())
    }

    pub(crate) const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tool\nspec:\n  containers:\n    - name: tool\n      image: redis\n      readinessProbe: {tcpSocket: {port: 6379}}\n";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::CheckId;
    use crate::yaml;
    use crate::yaml::Node;
    use testing::{POD, fix};

    #[test]
    fn annotations_go_to_a_bare_pods_own_metadata() {
        let out = fix(&[("pod.yaml", POD)], Finding::new(CheckId::G1, "pod.yaml", Some(1)).object("Pod/tool")).unwrap();
        let pod = yaml::parse_one(&out["pod.yaml"]).unwrap().unwrap();
        let ann = pod.path("metadata.annotations").unwrap();
        assert_eq!(ann.get("prometheus.io/port").and_then(Node::as_str), Some("8081"));
        assert_eq!(ann.get("prometheus.io/scrape").unwrap().to_json(), serde_json::json!("true"));
    }

    #[test]
    fn only_the_listed_checks_have_fixers() {
        let fixer = |id| crate::review::registry::check(id).fixer;
        assert!(fixer(CheckId::S1).is_none() && fixer(CheckId::E4).is_none() && fixer(CheckId::A3).is_some());
    }
}
