//! `vibe review --cluster` against a faithful stand-in for the Kubernetes API: a small HTTP/1.1
//! server on loopback serving recorded answers in the real shapes (lists with resourceVersion,
//! the log endpoint's plain text, the pod proxy, 403 Status objects, 404s), built by
//! tests/tools/cluster_namespace.py from a really generated repo, and reached through a real
//! kubeconfig. No API server can run on these machines (none is installable from the registries).

use crate::common::{App, INVENTORY_FLAGS, repo_root, venv_python};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

const NS: &str = "platform-vibe-inventory-checker";
const SLUG: &str = "inventory-checker";
const TAG: &str = "a1b2c3d";

/// One request the tool sent.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    authorization: Option<String>,
}

/// The stand-in API server: answers from a routes file, records every request.
struct ApiServer {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

#[derive(Clone)]
struct Route {
    status: u16,
    content_type: String,
    body: String,
}

impl ApiServer {
    /// Serves `routes`, each answer with the `Date` header `date` (the server's clock).
    fn start(routes: HashMap<String, Route>, date: String) -> ApiServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let routes = Arc::new(routes);
        let date = Arc::new(date);
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (routes, log, date) = (routes.clone(), log.clone(), date.clone());
                std::thread::spawn(move || serve_connection(stream, &routes, &log, &date));
            }
        });
        ApiServer { port, seen }
    }

    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        403 => "Forbidden",
        404 => "Not Found",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// HTTP/1.1 with keep-alive, as hyper speaks it: requests are read one after another.
fn serve_connection(stream: TcpStream, routes: &HashMap<String, Route>, log: &Mutex<Vec<Seen>>, date: &str) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
        let mut length = 0usize;
        let mut authorization = None;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                match k.to_ascii_lowercase().as_str() {
                    "content-length" => length = v.trim().parse().unwrap_or(0),
                    "authorization" => authorization = Some(v.trim().to_string()),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).ok();
        log.lock().unwrap().push(Seen { method: method.clone(), target: target.clone(), authorization });
        let path = target.split('?').next().unwrap_or("");
        let route = routes.get(path).cloned().filter(|_| method == "GET").unwrap_or_else(|| Route {
            status: 404,
            content_type: "application/json".into(),
            body: serde_json::json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": format!("the server could not find the requested resource ({path})"),
                "reason": "NotFound", "details": {}, "code": 404})
            .to_string(),
        });
        let head = format!(
            "HTTP/1.1 {} {}\r\nDate: {date}\r\nContent-Type: {}\r\nContent-Length: {}\r\nAudit-Id: 0\r\n\r\n",
            route.status,
            reason(route.status),
            route.content_type,
            route.body.len()
        );
        if out.write_all(head.as_bytes()).and_then(|_| out.write_all(route.body.as_bytes())).is_err() {
            return;
        }
    }
}

/// A generated, compliant app (postgres, redis, nginx, ingress) with its secrets sealed.
fn generated_app() -> (App, tempfile::TempDir) {
    let certs = tempfile::tempdir().unwrap();
    let ok = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=sealed-secret", "-keyout"])
        .arg(certs.path().join("key.pem"))
        .arg("-out")
        .arg(certs.path().join("cert.pem"))
        .stderr(Stdio::null())
        .status()
        .expect("openssl is installed (apt-get install openssl)")
        .success();
    assert!(ok, "openssl could not make a test certificate");
    let platform = certs.path().join("platform.yaml");
    std::fs::write(&platform, format!("sealedSecrets:\n  certificate: {}\n", certs.path().join("cert.pem").display()))
        .unwrap();
    let app = App::new();
    let mut flags = vec!["--platform", platform.to_str().unwrap()];
    flags.extend_from_slice(INVENTORY_FLAGS);
    app.vibe(&flags).assert().success();
    crate::common::write_app_manifests(&app, "python3.12");
    // init sealed the store passwords itself (the certificate is configured); API_KEY is the app's.
    app.vibe(&["--platform", platform.to_str().unwrap(), "seal", "API_KEY", "--tag", TAG])
        .write_stdin("a-test-value-for-the-cluster\n")
        .assert()
        .success();
    (app, certs)
}

