//! What tells someone the app broke: the Grafana dashboard (four rows: is it up, the
//! infrastructure, the app, the business) and the PrometheusRule alerts of
//! `k8s/14-monitoring.yaml`, built as data from the app's answers.
//!
//! Every query selects the app's own series by the labels Prometheus' pod discovery gives them
//! (`namespace` and the pod labels as `app_kubernetes_io_*`, the `kubernetes-pods` job of the
//! common Prometheus set-ups, which honour the `prometheus.io/*` annotations of the app's pods),
//! kube-state-metrics series by namespace and Deployment, and kubelet/cAdvisor series by
//! namespace and container. The namespace is a parameter so the chart can put its own value
//! (`{{ .Values.platform.namespace }}`) where `k8s/` has the literal one.

use crate::contract;
use crate::spec::AppSpec;
use serde::Serialize;
use serde_json::{Value, json};

/// How long a business counter may stay flat before "stalled" fires, unless vibe.yaml says.
pub const DEFAULT_STALLED_AFTER: &str = "1h";
/// Error ratio (5xx / all) above which the app counts as failing.
const ERROR_RATIO: f64 = 0.05;
/// p95 latency, in seconds, above which the app counts as slow.
const SLOW_P95_SECONDS: f64 = 1.0;
/// Share of a volume in use above which it counts as almost full.
const PVC_FULL_RATIO: f64 = 0.85;
/// The container name of the app in its Deployment (k8s/08-app.yaml).
const APP_CONTAINER: &str = "app";

/// The dashboard's row titles, in order (alerts name the panel they point at by row and title).
pub const ROWS: [&str; 4] = ["Is it up?", "Infrastructure", "The app", "The business"];

/// One alert of the PrometheusRule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// Alert name (CamelCase, as Prometheus alerts are named).
    pub name: String,
    /// PromQL expression: the alert fires while it returns a series.
    pub expr: String,
    /// How long the expression must hold before the alert fires (`5m`).
    #[serde(rename = "for")]
    pub for_: String,
    /// `critical` (someone acts now) or `warning` (look today).
    pub severity: &'static str,
    /// One line, for the creator.
    pub summary: String,
    /// What it means and what to do, in plain words, naming the dashboard panel.
    pub description: String,
}

/// One panel of the dashboard: its row, title, kind and queries.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Index into [`ROWS`].
    pub row: usize,
    /// Title shown on the panel.
    pub title: String,
    /// `timeseries` or `stat`.
    pub kind: &'static str,
    /// Unit (Grafana unit id).
    pub unit: &'static str,
    /// (legend, PromQL) per series.
    pub queries: Vec<(String, String)>,
}

/// The label selectors the queries use, for one namespace expression.
struct Selectors {
    /// The app's own series.
    app: String,
    /// kube-state-metrics series of the app's Deployment.
    deployment: String,
    /// cAdvisor / kube-state-metrics series of the app container.
    container: String,
    /// Anything in the namespace.
    namespace: String,
}

impl Selectors {
    fn new(spec: &AppSpec, namespace: &str) -> Selectors {
        let slug = spec.slug();
        Selectors {
            app: format!(
                "namespace=\"{namespace}\", app_kubernetes_io_name=\"{slug}\", app_kubernetes_io_component=\"app\""
            ),
            deployment: format!("namespace=\"{namespace}\", deployment=\"{slug}-app\""),
            container: format!("namespace=\"{namespace}\", container=\"{APP_CONTAINER}\""),
            namespace: format!("namespace=\"{namespace}\""),
        }
    }
}

/// Every panel of the dashboard, row by row.
pub fn panels(spec: &AppSpec, namespace: &str) -> Vec<Panel> {
    let s = Selectors::new(spec, namespace);
    let mut out = Vec::new();
    up_row(&s, &mut out);
    infrastructure_row(spec, &s, &mut out);
    app_row(&s, &mut out);
    business_row(spec, &s, &mut out);
    out
}

fn panel(row: usize, title: &str, kind: &'static str, unit: &'static str, queries: &[(&str, String)]) -> Panel {
    Panel {
        row,
        title: title.to_string(),
        kind,
        unit,
        queries: queries.iter().map(|(l, q)| (l.to_string(), q.clone())).collect(),
    }
}

