//! Image checks (A1–A6): fixed tags, the amd64 platform, non-root pods, dropped
//! capabilities, no bare Docker Hub references, and the app image from the platform registry.
//!
//! Image references are read from three places (one finding per reference):
//! - every container of every workload, initContainers included;
//! - Helm chart values: `values*.yaml` next to a `Chart.yaml`, where a key named `image`
//!   (or ending in `Image`) holds either a reference string or a map
//!   `{registry?, repository, tag?, digest?}`; the chart's top-level `image` is the app image;
//! - Dockerfile `FROM` lines (`--platform=…` flags skipped; a FROM naming an earlier stage
//!   `AS name` is not an image; `scratch` is not an image; `${ARG}` references are replaced
//!   by the default of a global `ARG` declared before the first FROM, and a reference that
//!   cannot be resolved that way is skipped: its value is only known at build time).
//!
//! Decisions where the contract leaves room:
//! - A3 follows Kubernetes' semantics: a container-level `runAsNonRoot`/`runAsUser` overrides
//!   the pod's, so `runAsNonRoot: true` on every container satisfies A3 as well as the pod-level
//!   field does; a container overriding with `false` or user 0 breaks it. The effective
//!   `runAsUser` of every container must be set and non-zero (an image's `USER` is not
//!   visible to the review, so the pod must say it). One finding per pod template.
//! - A2 applies to every FROM that names an image, `scratch` included (the platform of the
//!   final image is the FROM's); a FROM naming an earlier stage inherits that stage's platform.
//! - A bare Docker Hub reference of the app image is both A5 (it is a Docker Hub reference)
//!   and A6 (it is not from the platform registry); A5's fix then names the platform registry
//!   reference, not the mirror, so both findings ask for the same change.
//! - A6 judges "the app image": the app container of each app workload (see
//!   [`crate::review::workload::Workload::app_container`]) and the chart's top-level `image`. Sidecars and
//!   initContainers of app workloads are third-party helpers as far as A6 is concerned (A1 and
//!   A5 still judge them).
//! - A container without `image` holds no reference (kustomize patches look like that).

use crate::contract;
use crate::contract::CheckId;
use crate::repo::{Dockerfile, Repo};
use crate::review::context::ReviewContext;
use crate::review::model::{container_words, key_line};
use crate::review::registry::{Check, Judged};
use crate::review::workload::{self, Container, Workload, parse_image};
use crate::review::{Finding, Review};
use crate::yaml::Node;
use std::borrow::Cow;
use std::collections::HashMap;

mod app_registry;
mod capabilities;
mod docker_hub;
mod fix;
mod latest_tag;
mod non_root;
mod platform;
use app_registry::a6;
use capabilities::a4;
use docker_hub::a5;
use latest_tag::a1;
use non_root::a3;
use platform::a2;

/// The checks of this family, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::A1, run: a1, judged: Judged::Static, repo_only: false, fixer: Some(fix::a1) },
    Check { id: CheckId::A2, run: a2, judged: Judged::Static, repo_only: true, fixer: Some(fix::a2) },
    Check { id: CheckId::A3, run: a3, judged: Judged::Static, repo_only: false, fixer: Some(fix::a3) },
    Check { id: CheckId::A4, run: a4, judged: Judged::Static, repo_only: false, fixer: Some(fix::a4) },
    Check { id: CheckId::A5, run: a5, judged: Judged::Static, repo_only: false, fixer: Some(fix::a5) },
    Check { id: CheckId::A6, run: a6, judged: Judged::Static, repo_only: false, fixer: None },
];

/// Registry hosts that are Docker Hub.
const DOCKER_HUB_HOSTS: &[&str] = &["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"];
/// The only platform the cluster's nodes run (A2).
const PLATFORM_AMD64: &str = crate::contract::PLATFORM_ARCH;

/// Where an image reference was found.
#[derive(Debug, Clone)]
enum Place<'a> {
    /// A container of a workload.
    Container(Workload<'a>, Container<'a>),
    /// A Helm chart values file, under this key path.
    Values(String),
    /// A Dockerfile FROM line.
    From,
}

/// One image reference in the repo. Words for messages are made only when a finding is.
#[derive(Debug, Clone)]
struct ImageSite<'a> {
    file: &'a str,
    line: Option<u32>,
    /// The reference, ARGs resolved and chart maps joined.
    image: Cow<'a, str>,
    /// For chart values: true for the chart's top-level `image` (the app image).
    values_app: bool,
    place: Place<'a>,
    /// For chart maps: the key to change for the tag (`image.tag`).
    key: Option<String>,
}

