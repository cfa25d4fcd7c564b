//! One fixer per check, for hand-written files. Each reads the repo as it was reviewed (to find
//! the object, container or line a finding points at), then changes the current text of the
//! files with the verified edits of [`super::edit`]. A fixer that cannot make its change safely
//! returns the reason, and the finding is left for the creator.
//!
//! Fixers work on the object a finding names, not on its exact wording, so they are idempotent
//! (a second run finds nothing to change) and robust to earlier fixes in the same file. Where a
//! check reports one finding per container, probe or env entry, the line of the finding picks it.

use super::workload::{self, Container, Workload, component_of_image, parse_image};
use super::{Finding, ReviewContext};
use crate::contract::CheckId;
use crate::contract::{self, PORT_HTTP, PORT_MGMT};
use crate::edit::Files;
use crate::edit::yaml_edit::{self as edit, Seg, Y, path};
use crate::generate::UNSEALED_STUB;
use crate::k8s::{parse_quantity, selects, tls_entries_cover};
use crate::repo::{Object, Repo};
use crate::yaml::{self, Node};
use regex::Regex;
use std::sync::LazyLock;

/// The user id vibe's generated pods run as (the generated Deployments' `runAsUser`).
pub const NON_ROOT_UID: i64 = 10001;
/// Label keys the naming rules select pods by.
const NAME_LABEL: &str = "app.kubernetes.io/name";
const COMPONENT_LABEL: &str = "app.kubernetes.io/component";
/// The label every namespace carries with its own name.
const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";
/// Pod spec keys new pod-level keys go above (so they read before the containers).
const POD_LISTS: &[&str] = &["initContainers", "containers"];
/// The platform the cluster's nodes run.
const PLATFORM_AMD64: &str = contract::PLATFORM_ARCH;

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
fn object_of<'a>(fx: &Fx<'a>, f: &Finding) -> Result<&'a Object, String> {
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
fn locate_object(files: &mut Files, obj: &Object) -> Result<(usize, Vec<Seg>), String> {
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
fn edit_object(
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
fn container_path(w: &Workload, c: &Container) -> Result<String, String> {
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
fn containers_at<'a>(w: &Workload<'a>, line: Option<u32>) -> Vec<Container<'a>> {
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
fn app_container<'a>(w: &Workload<'a>) -> Option<Container<'a>> {
    w.app_container()
}

fn app_container_of<'a>(w: &Workload<'a>) -> Result<Container<'a>, String> {
    app_container(w).ok_or_else(|| format!("{} has no app container", w.obj.id()))
}

/// The node at `rel` (dotted, from the object) in the current text: decisions are made on what
/// the file says now, after the fixes already planned in this run.
fn current(files: &mut Files, obj: &Object, rel: &str) -> Result<Option<Node>, String> {
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

// ---------------------------------------------------------------------------------------------
// A: images and security context.

/// The reference without tag and digest.
fn without_tag(image: &str) -> String {
    let r = parse_image(image);
    match r.registry {
        Some(reg) => format!("{reg}/{}", r.path),
        None => r.path.to_string(),
    }
}

/// The tag the app image should carry.
fn app_tag(fx: &Fx) -> Result<String, String> {
    crate::spec::app_image_tag(fx.ctx.expected_tag.clone(), fx.ctx.answers.as_ref().and_then(|a| a.tag.as_ref()))
        .ok_or_else(|| {
            "vibe cannot tell the commit SHA the app image is tagged with (is this a git repository with a commit?)"
                .into()
        })
}

/// The pinned tag for an image: the commit SHA for the app, the contract's version for a component.
fn pinned_tag(fx: &Fx, image: &str, app: bool) -> Result<String, String> {
    if app {
        return app_tag(fx);
    }
    match component_of_image(image).and_then(contract::component) {
        Some(c) => parse_image(c.image).tag.map(str::to_string).ok_or_else(|| "no version known".into()),
        None => Err(format!("vibe cannot know which version of `{}` you tested with", image.trim())),
    }
}

/// A1: pin the tag (manifests, chart values, Dockerfile FROM).
pub(crate) fn a1(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    if is_dockerfile(fx, f) {
        return dockerfile_image(f, files, |image| {
            Ok(format!("{}:{}", without_tag(image), pinned_tag(fx, image, false)?))
        });
    }
    if f.object.is_none() {
        return a1_values(fx, f, files);
    }
    container_image(fx, f, files, |image, app| Ok(format!("{}:{}", without_tag(image), pinned_tag(fx, image, app)?)))
}

/// True when the finding is about a Dockerfile of the repo.
fn is_dockerfile(fx: &Fx, f: &Finding) -> bool {
    fx.repo.dockerfiles.iter().any(|d| d.file == f.file)
}

/// Rewrites the image of the Dockerfile `FROM` line a finding points at: `rewrite(current image)`
/// gives the new reference. An image from a build argument (`FROM $BASE`) is left to the creator.
fn dockerfile_image(f: &Finding, files: &mut Files, rewrite: impl FnOnce(&str) -> Result<String, String>) -> Fixed {
    let line = f.line.ok_or("no line")?;
    edit_from_line(files, &f.file, line, |image, rest| {
        if image.contains('$') {
            return Err("the image comes from a build argument".into());
        }
        Ok(format!("{}{rest}", rewrite(image)?))
    })
}

/// Rewrites the image of the container a finding points at (by its `image` line):
/// `rewrite(current image, is the app image)` gives the new reference.
fn container_image(
    fx: &Fx,
    f: &Finding,
    files: &mut Files,
    rewrite: impl FnOnce(&str, bool) -> Result<String, String>,
) -> Fixed {
    let w = workload_of(fx, f)?;
    let c = w
        .containers()
        .into_iter()
        .find(|c| c.line_of("image") == f.line)
        .ok_or("cannot find the container the finding is about")?;
    let app = w.is_app() && app_container(&w).is_some_and(|a| std::ptr::eq(a.node, c.node));
    let rel = container_path(&w, &c)?;
    let image = current(files, w.obj, &format!("{rel}.image"))?
        .and_then(|n| n.as_str().map(str::to_string))
        .ok_or("the container has no image")?;
    let new = rewrite(image.trim(), app)?;
    edit_at(files, w.obj, &rel, |t, d, p| edit::set(t, d, p, "image", &Y::str(&new)))
}

/// Why the app image is not moved: it must be built and pushed by CI first.
const APP_IMAGE_BY_CI: &str =
    "this is the app image: CI has to build it and push it to the platform registry before anything can use it there";

/// A5: third-party images from Docker Hub are pulled through the platform mirror.
pub(crate) fn a5(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    if is_dockerfile(fx, f) {
        return dockerfile_image(f, files, |image| Ok(workload::through_mirror(&fx.ctx.platform, image)));
    }
    if f.object.is_none() {
        let line = f.line.ok_or("no line")?;
        let text = files.text(&f.file)?;
        let docs = yaml::parse_documents(&text).map_err(|e| e.to_string())?;
        for d in &docs {
            let Some((map_path, key)) = scalar_at_line(&d.root, line, &mut Vec::new()) else { continue };
            let map = locate(&d.root, &map_path).ok_or("vanished")?;
            let (key, app) = if key == "tag" || key == "repository" {
                ("repository".to_string(), map_path == [Seg::Key("image".into())])
            } else {
                let app = map_path.is_empty() && key == "image";
                (key, app)
            };
            if app {
                return Err(APP_IMAGE_BY_CI.into());
            }
            let image = map.get(&key).and_then(Node::as_str).ok_or("not an image reference")?;
            let out =
                edit::set(&text, d.index, &map_path, &key, &Y::str(&workload::through_mirror(&fx.ctx.platform, image)));
            files.put(&f.file, out.map_err(|e| format!("{}: {e}", f.file))?);
            return Ok(());
        }
        return Err("cannot find the image reference at that line".into());
    }
    container_image(fx, f, files, |image, app| {
        if app { Err(APP_IMAGE_BY_CI.into()) } else { Ok(workload::through_mirror(&fx.ctx.platform, image)) }
    })
}

/// A1 in Helm chart values: a reference string, or a `{registry, repository, tag}` map.
fn a1_values(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let line = f.line.ok_or("no line")?;
    let text = files.text(&f.file)?;
    let docs = yaml::parse_documents(&text).map_err(|e| e.to_string())?;
    for d in &docs {
        let Some((map_path, key)) = scalar_at_line(&d.root, line, &mut Vec::new()) else { continue };
        let map = locate(&d.root, &map_path).ok_or("vanished")?;
        let top_image = |p: &[Seg]| p == [Seg::Key("image".into())];
        let out = if key == "tag" || key == "repository" {
            let repository = map.get("repository").and_then(Node::as_str).ok_or("no repository")?;
            let tag = pinned_tag(fx, repository, top_image(&map_path))?;
            edit::set(&text, d.index, &map_path, "tag", &Y::quoted(&tag))
        } else {
            let image = map.get(&key).and_then(Node::as_str).ok_or("not an image reference")?;
            let tag = pinned_tag(fx, image, map_path.is_empty() && key == "image")?;
            edit::set(&text, d.index, &map_path, &key, &Y::str(&format!("{}:{tag}", without_tag(image))))
        };
        files.put(&f.file, out.map_err(|e| format!("{}: {e}", f.file))?);
        return Ok(());
    }
    Err("cannot find the image reference at that line".into())
}

fn locate<'n>(root: &'n Node, p: &[Seg]) -> Option<&'n Node> {
    p.iter().try_fold(root, |n, s| match s {
        Seg::Key(k) => n.get(k),
        Seg::Idx(i) => n.items().get(*i),
    })
}