fn up_row(s: &Selectors, out: &mut Vec<Panel>) {
    out.push(panel(
        0,
        "Pods ready vs desired",
        "timeseries",
        "short",
        &[
            ("ready", format!("sum(kube_deployment_status_replicas_available{{{}}})", s.deployment)),
            ("desired", format!("sum(kube_deployment_spec_replicas{{{}}})", s.deployment)),
        ],
    ));
    out.push(panel(
        0,
        "Restarts (last hour)",
        "stat",
        "short",
        &[("restarts", format!("sum(increase(kube_pod_container_status_restarts_total{{{}}}[1h]))", s.container))],
    ));
    out.push(panel(0, "App up", "stat", "short", &[("up", format!("sum(up{{{}}})", s.app))]));
}

fn infrastructure_row(spec: &AppSpec, s: &Selectors, out: &mut Vec<Panel>) {
    // What a resource uses, drawn against the request and limit the Deployment sets for it.
    let against_request_and_limit = |title: &str, unit: &'static str, used: String, resource: &str| {
        let set = |metric: &str| {
            format!("sum(kube_pod_container_resource_{metric}{{{}, resource=\"{resource}\"}})", s.container)
        };
        panel(1, title, "timeseries", unit, &[("used", used), ("request", set("requests")), ("limit", set("limits"))])
    };
    out.push(against_request_and_limit(
        "CPU (cores) against request and limit",
        "short",
        format!("sum(rate(container_cpu_usage_seconds_total{{{}}}[5m]))", s.container),
        "cpu",
    ));
    out.push(against_request_and_limit(
        "Memory against request and limit",
        "bytes",
        format!("sum(container_memory_working_set_bytes{{{}}})", s.container),
        "memory",
    ));
    if has_stateful_store(spec) {
        out.push(panel(1, "Volumes in use", "timeseries", "percentunit", &[("__auto", pvc_usage(s))]));
    }
    for (store, series, title) in store_health(spec) {
        out.push(panel(1, title, "stat", "short", &[(store, format!("max({series}{{{}}})", s.namespace))]));
    }
    if let Some([(backup, _), _]) = backup_jobs(spec) {
        out.push(panel(1, BACKUP_PANEL, "stat", "h", &[("backup", format!("({}) / 3600", since_success(s, &backup)))]));
    }
}

/// Whether a store keeps its data on a volume (the volume panel and alert are about it).
fn has_stateful_store(spec: &AppSpec) -> bool {
    spec.stores().iter().any(|id| contract::component(id).is_some_and(|c| c.stateful))
}

/// Share of each volume of the namespace in use.
fn pvc_usage(s: &Selectors) -> String {
    format!(
        "max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{{{ns}}} / \
         kubelet_volume_stats_capacity_bytes{{{ns}}})",
        ns = s.namespace
    )
}

/// (store, its exporter's "is it up" series, panel title) for every enabled store with an exporter.
fn store_health(spec: &AppSpec) -> Vec<(&'static str, &'static str, &'static str)> {
    spec.stores()
        .into_iter()
        .filter(|id| contract::exporter_for(id).is_some())
        .filter_map(|id| match id {
            "postgres" => Some(("postgres", "pg_up", "Database (postgres) up")),
            "mongo" => Some(("mongo", "mongodb_up", "Database (mongo) up")),
            "redis" => Some(("redis", "redis_up", "Cache (redis) up")),
            _ => None,
        })
        .collect()
}

fn app_row(s: &Selectors, out: &mut Vec<Panel>) {
    out.extend([
        panel(
            2,
            "Requests per second",
            "timeseries",
            "reqps",
            &[("__auto", format!("sum by (route) (rate(http_requests_total{{{}}}[5m]))", s.app))],
        ),
        panel(2, "Error ratio (5xx)", "timeseries", "percentunit", &[("errors", error_ratio(s))]),
        panel(
            2,
            "Latency p50 / p95 (seconds)",
            "timeseries",
            "s",
            &[("p50", latency(s, "0.5")), ("p95", latency(s, "0.95"))],
        ),
    ]);
}

/// 5xx answers over all answers. `or vector(0)`: an app that never failed has no 5xx series at
/// all, and its ratio is 0, not "no data".
fn error_ratio(s: &Selectors) -> String {
    format!(
        "(sum(rate(http_requests_total{{{app}, code=~\"5..\"}}[5m])) or vector(0)) / \
         sum(rate(http_requests_total{{{app}}}[5m]))",
        app = s.app
    )
}

fn latency(s: &Selectors, quantile: &str) -> String {
    format!("histogram_quantile({quantile}, sum by (le) (rate(http_request_duration_seconds_bucket{{{}}}[5m])))", s.app)
}

