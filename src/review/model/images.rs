//! Every image reference of the repo, found once per review: container images, Helm chart
//! values (`image: ref` or `{registry, repository, tag}` maps) and Dockerfile FROM lines (stage
//! references and build arguments worked out).

use super::{container_words, key_line};
use crate::repo::{Dockerfile, Object, Repo};
use crate::review::workload::{Container, Workload};
use crate::yaml::Node;
use std::borrow::Cow;
use std::collections::HashMap;

/// Where an image reference was found.
#[derive(Debug, Clone)]
pub enum Place<'a> {
    /// A container of a workload.
    Container(Workload<'a>, Container<'a>),
    /// A Helm chart values file, under this key path.
    Values(String),
    /// A Dockerfile FROM line.
    From,
}

/// One image reference in the repo. Words for messages are made only when a finding is.
#[derive(Debug, Clone)]
pub struct ImageSite<'a> {
    pub file: &'a str,
    pub line: Option<u32>,
    /// The reference, ARGs resolved and chart maps joined.
    pub image: Cow<'a, str>,
    /// For chart values: true for the chart's top-level `image` (the app image).
    pub values_app: bool,
    pub place: Place<'a>,
    /// For chart maps: the key to change for the tag (`image.tag`).
    pub key: Option<String>,
}

impl ImageSite<'_> {
    /// True for the app image: the app container of an app workload, or the chart's `image`.
    pub fn app(&self) -> bool {
        match &self.place {
            Place::Container(w, c) => w.is_app() && w.app_container().is_some_and(|a| std::ptr::eq(a.node, c.node)),
            Place::Values(_) => self.values_app,
            Place::From => false,
        }
    }

    /// Where, in words: "container `app` of Deployment/x", "`image` in the chart values".
    pub fn what(&self) -> String {
        match &self.place {
            Place::Container(w, c) => container_words(w, c),
            Place::Values(path) => format!("`{path}` in the chart values"),
            Place::From => "the FROM line".into(),
        }
    }

    /// The object concerned, for containers.
    pub fn object(&self) -> Option<String> {
        match &self.place {
            Place::Container(w, _) => Some(w.obj.id()),
            _ => None,
        }
    }
}

/// Every image reference of the repo, in file order: containers, chart values, Dockerfile FROMs.
pub fn image_sites<'a>(repo: &'a Repo, workloads: &[Workload<'a>]) -> Vec<ImageSite<'a>> {
    let mut out = Vec::new();
    for &w in workloads {
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

/// An image tag an ArgoCD Application or ApplicationSet sets over its Helm chart's values: a
/// `helm.parameters` entry `<image key>.tag`, or `tag` under an image key of `helm.valuesObject`.
#[derive(Debug, Clone)]
pub struct TagOverride<'a> {
    /// The Application or ApplicationSet.
    pub obj: &'a Object,
    pub line: Option<u32>,
    /// The values key it sets (`image.tag`).
    pub key: String,
    /// The tag as written ("" when the parameter has no value).
    pub value: String,
}

/// Every image tag the repo's ArgoCD Applications and ApplicationSets (their template) set over
/// the chart they deploy, in file order.
pub fn argocd_tag_overrides(repo: &Repo) -> Vec<TagOverride<'_>> {
    let mut out = Vec::new();
    let image_key = |k: &str| k == "image" || k.ends_with("Image") || k.ends_with("_image");
    for o in &repo.objects {
        let api = o.node.get("apiVersion").and_then(Node::as_str).unwrap_or("");
        let spec = match o.kind.as_str() {
            "Application" => o.node.get("spec"),
            "ApplicationSet" => o.node.path("spec.template.spec"),
            _ => None,
        };
        let Some(spec) = spec.filter(|_| api.starts_with("argoproj.io/")) else { continue };
        let sources = spec.get("source").into_iter().chain(spec.get("sources").map(Node::items).unwrap_or_default());
        for helm in sources.filter_map(|s| s.get("helm")) {
            for p in helm.get("parameters").map(Node::items).unwrap_or_default() {
                let Some(name) = p.get("name").and_then(Node::as_str) else { continue };
                let Some(image) = name.strip_suffix(".tag") else { continue };
                if !image_key(image.rsplit('.').next().unwrap_or(image)) {
                    continue;
                }
                let value = p.get("value");
                out.push(TagOverride {
                    obj: o,
                    line: value.and_then(Node::line).or(p.line()),
                    key: name.to_string(),
                    value: value.and_then(Node::as_str).unwrap_or("").trim().to_string(),
                });
            }
            if let Some(values) = helm.get("valuesObject") {
                values_object_tags(o, values, &mut Vec::new(), &image_key, &mut out);
            }
        }
    }
    out
}

fn values_object_tags<'a>(
    obj: &'a Object,
    node: &'a Node,
    path: &mut Vec<String>,
    image_key: &dyn Fn(&str) -> bool,
    out: &mut Vec<TagOverride<'a>>,
) {
    for e in node.entries() {
        path.push(e.key.clone());
        if let Some(tag) = e.value.get("tag").filter(|_| image_key(&e.key)) {
            out.push(TagOverride {
                obj,
                line: tag.line(),
                key: format!("{}.tag", path.join(".")),
                value: tag.as_str().unwrap_or("").trim().to_string(),
            });
        } else if e.value.is_map() {
            values_object_tags(obj, &e.value, path, image_key, out);
        }
        path.pop();
    }
}

/// What a FROM line names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromImage {
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
pub struct FromLine {
    pub line: u32,
    /// `--platform` value as written, and resolved when its ARGs have defaults.
    pub platform: Option<(String, Option<String>)>,
    pub image: FromImage,
    /// The reference as written.
    pub raw: String,
    /// The arguments without flags (`image AS name`).
    pub rest: String,
    /// The arguments as written.
    pub args: String,
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
pub fn from_lines(df: &Dockerfile) -> Vec<FromLine> {
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
