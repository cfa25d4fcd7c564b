//! `vibe review --fix` keeps each file's format: a JSON manifest stays JSON, CRLF stays CRLF,
//! comments are never dropped; and the D3 fix waits only on a host that resolves (a Service).

use crate::common::{App, repo_root, vibe};
use vibe::repo::Repo;
use vibe::review::{self, ReviewContext};

const JSON_DEPLOYMENT: &str = r#"{
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {"name": "shop", "labels": {"app": "shop"}},
  "spec": {
    "replicas": 2,
    "selector": {"matchLabels": {"app": "shop"}},
    "template": {
      "metadata": {"labels": {"app": "shop"}},
      "spec": {
        "containers": [
          {"name": "app", "image": "nginx:1.27", "ports": [{"containerPort": 8080}]}
        ]
      }
    }
  }
}
"#;

fn fix(app: &App) -> String {
    let out = vibe().arg("review").arg(app.path()).arg("--fix").output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_json_manifest_stays_json_after_a_fix() {
    let app = App::new();
    app.write("k8s/app.json", JSON_DEPLOYMENT);
    let out = fix(&app);
    let text = app.read("k8s/app.json");
    assert_ne!(text, JSON_DEPLOYMENT, "the fixes were applied:\n{out}");
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON after --fix ({e}):\n{text}\n{out}"));
    let pod = &json["spec"]["template"]["spec"];
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true, "A3's fix is in the JSON:\n{text}");
    assert_eq!(pod["containers"][0]["securityContext"]["allowPrivilegeEscalation"], false, "{text}");
    assert_eq!(json["spec"]["replicas"], 2, "numbers stay numbers");
    assert!(
        text.starts_with("{\n  \"apiVersion\": \"apps/v1\",\n  \"kind\": \"Deployment\","),
        "key order kept:\n{text}"
    );
}

#[test]
fn a_crlf_manifest_keeps_crlf_line_ends() {
    let app = App::new();
    let crlf = "apiVersion: apps/v1\r\nkind: Deployment\r\nmetadata:\r\n  name: web\r\nspec:\r\n  selector:\r\n    matchLabels: {app: web}\r\n  template:\r\n    metadata:\r\n      labels: {app: web}\r\n    spec:\r\n      containers:\r\n      - name: web\r\n        image: nginx:1.27\r\n";
    app.write("k8s/web.yaml", crlf);
    fix(&app);
    let text = app.read("k8s/web.yaml");
    assert!(text.contains("runAsNonRoot: true\r\n"), "the fixes were applied:\n{text}");
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count(), "a lone \\n in a CRLF file:\n{text:?}");
}

#[test]
fn a_comment_inside_a_flow_collection_survives_a_fix() {
    let app = App::new();
    let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        resources: {\n          requests: {cpu: 50m, memory: 64Mi}, # measured under load\n        }\n";
    app.write("k8s/web.yaml", yaml);
    let out = fix(&app);
    let text = app.read("k8s/web.yaml");
    assert!(text.contains("runAsNonRoot: true"), "the other fixes were applied:\n{text}");
    assert!(text.contains("# measured under load"), "the comment was dropped:\n{text}\n{out}");
    // The limits could not be added without losing it: left to the creator, with the reason.
    let repo = Repo::load(app.path()).unwrap();
    let report = review::run(&repo, &ReviewContext::for_repo(&repo, app.path(), None));
    let plan = vibe::fix::plan(&vibe::workspace::Workspace::load(app.path(), None), &report.findings).unwrap();
    let (_, why) = plan.manual.iter().find(|(f, _)| f.id.as_str() == "F2").expect("F2 is left by hand");
    assert!(why.contains("comment"), "{why}");
}

/// The d3 fix case, with or without the Service in front of the store.
fn d3_repo(with_service: bool) -> App {
    let app = App::new();
    let before = repo_root().join("tests/fixtures/fix/d3/before/k8s");
    for e in std::fs::read_dir(&before).unwrap().flatten() {
        let mut text = std::fs::read_to_string(e.path()).unwrap();
        if let Some(at) = text.find("---\napiVersion: v1\nkind: Service\n").filter(|_| !with_service) {
            text.truncate(at);
        }
        app.write(&format!("k8s/{}", e.file_name().to_string_lossy()), &text);
    }
    app
}

#[test]
fn the_d3_fix_waits_only_for_a_service() {
    let app = d3_repo(false);
    assert!(!app.read("k8s/05-redis.yaml").contains("kind: Service"));
    let repo = Repo::load(app.path()).unwrap();
    let report = review::run(&repo, &ReviewContext::for_repo(&repo, app.path(), None));
    let d3: Vec<_> = report.findings.iter().filter(|f| f.id.as_str() == "D3").cloned().collect();
    assert!(!d3.is_empty(), "D3 fires without the wait");
    // The finding's own fix says so too, before the wait (which would wait on a name nothing answers).
    assert!(
        d3[0].fix.starts_with("No Service for redis is in the repo: first add a Service named `shop-redis`"),
        "{}",
        d3[0].fix
    );
    let plan = vibe::fix::plan(&vibe::workspace::Workspace::load(app.path(), None), &d3).unwrap();
    assert!(plan.is_empty(), "no wait on a host without a Service: {:?}", plan.changes);
    let (_, why) = &plan.manual[0];
    assert!(why.contains("no Service named shop-redis") && why.contains("add a Service for redis"), "{why}");
    // With the Service, the wait is on its name and port.
    let app = d3_repo(true);
    fix(&app);
    assert!(app.read("k8s/app.yaml").contains("until nc -z shop-redis 6379"));
}