fn business_row(spec: &AppSpec, s: &Selectors, out: &mut Vec<Panel>) {
    for m in &spec.answers.metrics {
        let by = if m.labels.is_empty() { String::new() } else { format!(" by ({})", m.labels.join(", ")) };
        let title = m.question.clone().unwrap_or_else(|| m.help.clone().unwrap_or_else(|| m.name.clone()));
        let (kind, unit, queries) = match m.kind.as_str() {
            "counter" => (
                "timeseries",
                "short",
                vec![("__auto".to_string(), format!("sum{by} (increase({}{{{}}}[1d]))", m.name, s.app))],
            ),
            "gauge" => {
                ("timeseries", "short", vec![("__auto".to_string(), format!("sum{by} ({}{{{}}})", m.name, s.app))])
            }
            _ => {
                let le_by =
                    std::iter::once("le".to_string()).chain(m.labels.iter().cloned()).collect::<Vec<_>>().join(", ");
                let q = |quantile: &str| {
                    format!(
                        "histogram_quantile({quantile}, sum by ({le_by}) (rate({}_bucket{{{}}}[5m])))",
                        m.name, s.app
                    )
                };
                ("timeseries", "short", vec![("p50".to_string(), q("0.5")), ("p95".to_string(), q("0.95"))])
            }
        };
        out.push(Panel { row: 3, title, kind, unit, queries });
    }
}

/// The dashboard as Grafana JSON: a datasource variable (no hard-coded datasource or dashboard
/// uid), one row panel per row, panels laid out two per line.
pub fn dashboard(spec: &AppSpec, namespace: &str) -> Value {
    let mut grid = Vec::new();
    let mut y = 0;
    let mut id = 1;
    let all = panels(spec, namespace);
    for (row, title) in ROWS.iter().enumerate() {
        grid.push(json!({
            "type": "row", "id": id, "title": title, "collapsed": false,
            "gridPos": {"h": 1, "w": 24, "x": 0, "y": y},
        }));
        id += 1;
        y += 1;
        for (i, p) in all.iter().filter(|p| p.row == row).enumerate() {
            let x = if i % 2 == 0 { 0 } else { 12 };
            grid.push(panel_json(p, id, x, y));
            id += 1;
            if i % 2 == 1 {
                y += 8;
            }
        }
        if all.iter().filter(|p| p.row == row).count() % 2 == 1 {
            y += 8;
        }
    }
    json!({
        "title": format!("{} ({})", spec.name(), spec.slug()),
        "tags": ["vibe", spec.slug()],
        "timezone": "browser",
        "schemaVersion": 39,
        "refresh": "1m",
        "time": {"from": "now-24h", "to": "now"},
        "templating": {"list": [{
            "type": "datasource", "name": "datasource", "label": "Prometheus", "query": "prometheus",
        }]},
        "panels": grid,
    })
}

fn panel_json(p: &Panel, id: usize, x: usize, y: usize) -> Value {
    let datasource = json!({"type": "prometheus", "uid": "${datasource}"});
    let targets: Vec<Value> = p
        .queries
        .iter()
        .zip('A'..)
        .map(|((legend, expr), ref_id)| {
            json!({"refId": ref_id.to_string(), "expr": expr, "legendFormat": legend, "datasource": datasource})
        })
        .collect();
    json!({
        "type": p.kind, "id": id, "title": p.title, "datasource": datasource,
        "gridPos": {"h": 8, "w": 12, "x": x, "y": y},
        "fieldConfig": {"defaults": {"unit": p.unit}, "overrides": []},
        "targets": targets,
    })
}

/// Where on the dashboard an alert's story is told.
fn on_panel(row: usize, title: &str) -> String {
    format!("Dashboard row \"{}\", panel \"{title}\".", ROWS[row])
}

/// Every alert of the app.
pub fn alerts(spec: &AppSpec, namespace: &str) -> Vec<Alert> {
    let s = Selectors::new(spec, namespace);
    let mut out = app_alerts(spec, &s, namespace);
    store_alerts(spec, &s, &mut out);
    backup_alerts(spec, &s, &mut out);
    business_alerts(spec, &s, &mut out);
    out
}

/// The dashboard panel the backup alerts point at.
const BACKUP_PANEL: &str = "Hours since the last backup";

