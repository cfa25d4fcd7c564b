//! vibe's own chart rendered from its values, without helm.
//!
//! vibe writes the chart's values file from the same render context as k8s/, and its k8s
//! templates are the chart templates' twins. So the chart with other values renders what vibe's
//! k8s templates render with the context those values imply: the values template
//! (`templates/helm/vibe-stack/values.yaml`) says which context path each value comes from
//! (`min: {{ app.hpa.min }}`), and that mapping is read from it, never written twice.
//!
//! A value is rendered this way only when that is exact: its context path is printed by the k8s
//! templates as it is (never deciding which files or blocks exist, never the source of another
//! setting vibe derives from it), or it is the `id` of a catalogue entry (a size), replaced whole.
//! Any other value that differs from vibe.yaml is reported as not renderable by vibe (helm, if on
//! PATH, renders it instead). Keys the chart does not have at all are ignored, as Helm ignores them.

use super::{Doc, RenderedBy, Rendering, ValueChange, parse_docs};
use crate::generate::context;
use crate::generate::render::{self, Renderer};
use crate::spec::AppSpec;
use crate::yaml::Node;
use regex::Regex;
use serde_json::Value;
use std::path::Path;
use std::sync::LazyLock;

/// The values file's template (Tera), relative to templates/.
const VALUES_TEMPLATE: &str = "helm/vibe-stack/values.yaml";
/// The k8s templates' names start with this.
const K8S_PREFIX: &str = "k8s/";

/// Why vibe could not render its chart from the values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    /// The values file line of the value concerned, when known.
    pub line: Option<u32>,
    /// What differs, in plain words.
    pub changed: String,
    /// Why vibe cannot render it.
    pub why: String,
}

fn internal(e: impl std::fmt::Display) -> RenderError {
    RenderError { line: None, changed: "the values file".into(), why: format!("vibe could not render its chart: {e}") }
}

/// Renders vibe's chart (in `chart_dir`) with the values in `values_text`: the objects it deploys,
/// each with its template, and the values that differ from vibe.yaml. `as_vibe_gives` lists keys
/// to render as vibe.yaml gives them instead (to see what one value causes).
pub fn render(
    spec: &AppSpec,
    root: &Path,
    values_text: &str,
    chart_dir: &str,
    as_vibe_gives: &[String],
) -> Result<Rendering, RenderError> {
    let sealed = crate::generate::sealed_on_disk(root, spec);
    let mut ctx = context::build(spec, &sealed);
    let renderer = Renderer::shared().map_err(internal)?;
    let tera = |ctx: &Value| tera::Context::from_serialize(ctx).map_err(internal);
    let expected_text = renderer.render(VALUES_TEMPLATE, &tera(&ctx)?).map_err(internal)?;
    let expected = crate::yaml::parse_one(&expected_text)
        .map_err(|e| internal(e.message))?
        .unwrap_or_else(|| Node::none().clone());
    let actual = crate::yaml::parse_one(values_text)
        .map_err(|e| RenderError {
            line: Some(e.pos.line),
            changed: "the values file is not valid YAML".into(),
            why: e.message,
        })?
        .unwrap_or_else(|| Node::none().clone());
    let (expected_json, actual_json) = (expected.to_json(), actual.to_json());
    let mut diffs = Vec::new();
    leaf_diffs(&expected_json, &actual_json, "", &mut diffs);
    let mut changes = Vec::new();
    for (key, vibe, value) in diffs {
        let top = key.split('.').next().unwrap_or_default();
        // A section the chart does not have: no template reads it (Helm ignores it too).
        if expected_json.get(top).is_none() || as_vibe_gives.contains(&key) {
            continue;
        }
        let line = key_line(&actual, &key);
        let changed = format!("`{key}` is {value} where vibe.yaml gives {vibe}");
        let Some(path) = mapping().iter().find(|(k, _)| *k == key).map(|(_, p)| p.as_str()) else {
            let why = format!("`{key}` is not a value vibe can render its chart with by itself");
            return Err(RenderError { line, changed, why });
        };
        set(&mut ctx, path, &value).map_err(|why| RenderError { line, changed, why: format!("`{key}`: {why}") })?;
        changes.push(ValueChange { key, vibe, value, line });
    }
    let tctx = tera(&ctx)?;
    let mut docs: Vec<Doc> = Vec::new();
    for path in crate::generate::plan::k8s_files(spec, &ctx) {
        let body = renderer.render(path, &tctx).map_err(internal)?;
        let name = path.rsplit('/').next().unwrap_or(path);
        docs.extend(parse_docs(&format!("{chart_dir}/templates/{name}"), &body).map_err(internal)?);
    }
    Ok(Rendering::Rendered { by: RenderedBy::Vibe, docs, changes })
}

