//! What the human-facing outputs may show: no credential value in a diff, no control character
//! from repo content on a terminal; the machine-readable formats unchanged by the escaping.

use crate::common::{App, INVENTORY_FLAGS, vibe};

/// A password planted in a file: the marker must never be printed whole.
const PLANTED: &str = "Zq7-planted-Marker-41";

/// A generated app whose creator wrote the database password into vibe's Deployment by hand.
fn app_with_planted_password() -> App {
    let app = App::new();
    app.vibe(INVENTORY_FLAGS).assert().success();
    let generated = app.read("k8s/08-app.yaml");
    let from_secret = "            - name: POSTGRES_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: inventory-checker-secrets\n                  key: POSTGRES_PASSWORD\n";
    assert!(generated.contains(from_secret), "the generated Deployment reads the password from the Secret");
    let plain = format!("            - name: POSTGRES_PASSWORD\n              value: {PLANTED}\n");
    app.write("k8s/08-app.yaml", &generated.replacen(from_secret, &plain, 1));
    app
}

fn printed(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn fix_dry_run_masks_a_credential_in_a_generated_manifest() {
    let app = app_with_planted_password();
    let all = printed(&app.vibe(&["review", "--fix", "--dry-run"]).output().unwrap());
    assert!(all.contains("-              value: Zq7-****"), "the diff shows the removed line, masked:\n{all}");
    assert!(!all.contains("planted-Marker"), "the password is printed:\n{all}");
    assert!(app.read("k8s/08-app.yaml").contains(PLANTED), "a dry run writes nothing");
}

#[test]
fn generate_dry_run_masks_a_credential_too() {
    let app = app_with_planted_password();
    let all = printed(&app.vibe(&["generate", "--tag", "a1b2c3d", "--dry-run"]).output().unwrap());
    assert!(all.contains("-              value: Zq7-****"), "the diff shows the removed line, masked:\n{all}");
    assert!(!all.contains("planted-Marker"), "the password is printed:\n{all}");
}

#[test]
fn errors_escape_the_names_they_quote() {
    let out = vibe().args(["review", "/nonexistent/app\u{1b}]0;pwned\u{7}"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(controls(&out.stderr), 0, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("app\\x1b]0;pwned\\x07"));
}

/// A repo whose file name and object names carry terminal control sequences.
fn hostile_repo() -> App {
    let app = App::new();
    app.write(
        "k8s/evil\u{1b}[31m.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \"p\\e[2J\\e]0;pwned\\a\"\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx:latest\n",
    );
    app.write(
        "k8s/web.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \"cr\\rweb\"\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:latest\n",
    );
    app
}

fn controls(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| matches!(b, 0x1b | 0x07 | 0x0d)).count()
}

#[test]
fn text_and_github_reports_escape_control_characters_from_the_repo() {
    let app = hostile_repo();
    for format in ["text", "github"] {
        let out =
            vibe().arg("review").arg(app.path()).args(["--format", format]).env("NO_COLOR", "1").output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}: the repo is blocked");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(controls(&out.stdout) + controls(&out.stderr), 0, "{format}:\n{stdout:?}");
        // Still readable: the names are shown with their control characters spelt out.
        assert!(stdout.contains("k8s/evil\\x1b[31m.yaml"), "{format}:\n{stdout}");
        assert!(stdout.contains("Deployment/p\\x1b[2J\\x1b]0;pwned\\x07"), "{format}:\n{stdout}");
        assert!(stdout.contains("Deployment/cr\\rweb"), "{format}:\n{stdout}");
    }
    // The fix preview and its summary, which quote the same names.
    let out = vibe().arg("review").arg(app.path()).args(["--fix", "--dry-run"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Would fix"), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(controls(&out.stdout) + controls(&out.stderr), 0, "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn json_and_sarif_keep_repo_text_as_it_is() {
    let app = hostile_repo();
    for format in ["json", "sarif"] {
        let out = vibe().arg("review").arg(app.path()).args(["--format", format]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        // serde writes the control characters as JSON escapes; read back, they are the original text.
        assert_eq!(controls(&out.stdout), 0, "{format}");
        assert!(stdout.contains("p\\u001b[2J\\u001b]0;pwned\\u0007"), "{format}:\n{stdout}");
        assert!(!stdout.contains("\\\\x1b"), "{format}: not escaped twice:\n{stdout}");
    }
}