/// (CronJob name, seconds after which a missing success alerts: two schedules and some slack) of the
/// database's backup and restore drill (k8s/13-backup.yaml).
fn backup_jobs(spec: &AppSpec) -> Option<[(String, u32); 2]> {
    let db = spec.database?;
    let name = |job| contract::backup_cronjob_name(spec.slug(), db, job);
    Some([(name("backup"), 2 * 86_400 + 3_600), (name("restore-drill"), 15 * 86_400)])
}

/// Seconds since the CronJob last succeeded (kube-state-metrics).
fn since_success(s: &Selectors, cronjob: &str) -> String {
    format!("time() - max(kube_cronjob_status_last_successful_time{{{}, cronjob=\"{cronjob}\"}})", s.namespace)
}

/// BackupFailed and RestoreDrillFailed: a Job of the CronJob failed after its last success, or it has
/// not succeeded for two schedules.
fn backup_alerts(spec: &AppSpec, s: &Selectors, out: &mut Vec<Alert>) {
    let Some([backup, drill]) = backup_jobs(spec) else { return };
    let name = spec.name();
    let db = spec.database.unwrap_or_default();
    let expr = |(cronjob, stale): &(String, u32)| {
        let jobs = format!("{}, job_name=~\"{cronjob}-[0-9]+\"", s.namespace);
        format!(
            "max(kube_job_status_start_time{{{jobs}}} and on (namespace, job_name) (kube_job_status_failed{{{jobs}}} > 0)) \
             > (max(kube_cronjob_status_last_successful_time{{{}, cronjob=\"{cronjob}\"}}) or vector(0)) \
             or ({}) > {stale}",
            s.namespace,
            since_success(s, cronjob)
        )
    };
    out.push(Alert {
        name: "BackupFailed".into(),
        expr: expr(&backup),
        for_: "5m".into(),
        severity: "critical",
        summary: format!("{name}'s {db} backup failed"),
        description: format!(
            "The last backup of the {db} database failed, or none has succeeded for two days: if the data were lost \
             now, recent changes could not be brought back. Read the log of the failed Job ({}), or ask the platform \
             team whether the object storage is reachable. {}",
            backup.0,
            on_panel(1, BACKUP_PANEL)
        ),
    });
    out.push(Alert {
        name: "RestoreDrillFailed".into(),
        expr: expr(&drill),
        for_: "5m".into(),
        severity: "warning",
        summary: format!("{name}'s weekly restore drill failed"),
        description: format!(
            "The newest {db} backup could not be restored into a scratch database, or a table was missing or empty \
             after the restore (or no drill has passed for two weeks): the backups may not bring the data back. \
             Read the log of the failed Job ({}). {}",
            drill.0,
            on_panel(1, BACKUP_PANEL)
        ),
    });
}

/// Is it up, restarting, failing, slow: every app has these.
fn app_alerts(spec: &AppSpec, s: &Selectors, namespace: &str) -> Vec<Alert> {
    let name = spec.name();
    vec![
        Alert {
            name: "AppDown".into(),
            expr: format!("(sum(up{{{}}}) or vector(0)) == 0", s.app),
            for_: "5m".into(),
            severity: "critical",
            summary: format!("{name} is down"),
            description: format!(
                "No copy of {name} has answered Prometheus for 5 minutes: users cannot reach it. Look at the \
                 pods' events and logs (`kubectl -n {namespace} describe pods`). {}",
                on_panel(0, "App up")
            ),
        },
        Alert {
            name: "AppRestarting".into(),
            expr: format!("sum(increase(kube_pod_container_status_restarts_total{{{}}}[15m])) > 2", s.container),
            for_: "0m".into(),
            severity: "warning",
            summary: format!("{name} keeps restarting"),
            description: format!(
                "{name} restarted more than twice in 15 minutes: it crashes or fails its health checks. Its \
                 logs just before each restart say why. {}",
                on_panel(0, "Restarts (last hour)")
            ),
        },
        Alert {
            name: "AppErrors".into(),
            expr: format!("({}) > {ERROR_RATIO}", error_ratio(s)),
            for_: "10m".into(),
            severity: "warning",
            summary: format!("{name} answers with errors"),
            description: format!(
                "More than {}% of requests to {name} failed (5xx) for 10 minutes. {}",
                ERROR_RATIO * 100.0,
                on_panel(2, "Error ratio (5xx)")
            ),
        },
        Alert {
            name: "AppSlow".into(),
            expr: format!("{} > {SLOW_P95_SECONDS}", latency(s, "0.95")),
            for_: "10m".into(),
            severity: "warning",
            summary: format!("{name} is slow"),
            description: format!(
                "One request in twenty took longer than {SLOW_P95_SECONDS} s for 10 minutes. {}",
                on_panel(2, "Latency p50 / p95 (seconds)")
            ),
        },
    ]
}

