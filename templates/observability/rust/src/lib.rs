//! Observability for {{ app.slug }}: Prometheus metrics, JSON logs and the management endpoints.
//!
//! Wire it into the app (see README.md):
//!
//! ```ignore
//! vibe_observability::init();                       // JSON logs + metrics + management server on port {{ ports.mgmt }}
//! let body = vibe_observability::metrics_text();    // serve it on GET /metrics, port {{ ports.http }}
//! vibe_observability::observe_request("GET", "/orders/:id", 200, started.elapsed());
//! ```
//!
//! Business metrics (from vibe.yaml), ready to call from the business logic:
//!
//! ```ignore
{%- for m in app.metrics %}
{%- set rs_labels %}{% if m.labels | length > 0 %}.with_label_values(&[{% for l in m.labels %}"{{ l }}"{% if not loop.last %}, {% endif %}{% endfor %}]){% endif %}{% endset %}
//! vibe_observability::{{ m.name | replace(from=":", to="_") }}(){{ rs_labels }}.{% if m.type == "counter" %}inc(){% elif m.type == "gauge" %}set(42.0){% else %}observe(0.25){% endif %};
{%- endfor %}
//! ```

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::Duration;

use prometheus::{Encoder, Gauge, HistogramOpts, HistogramVec, IntCounterVec, Opts, TextEncoder};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// Application traffic and `GET /metrics`.
pub const HTTP_PORT: u16 = {{ ports.http }};
/// Management endpoints: /readiness /liveness /info /shutdown.
pub const MGMT_PORT: u16 = {{ ports.mgmt }};

/// The traffic port to listen on: env PORT overrides [`HTTP_PORT`] for a local run (e.g. `vibe probe` picks free ones).
pub fn http_port() -> u16 {
    env_port("PORT", HTTP_PORT)
}

/// The management port to listen on: env MGMT_PORT overrides [`MGMT_PORT`] for a local run.
pub fn mgmt_port() -> u16 {
    env_port("MGMT_PORT", MGMT_PORT)
}

fn env_port(name: &str, default: u16) -> u16 {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).filter(|p| *p != 0).unwrap_or(default)
}

/// The text format every Prometheus version reads.
pub const METRICS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Slug reported by GET /info (env APP_SLUG).
pub fn app_slug() -> String {
    std::env::var("APP_SLUG").unwrap_or_else(|_| "{{ app.slug }}".to_string())
}

/// Version reported by GET /info (env APP_VERSION, the image tag).
pub fn app_version() -> String {
    std::env::var("APP_VERSION").unwrap_or_else(|_| "{{ app.image.tag }}".to_string())
}

/// JSON logs, every metric and the management server. Call once at startup.
pub fn init() {
    init_logging();
    register_metrics();
    start_management_server();
}

// ---------------------------------------------------------------------------------------------
// JSON logs on stdout: time (ISO 8601), level, msg
// ---------------------------------------------------------------------------------------------

/// One JSON object per line: {"time":…,"level":…,"msg":…, fields…, "target":…}.
pub struct JsonLines;

struct JsonFields(serde_json::Map<String, serde_json::Value>);

