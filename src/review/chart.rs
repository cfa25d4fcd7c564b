//! The chart ArgoCD deploys, reviewed as it renders (contract v2, P7).
//!
//! [`crate::chart`] tells what each deployed chart renders. Where that differs from k8s/ (the
//! same object with other values, an object k8s/ lacks or the chart lacks), the checks run a
//! second time over the repo with the rendered objects in place of k8s/'s, and the findings the
//! k8s/ view does not have are kept, placed in the chart: at the values file line of the value
//! that causes them (the value is put back to what vibe.yaml gives and the finding goes), else at
//! the template line of the field. An unchanged chart costs a hash per file and nothing else;
//! a finding is never reported twice.

use super::{Finding, ReviewContext};
use crate::chart::{self, Doc, RenderedBy, Rendering, ValueChange, View};
use crate::generate::write::Lock;
use crate::repo::{Object, Repo};
use crate::spec::AppSpec;
use crate::yaml::Node;

/// The deployed charts of the repo and what vibe can tell of them, with the spec they were
/// rendered from.
pub struct Charts {
    /// One view per chart ArgoCD deploys.
    pub views: Vec<View>,
    spec: Option<AppSpec>,
}

/// What each chart ArgoCD deploys renders (nothing when none is deployed).
pub fn charts(repo: &Repo, ctx: &ReviewContext) -> Charts {
    if chart::deployed(repo).is_empty() {
        return Charts { views: Vec::new(), spec: None };
    }
    let lock = Lock::load(&repo.root).unwrap_or_default();
    let values_tag = || {
        let text = chart::text(repo, &format!("{}/values.yaml", crate::contract::CHART_DIR))?;
        let node = crate::yaml::parse_one(&text).ok()??;
        node.path("image.tag").map(|t| t.to_json().to_string().trim_matches('"').to_string())
    };
    // The tag vibe.yaml implies (the commit, else its `tag:`); the values' own tag only when it
    // implies none, so a tag CD set shows as a changed value.
    let spec = ctx.answers.clone().and_then(|a| {
        let tag = ctx.expected_tag.clone().or_else(|| if a.tag.is_none() { values_tag() } else { None });
        AppSpec::resolve(a, ctx.platform.clone(), tag).ok()
    });
    let inputs = chart::Inputs { repo, spec: spec.as_ref(), lock: &lock, helm: chart::helm::on_path() };
    Charts { views: chart::views(&inputs), spec }
}

/// The findings of the rendered charts that the review of k8s/ (`first`) does not have, placed
/// in the chart.
pub fn findings(repo: &Repo, ctx: &ReviewContext, charts: &Charts, first: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for view in &charts.views {
        let Rendering::Rendered { by, docs, changes } = &view.rendering else { continue };
        let new = new_findings(repo, ctx, view, docs, first);
        for f in new {
            let cause = if *by == RenderedBy::Vibe { cause(repo, ctx, charts, view, changes, &f, first) } else { None };
            out.push(place(f, repo, view, docs, *by, cause));
        }
    }
    out
}

/// The findings of the repo with `docs` in place of their twins that `first` does not have
/// (none when every rendered object equals its twin).
fn new_findings(repo: &Repo, ctx: &ReviewContext, view: &View, docs: &[Doc], first: &[Finding]) -> Vec<Finding> {
    let Some(objects) = deployed_objects(repo, view, docs) else { return Vec::new() };
    let second = repo.with_objects(objects);
    super::checks_only(&second, ctx)
        .into_iter()
        .filter(|f| !first.iter().any(|g| g.id == f.id && g.object == f.object && g.message == f.message))
        .collect()
}

/// The repo's objects as the chart deploys them, or `None` when they are those of k8s/ already.
/// vibe's chart stands for all of k8s/ (an object its templates no longer render is not
/// deployed); another chart replaces the objects it renders.
fn deployed_objects(repo: &Repo, view: &View, docs: &[Doc]) -> Option<Vec<Object>> {
    let chart_dir = format!("{}/", view.chart.dir);
    let ns = view.chart.namespace.as_deref();
    let rendered: Vec<Object> = docs.iter().map(|d| object(d, ns)).collect();
    let key = |o: &Object| (o.kind.clone(), o.name.clone(), o.namespace.clone().or(ns.map(str::to_string)));
    let vibes_chart = view.chart.dir == crate::contract::CHART_DIR;
    let twins = |o: &Object| {
        !o.file.starts_with(&chart_dir)
            && ((vibes_chart && o.file.starts_with("k8s/")) || rendered.iter().any(|r| key(r) == key(o)))
    };
    let same =
        |r: &Object| repo.objects.iter().any(|o| twins(o) && key(o) == key(r) && o.node.to_json() == r.node.to_json());
    let lacking = repo.objects.iter().filter(|o| twins(o)).any(|o| !rendered.iter().any(|r| key(r) == key(o)));
    if rendered.iter().all(same) && !lacking {
        return None;
    }
    let mut objects: Vec<Object> = repo.objects.iter().filter(|o| !twins(o)).cloned().collect();
    objects.extend(rendered);
    Some(objects)
}

fn object(d: &Doc, release_ns: Option<&str>) -> Object {
    let text = |p: &str| d.node.path(p).and_then(Node::as_str).map(str::to_string);
    Object {
        file: d.template.clone(),
        doc: d.index,
        kind: text("kind").unwrap_or_default(),
        name: text("metadata.name").unwrap_or_default(),
        namespace: text("metadata.namespace").or(release_ns.map(str::to_string)),
        node: d.node.clone(),
    }
}