/// A store down (its exporter's `*_up`), a volume almost full.
fn store_alerts(spec: &AppSpec, s: &Selectors, out: &mut Vec<Alert>) {
    let name = spec.name();
    for (store, series, title) in store_health(spec) {
        let database = store != "redis";
        out.push(Alert {
            name: format!("{}Down", capitalized(store)),
            expr: format!("(max({series}{{{}}}) or vector(0)) == 0", s.namespace),
            for_: "5m".into(),
            severity: if database { "critical" } else { "warning" },
            summary: format!("{name}'s {store} is down"),
            description: format!(
                "{store} has not answered its exporter for 5 minutes{}. {}",
                if database { ": the app cannot read or save data" } else { ": the app runs without its cache" },
                on_panel(1, title)
            ),
        });
    }
    if has_stateful_store(spec) {
        out.push(Alert {
            name: "VolumeAlmostFull".into(),
            expr: format!("{} > {PVC_FULL_RATIO}", pvc_usage(s)),
            for_: "15m".into(),
            severity: "warning",
            summary: format!("A volume of {name} is almost full"),
            description: format!(
                "A volume is more than {}% full; when it is full the store stops saving data. Ask the platform \
                 team for a bigger volume. {}",
                PVC_FULL_RATIO * 100.0,
                on_panel(1, "Volumes in use")
            ),
        });
    }
}

