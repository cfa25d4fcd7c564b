//! `vibe probe`: live evidence from a running app for the checks a repo cannot prove
//! (B3, B4, G2, G3, G5, G6).
//!
//! The probe starts the app (or talks to one already running), waits for /readiness, checks
//! the management endpoints and that the traffic port does not serve them, parses /metrics
//! and looks for the business metrics of vibe.yaml, sends a few requests while capturing the
//! app's output, judges every log line (JSON with time/level/msg, no personal data or
//! credentials), and stops the app. Findings are ordinary review findings marked live.

pub mod app;
pub mod child;
pub mod container;
pub mod example;
pub mod http;
pub mod image_start;
pub mod merge;
pub mod pii;
pub mod port;
pub mod procs;
pub mod promtext;
mod stamp;

use crate::contract::CheckId;
use crate::contract::MGMT_ENDPOINTS;
use crate::review::Finding;
use crate::words::plural;
use child::{App, Line, Stopped};
use http::Target;
use regex::Regex;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

/// What to probe and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The command that starts the app; empty when the app is already running.
    pub command: Vec<String>,
    /// Extra environment of the command (PORT and MGMT_PORT are always set).
    pub env: Vec<(String, String)>,
    /// The command's working folder (default: the current one).
    pub cwd: Option<std::path::PathBuf>,
    /// The traffic port (8081 in the cluster).
    pub http: Target,
    /// The management port (8082 in the cluster).
    pub mgmt: Target,
    /// How long to wait for /readiness to answer 200.
    pub ready_timeout: Duration,
    /// How long to keep capturing output after the requests.
    pub window: Duration,
    /// How long the app gets between SIGTERM and SIGKILL.
    pub grace: Duration,
    /// Requests sent to `/` on the traffic port while capturing.
    pub requests: u32,
    /// The app's slug, when known (for /info).
    pub slug: Option<String>,
    /// Business metric names from vibe.yaml.
    pub metrics: Vec<String>,
    /// Known secret values to look for in the logs (name, value).
    pub secrets: Vec<(String, String)>,
}

/// The outcome of a probe.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Live findings.
    pub findings: Vec<Finding>,
    /// What was checked and what could not be, in plain words.
    pub notes: Vec<String>,
    /// Log lines judged.
    pub lines: usize,
    /// The pid of the app, when the probe started it (it is gone when `run` returns).
    pub pid: Option<u32>,
    /// The checks the probe gathered live evidence for (a check whose part of the probe did not
    /// run, e.g. /metrics of an app that never became ready, is not among them).
    pub evidence: Vec<CheckId>,
}

/// Seconds to wait for GET /readiness to answer 200, by default.
pub const DEFAULT_READY_TIMEOUT_SECS: u64 = 30;
/// Seconds of app output captured after the test requests, by default.
pub const DEFAULT_WINDOW_SECS: u64 = 2;
/// Seconds the app gets to stop after SIGTERM before it is killed, by default.
pub const DEFAULT_GRACE_SECS: u64 = 5;

/// Why a probe could not run at all.
#[derive(Debug)]
pub enum ProbeError {
    /// The command could not be started.
    Start(String),
    /// Another process already answers on the app's traffic or management port.
    PortTaken(String),
    /// Ctrl-C: the app was stopped.
    Interrupted,
}

impl From<ProbeError> for crate::Error {
    /// A command that cannot start is the user's to fix (exit 2); Ctrl-C is a cancel (exit 130).
    fn from(e: ProbeError) -> Self {
        match e {
            ProbeError::Start(message) | ProbeError::PortTaken(message) => crate::Error::Usage(message),
            ProbeError::Interrupted => crate::Error::Cancelled,
        }
    }
}

/// Per-request time limit: the app is local, so a slow answer is a problem in itself.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// At most this many G6 findings: one leak repeated per request would drown the report.
const MAX_PII_FINDINGS: usize = 20;