impl Visit for JsonFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.insert(field, serde_json::Value::from(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.insert(field, serde_json::Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.insert(field, serde_json::Value::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.insert(field, serde_json::Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.insert(field, serde_json::Value::from(value));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.insert(field, serde_json::Value::from(format!("{value:?}")));
    }
}

impl JsonFields {
    fn insert(&mut self, field: &Field, value: serde_json::Value) {
        let name = if field.name() == "message" { "msg" } else { field.name() };
        self.0.insert(name.to_string(), value);
    }
}

impl<S, N> FormatEvent<S, N> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, _ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> std::fmt::Result {
        let mut time = String::new();
        SystemTime.format_time(&mut Writer::new(&mut time))?;
        let mut fields = JsonFields(serde_json::Map::new());
        event.record(&mut fields);
        let mut line = serde_json::Map::new();
        line.insert("time".into(), time.into());
        line.insert("level".into(), event.metadata().level().as_str().into());
        line.insert("msg".into(), fields.0.remove("msg").unwrap_or_else(|| "".into()));
        line.extend(fields.0);
        line.insert("target".into(), event.metadata().target().into());
        writeln!(writer, "{}", serde_json::Value::Object(line))
    }
}

/// The level named by LOG_LEVEL (trace, debug, info, warn, error; default info).
pub fn log_level() -> LevelFilter {
    match std::env::var("LOG_LEVEL").unwrap_or_default().trim().to_lowercase().as_str() {
        "trace" => LevelFilter::TRACE,
        "debug" => LevelFilter::DEBUG,
        "warn" | "warning" => LevelFilter::WARN,
        "error" => LevelFilter::ERROR,
        "off" => LevelFilter::OFF,
        _ => LevelFilter::INFO,
    }
}

/// Install the JSON logger on stdout as the global `tracing` subscriber (no-op if one is set).
pub fn init_logging() {
    let _ = tracing_subscriber::fmt()
        .with_max_level(log_level())
        .with_writer(std::io::stdout)
        .with_ansi(false)
        .event_format(JsonLines)
        .try_init();
}

// ---------------------------------------------------------------------------------------------
// Metrics: exposed names are exactly the declared ones
// ---------------------------------------------------------------------------------------------

fn register<T: prometheus::core::Collector + Clone + 'static>(metric: T) -> T {
    prometheus::register(Box::new(metric.clone())).expect("metric registered twice");
    metric
}

/// http_requests_total{method,route,code}
pub fn http_requests_total() -> &'static IntCounterVec {
    static M: OnceLock<IntCounterVec> = OnceLock::new();
    M.get_or_init(|| {
        register(
            IntCounterVec::new(
                Opts::new("http_requests_total", "HTTP requests handled, by method, route and status code"),
                &["method", "route", "code"],
            )
            .unwrap(),
        )
    })
}

/// http_request_duration_seconds{method,route,code}
pub fn http_request_duration_seconds() -> &'static HistogramVec {
    static M: OnceLock<HistogramVec> = OnceLock::new();
    M.get_or_init(|| {
        register(
            HistogramVec::new(
                HistogramOpts::new(
                    "http_request_duration_seconds",
                    "HTTP request duration in seconds, by method, route and status code",
                ),
                &["method", "route", "code"],
            )
            .unwrap(),
        )
    })
}

/// http_active_connections: HTTP requests being handled right now.
pub fn http_active_connections() -> &'static Gauge {
    static M: OnceLock<Gauge> = OnceLock::new();
    M.get_or_init(|| register(Gauge::new("http_active_connections", "HTTP requests being handled right now").unwrap()))
}
{% for m in app.metrics %}
{%- set rs_name = m.name | replace(from=":", to="_") %}
{%- set rs_help = m.help | replace(from="\\", to="\\\\") | replace(from="\"", to="\\\"") %}
{%- set rs_label_list %}&[{% for l in m.labels %}"{{ l }}"{% if not loop.last %}, {% endif %}{% endfor %}]{% endset %}
{%- if m.type == "counter" %}{% set rs_type = "IntCounter" %}{% elif m.type == "gauge" %}{% set rs_type = "Gauge" %}{% else %}{% set rs_type = "Histogram" %}{% endif %}
/// Business metric `{{ m.name }}` ({{ m.type }}): {{ m.help }}
pub fn {{ rs_name }}() -> &'static prometheus::{{ rs_type }}{% if m.labels | length > 0 %}Vec{% endif %} {
    static M: OnceLock<prometheus::{{ rs_type }}{% if m.labels | length > 0 %}Vec{% endif %}> = OnceLock::new();
    M.get_or_init(|| {
        register(
{%- if m.type == "histogram" %}
            prometheus::{{ rs_type }}{% if m.labels | length > 0 %}Vec::new(HistogramOpts::new("{{ m.name }}", "{{ rs_help }}"), {{ rs_label_list }}){% else %}::with_opts(HistogramOpts::new("{{ m.name }}", "{{ rs_help }}")){% endif %}.unwrap(),
{%- else %}
            prometheus::{{ rs_type }}{% if m.labels | length > 0 %}Vec::new(Opts::new("{{ m.name }}", "{{ rs_help }}"), {{ rs_label_list }}){% else %}::with_opts(Opts::new("{{ m.name }}", "{{ rs_help }}")){% endif %}.unwrap(),
{%- endif %}
        )
    })
}
{% endfor %}
/// Register every metric now, so unlabelled ones are exposed before their first use.
pub fn register_metrics() {
    http_requests_total();
    http_request_duration_seconds();
    http_active_connections();
{%- for m in app.metrics %}
    {{ m.name | replace(from=":", to="_") }}();
{%- endfor %}
}