/// Builds the namespace of `scenario` from the app's k8s/ and serves it.
fn namespace(app: &App, scenario: &str) -> ApiServer {
    let routes_file = app.join(".routes.json");
    let out = Command::new(venv_python())
        .arg(repo_root().join("tests/tools/cluster_namespace.py"))
        .args(["--repo", app.path().to_str().unwrap(), "--namespace", NS, "--slug", SLUG, "--tag", TAG])
        .arg("--scenario")
        .arg(repo_root().join(format!("tests/fixtures/cluster/{scenario}/scenario.json")))
        .arg("--out")
        .arg(&routes_file)
        .output()
        .unwrap();
    assert!(out.status.success(), "cluster_namespace.py: {}", String::from_utf8_lossy(&out.stderr));
    let raw: Value = serde_json::from_str(&std::fs::read_to_string(&routes_file).unwrap()).unwrap();
    std::fs::remove_file(&routes_file).unwrap();
    let date = raw["date"].as_str().unwrap().to_string();
    let routes = raw["routes"]
        .as_object()
        .unwrap()
        .clone()
        .into_iter()
        .map(|(path, r)| {
            let route = Route {
                status: r["status"].as_u64().unwrap() as u16,
                content_type: r["type"].as_str().unwrap().to_string(),
                body: r["body"].as_str().unwrap().to_string(),
            };
            (path, route)
        })
        .collect();
    ApiServer::start(routes, date)
}

