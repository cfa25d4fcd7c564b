//! Generated = compliant: for every combination of the answer matrix, a freshly generated
//! repo with its secrets sealed gets zero findings from `vibe review`.

use crate::common::App;
use crate::matrix::all_pairs;
use std::io::Write;
use std::process::{Command, Stdio};

/// A throwaway sealed-secrets certificate and a platform file pointing at it.
fn platform(dir: &std::path::Path) -> std::path::PathBuf {
    let ok = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=sealed-secret", "-keyout"])
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stderr(Stdio::null())
        .status()
        .expect("openssl is installed")
        .success();
    assert!(ok);
    let file = dir.join("platform.yaml");
    std::fs::write(&file, format!("sealedSecrets:\n  certificate: {}\n", dir.join("cert.pem").display())).unwrap();
    file
}

fn seal(app: &App, platform: &std::path::Path, key: &str) {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("vibe"));
    cmd.arg("--dir").arg(app.path()).arg("--platform").arg(platform).arg("seal");
    cmd.args([key, "--tag", "a1b2c3d"]).stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"a-test-value-for-the-invariant\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "vibe seal {key}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn every_generated_combination_reviews_clean_once_sealed() {
    let certs = tempfile::tempdir().unwrap();
    let platform = platform(certs.path());
    let mut failures = Vec::new();
    let rows = all_pairs();
    for c in &rows {
        let app = App::new();
        let mut flags = vec!["--platform".to_string(), platform.display().to_string()];
        flags.extend(c.flags());
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        app.vibe(&flags).assert().success();
        // vibe init runs in the creator's app: the manifests its Dockerfile copies are there (A7).
        crate::common::write_app_manifests(&app, c.runtime);
        // Only the app's own secrets need a value: with the certificate configured, init
        // generated and sealed the store passwords itself.
        let keys: &[&str] = if c.secrets { &["API_KEY", "STRIPE_TOKEN"] } else { &[] };
        for &k in keys {
            seal(&app, &platform, k);
        }
        let out = app.vibe(&["review", "--format", "json"]).output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("review prints JSON");
        let findings = report["findings"].as_array().cloned().unwrap_or_default();
        if !out.status.success() || !findings.is_empty() {
            let list: Vec<String> =
                findings.iter().map(|f| format!("{} {}:{} {}", f["id"], f["file"], f["line"], f["message"])).collect();
            failures.push(format!("{c:?}\n    {}", list.join("\n    ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} generated repos have findings:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}