/// Every metric declared here, as families (labelled ones without a sample yet included).
fn declared_families() -> Vec<prometheus::proto::MetricFamily> {
    use prometheus::core::Collector;
    let mut families = Vec::new();
    families.extend(http_requests_total().collect());
    families.extend(http_request_duration_seconds().collect());
    families.extend(http_active_connections().collect());
{%- for m in app.metrics %}
    families.extend({{ m.name | replace(from=":", to="_") }}().collect());
{%- endfor %}
    families
}

/// The Prometheus text exposition of every metric; serve it on GET /metrics.
pub fn metrics_text() -> String {
    register_metrics();
    let mut buffer = Vec::new();
    TextEncoder::new().encode(&prometheus::gather(), &mut buffer).expect("text encoding");
    let mut text = String::from_utf8(buffer).expect("metrics are UTF-8");
    // The prometheus crate leaves out a labelled metric until its first use; its HELP and TYPE
    // lines show from the start that it exists (as the other languages' clients do).
    for family in declared_families().iter().filter(|f| f.get_metric().is_empty()) {
        let kind = match family.get_field_type() {
            prometheus::proto::MetricType::COUNTER => "counter",
            prometheus::proto::MetricType::GAUGE => "gauge",
            prometheus::proto::MetricType::HISTOGRAM => "histogram",
            prometheus::proto::MetricType::SUMMARY => "summary",
            _ => "untyped",
        };
        let help = family.get_help().replace('\\', "\\\\").replace('\n', "\\n");
        let name = family.get_name();
        let _ = write!(text, "# HELP {name} {help}\n# TYPE {name} {kind}\n");
    }
    text
}

// ---------------------------------------------------------------------------------------------
// Request metrics for the traffic port
// ---------------------------------------------------------------------------------------------

/// Counts a request in http_active_connections while it lives.
pub struct ActiveRequest(());

impl ActiveRequest {
    pub fn start() -> Self {
        http_active_connections().inc();
        ActiveRequest(())
    }
}

impl Drop for ActiveRequest {
    fn drop(&mut self) {
        http_active_connections().dec();
    }
}

