//! Free text cannot inject YAML: an app name (or a metric's question or help) is refused with a
//! clear message, or every generated YAML and JSON file parses to the same objects as for a
//! plain name, with the text exactly where the name belongs. Random names, seeded.

use crate::common::App;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::collections::BTreeMap;
use vibe::generate::{Plan, SealedValues};
use vibe::platform::Platform;
use vibe::spec::{Answers, AppSpec, MetricAnswer};

/// A name no template writes by itself: where it shows in the plain render, the name belongs.
const TOKEN: &str = "Zq9NameToken9qZ";

/// Every component on, so every file that can hold the name is generated.
fn answers(name: &str) -> Answers {
    let mut a = vibe::wizard::blank();
    a.name = name.into();
    a.slug = Some("shop".into());
    a.runtime = "python3.12".into();
    a.database = "postgres".into();
    a.components = vibe::spec::Components { redis: true, rabbitmq: true, nginx: true, ingress: true };
    a.metrics = vec![MetricAnswer {
        question: Some(name.into()),
        name: "orders_processed_total".into(),
        kind: "counter".into(),
        labels: vec!["status".into()],
        help: Some(name.into()),
        stalled_after: None,
    }];
    a.secrets = vec!["API_KEY".into()];
    a
}

/// The YAML and JSON files of the render, parsed: path -> documents.
fn parsed(name: &str) -> Result<BTreeMap<String, Vec<Value>>, Vec<vibe::error::Problem>> {
    let spec = AppSpec::resolve(answers(name), Platform::default(), Some("a1b2c3d".into()))?;
    let plan = Plan::build(&spec, &SealedValues::new()).expect("templates render");
    let mut out = BTreeMap::new();
    for f in plan.files {
        // The chart's templates are Go templates (they read the name from values.yaml, checked here).
        if f.path.starts_with("helm/vibe-stack/templates/") {
            continue;
        }
        let docs = if f.path.ends_with(".yaml") || f.path.ends_with(".yml") {
            vibe::yaml::parse_documents(&f.content)
                .unwrap_or_else(|e| panic!("{} is not valid YAML for the name {name:?}: {e}\n{}", f.path, f.content))
                .iter()
                .map(|d| to_json(&d.root))
                .collect()
        } else if f.path.ends_with(".json") {
            vec![
                serde_json::from_str(&f.content)
                    .unwrap_or_else(|e| panic!("{} is not valid JSON for the name {name:?}: {e}", f.path)),
            ]
        } else {
            continue;
        };
        out.insert(f.path, docs);
    }
    Ok(out)
}

/// A YAML node as JSON; a plain scalar (a number, `true`, a bare word) is marked apart from a
/// quoted string, so `"8081"` and `8081` stay different.
fn to_json(node: &vibe::yaml::Node) -> Value {
    match &node.value {
        // A JSON document held in a string (the Grafana dashboard) is compared as JSON: the name
        // sits in it JSON-escaped.
        vibe::yaml::Value::Scalar { text, quoted: true } if text.starts_with('{') => {
            serde_json::from_str::<Value>(text)
                .map(|v| serde_json::json!({ "json": v }))
                .unwrap_or_else(|_| Value::String(text.clone()))
        }
        vibe::yaml::Value::Scalar { text, quoted: true } => Value::String(text.clone()),
        vibe::yaml::Value::Scalar { text, quoted: false } => serde_json::json!({ "plain": text }),
        vibe::yaml::Value::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        vibe::yaml::Value::Map(entries) => {
            Value::Object(entries.iter().map(|e| (e.key.clone(), to_json(&e.value))).collect())
        }
    }
}

/// `value` with the token replaced by `name` in every string and key.
fn with_name(value: &Value, name: &str) -> Value {
    match value {
        Value::String(s) => Value::String(s.replace(TOKEN, name)),
        Value::Array(items) => Value::Array(items.iter().map(|v| with_name(v, name)).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.replace(TOKEN, name), with_name(v, name))).collect())
        }
        other => other.clone(),
    }
}

const PIECES: &[&str] = &[
    "Shop",
    "a",
    "Z",
    "9",
    " ",
    "  ",
    "---",
    "...",
    "{{",
    "}}",
    "{{ .Values.x }}",
    "{%",
    ": ",
    " #",
    "#",
    "'",
    "\"",
    "\\",
    "\\n",
    "*",
    "&",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    "[",
    "]",
    "{",
    "}",
    ",",
    "?",
    "- ",
    "~",
    "null",
    "true",
    "0x1F",
    "\u{200F}",
    "\u{202E}",
    "\u{200D}",
    "\u{A0}",
    "é",
    "中文",
    "🚀",
    "👩\u{200D}💻",
    "e\u{301}",
    "ß",
    "İ",
    "$(id)",
    "${HOME}",
    "; rm -rf /",
    "<script>",
    "*/",
    "\u{FEFF}",
];
/// Characters that must be refused: line breaks and controls.
const FORBIDDEN: &[char] = &['\n', '\r', '\t', '\u{2028}', '\u{2029}', '\u{85}', '\u{1b}', '\0', '\u{7f}', '\u{9b}'];
const LEADING: &[&str] = &["*", "&", "!", "---", "- ", "? ", "%", "@", "`", "|", ">", "'", "\"", "#", " ", "{", "["];

