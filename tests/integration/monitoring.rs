//! The generated monitoring (k8s/14-monitoring.yaml) against Prometheus' own promtool: for apps
//! with and without stores, the rules load (`promtool check rules`) and every alert fires on a
//! broken app's series and stays silent on a healthy one's (`promtool test rules`, built by
//! tests/tools/promtool_rules.py).

use crate::common::{App, repo_root, venv_python};
use std::process::Command;

fn generated(flags: &[&str]) -> App {
    let app = App::new();
    let mut args = vec!["init", "--yes", "--name", "Shop", "--tag", "a1b2c3d"];
    args.extend_from_slice(flags);
    let out = app.vibe(&args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    app
}

/// Runs promtool_rules.py on `file`; (passed, everything it printed).
fn promtool(app: &App, file: &str) -> (bool, String) {
    let out = Command::new(venv_python())
        .arg(repo_root().join("tests/tools/promtool_rules.py"))
        .arg(app.join(file))
        .arg(app.join("promtool-work"))
        .output()
        .expect("python runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn every_generated_alert_fires_when_broken_and_stays_silent_when_healthy() {
    let cases: &[&[&str]] = &[
        &[
            "--runtime",
            "python3.12",
            "--db",
            "postgres",
            "--redis",
            "--metric",
            "orders_processed_total:counter:status",
            "--metric",
            "cart_value:gauge",
        ],
        &[
            "--runtime",
            "node22",
            "--db",
            "none",
            "--metric",
            "signups_total:counter",
            "--metric",
            "checkout_seconds:histogram:step",
        ],
        &[
            "--runtime",
            "rust1.78",
            "--db",
            "mongo",
            "--metric",
            "orders_total:counter",
            "--metric",
            "refunds_total:counter:reason",
        ],
    ];
    for flags in cases {
        let app = generated(flags);
        let (ok, text) = promtool(&app, "k8s/14-monitoring.yaml");
        assert!(ok, "{flags:?}:\n{text}");
        assert!(text.contains("SUCCESS"), "{text}");
        // Every business counter has its stalled alert, with a scenario of its own.
        let scenarios = app.read("promtool-work/tests.yml");
        let counters = flags.iter().filter(|f| f.contains(":counter")).count();
        assert_eq!(scenarios.matches("- name: Stalled").count(), counters, "{scenarios}");
    }
}

/// The check is real: an alert whose threshold can never be reached fails its scenario.
#[test]
fn an_alert_that_cannot_fire_fails_the_promtool_test() {
    let app = generated(&["--runtime", "python3.12", "--db", "none", "--metric", "orders_total:counter"]);
    let text = app.read("k8s/14-monitoring.yaml");
    let broken = text.replacen("[15m])) > 2\"", "[15m])) > 2000\"", 1);
    assert_ne!(broken, text, "the restart alert's threshold is where this test expects it");
    app.write("k8s/14-monitoring.yaml", &broken);
    let (ok, out) = promtool(&app, "k8s/14-monitoring.yaml");
    assert!(!ok, "{out}");
    assert!(out.contains("AppRestarting fires") && out.contains("FAILED"), "{out}");
}
