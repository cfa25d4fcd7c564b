//! The chart ArgoCD deploys is the chart that is reviewed (issue 15 part 2, P7): values and hand
//! edits in helm/vibe-stack are judged as the chart renders them, with vibe itself (values) or
//! `helm template` (tests/tools/helm, Helm's own engine through the venv) when on PATH.

use crate::common::{App, INVENTORY_FLAGS, repo_root, venv_python};
use serde_json::Value;
use std::path::PathBuf;
use vibe::yaml::parse_documents;

/// A generated app (the inventory demo answers, a Flask entry so the repo holds an app).
fn generated() -> App {
    let app = App::new();
    app.write("app.py", "print('hi')\n");
    app.vibe(INVENTORY_FLAGS).assert().success();
    app
}

/// A PATH holding the helm stand-in (and nothing else of ours), or one without any helm.
fn path(with_helm: bool) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    if with_helm {
        let venv = venv_python().parent().unwrap().parent().unwrap().to_path_buf();
        let script = format!(
            "#!/bin/sh\nVIBE_TEST_VENV='{}' exec '{}' \"$@\"\n",
            venv.display(),
            repo_root().join("tests/tools/helm").display()
        );
        let helm = dir.path().join("helm");
        std::fs::write(&helm, script).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&helm, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let p = format!("{}:/usr/bin:/bin", dir.path().display());
    (dir, p)
}

/// `vibe review --format json` with or without helm: (exit code, findings).
fn review(app: &App, with_helm: bool) -> (i32, Vec<Value>) {
    let (_dir, p) = path(with_helm);
    let out = app.vibe(&["review", "--format", "json"]).env("PATH", p).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().unwrap(), json["findings"].as_array().cloned().unwrap_or_default())
}

fn review_text(app: &App, with_helm: bool) -> String {
    let (_dir, p) = path(with_helm);
    let out = app.vibe(&["review"]).env("PATH", p).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn with_id<'a>(findings: &'a [Value], id: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["id"] == id).collect()
}

/// (id, object, message) of every finding: what a creator reads, without positions.
fn keys(findings: &[Value]) -> Vec<(String, String, String)> {
    let mut k: Vec<_> = findings
        .iter()
        .map(|f| (f["id"].to_string(), f["object"].to_string(), f["message"].as_str().unwrap_or_default().to_string()))
        .collect();
    k.sort();
    k
}

fn line_of(app: &App, rel: &str, needle: &str) -> u64 {
    app.read(rel).lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle} in {rel}")) as u64 + 1
}

/// The app container's securityContext in the chart, written out with privilege escalation on
/// (the template includes vibe's helper there; a creator pastes the fields instead).
fn escalate(app: &App) -> u64 {
    let rel = "helm/vibe-stack/templates/08-app.yaml";
    let text = app.read(rel);
    let include = "            {{- include \"vibe.containerSecurity\" . | nindent 12 }}";
    let at = text.rfind(include).expect("the app container's securityContext include");
    let literal = "            allowPrivilegeEscalation: true\n            readOnlyRootFilesystem: true\n            \
                   capabilities:\n              drop:\n                - ALL";
    app.write(rel, &format!("{}{literal}{}", &text[..at], &text[at + include.len()..]));
    line_of(app, rel, "allowPrivilegeEscalation: true")
}