impl ImageSite<'_> {
    /// True for the app image: the app container of an app workload, or the chart's `image`.
    fn app(&self) -> bool {
        match &self.place {
            Place::Container(w, c) => w.is_app() && w.app_container().is_some_and(|a| std::ptr::eq(a.node, c.node)),
            Place::Values(_) => self.values_app,
            Place::From => false,
        }
    }

    /// Where, in words: "container `app` of Deployment/x", "`image` in the chart values".
    fn what(&self) -> String {
        match &self.place {
            Place::Container(w, c) => container_words(w, c),
            Place::Values(path) => format!("`{path}` in the chart values"),
            Place::From => "the FROM line".into(),
        }
    }

    /// The object concerned, for containers.
    fn object(&self) -> Option<String> {
        match &self.place {
            Place::Container(w, _) => Some(w.obj.id()),
            _ => None,
        }
    }
}

/// Every image reference of the repo, in file order.
fn image_sites<'a>(r: &Review<'a>) -> Vec<ImageSite<'a>> {
    let repo = r.repo;
    let mut out = Vec::new();
    for &w in &r.model.workloads {
        for c in w.containers() {
            let Some(image) = c.image.map(str::trim).filter(|i| !i.is_empty()) else { continue };
            out.push(ImageSite {
                file: &w.obj.file,
                line: c.line_of("image"),
                image: Cow::Borrowed(image),
                values_app: false,
                place: Place::Container(w, c),
                key: None,
            });
        }
    }
    chart_values_images(repo, &mut out);
    for df in &repo.dockerfiles {
        for f in from_lines(df) {
            if let FromImage::Image(image) = f.image {
                out.push(ImageSite {
                    file: &df.file,
                    line: Some(f.line),
                    image: Cow::Owned(image),
                    values_app: false,
                    place: Place::From,
                    key: None,
                });
            }
        }
    }
    out
}

/// Chart folders (holding a Chart.yaml) and their values files' image references.
fn chart_values_images<'a>(repo: &'a Repo, out: &mut Vec<ImageSite<'a>>) {
    let dir = |f: &str| f.rsplit_once('/').map(|(d, _)| d.to_string()).unwrap_or_default();
    let name = |f: &str| f.rsplit('/').next().unwrap_or(f).to_string();
    let charts: Vec<String> =
        repo.yaml.iter().filter(|y| name(&y.file) == "Chart.yaml").map(|y| dir(&y.file)).collect();
    if charts.is_empty() {
        return;
    }
    for y in &repo.yaml {
        let n = name(&y.file);
        let is_values = n.starts_with("values") && (n.ends_with(".yaml") || n.ends_with(".yml"));
        if is_values && charts.contains(&dir(&y.file)) {
            walk_values(&y.node, &mut Vec::new(), &y.file, out);
        }
    }
}

fn walk_values<'a>(node: &'a Node, path: &mut Vec<String>, file: &'a str, out: &mut Vec<ImageSite<'a>>) {
    for e in node.entries() {
        let is_image_key = e.key == "image" || e.key.ends_with("Image") || e.key.ends_with("_image");
        let key_path = || path.iter().cloned().chain([e.key.clone()]).collect::<Vec<_>>().join(".");
        if is_image_key {
            let app = path.is_empty() && e.key == "image";
            if let Some(s) = e.value.as_str().filter(|s| !s.trim().is_empty()) {
                out.push(ImageSite {
                    file,
                    line: e.value.line(),
                    image: Cow::Borrowed(s.trim()),
                    values_app: app,
                    place: Place::Values(key_path()),
                    key: Some(key_path()),
                });
                continue;
            }
            if let Some(repository) = e.value.get("repository").and_then(Node::as_str).filter(|s| !s.trim().is_empty())
            {
                let mut image = String::new();
                if let Some(reg) = e.value.get("registry").and_then(Node::as_str).filter(|s| !s.is_empty()) {
                    image.push_str(reg.trim_end_matches('/'));
                    image.push('/');
                }
                image.push_str(repository.trim());
                if let Some(tag) = e.value.get("tag").and_then(Node::as_str).filter(|s| !s.trim().is_empty()) {
                    image.push(':');
                    image.push_str(tag.trim());
                }
                if let Some(digest) = e.value.get("digest").and_then(Node::as_str).filter(|s| !s.trim().is_empty()) {
                    image.push('@');
                    image.push_str(digest.trim());
                }
                let line = e.value.get("tag").and_then(Node::line).or_else(|| key_line(&e.value, "repository"));
                out.push(ImageSite {
                    file,
                    line,
                    image: Cow::Owned(image),
                    values_app: app,
                    place: Place::Values(key_path()),
                    key: Some(format!("{}.tag", key_path())),
                });
                continue;
            }
        }
        if e.value.is_map() {
            path.push(e.key.clone());
            walk_values(&e.value, path, file, out);
            path.pop();
        } else {
            for (i, item) in e.value.items().iter().enumerate() {
                path.push(format!("{}.{i}", e.key));
                walk_values(item, path, file, out);
                path.pop();
            }
        }
    }
}