/// The content vibe would write at `path` now, from vibe.yaml.
pub fn generated_file(spec: &AppSpec, root: &Path, path: &str) -> Option<String> {
    let sealed = crate::generate::sealed_on_disk(root, spec);
    let plan = crate::generate::Plan::build(spec, &sealed).ok()?;
    plan.files.into_iter().find(|f| f.path == path).map(|f| f.content)
}

/// Every leaf (key path, vibe's value, the file's value) where the two trees differ; lists are
/// compared whole.
fn leaf_diffs(vibe: &Value, file: &Value, prefix: &str, out: &mut Vec<(String, Value, Value)>) {
    if let (Value::Object(a), Value::Object(b)) = (vibe, file) {
        let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            let (x, y) = (a.get(k).unwrap_or(&Value::Null), b.get(k).unwrap_or(&Value::Null));
            leaf_diffs(x, y, &key, out);
        }
    } else if vibe != file {
        out.push((prefix.to_string(), vibe.clone(), file.clone()));
    }
}

/// The line of a dotted key in the values file.
pub fn key_line(root: &Node, key: &str) -> Option<u32> {
    let mut node = root;
    let mut line = None;
    for part in key.split('.') {
        let entry = node.entry(part)?;
        line = entry.key_pos.map(|p| p.line).or(entry.value.line());
        node = &entry.value;
    }
    line
}

/// values key -> context path, for every value the values template prints straight from the
/// context (`  min: {{ app.hpa.min }}`, `tag: "{{ app.image.tag }}"`, `name: {{ app.name | yaml }}`).
pub fn mapping() -> &'static [(String, String)] {
    static MAPPING: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
        let text = render::embedded()
            .into_iter()
            .find(|(name, _)| name == VALUES_TEMPLATE)
            .and_then(|(_, f)| f.contents_utf8())
            .unwrap_or_default();
        mapping_of(text)
    });
    &MAPPING
}

fn mapping_of(template: &str) -> Vec<(String, String)> {
    static KEY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\s*)([A-Za-z0-9_]+):\s*(.*?)\s*$").expect("pattern"));
    static VALUE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"^"?\{\{\s*([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)\s*(?:\|\s*yaml\s*)?\}\}"?$"#)
            .expect("pattern")
    });
    let mut parents: Vec<(usize, String)> = Vec::new();
    let mut out = Vec::new();
    for line in template.lines() {
        let Some(c) = KEY.captures(line) else { continue };
        let indent = c[1].len();
        while parents.last().is_some_and(|(i, _)| *i >= indent) {
            parents.pop();
        }
        let key: Vec<&str> = parents.iter().map(|(_, k)| k.as_str()).chain([&c[2]]).collect();
        if c[3].is_empty() {
            parents.push((indent, c[2].to_string()));
        } else if let Some(v) = VALUE.captures(&c[3]) {
            out.push((key.join("."), v[1].to_string()));
        }
    }
    out
}

/// The k8s templates' sources.
fn k8s_sources() -> &'static [&'static str] {
    static SOURCES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        render::embedded()
            .into_iter()
            .filter(|(name, _)| name.starts_with(K8S_PREFIX))
            .filter_map(|(_, f)| f.contents_utf8())
            .collect()
    });
    &SOURCES
}

/// True when some `open … close` span of the k8s templates names `path` (or, with `below`, a
/// path under it).
fn read_in(open: &str, close: &str, path: &str, below: bool) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    k8s_sources().iter().any(|text| {
        text.split(open).skip(1).filter_map(|s| s.split(close).next()).any(|span| {
            span.match_indices(path).any(|(at, _)| {
                let before = span[..at].chars().next_back();
                let after = span[at + path.len()..].chars().next();
                let starts = before.is_none_or(|c| !word(c));
                let ends = after.is_none_or(|c| !word(c)) || (below && after == Some('.'));
                starts && ends
            })
        })
    })
}