/// Runs the probe. The app, if started here, is stopped before this returns, whatever happens.
pub fn run(opts: &Options) -> Result<Outcome, ProbeError> {
    let mut out = Outcome::default();
    let mut app = if opts.command.is_empty() {
        None
    } else {
        ports_free(opts)?;
        child::catch_interrupts();
        let mut env = opts.env.clone();
        env.push(("PORT".to_string(), opts.http.port.to_string()));
        env.push(("MGMT_PORT".to_string(), opts.mgmt.port.to_string()));
        let app = App::start(&opts.command, &env, opts.cwd.as_deref())
            .map_err(|e| ProbeError::Start(format!("could not start `{}`: {e}", opts.command.join(" "))))?;
        out.pid = Some(app.pid());
        Some(app)
    };
    let result = probe(opts, app.as_mut(), &mut out);
    if let Some(app) = app.as_mut() {
        match app.stop(opts.grace) {
            // The shell's "not found" / "not executable": there was no app to probe.
            Stopped::Exited(status) if matches!(status.code(), Some(126 | 127)) => {
                let said = app.lines().into_iter().rev().map(|l| l.text).find(|t| !t.trim().is_empty());
                let why = if status.code() == Some(127) { "not found" } else { "not executable" };
                let command = match opts.command.as_slice() {
                    [sh, c, line] if sh == "sh" && c == "-c" => line.clone(),
                    all => all.join(" "),
                };
                return Err(ProbeError::Start(format!(
                    "could not start `{command}`: the command was {why} ({status}){}",
                    said.map(|t| format!(": {}", t.trim())).unwrap_or_default()
                )));
            }
            Stopped::Exited(status) => out.notes.push(format!("The app had already exited ({status}).")),
            Stopped::Terminated => out.notes.push("The app stopped on SIGTERM.".into()),
            Stopped::Killed => out.notes.push(format!(
                "The app ignored SIGTERM for {}s and was killed: Kubernetes does the same after \
                 terminationGracePeriodSeconds, so handle SIGTERM to finish requests cleanly.",
                opts.grace.as_secs()
            )),
        }
        // Output written while stopping counts too (a stack trace on SIGTERM, for instance).
        std::thread::sleep(Duration::from_millis(100));
        judge_logs(&app.lines(), &opts.secrets, &mut out);
        if app.dropped() > 0 {
            out.notes.push(format!(
                "{} more lines of output were not kept (vibe keeps {} MiB of the app's output): only the first \
                 ones were judged.",
                app.dropped(),
                child::MAX_KEPT / (1024 * 1024)
            ));
        }
    } else {
        out.notes.push(
            "Logs were not checked (G3, G5, G6): the app was not started by vibe probe. Run \
             `vibe probe -- CMD` to capture its output."
                .into(),
        );
    }
    result?;
    Ok(out)
}

/// Refuses to start the app when another process already answers on one of its ports: the
/// probe would check that process and report it as the app.
fn ports_free(opts: &Options) -> Result<(), ProbeError> {
    for (target, what, flag) in [(&opts.http, "traffic", "--port"), (&opts.mgmt, "management", "--mgmt-port")] {
        if let Some(who) = port::taken_by(target) {
            let who = if who.is_empty() { "another process".to_string() } else { who };
            return Err(ProbeError::PortTaken(format!(
                "port {} (the app's {what} port) is already taken by {who} at {}: vibe probe would check that \
                 process instead of your app. Stop it first, or give `vibe probe` other ports ({flag}).",
                target.port,
                target.url("")
            )));
        }
    }
    Ok(())
}

/// The time limit of one request: [`REQUEST_TIMEOUT`], shorter when --timeout is.
fn request_timeout(opts: &Options) -> Duration {
    REQUEST_TIMEOUT.min(opts.ready_timeout.max(Duration::from_secs(1)))
}