/// What a FROM line names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FromImage {
    /// An image reference (ARGs resolved).
    Image(String),
    /// An earlier stage of the same Dockerfile.
    Stage,
    /// `scratch`: the empty image.
    Scratch,
    /// A reference that uses a build argument without a default.
    Unresolved(String),
    /// No image at all (a malformed FROM).
    Missing,
}

/// One FROM instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FromLine {
    line: u32,
    /// `--platform` value as written, and resolved when its ARGs have defaults.
    platform: Option<(String, Option<String>)>,
    image: FromImage,
    /// The reference as written.
    raw: String,
    /// The arguments without flags (`image AS name`).
    rest: String,
    /// The arguments as written.
    args: String,
}

/// Global build arguments (declared before the first FROM): name -> default.
fn global_args(df: &Dockerfile) -> HashMap<String, Option<String>> {
    let mut args = HashMap::new();
    for ins in &df.instructions {
        if ins.keyword == "FROM" {
            break;
        }
        if ins.keyword == "ARG" {
            for tok in ins.args.split_whitespace() {
                match tok.split_once('=') {
                    Some((k, v)) => args.insert(k.to_string(), Some(unquote(v).to_string())),
                    None => args.insert(tok.to_string(), None),
                };
            }
        }
    }
    args
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return &s[1..s.len() - 1];
        }
    }
    s
}

/// Replaces `$X`, `${X}`, `${X:-word}`, `${X-word}`, `${X:+word}` with build-argument defaults;
/// `None` when a variable has no known value (it is only set at build time).
fn expand(text: &str, args: &HashMap<String, Option<String>>) -> Option<String> {
    let value = |name: &str| args.get(name).cloned().flatten();
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        if chars.get(i + 1) == Some(&'{') {
            let close = chars[i + 2..].iter().position(|&c| c == '}')? + i + 2;
            let inner: String = chars[i + 2..close].iter().collect();
            let (name, op, word) = if let Some(p) = inner.find(":-") {
                (&inner[..p], ":-", &inner[p + 2..])
            } else if let Some(p) = inner.find(":+") {
                (&inner[..p], ":+", &inner[p + 2..])
            } else if let Some(p) = inner.find('-') {
                (&inner[..p], ":-", &inner[p + 1..])
            } else {
                (inner.as_str(), "", "")
            };
            let v = value(name).filter(|v| !v.is_empty());
            match op {
                ":-" => out.push_str(&v.unwrap_or_else(|| word.to_string())),
                ":+" => {
                    if v.is_some() {
                        out.push_str(word)
                    }
                }
                _ => out.push_str(&value(name)?),
            }
            i = close + 1;
        } else {
            let start = i + 1;
            let mut end = start;
            while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_') {
                end += 1;
            }
            if end == start {
                out.push('$');
                i += 1;
                continue;
            }
            let name: String = chars[start..end].iter().collect();
            out.push_str(&value(&name)?);
            i = end;
        }
    }
    Some(out)
}

/// Every FROM line of a Dockerfile, with stage references and build arguments worked out.
fn from_lines(df: &Dockerfile) -> Vec<FromLine> {
    let args = global_args(df);
    let mut stages: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for ins in df.instructions.iter().filter(|i| i.keyword == "FROM") {
        let mut toks = ins.args.split_whitespace().peekable();
        let mut platform = None;
        while let Some(t) = toks.peek().copied().filter(|t| t.starts_with("--")) {
            toks.next();
            let (flag, value) = match t.split_once('=') {
                Some((f, v)) => (f, Some(v.to_string())),
                None => (t, None),
            };
            if flag == "--platform" {
                let value = value.or_else(|| toks.next().map(str::to_string)).unwrap_or_default();
                let resolved = expand(&value, &args);
                platform = Some((value, resolved));
            }
        }
        let rest = toks.clone().collect::<Vec<_>>().join(" ");
        let raw = toks.next().unwrap_or("").to_string();
        let alias = match (toks.next(), toks.next()) {
            (Some(kw), Some(name)) if kw.eq_ignore_ascii_case("as") => Some(name.to_ascii_lowercase()),
            _ => None,
        };
        let image = if raw.is_empty() {
            FromImage::Missing
        } else if raw.eq_ignore_ascii_case("scratch") {
            FromImage::Scratch
        } else {
            match expand(&raw, &args) {
                None => FromImage::Unresolved(raw.clone()),
                Some(img) if img.eq_ignore_ascii_case("scratch") => FromImage::Scratch,
                Some(img) if stages.contains(&img.to_ascii_lowercase()) => FromImage::Stage,
                Some(img) => FromImage::Image(img),
            }
        };
        // A stage's own name is visible only to later FROM lines.
        stages.extend(alias);
        let written = ins.args.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push(FromLine { line: ins.line, platform, image, raw, rest, args: written });
    }
    out
}