/// A low-cardinality route label when the router does not report its route template.
pub fn normalize_route(path: &str, status_code: u16) -> String {
    if status_code == 404 {
        return "unmatched".to_string();
    }
    let is_id = |s: &str| {
        !s.is_empty()
            && (s.chars().all(|c| c.is_ascii_digit())
                || (s.len() >= 16 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
                || (s.len() >= 8 && s.chars().all(|c| c.is_ascii_hexdigit())))
    };
    let route = path.split('?').next().unwrap_or("/").split('/').map(|p| if is_id(p) { ":id" } else { p }).collect::<Vec<_>>().join("/");
    if route.is_empty() { "/".to_string() } else { route }
}

/// Record one handled request: the http_* metrics and one JSON log line.
pub fn observe_request(method: &str, route: &str, status_code: u16, elapsed: Duration) {
    let status = status_code.to_string();
    http_requests_total().with_label_values(&[method, route, &status]).inc();
    http_request_duration_seconds().with_label_values(&[method, route, &status]).observe(elapsed.as_secs_f64());
    tracing::info!(method, route, status_code, duration_ms = (elapsed.as_secs_f64() * 10_000.0).round() / 10.0, "request");
}

// ---------------------------------------------------------------------------------------------
// Management endpoints on port {{ ports.mgmt }}: /readiness /liveness /info /shutdown
// ---------------------------------------------------------------------------------------------

static READY: AtomicBool = AtomicBool::new(true);
static LIVE: AtomicBool = AtomicBool::new(true);
static SHUTDOWN: (Mutex<bool>, Condvar) = (Mutex::new(false), Condvar::new());

/// `set_ready(false)` while the app cannot serve traffic (e.g. the database is unreachable): /readiness answers 503.
pub fn set_ready(ready: bool) {
    READY.store(ready, Ordering::SeqCst);
}

/// `set_live(false)` when the app is broken beyond repair: /liveness answers 503 and Kubernetes restarts it.
pub fn set_live(live: bool) {
    LIVE.store(live, Ordering::SeqCst);
}

/// Start a graceful stop, as GET /shutdown does: not ready, and `wait_for_shutdown` returns.
pub fn request_shutdown() {
    set_ready(false);
    let (lock, cvar) = &SHUTDOWN;
    *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
    cvar.notify_all();
}

/// Blocks until GET /shutdown (or `request_shutdown`); with tokio: `tokio::task::spawn_blocking(wait_for_shutdown)`.
pub fn wait_for_shutdown() {
    let (lock, cvar) = &SHUTDOWN;
    let mut stopping = lock.lock().unwrap_or_else(|e| e.into_inner());
    while !*stopping {
        stopping = cvar.wait(stopping).unwrap_or_else(|e| e.into_inner());
    }
}

/// (status code, JSON body) for a management path.
pub fn management_response(path: &str) -> (u16, String) {
    match path {
        "/readiness" if READY.load(Ordering::SeqCst) => (200, r#"{"status":"UP"}"#.to_string()),
        "/readiness" => (503, r#"{"status":"OUT_OF_SERVICE"}"#.to_string()),
        "/liveness" if LIVE.load(Ordering::SeqCst) => (200, r#"{"status":"UP"}"#.to_string()),
        "/liveness" => (503, r#"{"status":"DOWN"}"#.to_string()),
        "/info" => (200, serde_json::json!({ "app": app_slug(), "version": app_version() }).to_string()),
        "/shutdown" => (200, "null".to_string()),
        _ => (404, r#"{"error":"not found"}"#.to_string()),
    }
}

fn handle_management(mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 8192 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&request);
    let mut parts = head.lines().next().unwrap_or("").split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let path = target.split('?').next().unwrap_or("/");
    let (code, body) = if method == "GET" { management_response(path) } else { (405, r#"{"error":"method not allowed"}"#.to_string()) };
    let reason = match code {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Service Unavailable",
    };
    let mut response = String::new();
    let _ = write!(
        response,
        "HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
    if method == "GET" && path == "/shutdown" {
        tracing::info!("shutdown requested on the management port");
        std::thread::spawn(|| {
            std::thread::sleep(Duration::from_millis(100)); // let the `null` response reach the caller
            request_shutdown();
        });
    }
}

/// Serve the management endpoints from a background thread (idempotent).
pub fn start_management_server() {
    static STARTED: AtomicBool = AtomicBool::new(false);
    if STARTED.swap(true, Ordering::SeqCst) {
        return;
    }
    let port = mgmt_port();
    match TcpListener::bind(("0.0.0.0", port)) {
        Ok(listener) => {
            tracing::info!(port, "management server listening");
            std::thread::Builder::new()
                .name("vibe-mgmt".into())
                .spawn(move || {
                    for stream in listener.incoming().flatten() {
                        std::thread::spawn(move || handle_management(stream));
                    }
                })
                .expect("management thread");
        }
        Err(err) => tracing::warn!(port, error = %err, "management server not started"),
    }
}