fn random_name(rng: &mut StdRng) -> String {
    let mut name = String::new();
    if rng.gen_bool(0.3) {
        name.push_str(LEADING[rng.gen_range(0..LEADING.len())]);
    }
    for _ in 0..rng.gen_range(1..8) {
        match rng.gen_range(0..10) {
            0 => name.push(rng.r#gen::<char>()),
            1 if rng.gen_bool(0.3) => name.push(FORBIDDEN[rng.gen_range(0..FORBIDDEN.len())]),
            _ => name.push_str(PIECES[rng.gen_range(0..PIECES.len())]),
        }
    }
    name
}

#[test]
fn random_names_are_refused_clearly_or_round_trip_through_every_generated_file() {
    let baseline = parsed(TOKEN).expect("a plain name is accepted");
    let mut rng = StdRng::seed_from_u64(0x5eed_11a3e);
    let (mut accepted, mut refused) = (0, 0);
    let fixed = ["Shop\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding", "It's \"Shop\" #1"];
    let names: Vec<String> =
        fixed.iter().map(|s| s.to_string()).chain((0..200).map(|_| random_name(&mut rng))).collect();
    for name in names {
        let forbidden = name
            .chars()
            .find(|&c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'));
        match parsed(&name) {
            Err(problems) => {
                refused += 1;
                assert!(
                    forbidden.is_some() || name.trim().is_empty(),
                    "{name:?} was refused though it has no forbidden character: {problems:?}"
                );
                assert!(problems.iter().any(|p| p.field == "name"), "{name:?}: {problems:?}");
                if let Some(c) = forbidden {
                    let code = format!("U+{:04X}", c as u32);
                    let named = problems.iter().any(|p| p.field == "name" && p.message.contains(&code));
                    assert!(named, "{name:?}: the message names {code}: {problems:?}");
                }
            }
            Ok(files) => {
                accepted += 1;
                assert!(forbidden.is_none(), "{name:?} holds {forbidden:?} but was accepted");
                assert_eq!(files.keys().collect::<Vec<_>>(), baseline.keys().collect::<Vec<_>>(), "{name:?}");
                for (path, docs) in &baseline {
                    let expected: Vec<Value> = docs.iter().map(|d| with_name(d, &name)).collect();
                    assert_eq!(files[path], expected, "{path} for the name {name:?}");
                }
                let app_name = files["k8s/03-configmap.yaml"].iter().find_map(|d| d["data"]["APP_NAME"].as_str());
                assert_eq!(app_name, Some(name.as_str()), "APP_NAME");
                // vibe.yaml keeps it too.
                let a = answers(&name);
                let back: Answers = serde_saphyr::from_str(&a.to_yaml()).expect("vibe.yaml parses");
                assert_eq!(back.name, name);
            }
        }
    }
    assert!(
        accepted > 80 && refused > 20,
        "the generator should try both kinds: {accepted} accepted, {refused} refused"
    );
}

#[test]
fn a_name_that_carries_a_cluster_role_binding_is_refused_and_nothing_is_written() {
    let app = App::new();
    let name = "Shop\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: pwn\nroleRef:\n  kind: ClusterRole\n  name: cluster-admin";
    let out = app
        .vibe(&[
            "init",
            "--yes",
            "--name",
            name,
            "--runtime",
            "python3.12",
            "--metric",
            "orders_total:counter",
            "--tag",
            "a1b2c3d",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--name: it contains a line break (U+000A)"), "{stderr}");
    assert!(app.files().is_empty(), "{:?}", app.files());
}

#[test]
fn a_vibe_yaml_whose_name_holds_a_line_separator_is_refused_at_its_line() {
    let app = App::new();
    app.write("vibe.yaml", "name: \"Shop\\u2028kind: ClusterRoleBinding\"\nruntime: python3.12\nmetrics:\n- name: orders_total\n  type: counter\ntag: a1b2c3d\n");
    let out = app.vibe(&["generate"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("vibe.yaml:1") && stderr.contains("U+2028"), "{stderr}");
}