#[test]
fn the_helm_stand_in_prints_what_helm_template_prints_for_the_generated_chart() {
    let app = generated();
    let (_dir, p) = path(true);
    let out = std::process::Command::new(PathBuf::from(&p.split(':').next().unwrap()).join("helm"))
        .args(["template", "inventory-checker", "helm/vibe-stack", "--namespace", "platform-vibe-inventory-checker"])
        .current_dir(app.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    // helm template's shape: every document after `---` and a `# Source: <chart>/templates/<file>` line.
    let chunks: Vec<&str> = text.split("\n---\n").collect();
    assert!(text.starts_with("---\n# Source: vibe-stack/templates/"), "{}", &text[..200.min(text.len())]);
    let mut rendered: Vec<(String, Value)> = Vec::new();
    for chunk in &chunks {
        let chunk = chunk.trim_start_matches("---\n");
        let source = chunk.lines().find_map(|l| l.strip_prefix("# Source: vibe-stack/templates/")).expect(chunk);
        for d in parse_documents(chunk).unwrap().into_iter().filter(|d| d.root.is_map()) {
            rendered.push((source.to_string(), d.root.to_json()));
        }
    }
    // Equal to k8s/ after parsing, each object from the template named like its k8s/ file.
    let mut k8s: Vec<(String, Value)> = Vec::new();
    for f in app.files().into_iter().filter(|f| f.starts_with("k8s/")) {
        for d in parse_documents(&app.read(&f)).unwrap().into_iter().filter(|d| d.root.is_map()) {
            k8s.push((f.trim_start_matches("k8s/").to_string(), d.root.to_json()));
        }
    }
    let key = |v: &(String, Value)| format!("{}{}{}", v.0, v.1["kind"], v.1["metadata"]["name"]);
    rendered.sort_by_key(key);
    k8s.sort_by_key(key);
    assert!(k8s.len() > 20, "{}", k8s.len());
    assert_eq!(rendered, k8s);
}

#[test]
fn an_unchanged_generated_chart_adds_nothing_and_is_not_skipped() {
    let app = generated();
    let (code, findings) = review(&app, false);
    assert_eq!(code, 1, "the generated demo still has placeholders to seal");
    assert!(with_id(&findings, "P7").is_empty(), "{findings:?}");
    assert!(findings.iter().all(|f| !f["message"].as_str().unwrap().contains("chart ArgoCD deploys")), "{findings:?}");
    let k = keys(&findings);
    let mut unique = k.clone();
    unique.dedup();
    assert_eq!(k, unique, "nothing reviewed twice");
    // helm on PATH changes nothing for vibe's unchanged chart (it is never run).
    assert_eq!(keys(&review(&app, true).1), k);
    let text = review_text(&app, false);
    assert!(text.contains("15 chart templates reviewed as rendered"), "{text}");
    assert!(!text.contains("skipped as templates"), "{text}");
}

#[test]
fn a_chart_value_is_reviewed_at_its_values_line_and_fix_restores_it() {
    let app = generated();
    let values = "helm/vibe-stack/values.yaml";
    let before = keys(&review(&app, false).1);
    app.write(values, &app.read(values).replace("\n  min: 1\n", "\n  min: 0\n"));
    let line = line_of(&app, values, "  min: 0");
    let (_, findings) = review(&app, false);
    let hpa: Vec<&Value> = findings
        .iter()
        .filter(|f| f["file"] == values && f["message"].as_str().unwrap().contains("minReplicas"))
        .collect();
    assert_eq!(hpa.len(), 1, "{findings:#?}");
    assert_eq!(hpa[0]["line"], line);
    let message = hpa[0]["message"].as_str().unwrap();
    assert!(message.contains("chart ArgoCD deploys") && message.contains("`hpa.min: 0`"), "{message}");
    assert!(with_id(&findings, "P7").is_empty(), "vibe renders its own chart from values: {findings:#?}");

    // The fix restores the values file vibe writes from vibe.yaml (a backup of the edit kept).
    let (_dir, p) = path(false);
    let dry = app.vibe(&["review", "--fix", "--dry-run"]).env("PATH", &p).output().unwrap();
    let dry = String::from_utf8_lossy(&dry.stdout);
    assert!(dry.contains("-  min: 0") && dry.contains("+  min: 1"), "{dry}");
    app.vibe(&["review", "--fix"]).env("PATH", &p).output().unwrap();
    assert!(app.read(values).contains("\n  min: 1\n"));
    assert_eq!(keys(&review(&app, false).1), before, "the chart's finding is gone, nothing else changed");
    assert!(
        app.files().iter().any(|f| f.starts_with(".vibe/backup/") && f.ends_with("values.yaml")),
        "{:?}",
        app.files()
    );
}

#[test]
fn a_new_image_tag_in_the_values_is_rendered_without_findings() {
    // CD bumps image.tag on every deploy: the chart then differs from k8s/ and is reviewed as it renders.
    let app = generated();
    let values = "helm/vibe-stack/values.yaml";
    let before = keys(&review(&app, false).1);
    app.write(values, &app.read(values).replace("tag: \"a1b2c3d\"", "tag: \"0f1e2d3\""));
    assert_eq!(keys(&review(&app, false).1), before);
    // With a value that does cause a finding, the finding is put on that value, not on the tag.
    app.write(values, &app.read(values).replace("\n  min: 1\n", "\n  min: 0\n"));
    let (_, findings) = review(&app, false);
    let hpa: Vec<&Value> = findings.iter().filter(|f| f["file"] == values).collect();
    assert_eq!(hpa.len(), 1, "{findings:#?}");
    assert_eq!(hpa[0]["line"], line_of(&app, values, "  min: 0"));
}

#[test]
fn a_hand_edited_template_without_helm_is_p7_naming_the_changed_line() {
    let app = generated();
    let line = escalate(&app);
    let (code, findings) = review(&app, false);
    assert_eq!(code, 1);
    let p7 = with_id(&findings, "P7");
    assert_eq!(p7.len(), 1, "{findings:#?}");
    assert_eq!(p7[0]["severity"], "critical");
    assert_eq!(p7[0]["file"], "helm/vibe-stack/templates/08-app.yaml");
    assert_eq!(p7[0]["line"], line);
    let message = p7[0]["message"].as_str().unwrap();
    assert!(message.contains(&format!("line {line} now reads `allowPrivilegeEscalation: true`")), "{message}");
    assert!(message.contains("changed by hand") && message.contains("helm is not on PATH"), "{message}");
    let fix = p7[0]["fix"].as_str().unwrap();
    assert!(fix.contains("vibe generate") && fix.contains("vibe.yaml") && fix.contains("helm"), "{fix}");
    // What cannot be rendered is not counted as reviewed.
    assert!(review_text(&app, false).contains("skipped as templates"));
}

#[test]
fn with_helm_the_edited_template_is_reviewed_at_its_line_and_fix_restores_it() {
    let app = generated();
    let line = escalate(&app);
    let (code, findings) = review(&app, true);
    assert_eq!(code, 1);
    assert!(with_id(&findings, "P7").is_empty(), "rendered and reviewed: {findings:#?}");
    let a4: Vec<&Value> =
        with_id(&findings, "A4").into_iter().filter(|f| f["file"] == "helm/vibe-stack/templates/08-app.yaml").collect();
    assert_eq!(a4.len(), 1, "{findings:#?}");
    assert_eq!(a4[0]["line"], line);
    assert!(a4[0]["message"].as_str().unwrap().contains("helm template"), "{:?}", a4[0]);

    let (_dir, p) = path(true);
    let dry = app.vibe(&["review", "--fix", "--dry-run"]).env("PATH", &p).output().unwrap();
    let dry = String::from_utf8_lossy(&dry.stdout);
    assert!(dry.contains("-            allowPrivilegeEscalation: true"), "{dry}");
    assert!(dry.contains("helm/vibe-stack/templates/08-app.yaml (regenerated"), "{dry}");
}

#[test]
fn a_benign_template_edit_with_helm_passes_without_p7() {
    let app = generated();
    let before = keys(&review(&app, false).1);
    let rel = "helm/vibe-stack/templates/00-namespace.yaml";
    let text = app.read(rel);
    let edited = text.replacen("  labels:\n", "  labels:\n    team: shop\n", 1);
    assert_ne!(edited, text);
    app.write(rel, &edited);
    assert_eq!(keys(&review(&app, true).1), before, "a label changes nothing the checks judge");
    assert_eq!(with_id(&review(&app, false).1, "P7").len(), 1, "without helm it cannot be reviewed");
}

const FOREIGN_APP: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://git.example.com/web.git\n    path: charts/web\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n  syncPolicy:\n    automated: {prune: true, selfHeal: true}\n";

const FOREIGN_DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: \"{{ .Values.image }}\"\n          securityContext:\n            privileged: true\n";

#[test]
fn a_chart_vibe_did_not_write_is_rendered_by_helm_or_is_p7() {
    let app = App::new();
    app.write("argocd/web.yaml", FOREIGN_APP)
        .write("charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
        .write("charts/web/values.yaml", "image: nginx:latest\n")
        .write("charts/web/templates/deployment.yaml", FOREIGN_DEPLOYMENT);
    let (_, without) = review(&app, false);
    let p7 = with_id(&without, "P7");
    assert_eq!(p7.len(), 1, "{without:#?}");
    assert_eq!(p7[0]["file"], "charts/web/templates/deployment.yaml");
    assert!(p7[0]["message"].as_str().unwrap().contains("vibe did not write it"), "{:?}", p7[0]);

    let (_, with) = review(&app, true);
    assert!(with_id(&with, "P7").is_empty(), "{with:#?}");
    let a1 = with_id(&with, "A1");
    assert!(
        a1.iter().any(|f| f["file"] == "charts/web/templates/deployment.yaml"
            && f["line"] == line_of(&app, "charts/web/templates/deployment.yaml", "image:")),
        "{with:#?}"
    );
    let a4 = with_id(&with, "A4");
    assert!(a4.iter().any(|f| f["file"] == "charts/web/templates/deployment.yaml"), "{with:#?}");
}