/// The mapping path and key of the scalar on `line`, or of a key on it whose value is a mapping.
fn scalar_at_line(node: &Node, line: u32, at: &mut Vec<Seg>) -> Option<(Vec<Seg>, String)> {
    for e in node.entries() {
        if e.value.as_str().is_some() && e.value.line() == Some(line) {
            return Some((at.clone(), e.key.clone()));
        }
        at.push(Seg::Key(e.key.clone()));
        let found = scalar_at_line(&e.value, line, at);
        at.pop();
        if found.is_some() {
            return found;
        }
    }
    for (i, item) in node.items().iter().enumerate() {
        at.push(Seg::Idx(i));
        let found = scalar_at_line(item, line, at);
        at.pop();
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Rewrites the FROM instruction on `line` of a Dockerfile: `rewrite(image, rest)` gives the new
/// image text (with whatever followed it), flags before the image are kept.
fn edit_from_line(
    files: &mut Files,
    file: &str,
    line: u32,
    rewrite: impl FnOnce(&str, &str) -> Result<String, String>,
) -> Fixed {
    let text = files.text(file)?;
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let idx = line.checked_sub(1).map(|l| l as usize).filter(|l| *l < lines.len()).ok_or("no such line")?;
    let raw = lines[idx];
    let body = raw.trim_end_matches(['\n', '\r']);
    let ending = &raw[body.len()..];
    let lead = body.len() - body.trim_start().len();
    let (kw, args) = body.trim_start().split_once(char::is_whitespace).ok_or("not a FROM line")?;
    if !kw.eq_ignore_ascii_case("FROM") {
        return Err("not a FROM line".into());
    }
    // Keep flags, rewrite the first word that is not one.
    let mut out = format!("{}{kw} ", &body[..lead]);
    let mut rest = args.trim_start();
    while rest.starts_with("--") {
        let (flag, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        out.push_str(flag);
        out.push(' ');
        rest = tail.trim_start();
    }
    let (image, tail) = match rest.find(char::is_whitespace) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if image.is_empty() || image.ends_with('\\') {
        return Err("the FROM line continues on the next line".into());
    }
    out.push_str(&rewrite(image, tail)?);
    out.push_str(ending);
    let new_line = out;
    lines[idx] = &new_line;
    files.put(file, lines.concat());
    Ok(())
}

/// A2: `FROM --platform=linux/amd64 …`.
pub(crate) fn a2(_fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let line = f.line.ok_or("no line")?;
    let text = files.text(&f.file)?;
    let raw = line.checked_sub(1).and_then(|l| text.split_inclusive('\n').nth(l as usize)).ok_or("no such line")?;
    let body = raw.trim_end_matches(['\n', '\r']);
    let trimmed = body.trim_start();
    let lead = &body[..body.len() - trimmed.len()];
    let (kw, args) = trimmed.split_once(char::is_whitespace).ok_or("not a FROM line")?;
    if !kw.eq_ignore_ascii_case("FROM") || args.trim_end().ends_with('\\') {
        return Err("not a one-line FROM instruction".into());
    }
    static PLATFORM_FLAG: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"--platform(=|\s+)\S+\s*").expect("valid regex"));
    let args = PLATFORM_FLAG.replace(args.trim_start(), "").into_owned();
    let new_body = format!("{lead}{kw} --platform={PLATFORM_AMD64} {args}");
    let new_text: String = text
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| if i + 1 == line as usize { format!("{new_body}{}", &l[body.len()..]) } else { l.to_string() })
        .collect();
    files.put(&f.file, new_text);
    Ok(())
}