/// Sets the context at `path` to a value from the values file, where that renders exactly what
/// the chart renders; otherwise says why not.
fn set(ctx: &mut Value, path: &str, value: &Value) -> Result<(), String> {
    let pointer = format!("/{}", path.replace('.', "/"));
    let old = ctx.pointer(&pointer).cloned().ok_or("vibe's templates do not read it")?;
    if let Some(parent) = path.strip_suffix(".id") {
        // A catalogue entry chosen by id (a size): the whole entry changes with it.
        let parent_pointer = format!("/{}", parent.replace('.', "/"));
        let shape: Vec<String> =
            ctx.pointer(&parent_pointer).and_then(Value::as_object).map_or(Vec::new(), |o| o.keys().cloned().collect());
        let entry =
            ctx.as_object().into_iter().flat_map(|o| o.values()).filter_map(Value::as_array).flatten().find(|e| {
                e.get("id") == Some(value)
                    && e.as_object().is_some_and(|o| o.keys().cloned().collect::<Vec<_>>() == shape)
            });
        let Some(entry) = entry.cloned() else {
            return Err(format!("{value} is not one the chart knows, so it does not render"));
        };
        if !read_in("{{", "}}", parent, true) {
            return Err("vibe's templates do not print it".into());
        }
        *ctx.pointer_mut(&parent_pointer).expect("found above") = entry;
        return Ok(());
    }
    if read_in("{%", "%}", path, true) || !read_in("{{", "}}", path, false) {
        return Err("it decides which objects or blocks the chart renders".into());
    }
    if let Some(text) = old.as_str().filter(|t| t.len() >= 3)
        && derived_from(ctx, path, text)
    {
        return Err("vibe derives other settings from it".into());
    }
    *ctx.pointer_mut(&pointer).expect("found above") = value.clone();
    Ok(())
}

/// True when a string the k8s templates read (other than `path` itself) contains `text`: a
/// setting built from the value, which a new value would change too.
fn derived_from(ctx: &Value, path: &str, text: &str) -> bool {
    static READ: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b(?:app|platform|images|ports|monitoring|backup|sizes)(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
            .expect("pattern")
    });
    let pointer = format!("/{}", path.replace('.', "/"));
    // Only what the templates' tags read: their comments say "app" in plain words too.
    let spans = k8s_sources().iter().flat_map(|t| {
        let tags =
            |open: &'static str, close: &'static str| t.split(open).skip(1).filter_map(move |s| s.split(close).next());
        tags("{{", "}}").chain(tags("{%", "%}"))
    });
    let mut roots: Vec<String> =
        spans.flat_map(|s| READ.find_iter(s).map(|m| format!("/{}", m.as_str().replace('.', "/")))).collect();
    roots.sort();
    roots.dedup();
    fn contains(v: &Value, at: &str, skip: &str, text: &str) -> bool {
        match v {
            _ if at == skip => false,
            Value::String(s) => s.contains(text),
            Value::Array(items) => items.iter().enumerate().any(|(i, x)| contains(x, &format!("{at}/{i}"), skip, text)),
            Value::Object(m) => m.iter().any(|(k, x)| contains(x, &format!("{at}/{k}"), skip, text)),
            _ => false,
        }
    }
    roots.iter().any(|r| ctx.pointer(r).is_some_and(|v| contains(v, r, &pointer, text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mapping_is_read_from_the_values_template() {
        let m = mapping();
        let get = |k: &str| m.iter().find(|(key, _)| key == k).map(|(_, p)| p.as_str());
        assert_eq!(get("hpa.min"), Some("app.hpa.min"));
        assert_eq!(get("image.tag"), Some("app.image.tag"));
        assert_eq!(get("app.name"), Some("app.name"));
        assert_eq!(get("app.size"), Some("app.size.id"));
        assert_eq!(get("platform.ingress.host"), Some("app.ingress_host"));
        // Lists and derived text are not plain context paths.
        assert_eq!(get("secrets"), None);
        assert_eq!(get("platform.otelEndpoint"), None);
    }

    #[test]
    fn only_exact_overrides_are_accepted() {
        let mut answers = crate::wizard::blank();
        answers.name = "Shop".into();
        answers.runtime = "python3.12".into();
        let spec = AppSpec::resolve(answers, crate::platform::Platform::default(), Some("abc1234".into())).unwrap();
        let mut ctx = context::build(&spec, &Default::default());
        assert_eq!(set(&mut ctx, "app.hpa.min", &Value::from(0)), Ok(()));
        assert_eq!(ctx["app"]["hpa"]["min"], 0);
        assert_eq!(set(&mut ctx, "app.image.tag", &Value::from("def5678")), Ok(()));
        assert_eq!(set(&mut ctx, "app.size.id", &Value::from("xl")), Ok(()));
        assert_eq!(ctx["app"]["size"]["cpu_limit"], "2000m");
        assert!(set(&mut ctx, "app.size.id", &Value::from("huge")).is_err());
        // The slug names the namespace, the Secret, the stores: vibe derives them from it.
        assert!(set(&mut ctx, "app.slug", &Value::from("other")).is_err());
        assert!(set(&mut ctx, "app.components.nginx", &Value::from(true)).is_err());
    }
}