fn probe(opts: &Options, mut app: Option<&mut App>, out: &mut Outcome) -> Result<(), ProbeError> {
    let readiness = opts.mgmt.url("/readiness");
    out.evidence.push(CheckId::B4);
    // 1. Wait for readiness.
    let start = Instant::now();
    let mut last = String::from("no answer yet");
    loop {
        if child::interrupted() {
            return Err(ProbeError::Interrupted);
        }
        if let Some(app) = app.as_deref_mut()
            && let Some(status) = app.exited()
        {
            // The output threads may still hold the last lines the app wrote.
            std::thread::sleep(Duration::from_millis(100));
            let said = last_output(&app.lines(), &opts.secrets);
            out.findings.push(
                Finding::new(CheckId::B4, &readiness, None)
                    .message(format!("The app exited ({status}) before /readiness answered 200 (last: {last}).{said}"))
                    .fix("Make the app start and stay up; its output is judged below and `vibe probe` prints it.")
                    .live(),
            );
            return Ok(());
        }
        // A server that stalls mid-answer must not stretch the wait past --timeout.
        let left = opts.ready_timeout.saturating_sub(start.elapsed()).max(Duration::from_millis(100));
        match http::get(&opts.mgmt, "/readiness", request_timeout(opts).min(left)) {
            Ok(r) if r.status == 200 => break,
            Ok(r) => last = format!("status {}", r.status),
            Err(e) => last = e.to_string(),
        }
        if start.elapsed() >= opts.ready_timeout {
            let elsewhere = app.as_deref().map(|a| listens_elsewhere(a, opts)).unwrap_or_default();
            out.findings.push(
                Finding::new(CheckId::B4, &readiness, None)
                    .message(format!(
                        "GET /readiness did not answer 200 within {}s (last: {last}).{elsewhere}",
                        opts.ready_timeout.as_secs()
                    ))
                    .fix(format!(
                        "Serve GET /readiness on the management port ({}) answering 200 {} once the app can take \
                         traffic; if it needs longer to start, pass --timeout SECONDS.",
                        opts.mgmt.port, MGMT_ENDPOINTS[0].ok
                    ))
                    .live(),
            );
            out.notes.push("The app never became ready: the other checks were not run.".into());
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    out.notes.push(format!("Ready after {:.1}s.", start.elapsed().as_secs_f64()));
    // Readiness is served by the management server, which skeletons start before the app binds
    // its traffic port: judging the traffic port in that gap would report a port that opens a
    // moment later (and miss what it serves). Wait for it within what is left of --timeout.
    if opts.http != opts.mgmt {
        wait_for_traffic_port(opts, start);
    }
    // A traffic port that never opened while the app listens elsewhere: say where, with the
    // finding of the first request that fails on it.
    let elsewhere = match app.as_deref() {
        Some(a) if !http::accepts(&opts.http, Duration::from_millis(200)) => listens_elsewhere(a, opts),
        _ => String::new(),
    };

    // 2. Management endpoints on the mgmt port, and not on the traffic port.
    out.evidence.extend([CheckId::B3, CheckId::G2]);
    check_mgmt(opts, out);
    if opts.http != opts.mgmt {
        check_not_on_traffic(opts, out);
    }
    // 3. /metrics.
    let before = out.findings.len();
    check_metrics(opts, out);
    if let Some(f) = out.findings[before..].iter_mut().find(|f| f.id == CheckId::G2) {
        f.message.push_str(&elsewhere);
    }
    // 4. A few requests to / while the output is captured.
    for _ in 0..opts.requests {
        let _ = http::get(&opts.http, "/", request_timeout(opts));
    }
    let end = Instant::now() + opts.window;
    while Instant::now() < end {
        if child::interrupted() {
            return Err(ProbeError::Interrupted);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // 5. /shutdown last: it may really stop the app. Only on an app the probe started: an app
    // reached with --url may be someone's running instance.
    if app.is_some() {
        check_shutdown(opts, out);
    } else {
        out.notes.push("GET /shutdown was not called: the app was not started by vibe probe.".into());
    }
    Ok(())
}

/// Lines of the app's last output quoted when it exits before it is ready.
const LAST_OUTPUT_LINES: usize = 6;

/// The app's last lines of output, masked, for the finding of an app that exited: what it said
/// as it failed (a missing file, a traceback's last line, a port in use).
fn last_output(lines: &[Line], secrets: &[(String, String)]) -> String {
    let scanner = pii::Scanner::with_secrets(secrets.iter().cloned());
    let said: Vec<String> = lines
        .iter()
        .filter(|l| !l.text.trim().is_empty())
        .map(|l| cut(mask_line(&scanner, l.text.trim()), 300))
        .collect();
    match said.len() {
        0 => " It wrote nothing.".into(),
        n => format!(" Its last output: {}", said[n.saturating_sub(LAST_OUTPUT_LINES)..].join(" | ")),
    }
}

/// Where the app listens instead of its ports, when it listens somewhere else: the usual cause
/// is a port written in the code (`app.listen(3000)`, `app.run(port=5000)`).
fn listens_elsewhere(app: &App, opts: &Options) -> String {
    let ports = app.listening_ports();
    let ours = [opts.http.port, opts.mgmt.port];
    let others: Vec<String> = ports.iter().filter(|p| !ours.contains(p)).map(u16::to_string).collect();
    if others.is_empty() {
        return String::new();
    }
    let missing: Vec<String> = ours.iter().filter(|p| !ports.contains(p)).map(u16::to_string).collect();
    if missing.is_empty() {
        return String::new();
    }
    format!(
        " The app listens on {} but not on {}: read the ports from the environment (PORT for traffic, MGMT_PORT \
         for the management endpoints) instead of writing them in the code.",
        others.join(", "),
        missing.join(" and ")
    )
}

/// Waits until the traffic port accepts a connection, at most until --timeout has passed since
/// `start`. A port that never opens is reported by the checks that follow (GET /metrics fails).
fn wait_for_traffic_port(opts: &Options, start: Instant) {
    while !http::accepts(&opts.http, Duration::from_millis(200))
        && start.elapsed() < opts.ready_timeout
        && !child::interrupted()
    {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The check id that owns a management endpoint's finding. /info and /shutdown have no check
/// of their own in the catalogue; they are part of the mgmt server B3's liveness probe reaches.
fn mgmt_check(path: &str) -> CheckId {
    if path == "/readiness" { CheckId::B4 } else { CheckId::B3 }
}

/// Compares bodies as JSON (so `{"status": "UP"}` with a space is the same body), else as text.
fn same_body(got: &str, want: &serde_json::Value) -> bool {
    serde_json::from_str::<serde_json::Value>(got.trim()).is_ok_and(|v| &v == want)
}

fn excerpt(body: &str) -> String {
    let one_line: String = body.trim().chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let short: String = one_line.chars().take(80).collect();
    if short.is_empty() {
        "an empty body".into()
    } else if short.len() < one_line.len() {
        format!("{short}…")
    } else {
        short
    }
}

fn check_mgmt(opts: &Options, out: &mut Outcome) {
    for ep in MGMT_ENDPOINTS.iter().filter(|e| e.path != "/shutdown") {
        let response = http::get(&opts.mgmt, ep.path, request_timeout(opts)).map_err(|e| e.to_string());
        judge_mgmt(ep, &opts.mgmt.url(ep.path), opts.mgmt.port, opts.slug.as_deref(), response, out);
    }
}

/// Judges one management endpoint's answer (B3/B4; /info against `slug`). `url` is where it was
/// fetched (the finding's location); `port` is the management port named in the fix. The cluster
/// review feeds it answers fetched through the API server's pod proxy.
pub fn judge_mgmt(
    ep: &crate::contract::Endpoint,
    url: &str,
    port: u16,
    slug: Option<&str>,
    response: Result<http::Response, String>,
    out: &mut Outcome,
) {
    let id = mgmt_check(ep.path);
    let fix = |want: &str| {
        format!("Serve GET {} on the management port ({port}) answering 200 with exactly {want}.", ep.path)
    };
    let response = match response {
        Ok(r) => r,
        Err(e) => {
            out.findings.push(
                Finding::new(id, url, None).message(format!("GET {} failed: {e}.", ep.path)).fix(fix(ep.ok)).live(),
            );
            return;
        }
    };
    if ep.path == "/info" {
        check_info(slug, url, &response, out);
        return;
    }
    let ok: serde_json::Value = serde_json::from_str(ep.ok).unwrap_or_default();
    let healthy = response.status == 200 && same_body(&response.body, &ok);
    if !healthy {
        out.findings.push(
            Finding::new(id, url, None)
                .message(format!(
                    "GET {} answered {} with {}; the contract says 200 {} (or 503 {} when unhealthy).",
                    ep.path,
                    response.status,
                    excerpt(&response.body),
                    ep.ok,
                    ep.not_ok.unwrap_or("")
                ))
                .fix(fix(ep.ok))
                .live(),
        );
    }
}

fn check_info(slug: Option<&str>, url: &str, response: &http::Response, out: &mut Outcome) {
    let body: Option<serde_json::Value> = serde_json::from_str(response.body.trim()).ok();
    let field = |k: &str| body.as_ref().and_then(|b| b.get(k)).and_then(|v| v.as_str()).map(str::to_string);
    let (app, version) = (field("app"), field("version"));
    let keys_ok = body.as_ref().and_then(|b| b.as_object()).is_some_and(|o| o.len() == 2);
    let slug_ok = match (slug, &app) {
        (Some(slug), Some(app)) => slug == app,
        (None, Some(app)) => !app.is_empty(),
        _ => false,
    };
    let version_ok = version.as_deref().is_some_and(|v| !v.is_empty());
    if response.status != 200 || !keys_ok || !slug_ok || !version_ok {
        let slug = slug.unwrap_or("<slug>");
        out.findings.push(
            Finding::new(CheckId::B3, url, None)
                .message(format!(
                    "GET /info answered {} with {}; the contract says 200 {{\"app\":\"{slug}\",\"version\":\"<sha>\"}}.",
                    response.status,
                    excerpt(&response.body)
                ))
                .fix(format!(
                    "Answer GET /info with 200 {{\"app\":\"{slug}\",\"version\":\"<the image tag>\"}}, read from the \
                     environment (the generated observability/ skeleton does this)."
                ))
                .live(),
        );
    }
}

fn check_shutdown(opts: &Options, out: &mut Outcome) {
    let url = opts.mgmt.url("/shutdown");
    match http::get(&opts.mgmt, "/shutdown", request_timeout(opts)) {
        Ok(r) if r.status == 200 && r.body.trim() == "null" => {}
        Ok(r) => out.findings.push(
            Finding::new(CheckId::B3, &url, None)
                .message(format!(
                    "GET /shutdown answered {} with {}; the contract says 200 null.",
                    r.status,
                    excerpt(&r.body)
                ))
                .fix("Answer GET /shutdown on the management port with 200 and the body null, then stop gracefully.")
                .live(),
        ),
        // The app may close the connection as it stops: that is what /shutdown is for.
        Err(e) => out.notes.push(format!("GET /shutdown gave no answer ({e}); the app may have stopped at once.")),
    }
}

fn check_not_on_traffic(opts: &Options, out: &mut Outcome) {
    for ep in MGMT_ENDPOINTS.iter().filter(|e| e.path == "/readiness" || e.path == "/liveness") {
        let Ok(r) = http::get(&opts.http, ep.path, request_timeout(opts)) else { continue };
        let ok: serde_json::Value = serde_json::from_str(ep.ok).unwrap_or_default();
        let not_ok: Option<serde_json::Value> = ep.not_ok.and_then(|b| serde_json::from_str(b).ok());
        let served = (r.status == 200 && same_body(&r.body, &ok))
            || (r.status == 503 && not_ok.as_ref().is_some_and(|n| same_body(&r.body, n)));
        if served {
            out.findings.push(
                Finding::new(mgmt_check(ep.path), opts.http.url(ep.path), None)
                    .message(format!(
                        "The traffic port ({}) also serves {}: anything routed to the app could read or trip it.",
                        opts.http.port, ep.path
                    ))
                    .fix(format!(
                        "Serve the management endpoints only on their own port ({}), from a separate server.",
                        opts.mgmt.port
                    ))
                    .live(),
            );
        }
    }
}

fn check_metrics(opts: &Options, out: &mut Outcome) {
    let response = http::get(&opts.http, "/metrics", request_timeout(opts)).map_err(|e| e.to_string());
    judge_metrics(&opts.http.url("/metrics"), opts.http.port, &opts.metrics, response, out);
}

/// Judges an answer to GET /metrics (G2): Prometheus text with every business metric in
/// `metrics`. `url` is where it was fetched; `port` is the traffic port named in the fix.
pub fn judge_metrics(
    url: &str,
    port: u16,
    metrics: &[String],
    response: Result<http::Response, String>,
    out: &mut Outcome,
) {
    let fix = format!(
        "Serve GET /metrics on the traffic port ({port}) with a Prometheus client (the generated observability/ \
         skeleton registers every business metric of vibe.yaml)."
    );
    let response = match response {
        Ok(r) => r,
        Err(e) => {
            out.findings.push(
                Finding::new(CheckId::G2, url, None).message(format!("GET /metrics failed: {e}.")).fix(fix).live(),
            );
            return;
        }
    };
    if response.status != 200 {
        out.findings.push(
            Finding::new(CheckId::G2, url, None)
                .message(format!("GET /metrics answered {} instead of 200 with Prometheus metrics.", response.status))
                .fix(fix)
                .live(),
        );
        return;
    }
    let exposition = match promtext::parse(&response.body) {
        Ok(e) => e,
        Err(e) => {
            out.findings.push(
                Finding::new(CheckId::G2, url, Some(u32::try_from(e.line).unwrap_or(u32::MAX)))
                    .message(format!("/metrics is not Prometheus text format: {}.", e.message))
                    .fix(fix)
                    .live(),
            );
            return;
        }
    };
    if exposition.families.is_empty() {
        out.findings.push(
            Finding::new(CheckId::G2, url, None).message("/metrics answered 200 but holds no metric.").fix(fix).live(),
        );
        return;
    }
    // A labelled metric that was never observed has no sample yet in some client libraries;
    // its HELP/TYPE lines are enough. No trace of the family at all is a finding.
    let missing: Vec<&str> = metrics.iter().map(String::as_str).filter(|m| exposition.family(m).is_none()).collect();
    if !missing.is_empty() {
        out.findings.push(
            Finding::new(CheckId::G2, url, None)
                .message(format!("/metrics lacks the business metric{} declared in vibe.yaml: {}.", plural(missing.len()), missing.join(", ")))
                .fix("Register each business metric of vibe.yaml (name, type, labels, help) at start-up, as the generated observability/ skeleton does.")
                .live(),
        );
    }
    out.notes.push(format!(
        "/metrics parsed: {} families, {} samples{}.",
        exposition.families.len(),
        exposition.samples().count(),
        if metrics.is_empty() {
            String::new()
        } else {
            format!(", {} of {} business metrics present", metrics.len() - missing.len(), metrics.len())
        }
    ));
}

/// ISO 8601 date-time, as the contract asks of `time` (epoch numbers are not).
static ISO_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$").expect("valid regex")
});

/// G3 (every line JSON, once per stream), G5 (time/level/msg, once per stream), G6 (per line).
///
/// `secrets` are known secret values (name, value) to look for besides the patterns. The cluster
/// review feeds it the tail of each app container's log.
pub fn judge_logs(lines: &[Line], secrets: &[(String, String)], out: &mut Outcome) {
    out.lines = lines.len();
    if lines.is_empty() {
        out.notes.push("The app wrote no log line during the probe: G3, G5 and G6 have no live evidence.".into());
        return;
    }
    out.evidence.extend([CheckId::G3, CheckId::G5, CheckId::G6]);
    let scanner = pii::Scanner::with_secrets(secrets.iter().cloned());
    for stream in [child::Stream::Stdout, child::Stream::Stderr] {
        let of_stream: Vec<&Line> = lines.iter().filter(|l| l.stream == stream).collect();
        let not_json: Vec<&&Line> = of_stream
            .iter()
            .filter(|l| serde_json::from_str::<serde_json::Value>(&l.text).map(|v| !v.is_object()).unwrap_or(true))
            .collect();
        if let Some(first) = not_json.first() {
            out.findings.push(
                Finding::new(CheckId::G3, stream.name(), Some(first.number))
                    .message(format!(
                        "{} of {} lines on {} are not JSON, e.g. {:?}.",
                        not_json.len(),
                        of_stream.len(),
                        stream.name(),
                        masked_excerpt(&scanner, &first.text)
                    ))
                    .fix("Log one JSON object per line to stdout with time (ISO 8601), level and msg (the generated observability/ skeleton sets this up); send nothing else to stdout/stderr.")
                    .live(),
            );
        }
        let mut lacking: Vec<(u32, Vec<&str>)> = Vec::new();
        for l in &of_stream {
            let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(&l.text) else { continue };
            let mut missing = Vec::new();
            if !o.get("time").and_then(|t| t.as_str()).is_some_and(|t| ISO_TIME.is_match(t)) {
                missing.push("time (ISO 8601)");
            }
            // pino's default numeric level (30) still says the level; a missing one does not.
            if !o.get("level").is_some_and(|v| v.is_string() || v.is_number()) {
                missing.push("level");
            }
            if !o.get("msg").is_some_and(|v| v.is_string()) {
                missing.push("msg");
            }
            if !missing.is_empty() {
                lacking.push((l.number, missing));
            }
        }
        if let Some((first, fields)) = lacking.first() {
            out.findings.push(
                Finding::new(CheckId::G5, stream.name(), Some(*first))
                    .message(format!(
                        "{} JSON log line{} on {} lack {} (first at line {first}).",
                        lacking.len(),
                        plural(lacking.len()),
                        stream.name(),
                        fields.join(", ")
                    ))
                    .fix("Name the fields time (an ISO 8601 string such as 2024-05-01T12:30:45.123Z), level and msg, e.g. python-json-logger's rename_fields, pino's messageKey: 'msg' and timestamp: pino.stdTimeFunctions.isoTime.")
                    .live(),
            );
        }
    }
    let mut pii_findings = 0usize;
    let mut seen: Vec<(pii::Kind, String)> = Vec::new();
    for l in lines {
        for hit in scanner.scan(&l.text) {
            let key = (hit.kind.clone(), hit.masked.clone());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            pii_findings += 1;
            if pii_findings > MAX_PII_FINDINGS {
                continue;
            }
            out.findings.push(
                Finding::new(CheckId::G6, l.stream.name(), Some(l.number))
                    .message(format!("A log line contains {}: {}.", hit.kind.describe(), hit.masked))
                    .fix("Do not log personal data or credentials: log an id instead of the e-mail or card, never log request headers or bodies with passwords or tokens, and redact such fields in the logger.")
                    .live(),
            );
        }
    }
    if pii_findings > MAX_PII_FINDINGS {
        out.notes.push(format!("{} more G6 hits not listed.", pii_findings - MAX_PII_FINDINGS));
    }
}

/// The first 100 characters of a line with personal data masked, for messages.
fn masked_excerpt(scanner: &pii::Scanner, text: &str) -> String {
    cut(mask_line(scanner, text), 100)
}

/// The first `n` characters of `text`, with `…` when there was more.
fn cut(text: String, n: usize) -> String {
    let short: String = text.chars().take(n).collect();
    if short.len() < text.len() { format!("{short}…") } else { short }
}

/// `text` with every hit of `scanner` (personal data, credentials, known secrets) masked.
fn mask_line(scanner: &pii::Scanner, text: &str) -> String {
    let mut masked = String::new();
    let mut at = 0;
    for hit in scanner.scan(text) {
        masked.push_str(&text[at..hit.span.0]);
        masked.push_str(&hit.masked);
        at = hit.span.1;
    }
    masked.push_str(&text[at..]);
    masked
}

#[cfg(test)]
mod tests {
    use super::*;
    use child::Stream;

    fn opts() -> Options {
        Options {
            command: vec![],
            env: vec![],
            cwd: None,
            http: Target { host: "127.0.0.1".into(), port: 1 },
            mgmt: Target { host: "127.0.0.1".into(), port: 2 },
            ready_timeout: Duration::from_secs(1),
            window: Duration::ZERO,
            grace: Duration::from_secs(1),
            requests: 0,
            slug: None,
            metrics: vec![],
            secrets: vec![],
        }
    }

    fn line(stream: Stream, number: u32, text: &str) -> Line {
        Line { stream, number, text: text.into() }
    }

    #[test]
    fn judges_log_lines() {
        let lines = [
            line(Stream::Stdout, 1, r#"{"time":"2024-05-01T12:30:45.123Z","level":"info","msg":"ok"}"#),
            line(Stream::Stdout, 2, r#"{"time":1714566645,"level":"info","msg":"epoch"}"#),
            line(Stream::Stdout, 3, "plain text from jane@example.com"),
            line(
                Stream::Stderr,
                1,
                r#"{"time":"2024-05-01 12:30:45+02:00","level":"warn","msg":"Bearer abcdef123456789"}"#,
            ),
        ];
        let mut out = Outcome::default();
        judge_logs(&lines, &opts().secrets, &mut out);
        let ids: Vec<_> = out.findings.iter().map(|f| (f.id, f.file.as_str(), f.line)).collect();
        assert_eq!(
            ids,
            [
                (CheckId::G3, "stdout", Some(3)),
                (CheckId::G5, "stdout", Some(2)),
                (CheckId::G6, "stdout", Some(3)),
                (CheckId::G6, "stderr", Some(1))
            ]
        );
        let text = format!("{:?}", out.findings);
        assert!(!text.contains("jane@") && !text.contains("abcdef"), "{text}");
    }

    #[test]
    fn no_lines_is_said() {
        let mut out = Outcome::default();
        judge_logs(&[], &[], &mut out);
        assert!(out.findings.is_empty());
        assert!(out.notes[0].contains("no live evidence"));
    }

    #[test]
    fn json_bodies_compare_by_value() {
        let up = serde_json::json!({"status": "UP"});
        assert!(same_body("{\"status\": \"UP\"}\n", &up));
        assert!(!same_body("{\"status\":\"UP\",\"db\":1}", &up));
        assert!(!same_body("UP", &up));
    }

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    }

    fn started(script: &str) -> Options {
        let mut o = opts();
        o.command = vec!["sh".into(), "-c".into(), script.into()];
        o.http.port = free_port();
        o.mgmt.port = free_port();
        o.ready_timeout = Duration::from_secs(3);
        o
    }

    #[test]
    fn an_app_that_exits_before_it_is_ready_is_quoted_masked() {
        let o = started(
            "echo starting; echo 'Error: Cannot find module /app/missing.js (user jane@example.com)' >&2; exit 1",
        );
        let out = run(&o).unwrap();
        let b4 = out.findings.iter().find(|f| f.id == CheckId::B4).expect("a B4 finding");
        assert!(b4.message.contains("exited"), "{}", b4.message);
        // Lines of stdout and stderr arrive on their own threads: their order between streams is not kept.
        assert!(b4.message.contains("Its last output: "), "{}", b4.message);
        assert!(b4.message.contains("Error: Cannot find module /app/missing.js"), "{}", b4.message);
        assert!(b4.message.contains("starting"), "{}", b4.message);
        assert!(!b4.message.contains("jane@example.com"), "{}", b4.message);
    }

    #[test]
    fn an_app_listening_elsewhere_is_told_where() {
        let elsewhere = free_port();
        let o = started(&format!("exec python3 -m http.server {elsewhere} --bind 127.0.0.1"));
        let out = run(&o).unwrap();
        let b4 = out.findings.iter().find(|f| f.id == CheckId::B4).expect("a B4 finding");
        let want = format!("The app listens on {elsewhere} but not on {} and {}", o.http.port, o.mgmt.port);
        assert!(b4.message.contains(&want), "{}", b4.message);
    }

    #[test]
    fn nothing_listening_is_a_readiness_finding() {
        let mut out = Outcome::default();
        let mut o = opts();
        o.ready_timeout = Duration::from_millis(300);
        // Port 1 on loopback: nothing listens there.
        probe(&o, None, &mut out).unwrap();
        assert_eq!(out.findings.len(), 1);
        assert_eq!(out.findings[0].id, CheckId::B4);
        assert!(out.findings[0].message.contains("did not answer 200"));
    }
}
