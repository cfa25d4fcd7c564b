//! Fix texts fit the app they are about: S1 shows the file's own language and knows vibe.yaml's
//! `secrets:`, S3 rewrites the app's own query, and `vibe explain` names `vibe review --fix`
//! where it applies.

use crate::common::{App, repo_root, vibe};
use vibe::repo::Repo;
use vibe::review::{self, Finding, ReviewContext};

fn findings(dir: &std::path::Path, id: &str) -> Vec<Finding> {
    let repo = Repo::load(dir).unwrap();
    let ctx = ReviewContext::for_repo(&repo, dir, None);
    review::run(&repo, &ctx).findings.into_iter().filter(|f| f.id.as_str() == id).collect()
}

#[test]
fn s1_fix_shows_only_the_files_own_language() {
    let dir = repo_root().join("tests/fixtures/review/source/s1-hardcoded-credentials");
    let s1 = findings(&dir, "S1");
    let node = s1.iter().find(|f| f.file == "web/client.ts").expect("S1 in the TypeScript client");
    assert!(node.fix.contains("process.env.SLACK_TOKEN"), "{}", node.fix);
    assert!(!node.fix.contains("os.environ") && !node.fix.contains("os.Getenv"), "{}", node.fix);
    let python = s1.iter().find(|f| f.file == "app/settings.py").expect("S1 in the Python settings");
    assert!(python.fix.contains("os.environ[\"AWS_ACCESS_KEY_ID\"]"), "{}", python.fix);
    assert!(!python.fix.contains("process.env"), "{}", python.fix);
}

#[test]
fn s1_fix_does_not_ask_to_declare_a_secret_vibe_yaml_already_has() {
    let app = App::new();
    app.vibe(&["init", "--demo", "--dir", app.path().to_str().unwrap()]).assert().success();
    let s1 = findings(app.path(), "S1");
    let key = s1.iter().find(|f| f.file == "main.py").expect("the demo's hardcoded API key");
    assert!(key.fix.contains("`API_KEY` is already under `secrets:`"), "{}", key.fix);
    assert!(!key.fix.contains("Add `API_KEY` under `secrets:`"), "{}", key.fix);
}

#[test]
fn s3_fix_rewrites_the_apps_own_query() {
    let app = App::new();
    app.vibe(&["init", "--demo", "--dir", app.path().to_str().unwrap()]).assert().success();
    let s3 = findings(app.path(), "S3");
    assert_eq!(s3.len(), 1, "{s3:?}");
    assert!(
        s3[0].fix.contains("`cur.execute(\"SELECT sku, quantity FROM stock WHERE sku = %s\", (sku,))`"),
        "{}",
        s3[0].fix
    );
}

#[test]
fn explain_names_the_automatic_fix_only_where_there_is_one() {
    let out = vibe().args(["explain", "A3"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("`vibe review --fix`"));
    let out = vibe().args(["explain", "S1"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("--fix"));
}
