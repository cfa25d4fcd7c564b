//! The generated dashboard and alerts against a real Prometheus: the example app of python, node,
//! rust and go (installed as `vibe probe --example --install` does) is started, a Prometheus from
//! Debian scrapes it with the labels the platform's pod discovery gives the app's pods, traffic is
//! sent, and every query of k8s/14-monitoring.yaml is evaluated through Prometheus' HTTP API:
//! - a panel reading the app's own series returns data; a business panel returns the example's
//!   business series; a query naming an app metric the app does not export fails the test;
//! - a panel reading cluster exporters (kube-state-metrics, cAdvisor, the kubelet, the stores'
//!   exporters) is valid PromQL that Prometheus accepts (there is no cluster here to fill it);
//! - every alert expression is accepted, and on the healthy example none fires.

use crate::common::{App, repo_root};
use crate::probe::free_ports;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Business metrics: a counter first (the examples record the first metric on every request).
const METRICS: &[&str] = &["orders_processed_total:counter:status", "queue_depth:gauge", "checkout_seconds:histogram"];
/// Series of the cluster's exporters, not of the app: no data here, only validity is checked.
const CLUSTER_SERIES: &[&str] = &["kube_", "container_", "kubelet_", "pg_", "mongodb_", "redis_"];

/// Kills the child on drop, so a failing assertion leaves no process behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `GET path` on 127.0.0.1:port; the body, or `None` when nothing answers.
fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    text.split_once("\r\n\r\n").map(|(_, body)| body.to_string())
}