/// Why a reference is not pinned, if it is not.
fn unpinned(image: &str) -> Option<&'static str> {
    let r = parse_image(image);
    if r.digest.is_some() {
        return None;
    }
    match r.tag {
        None | Some("") => Some("has no tag, so it means `latest`"),
        Some(t) if t.eq_ignore_ascii_case("latest") => Some("uses the moving tag `latest`"),
        _ => None,
    }
}

/// The reference without its tag and digest.
fn without_tag(image: &str) -> String {
    let r = parse_image(image);
    match r.registry {
        Some(reg) => format!("{reg}/{}", r.path),
        None => r.path.to_string(),
    }
}

/// The exact tag the app image should carry, when known.
fn app_tag(ctx: &ReviewContext) -> Option<String> {
    crate::spec::app_image_tag(ctx.expected_tag.clone(), ctx.answers.as_ref().and_then(|a| a.tag.as_ref()))
}

/// The platform registry reference of the app image.
fn app_reference(ctx: &ReviewContext, image: &str) -> String {
    let r = parse_image(image);
    let slug = ctx.slug.clone().unwrap_or_else(|| r.name.to_string());
    let tag = app_tag(ctx)
        .or_else(|| r.tag.filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("latest")).map(str::to_string))
        .unwrap_or_else(|| "<commit SHA>".into());
    format!("{}:{tag}", ctx.platform.app_repository(&slug))
}

/// True for a reference pulled from Docker Hub (no registry host, or a Docker Hub host).
fn is_docker_hub(image: &str) -> bool {
    match parse_image(image).registry {
        None => true,
        Some(host) => DOCKER_HUB_HOSTS.contains(&host.to_ascii_lowercase().as_str()),
    }
}

fn site_finding(id: CheckId, s: &ImageSite) -> Finding {
    let f = Finding::new(id, s.file, s.line);
    match s.object() {
        Some(o) => f.object(o),
        None => f,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::parse_dockerfile;

    fn froms(text: &str) -> Vec<FromLine> {
        from_lines(&Dockerfile { file: "Dockerfile".into(), instructions: parse_dockerfile(text) })
    }

    #[test]
    fn from_lines_know_stages_scratch_and_args() {
        let f = froms(
            "ARG BASE=golang:1.23\nARG RUN\nFROM --platform=linux/amd64 ${BASE} AS build\nFROM build AS test\n\
             FROM --platform=$BUILDPLATFORM scratch\nFROM $RUN\nFROM ${RUN:-debian:12}\nFROM Build\n",
        );
        assert_eq!(f[0].image, FromImage::Image("golang:1.23".into()));
        assert_eq!(f[0].platform, Some(("linux/amd64".into(), Some("linux/amd64".into()))));
        assert_eq!(f[1].image, FromImage::Stage);
        assert_eq!(f[2].image, FromImage::Scratch);
        assert_eq!(f[2].platform, Some(("$BUILDPLATFORM".into(), None)));
        assert_eq!(f[3].image, FromImage::Unresolved("$RUN".into()));
        assert_eq!(f[4].image, FromImage::Image("debian:12".into()));
        assert_eq!(f[5].image, FromImage::Stage, "stage names are case-insensitive");
    }

    #[test]
    fn a_stage_named_like_an_image_is_an_image_on_its_own_line() {
        let f = froms("FROM node:22 AS node\nFROM node\n");
        assert_eq!(f[0].image, FromImage::Image("node:22".into()));
        assert_eq!(f[1].image, FromImage::Stage);
    }

    #[test]
    fn tags_digests_and_docker_hub() {
        assert!(unpinned("nginx").is_some());
        assert!(unpinned("nginx:latest").is_some());
        assert!(unpinned("localhost:5000/app").is_some());
        assert!(unpinned("nginx:latest@sha256:abc").is_none());
        assert!(unpinned("harbor.x/vibe/app:a1b2c3d").is_none());
        assert!(is_docker_hub("nginx:1.27"));
        assert!(is_docker_hub("docker.io/library/nginx:1.27"));
        assert!(is_docker_hub("bitnami/redis:7"));
        assert!(!is_docker_hub("ghcr.io/x/y:1"));
        assert!(!is_docker_hub("harbor.internal.example.com/dockerhub-proxy/nginx:1.27"));
        let ctx = ReviewContext::default();
        assert_eq!(
            workload::through_mirror(&ctx.platform, "docker.io/library/nginx:1.27"),
            "harbor.internal.example.com/dockerhub-proxy/nginx:1.27"
        );
        assert_eq!(
            workload::through_mirror(&ctx.platform, "bitnami/redis:7"),
            "harbor.internal.example.com/dockerhub-proxy/bitnami/redis:7"
        );
    }
}
