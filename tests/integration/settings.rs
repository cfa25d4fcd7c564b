//! Plain settings (`env:` in vibe.yaml): rendered into the app's ConfigMap and the chart alike,
//! kept by `vibe generate`, and refused when they look like secrets.

use crate::common::{App, INVENTORY_FLAGS, repo_root, venv_python};
use predicates::prelude::*;
use vibe::yaml::parse_documents;

/// The data of the app's ConfigMap in k8s/03-configmap.yaml.
fn config_data(app: &App) -> Vec<(String, String)> {
    let docs = parse_documents(&app.read("k8s/03-configmap.yaml")).unwrap();
    let data = docs[0].root.get("data").unwrap();
    data.entries().iter().map(|e| (e.key.clone(), e.value.as_str().unwrap_or_default().to_string())).collect()
}

/// A value that breaks naive YAML quoting in every way a creator may type.
const TRICKY: &str = "it's \"fine\": yes # not a comment \\ {x} - [y] & *z";

#[test]
fn a_plain_setting_in_vibe_yaml_reaches_the_app_and_the_chart_renders_the_same() {
    let app = App::new();
    app.vibe(INVENTORY_FLAGS).assert().success();
    let answers = app.read("vibe.yaml");
    let quoted = serde_json::to_string(TRICKY).unwrap();
    app.write(
        "vibe.yaml",
        &format!(
            "{answers}env:\n  SHOP_CURRENCY: EUR\n  GREETING: {quoted}\n  MAX_ITEMS: \"5\"\n  FEATURE_X: 'true'\n"
        ),
    );
    app.vibe(&["generate", "--tag", "a1b2c3d"]).assert().success();
    let data = config_data(&app);
    let value = |name: &str| data.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    assert_eq!(value("SHOP_CURRENCY"), Some("EUR"), "{data:?}");
    assert_eq!(value("GREETING"), Some(TRICKY));
    assert_eq!(value("MAX_ITEMS"), Some("5"));
    assert_eq!(value("FEATURE_X"), Some("true"));
    assert_eq!(value("LOG_LEVEL"), Some("info"), "vibe's own settings stay");
    assert!(app.read("vibe.yaml").contains("SHOP_CURRENCY"), "{}", app.read("vibe.yaml"));

    // The same objects from the chart, rendered by Helm's own engine.
    let py = venv_python();
    let out = std::process::Command::new(&py)
        .arg(repo_root().join("tests/tools/helm_equal.py"))
        .arg(app.join("helm/vibe-stack"))
        .arg(app.join("k8s"))
        .output()
        .expect("run helm_equal.py");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));

    // A second run keeps the setting: nothing to undo.
    app.vibe(&["generate", "--tag", "a1b2c3d"])
        .assert()
        .success()
        .stdout(predicate::str::contains("undone").not().and(predicate::str::contains("Everything is up to date")));
}

#[test]
fn a_setting_that_looks_like_a_secret_is_refused_with_a_pointer_to_vibe_seal() {
    let app = App::new();
    app.vibe(INVENTORY_FLAGS).assert().success();
    let answers = app.read("vibe.yaml");
    app.write("vibe.yaml", &format!("{answers}env:\n  STRIPE_SECRET: sk_test_abc\n"));
    let out = app.vibe(&["generate", "--tag", "a1b2c3d"]).assert().code(2).get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("env.STRIPE_SECRET") && err.contains("vibe seal STRIPE_SECRET"), "{err}");
    assert!(!app.read("k8s/03-configmap.yaml").contains("STRIPE_SECRET"), "nothing written");
}