/// A3: the pod runs as non-root with a non-zero user; containers do not override that.
pub(crate) fn a3(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let w = workload_of(fx, f)?;
    let (pod_path, _) = pod_paths(&w.obj.kind);
    let pod_sc = current(files, w.obj, &format!("{pod_path}.securityContext"))?;
    let user_ok = pod_sc.as_ref().and_then(|s| s.get("runAsUser")).and_then(Node::as_i64).is_some_and(|u| u > 0);
    let mut sc = vec![("runAsNonRoot", Y::bool(true))];
    if !user_ok {
        sc.push(("runAsUser", Y::int(NON_ROOT_UID)));
    }
    match pod_sc.filter(|s| s.is_map()) {
        Some(_) => {
            let want = Y::map(sc);
            edit_at(files, w.obj, &format!("{pod_path}.securityContext"), |t, d, p| edit::merge(t, d, p, &want, true))?;
        }
        None => {
            let want = Y::map(sc);
            edit_at(files, w.obj, pod_path, |t, d, p| edit::set_before(t, d, p, "securityContext", &want, POD_LISTS))?;
        }
    }
    for c in w.containers() {
        let rel = format!("{}.securityContext", container_path(&w, &c)?);
        let own = current(files, w.obj, &rel)?;
        let own = own.as_ref();
        let mut fix = Vec::new();
        if own.and_then(|s| s.get("runAsNonRoot")).is_some_and(|n| n.as_bool() != Some(true)) {
            fix.push(("runAsNonRoot", Y::bool(true)));
        }
        if own.and_then(|s| s.get("runAsUser")).is_some_and(|n| n.as_i64().is_none_or(|u| u <= 0)) {
            fix.push(("runAsUser", Y::int(NON_ROOT_UID)));
        }
        if !fix.is_empty() {
            let want = Y::map(fix);
            edit_at(files, w.obj, &rel, |t, d, p| edit::merge(t, d, p, &want, true))?;
        }
    }
    Ok(())
}