/// A kubeconfig with one context, `test`, pointing at `port` with a token user.
fn kubeconfig(dir: &Path, port: u16) -> PathBuf {
    let file = dir.join("kubeconfig");
    std::fs::write(
        &file,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: stand-in\n  cluster:\n    server: http://127.0.0.1:{port}\n\
             contexts:\n- name: test\n  context:\n    cluster: stand-in\n    user: tester\n    namespace: default\n\
             current-context: test\nusers:\n- name: tester\n  user:\n    token: test-token\n"
        ),
    )
    .unwrap();
    file
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn review(app: &App, kubeconfig: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["review", "--cluster", "--context", "test"];
    args.extend_from_slice(extra);
    let out =
        app.vibe(&args).env("KUBECONFIG", kubeconfig).timeout(std::time::Duration::from_secs(120)).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json_review(app: &App, kubeconfig: &Path) -> (Run, Value) {
    let run = review(app, kubeconfig, &["--format", "json"]);
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not a JSON report ({e}):\n{}\nstderr:\n{}", run.stdout, run.stderr));
    (run, report)
}

fn findings(report: &Value) -> Vec<Value> {
    report["findings"].as_array().cloned().unwrap_or_default()
}

fn describe(list: &[Value]) -> String {
    list.iter()
        .map(|f| format!("{} {}:{} {} {}", f["id"], f["file"], f["line"], f["object"], f["message"]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Only GETs, only inside the namespace, never Secrets, never /shutdown; always with the token.
fn assert_read_only(requests: &[Seen]) {
    assert!(!requests.is_empty(), "the tool sent no request");
    let core = format!("/api/v1/namespaces/{NS}");
    for r in requests {
        assert_eq!(r.method, "GET", "{r:?}");
        let path = r.target.split('?').next().unwrap();
        let in_namespace = path == core
            || path.starts_with(&format!("{core}/"))
            || (path.starts_with("/apis/") && path.contains(&format!("/namespaces/{NS}/")));
        assert!(in_namespace, "a request outside the namespace: {r:?}");
        assert!(!path.ends_with("/secrets") && !path.contains("/secrets/"), "a request for Secrets: {r:?}");
        assert!(!path.ends_with("/shutdown"), "/shutdown stops a serving pod: {r:?}");
        assert_eq!(r.authorization.as_deref(), Some("Bearer test-token"), "{r:?}");
    }
}

fn one_line_error(run: &Run) -> String {
    assert_eq!(run.code, 2, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line, no stack trace:\n{}", run.stderr);
    assert!(!run.stderr.contains("panicked") && !run.stderr.contains("Backtrace"), "{}", run.stderr);
    lines[0].to_string()
}

#[test]
fn a_compliant_namespace_reviews_clean_with_live_evidence() {
    let (app, _certs) = generated_app();
    let server = namespace(&app, "compliant");
    let config = kubeconfig(app.path(), server.port);
    let (run, report) = json_review(&app, &config);
    let list = findings(&report);
    assert!(list.is_empty(), "findings on a compliant namespace:\n{}\nstderr:\n{}", describe(&list), run.stderr);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(report["gate"], "pass");
    // The runtime checks had live evidence (the logs and /metrics were read), so none is "static only".
    assert_eq!(report["static_only"], serde_json::json!([]), "{report}");
    assert!(run.stderr.contains(&format!("Live namespace {NS} (context test at http://127.0.0.1:{}", server.port)));
    assert!(run.stderr.contains("12 recent log lines of container app judged"), "{}", run.stderr);
    assert!(run.stderr.contains("2 of 2 business metrics present"), "{}", run.stderr);
    // The backups ran last night and the drill last Sunday (by the API server's clock, Monday 10:00 UTC).
    for note in [
        "CronJob/inventory-checker-postgres-backup: last backup 7 h ago (2026-11-09 02:19 UTC); it runs daily at 02:17.",
        "CronJob/inventory-checker-postgres-restore-drill: last restore drill 29 h ago (2026-11-08 04:52 UTC); it runs \
         weekly on Sunday at 04:47.",
    ] {
        assert!(run.stderr.contains(note), "{note}\n{}", run.stderr);
    }

    let requests = server.requests();
    assert_read_only(&requests);
    let paths: Vec<&str> = requests.iter().map(|r| r.target.as_str()).collect();
    assert!(paths.contains(&format!("/apis/bitnami.com/v1alpha1/namespaces/{NS}/sealedsecrets").as_str()), "{paths:?}");
    assert!(paths.contains(&format!("/apis/batch/v1/namespaces/{NS}/cronjobs").as_str()), "{paths:?}");
    let log = paths.iter().find(|p| p.contains("/log?")).expect("the app's log was read");
    assert!(log.contains("container=app") && log.contains("tailLines=200"), "{log}");
    for endpoint in [":8081/proxy/metrics", ":8082/proxy/readiness", ":8082/proxy/liveness", ":8082/proxy/info"] {
        assert!(paths.iter().any(|p| p.ends_with(endpoint)), "{endpoint} not fetched: {paths:?}");
    }

    // The text report says it reviewed the cluster namespace.
    let text = review(&app, &config, &[]);
    assert_eq!(text.code, 0, "{}{}", text.stdout, text.stderr);
    assert!(text.stdout.starts_with(&format!("Live namespace {NS}")), "{}", text.stdout);
    assert!(text.stdout.contains(&format!("PASS: Inventory Checker (namespace {NS})")), "{}", text.stdout);
    assert!(text.stdout.contains("the namespace runs what the repo says"), "{}", text.stdout);
    assert!(!text.stdout.contains("Commit and push"), "advice for a repo, not a namespace:\n{}", text.stdout);
}

#[test]
fn drift_names_the_repo_file_and_the_live_object() {
    let (app, _certs) = generated_app();
    let server = namespace(&app, "drifted");
    let config = kubeconfig(app.path(), server.port);
    let (run, report) = json_review(&app, &config);
    let list = findings(&report);
    let line_of = |file: &str, text: &str| {
        let content = app.read(file);
        content
            .lines()
            .position(|l| l.contains(text))
            .map(|i| i as u64 + 1)
            .unwrap_or_else(|| panic!("{text} in {file}"))
    };
    let drift: Vec<&Value> = list.iter().filter(|f| f["id"] == "P5").collect();
    // Exactly the four changes: server defaults, canonical quantities, ArgoCD's labels and
    // kube-root-ca.crt are not drift.
    assert_eq!(drift.len(), 4, "{}", describe(&list));
    let find = |object: &str| {
        drift
            .iter()
            .find(|f| f["object"] == object)
            .unwrap_or_else(|| panic!("no drift on {object}:\n{}", describe(&list)))
    };
    let image = find("Deployment/inventory-checker-app");
    assert_eq!(image["file"], "k8s/08-app.yaml");
    assert_eq!(image["line"], line_of("k8s/08-app.yaml", "image: harbor.internal.example.com/vibe/inventory-checker"));
    let message = image["message"].as_str().unwrap();
    assert!(message.contains("cluster:Deployment/inventory-checker-app"), "{message}");
    assert!(message.contains("spec.template.spec.containers[0].image"), "{message}");
    assert!(message.contains("inventory-checker:f00dbab` in the namespace"), "{message}");
    assert_eq!(image["evidence"], "live");

    let replicas = find("Deployment/inventory-checker-postgres");
    assert_eq!(replicas["file"], "k8s/05-db.yaml");
    assert_eq!(replicas["line"], line_of("k8s/05-db.yaml", "replicas: 1"));
    assert!(
        replicas["message"].as_str().unwrap().contains("spec.replicas: `2` in the namespace, `1` in k8s/05-db.yaml")
    );

    let extra = find("Service/debug-shell");
    assert_eq!((extra["file"].as_str(), extra["line"].as_u64()), (Some("cluster:Service/debug-shell"), None));

    let missing = find("NetworkPolicy/allow-app-to-redis");
    assert_eq!(missing["file"], "k8s/01-network-policies.yaml");
    // The object's first line (its apiVersion), in the repo file.
    let policies = app.read("k8s/01-network-policies.yaml");
    let name_at = line_of("k8s/01-network-policies.yaml", "name: allow-app-to-redis") as usize;
    let lines: Vec<&str> = policies.lines().take(name_at).collect();
    let first = lines.iter().rposition(|l| l.starts_with("apiVersion:")).unwrap() + 1;
    assert_eq!(missing["line"], first as u64);

    // The missing policy also breaks the contract in the namespace: C5, CRITICAL, blocks.
    let c5 = list.iter().find(|f| f["id"] == "C5").unwrap_or_else(|| panic!("no C5:\n{}", describe(&list)));
    assert_eq!(c5["evidence"], "live");
    assert_eq!(run.code, 1);
    assert_eq!(list.len(), 5, "{}", describe(&list));
    assert_read_only(&server.requests());

    // In text: the file:line and the live object on the finding's line.
    let text = review(&app, &config, &[]);
    let want = format!(
        "P5 k8s/08-app.yaml:{}  Deployment/inventory-checker-app  [live]",
        line_of("k8s/08-app.yaml", "image: harbor.internal.example.com/vibe/inventory-checker")
    );
    assert!(text.stdout.contains(&want), "{want}\n{}", text.stdout);
    assert!(text.stdout.contains("P5 cluster:Service/debug-shell  Service/debug-shell  [live]"), "{}", text.stdout);
}

#[test]
fn out_of_date_or_missing_monitoring_is_drift_and_g7() {
    let (app, _certs) = generated_app();
    let server = namespace(&app, "monitoring-drift");
    let config = kubeconfig(app.path(), server.port);
    let (run, report) = json_review(&app, &config);
    let list = findings(&report);
    let paths: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert!(paths.contains(&format!("/apis/monitoring.coreos.com/v1/namespaces/{NS}/prometheusrules")), "{paths:?}");
    let drift = |object: &str| {
        list.iter()
            .find(|f| f["id"] == "P5" && f["object"] == object)
            .unwrap_or_else(|| panic!("no drift on {object}:\n{}", describe(&list)))
    };
    // A rule changed by hand: the field, both values, and what it means for the creator.
    let rule = drift("PrometheusRule/inventory-checker-alerts");
    assert_eq!(rule["file"], "k8s/14-monitoring.yaml");
    let message = rule["message"].as_str().unwrap();
    assert!(
        message.contains("spec.groups[0].rules[2].for: `2h` in the namespace, `10m` in k8s/14-monitoring.yaml"),
        "{message}"
    );
    assert!(message.contains("The alerts that can fire are not the ones in Git"), "{message}");
    // The dashboard deleted by hand: drift, and G7 on the live namespace names the missing file.
    let dashboard = drift("ConfigMap/inventory-checker-dashboard");
    assert!(
        dashboard["message"].as_str().unwrap().contains("Grafana does not show the app's dashboard"),
        "{dashboard}"
    );
    let g7: Vec<&Value> = list.iter().filter(|f| f["id"] == "G7").collect();
    assert_eq!(g7.len(), 1, "{}", describe(&list));
    assert_eq!(g7[0]["file"], "k8s/14-monitoring.yaml", "{}", describe(&list));
    assert_eq!(g7[0]["evidence"], "live");
    assert_eq!(list.len(), 3, "{}", describe(&list));
    assert_eq!((run.code, report["gate"].as_str()), (0, Some("pass")), "warnings do not block:\n{}", run.stderr);
    assert_read_only(&server.requests());
}

#[test]
fn a_cluster_without_the_prometheus_operator_says_so_and_g7_warns() {
    let (app, _certs) = generated_app();
    let server = namespace(&app, "no-prometheus-operator");
    let config = kubeconfig(app.path(), server.port);
    let (run, report) = json_review(&app, &config);
    let list = findings(&report);
    assert!(
        run.stderr.contains("The cluster has no PrometheusRule resource (the Prometheus operator is not installed)"),
        "{}",
        run.stderr
    );
    // Not drift (the kind could not be read), but the namespace has no alerts: G7, live.
    assert!(list.iter().all(|f| f["id"] != "P5"), "{}", describe(&list));
    let g7: Vec<&Value> = list.iter().filter(|f| f["id"] == "G7").collect();
    assert_eq!(g7.len(), 1, "{}", describe(&list));
    assert!(g7[0]["message"].as_str().unwrap().contains("PrometheusRule"), "{}", describe(&list));
    assert_eq!(g7[0]["evidence"], "live");
    assert_eq!(list.len(), 1, "{}", describe(&list));
    assert_read_only(&server.requests());
}

#[test]
fn app_logs_with_personal_data_are_g6_with_masked_excerpts() {
    let (app, _certs) = generated_app();
    let server = namespace(&app, "leaky-logs");
    let config = kubeconfig(app.path(), server.port);
    let (run, report) = json_review(&app, &config);
    let list = findings(&report);
    let g6: Vec<&Value> = list.iter().filter(|f| f["id"] == "G6").collect();
    assert_eq!(g6.len(), 2, "{}", describe(&list));
    let pod_log = g6[0]["file"].as_str().unwrap();
    assert!(pod_log.starts_with("cluster:Pod/inventory-checker-app-") && pod_log.ends_with(":log/app"), "{pod_log}");
    assert_eq!((g6[0]["line"].as_u64(), g6[1]["line"].as_u64()), (Some(2), Some(3)), "{}", describe(&list));
    assert!(g6.iter().all(|f| f["evidence"] == "live"));
    let messages = describe(&list);
    assert!(messages.contains("e-mail") || messages.contains("email"), "{messages}");
    assert!(messages.contains("Bearer") || messages.contains("token"), "{messages}");
    // A plain-text line among the JSON ones is G3; four restarts are B3.
    assert!(list.iter().any(|f| f["id"] == "G3" && f["line"] == 4), "{messages}");
    let b3 = list.iter().find(|f| f["id"] == "B3").unwrap_or_else(|| panic!("no B3:\n{messages}"));
    assert!(b3["message"].as_str().unwrap().contains("after 4 restarts; last exit: Error (code 1)"), "{messages}");
    // A check failing on a live object names the object and the field.
    let a4 = list.iter().find(|f| f["id"] == "A4").unwrap_or_else(|| panic!("no A4:\n{messages}"));
    assert_eq!(
        a4["file"],
        "cluster:Deployment/inventory-checker-app:spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
        "{messages}"
    );
    assert_eq!((a4["line"].as_u64(), a4["evidence"].as_str()), (None, Some("live")));
    assert_eq!(run.code, 1);
    // The raw values never appear, in any format or stream.
    let text = review(&app, &config, &[]);
    for out in [&run.stdout, &run.stderr, &text.stdout, &text.stderr] {
        for raw in ["jane.doe@example.com", "c2VjcmV0LXRva2VuLXZhbHVl", "eyJhbGciOiJIUzI1NiJ9"] {
            assert!(!out.contains(raw), "{raw} printed:\n{out}");
        }
    }
    assert_read_only(&server.requests());
}

#[test]
fn unhealthy_pods_are_findings_on_the_live_pod() {
    let (app, _certs) = generated_app();
    // (scenario, the one status finding expected, words of its message)
    let cases = [
        ("image-pull", "A6", "cannot pull its image"),
        ("oom-killed", "F2", "OOMKilled"),
        ("not-ready", "B4", "runs but is not ready"),
    ];
    for (scenario, id, words) in cases {
        let server = namespace(&app, scenario);
        let config = kubeconfig(app.path(), server.port);
        let (run, report) = json_review(&app, &config);
        let list = findings(&report);
        let status: Vec<&Value> = list
            .iter()
            .filter(|f| ["A6", "F2", "B3", "B4"].contains(&f["id"].as_str().unwrap_or_default()))
            .filter(|f| f["file"].as_str().is_some_and(|file| file.starts_with("cluster:Pod/")))
            .collect();
        assert_eq!(status.len(), 1, "{scenario}: one pod status finding expected:\n{}", describe(&list));
        let f = status[0];
        assert_eq!(f["id"], id, "{scenario}:\n{}", describe(&list));
        assert!(f["message"].as_str().unwrap().contains(words), "{scenario}:\n{}", describe(&list));
        assert!(f["object"].as_str().unwrap().starts_with("Pod/inventory-checker-app-"), "{scenario}: {f}");
        assert_eq!(f["evidence"], "live");
        assert_eq!(run.code, if f["severity"] == "critical" { 1 } else { i32::from(report["gate"] == "blocked") });
        assert_read_only(&server.requests());
    }
}

#[test]
fn the_last_backups_age_from_the_cronjob_status_is_live_d5_and_d6() {
    let (app, _certs) = generated_app();
    let manifest = app.read("k8s/13-backup.yaml");
    // The CronJob's first line (its apiVersion) in k8s/13-backup.yaml.
    let cronjob_line = |name: &str| {
        let lines: Vec<&str> = manifest.lines().collect();
        let at = lines.iter().position(|l| l.trim() == format!("name: {name}")).unwrap();
        lines[..at].iter().rposition(|l| l.starts_with("apiVersion:")).unwrap() as u64 + 1
    };
    let backup = "inventory-checker-postgres-backup";
    let drill = "inventory-checker-postgres-restore-drill";
    // (check, CronJob, words of the message, words of the fix)
    type Expected<'a> = Vec<(&'a str, &'a str, &'a str, &'a str)>;
    let cases: [(&str, Expected); 3] = [
        (
            "backup-stale",
            vec![
                (
                    "D5",
                    backup,
                    "last successful backup 3 days ago (2026-11-06 02:18 UTC); it runs daily at 02:17. Nothing the app \
                     wrote since then is off the cluster",
                    // The run of 2026-11-09 02:17 UTC failed: the Job the CronJob controller named after its minute.
                    "`kubectl --namespace platform-vibe-inventory-checker logs \
                     job/inventory-checker-postgres-backup-29903177 --all-containers`",
                ),
                (
                    "D6",
                    drill,
                    "last successful restore drill 22 days ago (2026-10-18 04:51 UTC); it runs weekly on Sunday at \
                     04:47. Nobody knows whether the backups made since then can be restored.",
                    "job/inventory-checker-postgres-restore-drill-29901887 --all-containers",
                ),
            ],
        ),
        (
            "backup-never",
            vec![(
                "D5",
                backup,
                "has never completed a backup, though it has been due since 2026-11-03 02:17 UTC (it runs daily at \
                 02:17): no copy of the postgres data exists outside the cluster.",
                "`vibe backup now` prints the command",
            )],
        ),
        (
            "backup-suspended",
            vec![(
                "D5",
                backup,
                "is suspended (spec.suspend: true): the backups are off; the last successful one was 4 days ago \
                 (2026-11-05 02:19 UTC)",
                "patch cronjob inventory-checker-postgres-backup --patch '{\"spec\":{\"suspend\":false}}'",
            )],
        ),
    ];
    for (scenario, expected) in cases {
        let server = namespace(&app, scenario);
        let config = kubeconfig(app.path(), server.port);
        let (run, report) = json_review(&app, &config);
        let list = findings(&report);
        let ages: Vec<&Value> =
            list.iter().filter(|f| ["D5", "D6"].contains(&f["id"].as_str().unwrap_or_default())).collect();
        assert_eq!(ages.len(), expected.len(), "{scenario}:\n{}", describe(&list));
        for &(id, cronjob, message, fix) in &expected {
            let f = ages
                .iter()
                .find(|f| f["id"] == id)
                .unwrap_or_else(|| panic!("{scenario}: no {id}:\n{}", describe(&list)));
            assert_eq!(f["file"], "k8s/13-backup.yaml", "{scenario}: {f}");
            assert_eq!(f["line"].as_u64(), Some(cronjob_line(cronjob)), "{scenario}: {f}");
            assert_eq!(f["object"], format!("CronJob/{cronjob}"), "{scenario}: {f}");
            assert_eq!(f["evidence"], "live", "{scenario}: {f}");
            assert!(f["message"].as_str().unwrap().contains(message), "{scenario}: {message}\n{f}");
            assert!(f["fix"].as_str().unwrap().contains(fix), "{scenario}: {fix}\n{f}");
        }
        // Only the age findings: nothing else about the namespace changed.
        assert_eq!(list.len(), expected.len(), "{scenario}:\n{}", describe(&list));
        // D5 is CRITICAL: a namespace whose backups stopped is blocked.
        assert_eq!((run.code, report["gate"].as_str()), (1, Some("blocked")), "{scenario}: {}", run.stderr);
        assert_read_only(&server.requests());
        if scenario == "backup-stale" {
            // The drill is fine in the other scenarios: a note, as for a recent backup.
            assert!(!run.stderr.contains("CronJob/inventory-checker-postgres-backup: last backup"), "{}", run.stderr);
        } else {
            assert!(run.stderr.contains(&format!("CronJob/{drill}: last restore drill 29 h ago")), "{}", run.stderr);
        }
    }
    // In text: the finding at the manifest's line, marked live.
    let server = namespace(&app, "backup-stale");
    let config = kubeconfig(app.path(), server.port);
    let text = review(&app, &config, &[]);
    let want = format!("D5 k8s/13-backup.yaml:{}  CronJob/{backup}  [live]", cronjob_line(backup));
    assert!(text.stdout.contains(&want), "{want}\n{}", text.stdout);
}

#[test]
fn a_forbidden_log_read_names_pods_log_and_the_role() {
    let (app, _certs) = generated_app();
    let server = namespace(&app, "forbidden-logs");
    let config = kubeconfig(app.path(), server.port);
    let line = one_line_error(&review(&app, &config, &[]));
    assert!(line.contains(&format!("cannot get pods/log in namespace {NS}")), "{line}");
    assert!(line.contains("--print-role"), "{line}");
    assert_read_only(&server.requests());
}

#[test]
fn a_missing_namespace_is_one_line() {
    let (app, _certs) = generated_app();
    let server = namespace(&app, "missing-namespace");
    let config = kubeconfig(app.path(), server.port);
    let line = one_line_error(&review(&app, &config, &[]));
    assert!(line.contains(&format!("namespace {NS} does not exist in the cluster of context test")), "{line}");
    // Nothing else is read once the namespace is known to be missing.
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn an_unreachable_cluster_or_a_wrong_context_is_one_line() {
    let app = App::new();
    app.vibe(INVENTORY_FLAGS).assert().success();
    // A port nothing listens on any more.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = kubeconfig(app.path(), port);
    let line = one_line_error(&review(&app, &config, &[]));
    assert!(line.contains(&format!("cannot reach the Kubernetes API server at http://127.0.0.1:{port}")), "{line}");
    assert!(line.to_lowercase().contains("refused"), "{line}");

    let out = app.vibe(&["review", "--cluster", "--context", "prod"]).env("KUBECONFIG", &config).output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    let line = one_line_error(&run);
    assert!(line.contains("context prod is not in the kubeconfig") && line.contains("test"), "{line}");

    let out = app.vibe(&["review", "--cluster"]).env("KUBECONFIG", app.join("no-such-kubeconfig")).output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    let line = one_line_error(&run);
    assert!(line.contains("kubeconfig"), "{line}");
}

#[test]
fn the_printed_role_is_valid_and_read_only() {
    let app = App::new();
    app.vibe(INVENTORY_FLAGS).assert().success();
    let out = app.vibe(&["review", "--cluster", "--print-role"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let role = String::from_utf8(out.stdout).unwrap();
    assert!(role.contains(&format!("namespace: {NS}")), "{role}");
    assert!(role.contains("resources: [pods/log, pods/proxy]"), "{role}");
    for word in ["create", "update", "patch", "delete", "watch", " secrets", "[secrets"] {
        assert!(!role.contains(word), "{word:?} in the Role:\n{role}");
    }
    let file = app.join("role.yaml");
    std::fs::write(&file, &role).unwrap();
    let check =
        Command::new(venv_python()).arg(repo_root().join("tests/tools/k8s_validate.py")).arg(&file).output().unwrap();
    assert!(
        check.status.success(),
        "kubernetes-validate rejects the Role:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn watch_cluster_shows_the_live_review_and_refreshes_on_a_timer() {
    let (app, _certs) = generated_app();
    let server = namespace(&app, "drifted");
    let config = kubeconfig(app.path(), server.port);
    let tmux = crate::common::Tmux::start(140, 45, "env PS1='shell$ ' sh");
    let vibe = assert_cmd::cargo::cargo_bin!("vibe");
    let command = format!(
        "KUBECONFIG={} NO_COLOR=1 {} --dir {} watch --cluster --context test --refresh 2; echo EXITED:$?",
        config.display(),
        vibe.display(),
        app.path().display()
    );
    tmux.keys(&[&command, "Enter"]);
    let (screen, _) = tmux.wait("the live review", std::time::Duration::from_secs(30), |s| {
        s.contains("BLOCKED") && s.contains("C5") && s.contains("P5")
    });
    assert!(screen.contains(&format!("live namespace {NS}")), "{screen}");
    // The timer reads the namespace again (no file changed).
    let rounds = |requests: &[Seen]| requests.iter().filter(|r| r.target.ends_with("/deployments")).count();
    let start = std::time::Instant::now();
    while rounds(&server.requests()) < 2 {
        assert!(start.elapsed() < std::time::Duration::from_secs(20), "no refresh: {:?}", server.requests().len());
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    tmux.keys(&["q"]);
    tmux.wait_for("EXITED:0");
    assert_read_only(&server.requests());
}