/// Each business counter that stops going up.
fn business_alerts(spec: &AppSpec, s: &Selectors, out: &mut Vec<Alert>) {
    for m in spec.answers.metrics.iter().filter(|m| m.kind == "counter") {
        let window = m.stalled_after.clone().unwrap_or_else(|| DEFAULT_STALLED_AFTER.to_string());
        let question = m.question.clone().unwrap_or_else(|| m.name.clone());
        out.push(Alert {
            name: format!("Stalled{}", camel(&m.name)),
            // Only once the app has been up for the whole window (it answered a scrape a window
            // ago): a counter that has not moved yet right after the first deploy is not stalled.
            expr: format!(
                "(sum(increase({}{{{app}}}[{window}])) or vector(0)) == 0 and on() count(up{{{app}}} offset {window}) > 0",
                m.name,
                app = s.app
            ),
            for_: "0m".into(),
            severity: "warning",
            summary: format!("{} has not moved for {window}", m.name),
            description: format!(
                "\"{question}\": {} did not increase for {window}, while the app was up. It may be up and still not \
                 doing its job. \
                 Change the window with `stalled_after:` on this metric in vibe.yaml. {}",
                m.name,
                on_panel(3, &question)
            ),
        });
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

/// `orders_processed_total` -> `OrdersProcessedTotal` (a metric name made an alert name).
fn camel(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric()).map(capitalized).collect()
}

/// The render context's `monitoring` object: for `k8s/` (the literal namespace) and for the
/// chart (its namespace value), the dashboard JSON and the alerts; the platform's labels.
pub fn context(spec: &AppSpec) -> Value {
    const CHART_NAMESPACE: &str = "{{ .Values.platform.namespace }}";
    let namespace = spec.namespace();
    // Indented for a YAML block scalar under `data:` (four spaces), as both templates place it.
    let pretty = |v: &Value| {
        let text = serde_json::to_string_pretty(v).unwrap_or_default();
        text.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
    };
    json!({
        "dashboard_label": spec.platform.monitoring_dashboard_label,
        "rule_labels": spec.platform.monitoring_rule_labels,
        "dashboard_file": format!("{}.json", spec.slug()),
        "k8s": {
            "dashboard_json": pretty(&dashboard(spec, &namespace)),
            "alerts": alerts(spec, &namespace),
        },
        "chart": {
            "dashboard_json": pretty(&dashboard(spec, CHART_NAMESPACE)),
            "alerts": alerts(spec, CHART_NAMESPACE),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::Platform;
    use crate::spec::{Answers, Components, MetricAnswer};

    fn metric(name: &str, kind: &str, labels: &[&str], question: Option<&str>) -> MetricAnswer {
        MetricAnswer {
            question: question.map(String::from),
            name: name.into(),
            kind: kind.into(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            help: Some("help".into()),
            stalled_after: None,
        }
    }

    fn spec(database: &str, components: Components, metrics: Vec<MetricAnswer>) -> AppSpec {
        let mut answers: Answers = crate::wizard::blank();
        answers.name = "Shop".into();
        answers.runtime = "node22".into();
        answers.database = database.into();
        answers.components = components;
        answers.metrics = metrics;
        AppSpec::resolve(answers, Platform::default(), Some("abc1234".into())).expect("valid answers")
    }

    fn every_spec() -> Vec<AppSpec> {
        let all = Components { redis: true, rabbitmq: true, nginx: true, ingress: true };
        let metrics = vec![
            metric("orders_processed_total", "counter", &["status"], Some("How many orders were processed today?")),
            metric("cart_value", "gauge", &[], None),
            metric("checkout_seconds", "histogram", &["step", "region"], Some("How long does checkout take?")),
        ];
        vec![
            spec("none", Components::default(), metrics.clone()),
            spec("postgres", all, metrics.clone()),
            spec("mongo", Components { redis: true, ..Components::default() }, metrics[..1].to_vec()),
        ]
    }

    /// Every dashboard query and alert expression is PromQL a real parser accepts, for the
    /// namespace of k8s/ and for the chart's (rendered by Helm to the same literal).
    #[test]
    fn every_query_and_alert_parses_as_promql() {
        let mut checked = 0;
        for spec in every_spec() {
            let namespace = spec.namespace();
            let exprs = panels(&spec, &namespace)
                .into_iter()
                .flat_map(|p| p.queries.into_iter().map(|(_, q)| q))
                .chain(alerts(&spec, &namespace).into_iter().map(|a| a.expr));
            for expr in exprs {
                promql_parser::parser::parse(&expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
                checked += 1;
            }
        }
        assert!(checked > 60, "{checked}");
        // The parser does catch what a typo makes.
        assert!(promql_parser::parser::parse("sum(rate(http_requests_total[5m])").is_err());
    }

    #[test]
    fn the_dashboard_has_four_rows_and_a_panel_per_business_metric_titled_with_its_question() {
        let spec = &every_spec()[1];
        let d = dashboard(spec, &spec.namespace());
        let panels = d["panels"].as_array().unwrap();
        let rows: Vec<&str> =
            panels.iter().filter(|p| p["type"] == "row").map(|p| p["title"].as_str().unwrap()).collect();
        assert_eq!(rows, ROWS);
        let titles: Vec<&str> = panels.iter().map(|p| p["title"].as_str().unwrap()).collect();
        for t in ["How many orders were processed today?", "help", "How long does checkout take?"] {
            assert!(titles.contains(&t), "{titles:?}");
        }
        // The datasource is a variable, and no panel or the dashboard names a uid of its own.
        let text = d.to_string();
        assert!(d.get("uid").is_none());
        assert_eq!(text.matches("\"uid\":").count(), text.matches("\"uid\":\"${datasource}\"").count());
        // A histogram's quantiles keep its labels as series.
        assert!(text.contains("sum by (le, step, region) (rate(checkout_seconds_bucket"), "{text}");
    }

    #[test]
    fn alerts_follow_what_the_app_has() {
        let names = |s: &AppSpec| alerts(s, "ns").into_iter().map(|a| a.name).collect::<Vec<_>>();
        let specs = every_spec();
        assert_eq!(
            names(&specs[0]),
            ["AppDown", "AppRestarting", "AppErrors", "AppSlow", "StalledOrdersProcessedTotal"]
        );
        let with_stores = names(&specs[1]);
        for a in ["PostgresDown", "RedisDown", "VolumeAlmostFull", "BackupFailed", "RestoreDrillFailed"] {
            assert!(with_stores.contains(&a.to_string()), "{with_stores:?}");
        }
        assert!(names(&specs[2]).contains(&"MongoDown".to_string()));
        for a in alerts(&specs[1], "ns") {
            assert!(a.description.contains("Dashboard row \""), "{}: names no panel", a.name);
            assert!(["critical", "warning"].contains(&a.severity));
        }
    }

    #[test]
    fn a_counter_window_comes_from_vibe_yaml() {
        let mut m = metric("signups_total", "counter", &[], None);
        m.stalled_after = Some("6h".into());
        let s = spec("none", Components::default(), vec![m]);
        let stalled = alerts(&s, "ns").into_iter().find(|a| a.name == "StalledSignupsTotal").unwrap();
        assert!(stalled.expr.contains("[6h]") && stalled.summary.contains("6h"), "{stalled:?}");
    }
}