/// A4: the container drops ALL capabilities and never escalates privileges.
pub(crate) fn a4(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let w = workload_of(fx, f)?;
    for c in containers_at(&w, f.line) {
        let rel = container_path(&w, &c)?;
        let sc = current(files, w.obj, &format!("{rel}.securityContext"))?;
        let sc = sc.as_ref();
        let mut want = vec![("allowPrivilegeEscalation", Y::bool(false))];
        if sc.and_then(|s| s.get("privileged")).and_then(Node::as_bool) == Some(true) {
            want.push(("privileged", Y::bool(false)));
        }
        let want = Y::map([("securityContext", Y::map(want))]);
        edit_at(files, w.obj, &rel, |t, d, p| edit::merge(t, d, p, &want, true))?;
        let drop = sc.and_then(|s| s.path("capabilities.drop"));
        let drops_all =
            drop.is_some_and(|d| d.items().iter().filter_map(Node::as_str).any(|x| x.eq_ignore_ascii_case("ALL")));
        if drops_all {
            continue;
        }
        let all = Y::str("ALL");
        match drop {
            Some(d) if matches!(d.value, yaml::Value::Seq(_)) => {
                edit_at(files, w.obj, &format!("{rel}.securityContext.capabilities"), |t, d, p| {
                    edit::append(t, d, p, "drop", &all)
                })?
            }
            _ => {
                let want = Y::map([("securityContext", Y::map([("capabilities", Y::map([("drop", Y::seq([all]))]))]))]);
                edit_at(files, w.obj, &rel, |t, d, p| edit::merge(t, d, p, &want, true))?
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// B: ports and probes.

/// B1/B2: declare a port on the app container (named, unless the name is taken).
fn add_port(fx: &Fx, f: &Finding, files: &mut Files, number: u16, name: &str) -> Fixed {
    let w = workload_of(fx, f)?;
    let c = app_container_of(&w)?;
    let rel = container_path(&w, &c)?;
    let ports: Vec<(Option<i64>, Option<String>)> = current(files, w.obj, &format!("{rel}.ports"))?
        .map(|p| {
            p.items()
                .iter()
                .map(|i| {
                    let n = i.get("containerPort").and_then(Node::as_i64);
                    (n, i.get("name").and_then(Node::as_str).map(str::to_string))
                })
                .collect()
        })
        .unwrap_or_default();
    if ports.iter().any(|(n, _)| *n == Some(i64::from(number))) {
        return Ok(());
    }
    let mut item = Vec::new();
    if !ports.iter().any(|(_, n)| n.as_deref() == Some(name)) {
        item.push(("name", Y::str(name)));
    }
    item.push(("containerPort", Y::int(i64::from(number))));
    item.push(("protocol", Y::str("TCP")));
    edit_at(files, w.obj, &rel, |t, d, p| edit::append(t, d, p, "ports", &Y::map(item)))
}

pub(crate) fn b1(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    add_port(fx, f, files, PORT_HTTP, "http")
}

pub(crate) fn b2(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    add_port(fx, f, files, PORT_MGMT, "mgmt")
}

/// The shortest timeout a probe may have.
fn min_timeout(fx: &Fx, key: &str) -> i64 {
    let db = key == "readinessProbe" && fx.ctx.readiness_checks_database;
    i64::from(if db { contract::PROBE_TIMEOUT_DB_SECONDS } else { contract::PROBE_TIMEOUT_SECONDS })
}

/// B3/B4: the probe is an httpGet on the mgmt port and path, with a long enough timeout.
fn probe(fx: &Fx, f: &Finding, files: &mut Files, key: &str, probe_path: &str) -> Fixed {
    let w = workload_of(fx, f)?;
    let c = app_container_of(&w)?;
    let rel = container_path(&w, &c)?;
    let min = min_timeout(fx, key);
    let http = Y::map([("path", Y::str(probe_path)), ("port", Y::int(i64::from(PORT_MGMT)))]);
    let existing = current(files, w.obj, &format!("{rel}.{key}"))?.filter(|p| p.is_map());
    let Some(existing) = existing else {
        let want = Y::map([("httpGet", http), ("timeoutSeconds", Y::int(min))]);
        return edit_at(files, w.obj, &rel, |t, d, p| edit::set(t, d, p, key, &want));
    };
    let probe_rel = format!("{rel}.{key}");
    // A probe has one handler: the httpGet takes the place of any other.
    let others: Vec<&str> = ["exec", "tcpSocket", "grpc"].into_iter().filter(|o| existing.get(o).is_some()).collect();
    match (existing.get("httpGet"), others.first()) {
        (None, Some(first)) => {
            edit_at(files, w.obj, &probe_rel, |t, d, p| edit::replace_entry(t, d, p, first, "httpGet", &http))?
        }
        _ => {
            let want = Y::map([("httpGet", http)]);
            edit_at(files, w.obj, &probe_rel, |t, d, p| edit::merge(t, d, p, &want, true))?;
        }
    }
    for other in others {
        edit_at(files, w.obj, &probe_rel, |t, d, p| edit::remove(t, d, p, other))?;
    }
    if existing.get("timeoutSeconds").and_then(Node::as_i64).is_none_or(|t| t < min) {
        edit_at(files, w.obj, &probe_rel, |t, d, p| edit::set(t, d, p, "timeoutSeconds", &Y::int(min)))?;
    }
    Ok(())
}

pub(crate) fn b3(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    probe(fx, f, files, "livenessProbe", "/liveness")
}

pub(crate) fn b4(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    probe(fx, f, files, "readinessProbe", "/readiness")
}

/// B5: every probe of the container waits long enough.
pub(crate) fn b5(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let w = workload_of(fx, f)?;
    for c in containers_at(&w, f.line).into_iter().filter(|c| !c.init) {
        let rel = container_path(&w, &c)?;
        for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
            let Some(p) = current(files, w.obj, &format!("{rel}.{key}"))?.filter(|p| p.is_map()) else { continue };
            let min = min_timeout(fx, key);
            if p.get("timeoutSeconds").and_then(Node::as_i64).is_some_and(|t| t >= min) {
                continue;
            }
            edit_at(files, w.obj, &format!("{rel}.{key}"), |t, d, p| {
                edit::set(t, d, p, "timeoutSeconds", &Y::int(min))
            })?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// C: network policies.

/// The labels to select a workload's pods by: name + component when present, else all of them.
fn selector_labels(w: &Workload) -> Vec<(String, String)> {
    let labels = w.labels();
    let preferred: Vec<(String, String)> = labels
        .iter()
        .filter(|(k, _)| *k == NAME_LABEL || *k == COMPONENT_LABEL)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if preferred.len() == 2 { preferred } else { labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
}

/// The pods the naming rules promise for a component (`None` = the app), when the slug is known.
fn expected_labels(fx: &Fx, component: Option<&str>) -> Option<Vec<(String, String)>> {
    let slug = fx.ctx.slug.as_ref()?;
    Some(vec![(NAME_LABEL.into(), slug.clone()), (COMPONENT_LABEL.into(), component.unwrap_or("app").into())])
}

fn match_labels(labels: &[(String, String)]) -> Y {
    Y::map([("matchLabels", Y::Map(labels.iter().map(|(k, v)| (k.clone(), Y::str(v))).collect()))])
}

fn tcp_port(port: i64) -> Y {
    Y::seq([Y::map([("protocol", Y::str("TCP")), ("port", Y::int(port))])])
}

static ON_PORT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"on port (\d+)").expect("valid regex"));

/// C1–C6: add the missing NetworkPolicy to the network-policies file.
pub(crate) fn network(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let target = match &f.object {
        Some(_) => Some(workload_of(fx, f)?),
        None => None,
    };
    let ns = target.as_ref().and_then(|w| w.obj.namespace.clone()).or_else(|| fx.ctx.namespace.clone());
    let apps: Vec<Workload> = workload::workloads(fx.repo)
        .into_iter()
        .filter(|w| {
            w.is_app() && w.long_running() && w.obj.namespace.clone().or_else(|| fx.ctx.namespace.clone()) == ns
        })
        .collect();
    let labels_of_target = |component: Option<&str>| -> Result<Vec<(String, String)>, String> {
        let labels = match &target {
            Some(w) => selector_labels(w),
            None => expected_labels(fx, component).unwrap_or_default(),
        };
        if labels.is_empty() { Err("the pods have no labels to select them by".into()) } else { Ok(labels) }
    };
    let app_peers = || -> Result<Vec<Vec<(String, String)>>, String> {
        let mut peers: Vec<Vec<(String, String)>> =
            apps.iter().map(selector_labels).filter(|l| !l.is_empty()).collect();
        peers.dedup();
        if peers.is_empty() {
            peers.extend(expected_labels(fx, None));
        }
        if peers.is_empty() { Err("the app's pods have no labels to select them by".into()) } else { Ok(peers) }
    };
    let port_in_message = ON_PORT.captures(&f.message).and_then(|c| c[1].parse::<i64>().ok());
    let egress = f.message.contains("egress rules");
    let component = target.as_ref().and_then(|w| w.component);
    // (name, comment, podSelector labels, policy type, rule peers, port)
    let (name, why, selected, kind, peers, port): PolicyParts = match f.id {
        CheckId::C1 => (
            "default-deny-ingress".into(),
            "every inbound connection is refused unless a policy below allows it".into(),
            Vec::new(),
            "Ingress",
            Vec::new(),
            None,
        ),
        CheckId::C3 => {
            let obs = &fx.ctx.platform.observability_namespace;
            let peer = Y::map([(
                "namespaceSelector",
                Y::map([("matchLabels", Y::map([(NAMESPACE_NAME_LABEL, Y::str(obs))]))]),
            )]);
            (
                "allow-observability-to-app".into(),
                format!("Prometheus (namespace {obs}) scrapes the app's /metrics"),
                labels_of_target(None)?,
                "Ingress",
                vec![peer],
                Some(i64::from(PORT_HTTP)),
            )
        }
        CheckId::C2 if f.message.contains("ingress controller") => {
            let p = &fx.ctx.platform;
            let to = if component == Some("nginx") { "nginx" } else { "app" };
            let default_port = if to == "nginx" {
                contract::component("nginx").and_then(|c| c.port).map(i64::from)
            } else {
                Some(i64::from(PORT_HTTP))
            };
            let peer = Y::map([
                (
                    "namespaceSelector",
                    Y::map([(
                        "matchLabels",
                        Y::map([(NAMESPACE_NAME_LABEL, Y::str(&p.ingress_controller_namespace))]),
                    )]),
                ),
                (
                    "podSelector",
                    Y::map([(
                        "matchLabels",
                        Y::map([(p.ingress_controller_label_key.as_str(), Y::str(&p.ingress_controller_label_value))]),
                    )]),
                ),
            ]);
            (
                format!("allow-ingress-controller-to-{to}"),
                format!(
                    "the ingress controller reaches the {} (the public URL)",
                    if to == "nginx" { "nginx front" } else { "app" }
                ),
                labels_of_target(component)?,
                "Ingress",
                vec![peer],
                port_in_message.or(default_port),
            )
        }
        CheckId::C2 => {
            // nginx -> app on the http port.
            let nginx: Vec<Vec<(String, String)>> = workload::workloads(fx.repo)
                .iter()
                .filter(|w| w.component == Some("nginx"))
                .map(selector_labels)
                .filter(|l| !l.is_empty())
                .collect();
            let nginx = if nginx.is_empty() { expected_labels(fx, Some("nginx")).into_iter().collect() } else { nginx };
            if nginx.is_empty() {
                return Err("the nginx pods have no labels to select them by".into());
            }
            let to = labels_of_target(None)?;
            if egress {
                return add_egress(fx, files, f.id, ns.as_deref(), &nginx, &to, i64::from(PORT_HTTP), "nginx", "app");
            }
            if nginx.iter().any(|from| egress_isolated(fx, ns.as_deref(), from)) {
                add_egress(fx, files, f.id, ns.as_deref(), &nginx, &to, i64::from(PORT_HTTP), "nginx", "app")?;
            }
            let peers = nginx.iter().map(|l| Y::map([("podSelector", match_labels(l))])).collect();
            (
                "allow-nginx-to-app".into(),
                "the nginx front forwards traffic to the app".into(),
                to,
                "Ingress",
                peers,
                Some(i64::from(PORT_HTTP)),
            )
        }
        _ => {
            let store = match f.id {
                CheckId::C5 => "redis",
                CheckId::C6 => "rabbitmq",
                _ => component.or(fx.ctx.stores.database()).ok_or("no database is known")?,
            };
            let port = contract::component(store).and_then(|c| c.port).map(i64::from).ok_or("the store has no port")?;
            let to = labels_of_target(Some(store))?;
            let from = app_peers()?;
            if egress {
                return add_egress(fx, files, f.id, ns.as_deref(), &from, &to, port, "app", store);
            }
            // The check asks for the other side next: open it now when the app is egress-restricted.
            if from.iter().any(|l| egress_isolated(fx, ns.as_deref(), l)) {
                add_egress(fx, files, f.id, ns.as_deref(), &from, &to, port, "app", store)?;
            }
            let peers = from.iter().map(|l| Y::map([("podSelector", match_labels(l))])).collect();
            (format!("allow-app-to-{store}"), format!("the app reaches {store}"), to, "Ingress", peers, Some(port))
        }
    };
    let mut spec = vec![
        ("podSelector", if selected.is_empty() { Y::map([]) } else { match_labels(&selected) }),
        ("policyTypes", Y::seq([Y::str(kind)])),
    ];
    if !peers.is_empty() || port.is_some() {
        let mut rule = vec![("from", Y::Seq(peers))];
        if let Some(p) = port {
            rule.push(("ports", tcp_port(p)));
        }
        spec.push(("ingress", Y::seq([Y::map(rule)])));
    }
    add_policy(fx, files, ns.as_deref(), &name, &why, f.id, Y::map(spec))
}

/// True when a policy of type Egress selects these pods (they may only send what egress rules allow).
fn egress_isolated(fx: &Fx, ns: Option<&str>, labels: &[(String, String)]) -> bool {
    fx.repo.objects.iter().filter(|o| o.kind == "NetworkPolicy").any(|o| {
        let in_ns = o.namespace.clone().or_else(|| fx.ctx.namespace.clone()).as_deref() == ns;
        let spec = o.node.get("spec").unwrap_or(Node::none());
        let egress_type = match spec.get("policyTypes").filter(|t| !t.is_null()) {
            Some(t) => t.items().iter().any(|x| x.as_str() == Some("Egress")),
            None => spec.get("egress").is_some(),
        };
        in_ns && egress_type && selects(spec.get("podSelector"), labels)
    })
}

/// A policy to add: name, why (a comment), the selected pods' labels, type, rule peers, port.
type PolicyParts = (String, String, Vec<(String, String)>, &'static str, Vec<Y>, Option<i64>);

/// An egress rule for pods that are egress-isolated: a new Egress policy (policies add up).
#[allow(clippy::too_many_arguments)]
fn add_egress(
    fx: &Fx,
    files: &mut Files,
    id: CheckId,
    ns: Option<&str>,
    from: &[Vec<(String, String)>],
    to: &[(String, String)],
    port: i64,
    from_name: &str,
    to_name: &str,
) -> Fixed {
    for labels in from {
        let spec = Y::map([
            ("podSelector", match_labels(labels)),
            ("policyTypes", Y::seq([Y::str("Egress")])),
            (
                "egress",
                Y::seq([Y::map([
                    ("to", Y::seq([Y::map([("podSelector", match_labels(to))])])),
                    ("ports", tcp_port(port)),
                ])]),
            ),
        ]);
        let why = format!("the {from_name} may send to {to_name} (it is egress-restricted)");
        add_policy(fx, files, ns, &format!("allow-{from_name}-egress-to-{to_name}"), &why, id, spec)?;
    }
    Ok(())
}

/// The file NetworkPolicies go in: the one already holding them (the contract's file first).
fn policies_file(fx: &Fx, ns: Option<&str>) -> String {
    let policies: Vec<&Object> = fx.repo.objects.iter().filter(|o| o.kind == "NetworkPolicy").collect();
    if policies.iter().any(|o| o.file == contract::NETWORK_POLICIES_FILE) {
        return contract::NETWORK_POLICIES_FILE.into();
    }
    policies
        .iter()
        .find(|o| o.namespace.as_deref() == ns)
        .or(policies.first())
        .map(|o| o.file.clone())
        .unwrap_or_else(|| contract::NETWORK_POLICIES_FILE.into())
}

/// Appends a NetworkPolicy document (a unique name; a comment saying why) to the policies file.
fn add_policy(fx: &Fx, files: &mut Files, ns: Option<&str>, name: &str, why: &str, id: CheckId, spec: Y) -> Fixed {
    let file = policies_file(fx, ns);
    let text = files.text_or_empty(&file);
    let taken: Vec<String> = yaml::parse_documents(&text)
        .unwrap_or_default()
        .iter()
        .filter(|d| d.root.get("kind").and_then(Node::as_str) == Some("NetworkPolicy"))
        .filter_map(|d| d.root.path("metadata.name").and_then(Node::as_str).map(str::to_string))
        .chain(fx.repo.objects.iter().filter(|o| o.kind == "NetworkPolicy").map(|o| o.name.clone()))
        .collect();
    // The same policy already added for another finding of this run: nothing more to do.
    let wanted_spec = spec.to_json();
    let existing_same = yaml::parse_documents(&text).unwrap_or_default().iter().any(|d| {
        d.root.get("kind").and_then(Node::as_str) == Some("NetworkPolicy")
            && d.root.path("metadata.namespace").and_then(Node::as_str) == ns
            && d.root.get("spec").map(Node::to_json) == Some(wanted_spec.clone())
    });
    if existing_same {
        return Ok(());
    }
    let unique = (1..)
        .map(|i| if i == 1 { name.to_string() } else { format!("{name}-{i}") })
        .find(|n| !taken.contains(n))
        .unwrap_or_default();
    let mut meta = vec![("name", Y::str(&unique))];
    if let Some(ns) = ns {
        meta.push(("namespace", Y::str(ns)));
    }
    let doc = Y::map([
        ("apiVersion", Y::str("networking.k8s.io/v1")),
        ("kind", Y::str("NetworkPolicy")),
        ("metadata", Y::map(meta)),
        ("spec", spec),
    ]);
    let body = format!(
        "# Added by `vibe review --fix` ({id}): {why}.\n{}",
        edit::render_document(&doc, edit::seq_indented(&text))
    );
    let out = edit::append_document(&text, &body).map_err(|e| format!("{file}: {e}"))?;
    files.put(&file, out);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// D: storage.

/// D2: stateful stores are replaced, not rolled (`strategy: Recreate`, no rollingUpdate).
pub(crate) fn d2(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let obj = object_of(fx, f)?;
    let want = Y::map([("strategy", Y::map([("type", Y::str("Recreate"))]))]);
    edit_at(files, obj, "spec", |t, d, p| edit::merge(t, d, p, &want, true))?;
    edit_at(files, obj, "spec.strategy", |t, d, p| edit::remove(t, d, p, "rollingUpdate"))
}

static WAITING_FOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"waiting for ([a-z0-9-]+) \(([^\s():]+):(\d+)\)").expect("valid regex"));

/// The port of the Service `host` (in the workload's namespace) that reaches the store's
/// `store_port`, or why there is none.
fn service_port(fx: &Fx, workload: &Object, host: &str, store_port: &str) -> Result<String, String> {
    let namespace = |o: &Object| o.namespace.clone().or_else(|| fx.ctx.namespace.clone());
    let service = fx
        .repo
        .objects
        .iter()
        .find(|o| o.kind == "Service" && o.name == host && namespace(o) == namespace(workload))
        .ok_or_else(|| format!("no Service named {host} is in the repo, so `{host}` does not resolve"))?;
    let ports = service.node.path("spec.ports").map(Node::items).unwrap_or_default();
    let scalar = |p: &Node, key: &str| p.get(key).map(|n| n.to_json().to_string().trim_matches('"').to_string());
    ports
        .iter()
        .find(|p| ["targetPort", "port"].iter().any(|k| scalar(p, k).as_deref() == Some(store_port)))
        .and_then(|p| scalar(p, "port"))
        .ok_or_else(|| format!("Service {host} has no port that reaches port {store_port}"))
}

/// D3: an initContainer waits until the store's Service answers on its port.
pub(crate) fn d3(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let w = workload_of(fx, f)?;
    let caps = WAITING_FOR.captures(&f.message).ok_or("cannot tell which store to wait for")?;
    let (store, host, store_port) = (caps[1].to_string(), caps[2].to_string(), caps[3].to_string());
    // Only a Service name resolves in the cluster: waiting on anything else never ends.
    let port = service_port(fx, w.obj, &host, &store_port).map_err(|why| {
        format!("{why}; add a Service for {store} (port {store_port}) that selects its pods, then wait on that Service")
    })?;
    let wait = contract::component("wait").ok_or("no wait image in the contract")?;
    let (pod_path, _) = pod_paths(&w.obj.kind);
    let pod = current(files, w.obj, pod_path)?.ok_or("the pod template vanished")?;
    let taken: Vec<&str> = ["initContainers", "containers"]
        .iter()
        .flat_map(|k| pod.get(k).map(Node::items).unwrap_or_default())
        .filter_map(|c| c.get("name").and_then(Node::as_str))
        .collect();
    let base = format!("wait-for-{store}");
    let name = (1..)
        .map(|i| if i == 1 { base.clone() } else { format!("{base}-{i}") })
        .find(|n| !taken.contains(&n.as_str()))
        .unwrap_or(base);
    let helper = &contract::SIZES[0];
    let mut sc = vec![
        ("allowPrivilegeEscalation", Y::bool(false)),
        ("readOnlyRootFilesystem", Y::bool(true)),
        ("capabilities", Y::map([("drop", Y::seq([Y::str("ALL")]))])),
    ];
    // Where the pod does not set a non-root user for every container, the helper says it itself.
    let pod_sc = pod.get("securityContext");
    if pod_sc.and_then(|s| s.get("runAsNonRoot")).and_then(Node::as_bool) != Some(true) {
        sc.push(("runAsNonRoot", Y::bool(true)));
    }
    if pod_sc.and_then(|s| s.get("runAsUser")).and_then(Node::as_i64).is_none_or(|u| u <= 0) {
        sc.push(("runAsUser", Y::int(NON_ROOT_UID)));
    }
    let container = Y::map([
        ("name", Y::str(&name)),
        ("image", Y::str(&fx.ctx.platform.mirrored(wait.image))),
        (
            "command",
            Y::seq([
                Y::str("sh"),
                Y::str("-c"),
                Y::str(&format!("until nc -z {host} {port}; do echo waiting for {host}:{port}; sleep 2; done")),
            ]),
        ),
        (
            "resources",
            Y::map([
                ("requests", Y::map([("cpu", Y::str(helper.cpu_request)), ("memory", Y::str(helper.memory_request))])),
                ("limits", Y::map([("cpu", Y::str(helper.cpu_limit)), ("memory", Y::str(helper.memory_limit))])),
            ]),
        ),
        ("securityContext", Y::Map(sc.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
    ]);
    match pod.get("initContainers").filter(|n| !n.is_null()) {
        Some(_) => edit_at(files, w.obj, pod_path, |t, d, p| edit::append(t, d, p, "initContainers", &container)),
        None => {
            let list = Y::seq([container]);
            edit_at(files, w.obj, pod_path, |t, d, p| {
                edit::set_before(t, d, p, "initContainers", &list, &["containers"])
            })
        }
    }
}

// ---------------------------------------------------------------------------------------------
// E: secrets.

/// E5: the env value becomes a secretKeyRef; the SealedSecret gets a stub to seal. The plain value
/// is removed and never written anywhere else.
pub(crate) fn e5(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let w = workload_of(fx, f)?;
    let line = f.line.ok_or("no line")?;
    let (c, index, name, value) = w
        .containers()
        .into_iter()
        .find_map(|c| {
            c.node.get("env").map(Node::items).unwrap_or_default().iter().enumerate().find_map(|(i, e)| {
                let hit = e.get("value").and_then(Node::line) == Some(line) || e.line() == Some(line);
                let value = e.get("value").and_then(Node::as_str).unwrap_or_default().to_string();
                hit.then(|| Some((c, i, e.get("name")?.as_str()?.to_string(), value))).flatten()
            })
        })
        .ok_or("cannot find the env entry the finding is about")?;
    files.redact(&value);
    if name.is_empty() || !name.chars().all(|ch| ch.is_ascii_alphanumeric() || "-._".contains(ch)) {
        return Err(format!("`{name}` cannot be a key of a Secret"));
    }
    let ns = w.obj.namespace.clone().or_else(|| fx.ctx.namespace.clone());
    let secret = secret_for(fx, &w, ns.as_deref());
    let rel = format!("{}.env.{index}", container_path(&w, &c)?);
    let value_from = Y::map([("secretKeyRef", Y::map([("name", Y::str(&secret.name)), ("key", Y::str(&name))]))]);
    edit_at(files, w.obj, &rel, |t, d, p| edit::set(t, d, p, "valueFrom", &value_from))?;
    edit_at(files, w.obj, &rel, |t, d, p| edit::remove(t, d, p, "value"))?;
    add_secret_key(files, &secret, ns.as_deref(), &name)
}

/// The SealedSecret an app's secretKeyRefs should use.
struct SecretTarget {
    name: String,
    /// The existing SealedSecret, if there is one.
    object: Option<Object>,
}

fn secret_for(fx: &Fx, w: &Workload, ns: Option<&str>) -> SecretTarget {
    let sealed: Vec<&Object> = fx
        .repo
        .objects
        .iter()
        .filter(|o| {
            o.kind == "SealedSecret" && o.namespace.clone().or_else(|| fx.ctx.namespace.clone()).as_deref() == ns
        })
        .collect();
    let by_name = |name: &str| sealed.iter().find(|o| o.name == name).map(|o| (*o).clone());
    // 1. A SealedSecret the pod already reads from.
    for c in w.containers() {
        for e in c.node.get("env").map(Node::items).unwrap_or_default() {
            if let Some((n, o)) =
                e.path("valueFrom.secretKeyRef.name").and_then(Node::as_str).and_then(|n| Some((n, by_name(n)?)))
            {
                return SecretTarget { name: n.to_string(), object: Some(o) };
            }
        }
    }
    // 2. The app's own (`<slug>-secrets`), 3. any in the namespace, 4. a new one.
    let base =
        fx.ctx.slug.clone().unwrap_or_else(|| w.obj.name.strip_suffix("-app").unwrap_or(&w.obj.name).to_string());
    let wanted = format!("{base}-secrets");
    if let Some(o) = by_name(&wanted) {
        return SecretTarget { name: wanted, object: Some(o) };
    }
    if let Some(o) = sealed.first() {
        return SecretTarget { name: o.name.clone(), object: Some((*o).clone()) };
    }
    SecretTarget { name: wanted, object: None }
}

/// Adds `key: REPLACE_ME` to the SealedSecret (creating it in the sealed-secrets file if needed).
fn add_secret_key(files: &mut Files, secret: &SecretTarget, ns: Option<&str>, key: &str) -> Fixed {
    if let Some(obj) = &secret.object {
        let stub = Y::map([("spec", Y::map([("encryptedData", Y::map([(key, Y::str(UNSEALED_STUB))]))]))]);
        return edit_object(files, obj, |t, d, p| edit::merge(t, d, p, &stub, false));
    }
    let file = contract::SEALED_SECRETS_FILE;
    let text = files.text_or_empty(file);
    let mut meta = vec![("name", Y::str(&secret.name))];
    if let Some(ns) = ns {
        meta.push(("namespace", Y::str(ns)));
    }
    // Added for another finding of this run: add the key to that one.
    let docs = yaml::parse_documents(&text).unwrap_or_default();
    if let Some(d) = docs.iter().find(|d| {
        d.root.get("kind").and_then(Node::as_str) == Some("SealedSecret")
            && d.root.path("metadata.name").and_then(Node::as_str) == Some(secret.name.as_str())
    }) {
        let stub = Y::map([("encryptedData", Y::map([(key, Y::str(UNSEALED_STUB))]))]);
        let out = edit::merge(&text, d.index, &path("spec"), &stub, false).map_err(|e| format!("{file}: {e}"))?;
        files.put(file, out);
        return Ok(());
    }
    let doc = Y::map([
        ("apiVersion", Y::str("bitnami.com/v1alpha1")),
        ("kind", Y::str("SealedSecret")),
        ("metadata", Y::map(meta.clone())),
        (
            "spec",
            Y::map([
                ("encryptedData", Y::map([(key, Y::str(UNSEALED_STUB))])),
                ("template", Y::map([("metadata", Y::map(meta)), ("type", Y::str("Opaque"))])),
            ]),
        ),
    ]);
    let body = format!(
        "# Added by `vibe review --fix` (E5). NOT READY YET: seal each {UNSEALED_STUB} with `vibe seal NAME`,\n\
         # using a NEW value (the old one is in the git history).\n{}",
        edit::render_document(&doc, edit::seq_indented(&text))
    );
    let out = edit::append_document(&text, &body).map_err(|e| format!("{file}: {e}"))?;
    files.put(file, out);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// F: resources.

/// Components that keep or serve the app's data: at least md.
const STORES: &[&str] = &["postgres", "mongo", "rabbitmq", "redis"];

/// The size a container should have: the app's (vibe.yaml; else the size its present values
/// already match; else the default), at least md for stores, the smallest for helpers.
fn size_for(fx: &Fx, w: &Workload, c: &Container) -> &'static contract::Size {
    let app_size = fx.ctx.size.as_deref().and_then(contract::size);
    let default = || contract::size(contract::DEFAULT_SIZE).unwrap_or(&contract::SIZES[0]);
    match c.image.and_then(component_of_image) {
        Some(id) if STORES.contains(&id) => contract::store_size(app_size.unwrap_or_else(default).id),
        Some(_) => &contract::SIZES[0],
        None if c.init || !w.is_app() => &contract::SIZES[0],
        None => app_size.unwrap_or_else(|| {
            let r = c.node.get("resources");
            let present: Vec<(&str, &str)> = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"]
                .into_iter()
                .filter_map(|k| Some((k, r?.path(k)?.as_str()?)))
                .collect();
            let value = |s: &contract::Size, k: &str| match k {
                "requests.cpu" => s.cpu_request,
                "requests.memory" => s.memory_request,
                "limits.cpu" => s.cpu_limit,
                _ => s.memory_limit,
            };
            contract::SIZES
                .iter()
                .find(|s| {
                    !present.is_empty()
                        && present.iter().all(|(k, v)| {
                            parse_quantity(v).is_some() && parse_quantity(v) == parse_quantity(value(s, k))
                        })
                })
                .unwrap_or_else(default)
        }),
    }
}

/// F1/F2: the missing requests or limits, from the container's size.
fn resources(fx: &Fx, f: &Finding, files: &mut Files, section: &str) -> Fixed {
    let w = workload_of(fx, f)?;
    for c in containers_at(&w, f.line) {
        let s = size_for(fx, &w, &c);
        let (cpu, memory) =
            if section == "requests" { (s.cpu_request, s.memory_request) } else { (s.cpu_limit, s.memory_limit) };
        let want =
            Y::map([("resources", Y::map([(section, Y::map([("cpu", Y::str(cpu)), ("memory", Y::str(memory))]))]))]);
        let rel = container_path(&w, &c)?;
        edit_at(files, w.obj, &rel, |t, d, p| edit::merge(t, d, p, &want, false))?;
    }
    Ok(())
}

pub(crate) fn f1(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    resources(fx, f, files, "requests")
}

pub(crate) fn f2(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    resources(fx, f, files, "limits")
}

// ---------------------------------------------------------------------------------------------
// H.

/// H2: TLS for every host of the Ingress, with the secret `<name>-tls`.
pub(crate) fn h2(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let obj = object_of(fx, f)?;
    let spec = current(files, obj, "spec")?.ok_or("the Ingress has no spec")?;
    let secret = format!("{}-tls", fx.ctx.slug.clone().unwrap_or_else(|| obj.name.clone()));
    let hosts: Vec<&str> =
        spec.get("rules").map(Node::items).unwrap_or_default().iter().filter_map(|r| r.get("host")?.as_str()).collect();
    let tls = spec.get("tls").map(Node::items).unwrap_or_default();
    if tls.is_empty() {
        let mut entry = Vec::new();
        if !hosts.is_empty() {
            entry.push(("hosts", Y::Seq(hosts.iter().map(|h| Y::str(h)).collect())));
        }
        entry.push(("secretName", Y::str(&secret)));
        return edit_at(files, obj, "spec", |t, d, p| edit::set(t, d, p, "tls", &Y::seq([Y::map(entry)])));
    }
    let uncovered: Vec<&str> = hosts.into_iter().filter(|h| !tls_entries_cover(tls, h)).collect();
    if uncovered.is_empty() {
        return Ok(());
    }
    match tls
        .iter()
        .position(|t| t.get("secretName").and_then(Node::as_str) == Some(secret.as_str()) && t.get("hosts").is_some())
    {
        Some(i) => {
            for h in uncovered {
                edit_at(files, obj, &format!("spec.tls.{i}"), |t, d, p| edit::append(t, d, p, "hosts", &Y::str(h)))?;
            }
            Ok(())
        }
        None => {
            let entry = Y::map([
                ("hosts", Y::Seq(uncovered.iter().map(|h| Y::str(h)).collect())),
                ("secretName", Y::str(&secret)),
            ]);
            edit_at(files, obj, "spec", |t, d, p| edit::append(t, d, p, "tls", &entry))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Runs the fixer of `f` on a repo made of `files`; returns the changed files' new text.
    fn fix(files: &[(&str, &str)], f: Finding) -> Result<BTreeMap<String, String>, String> {
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

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tool\nspec:\n  containers:\n    - name: tool\n      image: redis\n      readinessProbe: {tcpSocket: {port: 6379}}\n";

    #[test]
    fn annotations_go_to_a_bare_pods_own_metadata() {
        let out = fix(&[("pod.yaml", POD)], Finding::new(CheckId::G1, "pod.yaml", Some(1)).object("Pod/tool")).unwrap();
        let pod = yaml::parse_one(&out["pod.yaml"]).unwrap().unwrap();
        let ann = pod.path("metadata.annotations").unwrap();
        assert_eq!(ann.get("prometheus.io/port").and_then(Node::as_str), Some("8081"));
        assert_eq!(ann.get("prometheus.io/scrape").unwrap().to_json(), serde_json::json!("true"));
    }

    #[test]
    fn component_images_get_the_contract_version_and_others_stay_manual() {
        let out = fix(&[("pod.yaml", POD)], Finding::new(CheckId::A1, "pod.yaml", Some(8)).object("Pod/tool")).unwrap();
        assert!(out["pod.yaml"].contains("      image: redis:7.4\n"), "{}", out["pod.yaml"]);
        // A helper next to the store: vibe cannot know its version. The app image needs the SHA.
        let other = format!("{POD}    - name: helper\n      image: myorg/tool:latest\n");
        let err = fix(&[("pod.yaml", &other)], Finding::new(CheckId::A1, "pod.yaml", Some(11)).object("Pod/tool"))
            .unwrap_err();
        assert!(err.contains("which version"), "{err}");
        let app = POD.replace("image: redis", "image: harbor.internal.example.com/vibe/tool:latest");
        let err =
            fix(&[("pod.yaml", &app)], Finding::new(CheckId::A1, "pod.yaml", Some(8)).object("Pod/tool")).unwrap_err();
        assert!(err.contains("commit SHA"), "{err}");
    }

    #[test]
    fn a_flow_probe_of_another_kind_becomes_an_http_get() {
        let app = POD.replace("image: redis", "image: harbor.internal.example.com/vibe/tool:abc1234");
        let out =
            fix(&[("pod.yaml", &app)], Finding::new(CheckId::B4, "pod.yaml", Some(7)).object("Pod/tool")).unwrap();
        assert!(
            out["pod.yaml"].contains("readinessProbe: {httpGet: {path: /readiness, port: 8082}, timeoutSeconds: 5}"),
            "{}",
            out["pod.yaml"]
        );
    }

    #[test]
    fn plain_secrets_move_to_a_new_sealed_secret_and_are_not_copied() {
        let app = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop-app, namespace: ns}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: x/y:1\n        env:\n        - {name: STRIPE_TOKEN, value: tok_12345678}\n";
        let out =
            fix(&[("app.yaml", app)], Finding::new(CheckId::E5, "app.yaml", Some(11)).object("Deployment/shop-app"))
                .unwrap();
        assert!(
            out["app.yaml"]
                .contains("- {name: STRIPE_TOKEN, valueFrom: {secretKeyRef: {name: shop-secrets, key: STRIPE_TOKEN}}}"),
            "{}",
            out["app.yaml"]
        );
        let sealed = &out[contract::SEALED_SECRETS_FILE];
        assert!(sealed.contains("    STRIPE_TOKEN: REPLACE_ME\n") && sealed.contains("namespace: ns"), "{sealed}");
        assert!(out.values().all(|t| !t.contains("tok_12345678")));
    }

    #[test]
    fn rolling_updates_become_recreate_in_flow_style_too() {
        let db = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db}\nspec:\n  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}\n  template:\n    spec:\n      containers: [{name: db, image: postgres:16}]\n";
        let out =
            fix(&[("db.yaml", db)], Finding::new(CheckId::D2, "db.yaml", Some(5)).object("Deployment/db")).unwrap();
        assert!(out["db.yaml"].contains("  strategy: {type: Recreate}\n"), "{}", out["db.yaml"]);
    }

    #[test]
    fn tls_without_rule_hosts_names_only_the_secret() {
        let ing = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  defaultBackend:\n    service: {name: web, port: {number: 8080}}\n";
        let out =
            fix(&[("ing.yaml", ing)], Finding::new(CheckId::H2, "ing.yaml", Some(5)).object("Ingress/web")).unwrap();
        assert!(out["ing.yaml"].ends_with("  tls:\n    - secretName: web-tls\n"), "{}", out["ing.yaml"]);
    }

    #[test]
    fn a_default_deny_without_a_known_namespace_and_pods_without_labels() {
        let out = fix(&[("pod.yaml", POD)], Finding::new(CheckId::C1, contract::NETWORK_POLICIES_FILE, None)).unwrap();
        let policy = &out[contract::NETWORK_POLICIES_FILE];
        assert!(policy.contains("name: default-deny-ingress\nspec:\n  podSelector: {}\n"), "{policy}");
        let err = fix(
            &[("pod.yaml", POD)],
            Finding::new(CheckId::C3, contract::NETWORK_POLICIES_FILE, None).object("Pod/tool"),
        )
        .unwrap_err();
        assert!(err.contains("no labels"), "{err}");
    }

    #[test]
    fn only_the_listed_checks_have_fixers() {
        let fixer = |id| crate::review::registry::check(id).fixer;
        assert!(fixer(CheckId::S1).is_none() && fixer(CheckId::E4).is_none() && fixer(CheckId::A3).is_some());
    }

    #[test]
    fn limits_follow_the_size_the_requests_already_match_in_any_notation() {
        // Requests written as `1e-1` CPU (100m) and 128Mi are the sm size: the limits added are sm's,
        // not the default size's.
        let web = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/me/web:1\n          resources:\n            requests: {cpu: 1e-1, memory: 128Mi}\n";
        let out =
            fix(&[("web.yaml", web)], Finding::new(CheckId::F2, "web.yaml", Some(1)).object("Deployment/web")).unwrap();
        let doc = yaml::parse_one(&out["web.yaml"]).unwrap().unwrap();
        let limits = doc.path("spec.template.spec.containers").unwrap().items()[0].path("resources.limits").unwrap();
        let sm = contract::size("sm").unwrap();
        assert_eq!(limits.get("cpu").and_then(Node::as_str), Some(sm.cpu_limit), "{}", out["web.yaml"]);
        assert_eq!(limits.get("memory").and_then(Node::as_str), Some(sm.memory_limit), "{}", out["web.yaml"]);
    }

    #[test]
    fn the_store_to_wait_for_is_read_from_the_finding() {
        let c = WAITING_FOR
            .captures("Deployment/x starts without waiting for postgres (shop-postgres:5432): on a")
            .unwrap();
        assert_eq!((&c[1], &c[2], &c[3]), ("postgres", "shop-postgres", "5432"));
    }
}