/// The value change that causes `f`: rendered with that value as vibe.yaml gives it, `f` goes.
fn cause<'c>(
    repo: &Repo,
    ctx: &ReviewContext,
    charts: &Charts,
    view: &View,
    changes: &'c [ValueChange],
    f: &Finding,
    first: &[Finding],
) -> Option<&'c ValueChange> {
    let spec = charts.spec.as_ref()?;
    let values_file = format!("{}/values.yaml", view.chart.dir);
    let values_text = chart::text(repo, &values_file)?;
    changes.iter().find(|c| {
        let Ok(Rendering::Rendered { docs, .. }) =
            chart::values::render(spec, &repo.root, &values_text, &view.chart.dir, std::slice::from_ref(&c.key))
        else {
            return false;
        };
        let again = new_findings(repo, ctx, view, &docs, first);
        !again.iter().any(|g| g.id == f.id && g.object == f.object && g.message == f.message)
    })
}

/// Puts a finding of the rendered chart where the creator changes it: the values line of its
/// cause, else the template line of its field.
fn place(
    mut f: Finding,
    repo: &Repo,
    view: &View,
    docs: &[Doc],
    by: RenderedBy,
    cause: Option<&ValueChange>,
) -> Finding {
    let dir = &view.chart.dir;
    let renders = match by {
        RenderedBy::Vibe => "as vibe renders it from its values",
        RenderedBy::Helm => "as `helm template` renders it",
    };
    // Whatever the check, vibe's chart file is fixed by writing vibe's version back (the fix
    // engine regenerates the files vibe wrote); another chart's fixers know nothing of templates.
    f.remedy = (*dir == crate::contract::CHART_DIR).then_some(super::Remedy::RestoreGenerated);
    let problem = f.message.trim_end_matches('.').to_string();
    if let Some(c) = cause {
        f.file = format!("{dir}/values.yaml");
        f.line = c.line;
        f.message = format!(
            "{problem}: in the chart ArgoCD deploys ({dir}, {renders}), `{}: {}` in its values, where vibe.yaml gives {}",
            c.key, c.value, c.vibe
        );
        f.fix = format!(
            "Set `{}` back to {} in {dir}/values.yaml (`vibe review --fix` restores the file vibe wrote from vibe.yaml, \
             keeping a backup), or make the change in vibe.yaml and run `vibe generate`. The check asks: {}",
            c.key, c.vibe, f.fix
        );
        return f;
    }
    let twin = f.file.strip_prefix("k8s/").map(|name| format!("{dir}/templates/{name}"));
    if let Some(doc) = docs.iter().find(|d| d.template == f.file && object_id(d) == f.object) {
        f.line = template_line(repo, doc, f.line);
    } else if let Some(template) = twin.filter(|t| view.templates.contains(t)) {
        f.line = first_object_line(&chart::text(repo, &template).unwrap_or_default());
        f.file = template;
    }
    f.message = format!("{problem}: in the chart ArgoCD deploys ({dir}, {renders})");
    f.fix = format!(
        "{} Change it in {} (`vibe review --fix` restores a file vibe wrote; to keep a setting, put it in vibe.yaml).",
        f.fix, f.file
    );
    f
}

fn object_id(d: &Doc) -> Option<String> {
    let kind = d.node.get("kind").and_then(Node::as_str)?;
    let name = d.node.path("metadata.name").and_then(Node::as_str).unwrap_or_default();
    Some(format!("{kind}/{name}"))
}

/// The template line of the field at `line` of the rendered `doc`: the field's key searched
/// under its parents' keys, from the object's `kind:` line; the deepest key found, else the
/// object's first line.
fn template_line(repo: &Repo, doc: &Doc, line: Option<u32>) -> Option<u32> {
    let text = chart::text(repo, &doc.template).unwrap_or_default();
    let keys = line.map(|l| keys_at(&doc.node, l)).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let kind = doc.node.get("kind").and_then(Node::as_str).unwrap_or_default();
    let kind_lines: Vec<usize> =
        lines.iter().enumerate().filter(|(_, l)| l.trim() == format!("kind: {kind}")).map(|(i, _)| i).collect();
    let mut at = kind_lines.get(doc.index).or(kind_lines.first()).copied().unwrap_or(0);
    let mut found = None;
    for key in keys {
        let hit = (at..lines.len()).find(|&i| {
            let l = lines[i].trim_start().trim_start_matches("- ");
            l.strip_prefix(key.as_str()).is_some_and(|rest| rest.starts_with(':'))
        });
        let Some(i) = hit else { break };
        at = i;
        found = Some(i as u32 + 1);
    }
    found.or_else(|| first_object_line(&text))
}

/// The mapping keys from the root to the field at `line` (list items add no key).
fn keys_at(node: &Node, line: u32) -> Vec<String> {
    fn walk(node: &Node, line: u32, path: &mut Vec<String>) -> bool {
        for e in node.entries() {
            path.push(e.key.clone());
            if e.key_pos.map(|p| p.line) == Some(line) || walk(&e.value, line, path) {
                return true;
            }
            path.pop();
        }
        node.items().iter().any(|item| item.line() == Some(line) && item.entries().is_empty() || walk(item, line, path))
    }
    let mut path = Vec::new();
    walk(node, line, &mut path);
    path
}

/// The line of a template's first object key (`apiVersion:` or `kind:`), if any.
fn first_object_line(text: &str) -> Option<u32> {
    text.lines().position(|l| l.starts_with("apiVersion:") || l.starts_with("kind:")).map(|i| i as u32 + 1)
}