fn wait_until(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < limit, "{what} within {limit:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `query` through Prometheus' HTTP API: the JSON answer (status "success" asserted).
fn query(port: u16, expr: &str) -> serde_json::Value {
    let encoded: String = expr
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let body = get(port, &format!("/api/v1/query?query={encoded}")).expect("Prometheus answers");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{expr}: {e}: {body}"));
    assert_eq!(json["status"], "success", "{expr}: {json}");
    json
}

/// Metric names a query reads (identifiers followed by `{`).
fn metrics_of(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in expr.match_indices('{') {
        let name: String = expr[..i]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if !name.is_empty() {
            out.push(name);
        }
    }
    out
}

/// Labels a query matches on (`code=~"5.."`), but those the scrape adds (namespace, the app's
/// Kubernetes labels, container) and the histogram's `le`.
fn selected_labels(expr: &str) -> Vec<String> {
    let matcher = regex::Regex::new(r#"([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*""#).unwrap();
    let mut out: Vec<String> = matcher
        .captures_iter(expr)
        .map(|c| c[1].to_string())
        .filter(|l| !matches!(l.as_str(), "namespace" | "container" | "le") && !l.starts_with("app_kubernetes_io_"))
        .collect();
    out.dedup();
    out
}

/// (panel or alert name, PromQL) pairs.
type Named = Vec<(String, String)>;

/// (panel title, query) of every dashboard target, and (alert, expr) of every alert.
fn queries(app: &App) -> (Named, Named) {
    let text = app.read("k8s/14-monitoring.yaml");
    let docs = vibe::yaml::parse_documents(&text).expect("k8s/14-monitoring.yaml parses");
    let mut panels = Vec::new();
    let mut alerts = Vec::new();
    for d in &docs {
        if let Some(data) = d.root.get("data") {
            let json = data.entries()[0].value.as_str().expect("the dashboard");
            let dashboard: serde_json::Value = serde_json::from_str(json).expect("dashboard JSON");
            for p in dashboard["panels"].as_array().unwrap() {
                for t in p["targets"].as_array().into_iter().flatten() {
                    panels.push((p["title"].as_str().unwrap().to_string(), t["expr"].as_str().unwrap().to_string()));
                }
            }
        }
        for group in d.root.path("spec.groups").map(|g| g.items()).unwrap_or_default() {
            for rule in group.get("rules").map(|r| r.items()).unwrap_or_default() {
                let name = rule.get("alert").and_then(|a| a.as_str()).unwrap().to_string();
                alerts.push((name, rule.get("expr").and_then(|e| e.as_str()).unwrap().to_string()));
            }
        }
    }
    (panels, alerts)
}

fn live(runtime: &str, language: vibe::contract::Language) {
    // The example app, installed (shared caches) and started on free ports.
    let app = App::new();
    let mut args = vec!["init", "--yes", "--name", "Live Shop", "--runtime", runtime, "--tag", "a1b2c3d"];
    for m in METRICS {
        args.extend_from_slice(&["--metric", m]);
    }
    app.vibe(&args).assert().success();
    let cache = repo_root().join("target/example-cache");
    // Free ports for the install's probe too: something else on this machine may hold 8081.
    let (p, m) = free_ports();
    let (p, m) = (p.to_string(), m.to_string());
    let install = app
        .vibe(&["probe", "--example", "--install", "--window", "1", "--port", &p, "--mgmt-port", &m])
        .env("VIBE_EXAMPLE_CACHE", &cache)
        .timeout(Duration::from_secs(900))
        .output()
        .unwrap();
    assert_eq!(install.status.code(), Some(0), "{}", String::from_utf8_lossy(&install.stderr));
    let prepared = vibe::probe::example::prepare(app.path(), language, false, &mut |_| {}).expect("installed");
    let (http, mgmt) = free_ports();
    let mut cmd = Command::new(&prepared.command[0]);
    cmd.args(&prepared.command[1..]).current_dir(&prepared.cwd).envs(prepared.env.iter().cloned());
    cmd.env("PORT", http.to_string()).env("MGMT_PORT", mgmt.to_string()).stdout(Stdio::null()).stderr(Stdio::null());
    let _example = Running(cmd.spawn().expect("the example starts"));
    wait_until("the example answers", Duration::from_secs(60), || get(http, "/hello").is_some());

    // Prometheus scraping it every second, with the labels pod discovery gives the app's pods.
    let (prom, _) = free_ports();
    let namespace = "platform-vibe-live-shop";
    let config = format!(
        "global: {{scrape_interval: 1s, evaluation_interval: 1s}}\nscrape_configs:\n  - job_name: kubernetes-pods\n    \
         static_configs:\n      - targets: ['127.0.0.1:{http}']\n        labels: {{namespace: {namespace}, \
         app_kubernetes_io_name: live-shop, app_kubernetes_io_component: app}}\n"
    );
    app.write("prometheus.yml", &config);
    let _prometheus = Running(
        Command::new("prometheus")
            .arg(format!("--config.file={}", app.join("prometheus.yml").display()))
            .arg(format!("--storage.tsdb.path={}", app.join("prom-data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{prom}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus starts (Debian package prometheus; tests/run.sh installs it)"),
    );
    wait_until("Prometheus is ready", Duration::from_secs(60), || get(prom, "/-/ready").is_some());
    // Traffic until Prometheus has seen the app's requests and its business counter go up (two
    // samples or more of each), however slow the machine: rates and increases need them.
    let selector = format!("namespace=\"{namespace}\"");
    let moved = |metric: &str| {
        query(prom, &format!("sum(increase({metric}{{{selector}}}[5m])) > 0"))["data"]["result"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    };
    wait_until("the app's requests and orders are scraped going up", Duration::from_secs(120), || {
        for _ in 0..5 {
            get(http, "/hello");
        }
        std::thread::sleep(Duration::from_millis(300));
        moved("http_requests_total") && moved("orders_processed_total")
    });
    let exported = get(http, "/metrics").expect("/metrics");
    let (panels, alerts) = queries(&app);
    assert!(panels.len() >= 10, "{panels:?}");
    let mut with_data = 0;
    for (title, expr) in &panels {
        let result = query(prom, expr);
        let names = metrics_of(expr);
        if names.iter().any(|n| CLUSTER_SERIES.iter().any(|p| n.starts_with(p))) {
            continue; // valid PromQL (asserted by `query`); the cluster is not here to fill it.
        }
        // Every label a panel selects on is one the app's series carry (a query on `status_code`
        // when the app says `code` returns nothing, silently). The namespace and app labels come
        // from the scrape's relabelling; `le` from the histogram.
        for label in selected_labels(expr) {
            let carried = exported.lines().any(|l| {
                names.iter().any(|n| l.starts_with(n.as_str()))
                    && (l.contains(&format!("{{{label}=\"")) || l.contains(&format!(",{label}=\"")))
            });
            assert!(
                carried,
                "panel {title:?} selects on {label}, which the {runtime} example's series lack:\n{exported}"
            );
        }
        for n in &names {
            let base = n.trim_end_matches("_bucket");
            assert!(
                n == "up"
                    || exported.contains(&format!("# TYPE {base} "))
                    || exported.contains(&format!("# TYPE {n} ")),
                "panel {title:?} reads {n}, which the {runtime} example does not export:\n{exported}"
            );
        }
        let series = result["data"]["result"].as_array().map_or(0, Vec::len);
        let sampled = names.iter().all(|n| exported.lines().any(|l| l.starts_with(n.as_str())));
        if sampled {
            assert!(series > 0, "panel {title:?} returns no data on the {runtime} example: {expr}\n{exported}");
            with_data += 1;
        }
    }
    // App up, requests, the error ratio, latency and the business panels.
    assert!(with_data >= 5, "{runtime}: only {with_data} panels returned data");
    let business = panels.iter().find(|(_, e)| e.contains("orders_processed_total")).expect("the counter's panel");
    let orders = query(prom, &business.1);
    assert!(
        orders["data"]["result"].as_array().is_some_and(|r| !r.is_empty()),
        "the business panel shows the example's orders: {orders}"
    );
    for (name, expr) in &alerts {
        let result = query(prom, expr);
        assert!(
            result["data"]["result"].as_array().is_some_and(|r| r.is_empty()),
            "{name} fires on the healthy {runtime} example: {result}"
        );
    }
}

#[test]
fn python_example_fills_the_dashboard_and_fires_no_alert() {
    live("python3.12", vibe::contract::Language::Python);
}

#[test]
fn node_example_fills_the_dashboard_and_fires_no_alert() {
    live("node22", vibe::contract::Language::Node);
}

#[test]
fn go_example_fills_the_dashboard_and_fires_no_alert() {
    live("go1.23", vibe::contract::Language::Go);
}

#[test]
fn rust_example_fills_the_dashboard_and_fires_no_alert() {
    live("rust1.78", vibe::contract::Language::Rust);
}
