//! The fixers of A1–A5 (images and the security context) and A7 (a missing lockfile), declared with their checks in this family's `CHECKS`.

use super::without_tag;
use crate::contract;
use crate::edit::Files;
use crate::edit::yaml_edit::{self as edit, Seg, Y};
use crate::review::fixers::{
    Fixed, Fx, NON_ROOT_UID, PLATFORM_AMD64, POD_LISTS, app_container, container_path, containers_at, current, edit_at,
    locate, pod_paths, workload_of,
};
use crate::review::workload::{self, component_of_image, parse_image};
use crate::review::{Finding, Remedy};
use crate::yaml::{self, Node};
use regex::Regex;
use std::sync::LazyLock;

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
pub(super) fn a1(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
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
pub(super) fn a5(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    if is_dockerfile(fx, f) {
        return dockerfile_image(f, files, |image| Ok(workload::through_mirror(&fx.ctx.platform, image)));
    }
    if f.object.is_none() {
        let text = files.text(&f.file)?;
        let docs = yaml::parse_documents(&text).map_err(|e| e.to_string())?;
        let (d, map_path, key, map) = values_site(&docs, f)?;
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
    container_image(fx, f, files, |image, app| {
        if app { Err(APP_IMAGE_BY_CI.into()) } else { Ok(workload::through_mirror(&fx.ctx.platform, image)) }
    })
}

/// A1 in Helm chart values: a reference string, or a `{registry, repository, tag}` map.
fn a1_values(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let text = files.text(&f.file)?;
    let docs = yaml::parse_documents(&text).map_err(|e| e.to_string())?;
    let (d, map_path, key, map) = values_site(&docs, f)?;
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
    Ok(())
}

/// The image reference of a chart values file on the finding's line: its document, the path
/// of the mapping holding it, its key, and that mapping.
fn values_site<'d>(
    docs: &'d [yaml::Document],
    f: &Finding,
) -> Result<(&'d yaml::Document, Vec<Seg>, String, &'d Node), String> {
    let line = f.line.ok_or("no line")?;
    for d in docs {
        let Some((map_path, key)) = scalar_at_line(&d.root, line, &mut Vec::new()) else { continue };
        let map = locate(&d.root, &map_path).ok_or("vanished")?;
        return Ok((d, map_path, key, map));
    }
    Err("cannot find the image reference at that line".into())
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
pub(super) fn a2(_fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
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
pub(super) fn a3(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
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
pub(super) fn a4(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
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

/// A7: a missing Node lockfile an install step needs, written by the app's own package manager
/// (shown as a new file in the diff). Other A7 findings (a COPY of a file that is not there, a
/// .dockerignore line) need the creator's decision and are left with their exact fix.
pub(super) fn a7(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let Some(Remedy::CreateLockfile { path }) = &f.remedy else {
        return Err("vibe cannot know which file belongs there: make the change the finding says".into());
    };
    // Two Dockerfiles may need the same lockfile: the first fix wrote it.
    if files.load(path)?.is_some() {
        return Ok(());
    }
    let manifest = match path.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/package.json"),
        None => "package.json".to_string(),
    };
    let text = super::lockfile::write(&fx.repo.root, path, &files.text(&manifest)?)?;
    files.put(path, text);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::CheckId;
    use crate::review::fixers::testing::{POD, fix};

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
}
