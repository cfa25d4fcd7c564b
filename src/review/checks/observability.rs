//! Observability checks (G1–G6): scrape annotations, the /metrics handler, JSON logs on stdout,
//! no log files, the time/level/msg fields, and no credentials or PII in log calls.
//!
//! G1 and the log-mount part of G4 read the manifests. The rest is about the running app; without
//! live evidence it is judged from source (the report says so): which libraries are declared and
//! how the code configures and calls its logger. G2–G6 only judge repos with application source.

use crate::contract;
use crate::contract::CheckId;
use crate::lang::{self, Dialect, Lines};
use crate::repo::{Lang, Repo, TextFile};
use crate::review::check::{Check, Judged};
use crate::review::fixers;
use crate::review::workload;
use crate::review::{Finding, Review};
use regex::Regex;
use std::sync::LazyLock;

/// The checks of this file, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::G1, run: g1, judged: Judged::Static, repo_only: false, fixer: Some(fixers::g1) },
    Check { id: CheckId::G2, run: g2, judged: Judged::LiveReplaces, repo_only: false, fixer: None },
    Check { id: CheckId::G3, run: g3, judged: Judged::LiveReplaces, repo_only: false, fixer: None },
    Check { id: CheckId::G4, run: g4, judged: Judged::Static, repo_only: false, fixer: None },
    Check { id: CheckId::G5, run: g5, judged: Judged::LiveReplaces, repo_only: false, fixer: None },
    Check { id: CheckId::G6, run: g6, judged: Judged::StandInLiveAdds, repo_only: false, fixer: None },
];

/// Compiles a pattern with ASCII word boundaries: a Unicode `\b` makes the regex engine fall
/// back to its slow path on any non-ASCII text.
fn re(pattern: &str) -> Regex {
    let pattern = pattern.replace(r"\b", r"(?-u:\b)");
    Regex::new(&pattern).unwrap_or_else(|e| panic!("bad pattern {pattern}: {e}"))
}

/// Path Prometheus scrapes (served on the traffic port).
const METRICS_PATH: &str = "/metrics";
/// Where the generated metrics/logging skeleton lives, for findings about something missing.
const OBSERVABILITY_DIR: &str = "observability/";

// ------------------------------------------------------------------------------------------------
// Which source is the running app's
// ------------------------------------------------------------------------------------------------

/// True for files that run inside the app's container: not tests, front-end bundles or helper scripts.
fn is_runtime_code(f: &TextFile) -> bool {
    if f.lang == Lang::Config {
        return false;
    }
    let path = format!("/{}", f.file.to_ascii_lowercase());
    let name = path.rsplit('/').next().unwrap_or("");
    const DIRS: &[&str] = &[
        "/test/",
        "/tests/",
        "/__tests__/",
        "/spec/",
        "/testdata/",
        "/e2e/",
        "/frontend/",
        "/client/",
        "/public/",
        "/static/",
        "/scripts/",
        "/script/",
        "/tools/",
        "/migrations/",
        "/examples/",
        "/docs/",
    ];
    const SUFFIXES: &[&str] = &[
        ".jsx",
        ".tsx",
        ".vue",
        ".svelte",
        ".min.js",
        ".d.ts",
        "_test.go",
        "_test.py",
        "test.java",
        "tests.java",
        "test.kt",
    ];
    !(DIRS.iter().any(|d| path.contains(d))
        || SUFFIXES.iter().any(|s| name.ends_with(s))
        || name.contains(".test.")
        || name.contains(".spec.")
        || name.starts_with("test_")
        || name == "conftest.py"
        || name == "setup.py")
}

fn runtime_sources(repo: &Repo) -> impl Iterator<Item = &TextFile> {
    repo.sources.iter().filter(|f| is_runtime_code(f))
}

/// The app's main language: the one most runtime files are written in (the skeleton aside).
fn main_lang(repo: &Repo) -> Option<Lang> {
    let mut counts: Vec<(Lang, usize, bool)> = Vec::new();
    for f in runtime_sources(repo) {
        let own = !f.file.starts_with(OBSERVABILITY_DIR);
        match counts.iter_mut().find(|(l, _, _)| *l == f.lang) {
            Some(c) => {
                c.1 += 1;
                c.2 |= own;
            }
            None => counts.push((f.lang, 1, own)),
        }
    }
    counts.sort_by_key(|(_, n, own)| (std::cmp::Reverse(*own), std::cmp::Reverse(*n)));
    counts.first().map(|(l, _, _)| *l)
}

/// The app's entry file (where setup code belongs), for findings about something missing.
fn main_source(repo: &Repo) -> String {
    const ENTRY: &[&str] = &["main", "app", "server", "index", "application", "wsgi", "asgi", "manage", "lib"];
    let lang = main_lang(repo);
    let mut best: Option<(usize, usize, &str)> = None;
    for f in runtime_sources(repo).filter(|f| Some(f.lang) == lang) {
        let stem = f.file.rsplit('/').next().unwrap_or("").split('.').next().unwrap_or("").to_ascii_lowercase();
        let rank = ENTRY.iter().position(|e| *e == stem).unwrap_or(ENTRY.len());
        let depth = f.file.matches('/').count() + usize::from(f.file.starts_with(OBSERVABILITY_DIR)) * 10;
        if best.is_none_or(|(d, r, _)| (depth, rank) < (d, r)) {
            best = Some((depth, rank, &f.file));
        }
    }
    best.map(|(_, _, f)| f.to_string()).unwrap_or_else(|| OBSERVABILITY_DIR.to_string())
}

/// The dependency manifest for a language: the shallowest one present, else its usual name.
fn manifest_for(repo: &Repo, lang: Option<Lang>) -> String {
    let names: &[&str] = match lang {
        Some(Lang::Python) => &["requirements.txt", "pyproject.toml", "Pipfile"],
        Some(Lang::Js) => &["package.json"],
        Some(Lang::Go) => &["go.mod"],
        Some(Lang::Java) => &["pom.xml", "build.gradle", "build.gradle.kts"],
        Some(Lang::Rust) => &["Cargo.toml"],
        Some(Lang::Php) => &["composer.json"],
        _ => return OBSERVABILITY_DIR.to_string(),
    };
    repo.dependency_files
        .iter()
        .filter(|f| names.contains(&f.file.rsplit('/').next().unwrap_or("")))
        .min_by_key(|f| (f.file.starts_with(OBSERVABILITY_DIR), f.file.matches('/').count()))
        .map(|f| f.file.clone())
        .unwrap_or_else(|| names[0].to_string())
}

/// True for a file of the generated observability skeleton: it serves /metrics and logs JSON
/// only once the app's own code loads it, so on its own it is not the app.
fn is_skeleton(f: &TextFile) -> bool {
    f.file.starts_with(OBSERVABILITY_DIR)
}

/// The app's own runtime code: [`runtime_sources`] outside the generated skeleton.
fn app_sources(repo: &Repo) -> impl Iterator<Item = &TextFile> {
    runtime_sources(repo).filter(|f| !is_skeleton(f))
}

/// True when the repo holds code of the app itself (the skeleton alone is no app yet: the G
/// checks have nothing to judge statically and a live probe judges them).
fn has_app_source(repo: &Repo) -> bool {
    app_sources(repo).next().is_some()
}

/// An import of the generated observability module, per dialect (comments are masked first):
/// `from observability import vibe_observability`, `require('./observability/vibe-observability')`,
/// `"shop/observability"`, `import vibe.observability.VibeObservability`,
/// `use Vibe\Observability\VibeObservability`, `vibe_observability::init()`.
static SKELETON_IMPORT: LazyLock<Vec<(Dialect, Regex)>> = LazyLock::new(|| {
    let jvm = r"\bimport\s+(?:static\s+)?[\w.]*\bobservability\.";
    vec![
        (
            Dialect::Python,
            re(r"(?m)^\s*(?:from\s+[\w.]*\b(?:vibe_)?observability\b|import\s+[\w.]*\b(?:vibe_)?observability\b)"),
        ),
        (
            Dialect::Js,
            re(
                r#"(?:\brequire\s*\(\s*|\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)["'`][^"'`\n]*\bobservability\b[^"'`\n]*["'`]"#,
            ),
        ),
        (Dialect::Go, re(r#""[^"\n]*/observability""#)),
        (Dialect::Java, re(jvm)),
        (Dialect::Kotlin, re(jvm)),
        (Dialect::Rust, re(r"\bvibe_observability::|\buse\s+vibe_observability\b|\bmod\s+observability\b")),
        (
            Dialect::Php,
            re(r#"(?i)\bVibe\\Observability\\|\b(?:require|include)(?:_once)?\b[^;\n]*["'][^"'\n]*/observability/"#),
        ),
    ]
});

/// The first file of the app's own code that imports the generated observability module.
fn skeleton_importer(repo: &Repo) -> Option<&TextFile> {
    app_sources(repo).find(|f| {
        let d = lang::dialect(f);
        SKELETON_IMPORT.iter().any(|(dd, p)| *dd == d && p.is_match(&f.text) && p.is_match(&lang::masked(f)))
    })
}

// ------------------------------------------------------------------------------------------------
// G1: scrape annotations
// ------------------------------------------------------------------------------------------------

/// G1: the pod template has prometheus.io/scrape, /port and /path annotations.
pub fn g1(r: &Review, out: &mut Vec<Finding>) {
    let port = contract::PORT_HTTP.to_string();
    let wanted: [(&str, &str); 3] =
        [("prometheus.io/scrape", "true"), ("prometheus.io/port", &port), ("prometheus.io/path", METRICS_PATH)];
    for w in workload::workloads(r.repo) {
        if !w.is_app() || !w.long_running() {
            continue;
        }
        let mut missing = Vec::new();
        let mut wrong = Vec::new();
        for (key, value) in wanted {
            match w.annotation(key).map(str::trim) {
                None => missing.push(format!("`{key}`")),
                Some(v) if v != value => wrong.push(format!("sets `{key}` to \"{v}\" instead of \"{value}\"")),
                Some(_) => {}
            }
        }
        if missing.is_empty() && wrong.is_empty() {
            continue;
        }
        let mut problems = Vec::new();
        if !missing.is_empty() {
            problems.push(format!(
                "lacks the annotation{} {}",
                crate::words::plural(missing.len()),
                missing.join(", ")
            ));
        }
        problems.extend(wrong);
        out.push(
            Finding::new(CheckId::G1, w.obj.file.clone(), w.line())
                .object(w.obj.id())
                .message(format!(
                    "The app's pod template {}: Prometheus will not collect its metrics",
                    problems.join("; ")
                ))
                .fix(format!(
                    "Under `spec.template.metadata.annotations` of {} write `prometheus.io/scrape: \"true\"`, \
                     `prometheus.io/port: \"{port}\"` and `prometheus.io/path: \"{METRICS_PATH}\"`.",
                    w.obj.id()
                )),
        );
    }
}

// ------------------------------------------------------------------------------------------------
// G2: a Prometheus client and a /metrics handler
// ------------------------------------------------------------------------------------------------

/// Prometheus client libraries, per dependency manifest.
static PROM_CLIENT: LazyLock<Vec<(&'static [&'static str], Regex)>> = LazyLock::new(|| {
    vec![
        (
            &["package.json"][..],
            re(
                r#""(prom-client|express-prom-bundle|prometheus-api-metrics|@promster/[\w-]+|fastify-metrics|@opentelemetry/exporter-prometheus)"\s*:"#,
            ),
        ),
        (
            &["requirements.txt", "pyproject.toml", "Pipfile"][..],
            re(
                r#"(?im)(?:^|["'\s])(prometheus[_-]client|prometheus[_-]fastapi[_-]instrumentator|prometheus[_-]flask[_-]exporter|django[_-]prometheus|starlette[_-]exporter|starlette[_-]prometheus|aioprometheus)\b"#,
            ),
        ),
        (&["go.mod"][..], re(r"github\.com/(prometheus/client_golang|VictoriaMetrics/metrics)\b")),
        (
            &["pom.xml", "build.gradle", "build.gradle.kts"][..],
            re(
                r"(micrometer-registry-prometheus|io\.prometheus[:.]simpleclient|<artifactId>simpleclient[\w_]*</artifactId>|prometheus-metrics-(?:core|exporter)[\w-]*)",
            ),
        ),
        (
            &["Cargo.toml"][..],
            re(
                r"(?m)^\s*(?:\[dependencies\.)?(prometheus|prometheus-client|metrics-exporter-prometheus|axum-prometheus|actix-web-prom|autometrics)\s*[=\]]",
            ),
        ),
        (&["composer.json"][..], re(r"prometheus_client_php")),
    ]
});

/// A /metrics route or a Prometheus exposition handler.
static METRICS_HANDLER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"["'`]/metrics/?["'`]|\bmake_asgi_app\b|\bmake_wsgi_app\b|\bstart_http_server\b|\bgenerate_latest\b|\bpromhttp\.Handler|\.metrics\(\)|PrometheusMeterRegistry|\bTextEncoder\b|\bPrometheusBuilder\b|\bRenderTextFormat\b|\bpromBundle\b|\bInstrumentator\(|\bPrometheusMetrics\(|django_prometheus|\bPrometheusMetricsLayer|\bPrometheusMetricsBuilder"#,
    )
});

fn client_dependency(repo: &Repo) -> Option<(&TextFile, u32)> {
    for f in &repo.dependency_files {
        let name = f.file.rsplit('/').next().unwrap_or("");
        for (names, pattern) in PROM_CLIENT.iter() {
            if names.contains(&name)
                && let Some(m) = pattern.find(&f.text)
            {
                return Some((f, f.text[..m.start()].matches('\n').count() as u32 + 1));
            }
        }
    }
    None
}

/// The first file serving metrics, among the app's own code or (`skeleton`) the generated module.
fn metrics_handler(repo: &Repo, skeleton: bool) -> Option<&TextFile> {
    runtime_sources(repo)
        .filter(|f| is_skeleton(f) == skeleton)
        .find(|f| METRICS_HANDLER.is_match(&f.text) && METRICS_HANDLER.is_match(&lang::masked(f)))
}

/// G2: the app serves /metrics in Prometheus format (statically: client library + handler).
pub fn g2(r: &Review, out: &mut Vec<Finding>) {
    let repo = r.repo;
    if !has_app_source(repo) {
        return;
    }
    let port = contract::PORT_HTTP;
    let client = client_dependency(repo);
    // The generated module counts once the app's own code imports it; unwired, it serves nothing.
    let skeleton = metrics_handler(repo, true);
    let importer = skeleton.and_then(|_| skeleton_importer(repo));
    let handler = metrics_handler(repo, false).or(importer.and(skeleton));
    let finding = match (client, handler) {
        (Some(_), Some(_)) => return,
        (_, None) if let Some(module) = skeleton => {
            let main = main_source(repo);
            out.push(
                Finding::new(CheckId::G2, main.clone(), None)
                    .message(format!(
                        "The generated `{}` serves `GET {METRICS_PATH}`, but no file of the app imports it, so the \
                         app does not serve metrics yet",
                        module.file
                    ))
                    .fix(format!(
                        "Import the module from the app's entry code (`{main}`) and add its metrics handler as \
                         {OBSERVABILITY_DIR}README.md shows under \"Wire it in\"; the app then serves \
                         `GET {METRICS_PATH}` on port {port}."
                    )),
            );
            return;
        }
        (None, None) => Finding::new(CheckId::G2, manifest_for(repo, main_lang(repo)), None).message(format!(
            "The app has no Prometheus client library and no `GET {METRICS_PATH}` handler, so the platform cannot \
             collect its metrics"
        )),
        (Some((dep, _)), None) => Finding::new(CheckId::G2, main_source(repo), None).message(format!(
            "A Prometheus client is declared in `{}` but no code serves `GET {METRICS_PATH}`",
            dep.file
        )),
        (None, Some(h)) => Finding::new(CheckId::G2, manifest_for(repo, Some(h.lang)), None).message(format!(
            "`{}` serves metrics but no Prometheus client library is declared as a dependency, so the build does \
             not install it",
            h.file
        )),
    };
    out.push(finding.fix(format!(
        "Declare your language's Prometheus client (prometheus-client for Python, prom-client for Node, \
         github.com/prometheus/client_golang for Go, micrometer-registry-prometheus for Java, the `prometheus` \
         crate for Rust, promphp/prometheus_client_php for PHP) and serve `GET {METRICS_PATH}` on port {port}; the \
         generated {OBSERVABILITY_DIR} folder has the handler and your business metrics ready to wire in."
    )));
}

// ------------------------------------------------------------------------------------------------
// G3: JSON logs on stdout
// ------------------------------------------------------------------------------------------------

/// A JSON logger configured in source.
static JSON_LOGGER: LazyLock<Vec<(Dialect, Regex)>> = LazyLock::new(|| {
    vec![
        (
            Dialect::Python,
            re(
                r"\bpythonjsonlogger\b|\bjsonlogger\b|\bJsonFormatter\b|\bJSONRenderer\b|\bjson_logging\b|\becs_logging\b|\bserialize\s*=\s*True|\bJSONFormatter\b",
            ),
        ),
        (
            Dialect::Js,
            re(r#"require\(\s*['"](?:pino|bunyan)['"]\s*\)|from\s+['"](?:pino|bunyan)['"]|format\.json\(\)"#),
        ),
        (
            Dialect::Go,
            re(
                r"\bslog\.NewJSONHandler\b|\bzap\.NewProduction|\bzapcore\.NewJSONEncoder\b|github\.com/rs/zerolog|\bJSONFormatter\b",
            ),
        ),
        (Dialect::Java, re(r"\bLogstashEncoder\b|\bJsonLayout\b|\bJsonTemplateLayout\b|\bEcsLayout\b|\bJsonEncoder\b")),
        (
            Dialect::Kotlin,
            re(r"\bLogstashEncoder\b|\bJsonLayout\b|\bJsonTemplateLayout\b|\bEcsLayout\b|\bJsonEncoder\b"),
        ),
        (Dialect::Rust, re(r"\.json\(\)|\bjson_subscriber\b|\bslog_json\b|\btracing_bunyan_formatter\b")),
        (Dialect::Php, re(r"\bJsonFormatter\b")),
    ]
});

/// A custom formatter class, per dialect, and how it writes JSON: (dialect, formatter, JSON encoder).
static CUSTOM_JSON: LazyLock<Vec<(Dialect, Regex, &'static str)>> = LazyLock::new(|| {
    vec![
        (Dialect::Python, re(r"class\s+\w+\(\s*(?:logging\.)?Formatter\s*\)"), "json.dumps"),
        (
            Dialect::Php,
            re(r"implements\s+[\w\\]*FormatterInterface\b|extends\s+[\w\\]*NormalizerFormatter\b"),
            "json_encode",
        ),
        (Dialect::Rust, re(r"\bimpl\b[^{]*\bFormatEvent\b"), "serde_json"),
        (Dialect::Js, re(r"\bformat\.printf\s*\("), "JSON.stringify"),
        (Dialect::Go, re(r"\bslog\.Handler\b"), "json.Marshal"),
    ]
});

/// JSON logging declared in a dependency manifest whose configuration lives in XML we do not read.
static JSON_LOGGER_DEP: LazyLock<Regex> =
    LazyLock::new(|| re(r"logstash-logback-encoder|log4j-layout-template-json|ecs-logging-java|logback-json-classic"));

/// Plain-text logging set up or used as the logger, per dialect.
static PLAIN_LOGGING: LazyLock<Vec<(Dialect, Regex)>> = LazyLock::new(|| {
    vec![
        (Dialect::Python, re(r"\blogging\.basicConfig\s*\(|\blogging\.Formatter\s*\(|(?m)^\s*print\s*\(")),
        (
            Dialect::Js,
            re(
                r#"\bconsole\.(?:log|info|warn|error|debug)\s*\(|\bformat\.(?:simple|cli|prettyPrint)\(\)|\bformat\.printf\s*\(|\bmorgan\s*\(\s*['"`](?:combined|common|dev|short|tiny)"#,
            ),
        ),
        (
            Dialect::Go,
            re(r"\blog\.(?:Print|Printf|Println|Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln)\s*\(|\bTextFormatter\b"),
        ),
        (Dialect::Java, re(r"\bSystem\.(?:out|err)\.print(?:ln|f)?\s*\(|\bPatternLayout\b")),
        (Dialect::Kotlin, re(r"(?m)^\s*println\s*\(|\bSystem\.(?:out|err)\.print(?:ln|f)?\s*\(")),
        (Dialect::Rust, re(r"\b(?:e?println)!\s*\(|\benv_logger::(?:init|Builder)|\bsimple_logger\b")),
        (Dialect::Php, re(r"\bLineFormatter\b|\berror_log\s*\(")),
    ]
});

/// Python files serving HTTP (where print() output is the app's log).
static PY_WEB: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?m)^\s*(?:from|import)\s+(?:flask|fastapi|django|starlette|aiohttp|bottle|tornado|sanic|falcon|quart|litestar)\b",
    )
});
/// Rust files serving HTTP (where println! output is the app's log).
static RS_WEB: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:axum|actix_web|rocket|warp|hyper|poem|tide)::"));
/// Go files importing the standard `log` package.
static GO_STD_LOG: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?m)^\s*(?:import\s+)?(?:\w+\s+)?"log"\s*$|import\s+"log""#));

fn json_logger_in(f: &TextFile, masked: &str) -> bool {
    let d = lang::dialect(f);
    let direct = JSON_LOGGER.iter().any(|(dd, p)| *dd == d && p.is_match(masked));
    let rust_ok = d != Dialect::Rust || masked.contains("tracing_subscriber") || !masked.contains(".json()");
    (direct && rust_ok)
        || CUSTOM_JSON.iter().any(|(dd, class, encoder)| *dd == d && class.is_match(masked) && masked.contains(encoder))
}

/// The first place a file logs plain text: (offset, what).
fn plain_logging(f: &TextFile, masked: &str, json_here: bool) -> Option<(usize, String)> {
    let d = lang::dialect(f);
    let (_, pattern) = PLAIN_LOGGING.iter().find(|(dd, _)| *dd == d)?;
    let b = masked.as_bytes();
    for m in pattern.find_iter(masked) {
        let t = m.as_str().trim_start();
        let open = m.end().saturating_sub(1);
        let first_arg = || {
            lang::call_args(b, open, d)
                .and_then(|(_, args)| args.first().map(|a| String::from_utf8_lossy(&b[a.0..a.1]).trim().to_string()))
                .unwrap_or_default()
        };
        let what = match d {
            Dialect::Python if t.starts_with("logging.basicConfig") => {
                let call = lang::call_args(b, open, d).map(|(end, _)| &masked[open..end]).unwrap_or("");
                if json_here && call.contains("handlers") {
                    continue;
                }
                "`logging.basicConfig` sets up plain-text log lines"
            }
            Dialect::Python if t.starts_with("logging.Formatter") => {
                if json_here {
                    continue;
                }
                "a `logging.Formatter` writes plain-text log lines"
            }
            Dialect::Python => {
                if !PY_WEB.is_match(masked) || first_arg().starts_with("json.dumps") {
                    continue;
                }
                "`print()` writes plain-text lines instead of JSON logs"
            }
            Dialect::Js if t.starts_with("console") => {
                if first_arg().starts_with("JSON.stringify") {
                    continue;
                }
                "`console` output is used as the log (plain text, not JSON)"
            }
            Dialect::Js if t.starts_with("morgan") => "morgan writes plain-text access log lines",
            Dialect::Js => {
                if json_here {
                    continue;
                }
                "the winston format writes plain-text lines"
            }
            Dialect::Go if t.starts_with("log.") => {
                if !GO_STD_LOG.is_match(masked) {
                    continue;
                }
                "the standard `log` package writes plain-text lines"
            }
            Dialect::Go => "logrus' TextFormatter writes plain-text lines",
            Dialect::Java | Dialect::Kotlin if t.contains("PatternLayout") => "a PatternLayout writes plain-text lines",
            Dialect::Java | Dialect::Kotlin => "`System.out` output is used as the log (plain text, not JSON)",
            Dialect::Rust if t.contains("println") => {
                if !RS_WEB.is_match(masked) {
                    continue;
                }
                "`println!` writes plain-text lines instead of JSON logs"
            }
            Dialect::Rust => "env_logger writes plain-text lines",
            Dialect::Php if t.starts_with("LineFormatter") => "monolog's LineFormatter writes plain-text lines",
            Dialect::Php => "`error_log()` writes plain-text lines",
            _ => continue,
        };
        return Some((m.start() + (m.as_str().len() - t.len()), what.to_string()));
    }
    None
}

fn g3_fix(lang: Option<Lang>) -> String {
    let how = match lang {
        Some(Lang::Python) => {
            "python-json-logger's JsonFormatter on a StreamHandler(sys.stdout), or structlog with JSONRenderer"
        }
        Some(Lang::Js) => "pino (`const logger = require('pino')()`)",
        Some(Lang::Go) => "`slog.New(slog.NewJSONHandler(os.Stdout, nil))`",
        Some(Lang::Java) => "logstash-logback-encoder's LogstashEncoder on a ConsoleAppender",
        Some(Lang::Rust) => "tracing-subscriber with `.json()`",
        Some(Lang::Php) => "monolog with a JsonFormatter on `php://stdout`",
        _ => "your language's JSON logger",
    };
    format!(
        "Log through one JSON logger writing one object per line to stdout ({how}); the generated \
         {OBSERVABILITY_DIR} skeleton sets one up. Replace print/console output and text formats with it."
    )
}

/// G3: the app logs JSON to stdout (statically: a JSON logger configured, no plain-text logging).
pub fn g3(r: &Review, out: &mut Vec<Finding>) {
    let repo = r.repo;
    if !has_app_source(repo) {
        return;
    }
    // The generated module's JSON logger configures the app's logging only once the app imports it.
    let wired = skeleton_importer(repo).is_some();
    let mut json_anywhere = repo
        .dependency_files
        .iter()
        .any(|f| (wired || !f.file.starts_with(OBSERVABILITY_DIR)) && JSON_LOGGER_DEP.is_match(&f.text));
    let mut plain = Vec::new();
    for f in runtime_sources(repo) {
        let masked = lang::masked(f);
        let json_here = json_logger_in(f, &masked);
        json_anywhere |= json_here && (wired || !is_skeleton(f));
        if let Some((at, what)) = plain_logging(f, &masked, json_here) {
            plain.push((f, Lines::new(&masked).line(at), what));
        }
    }
    for (f, line, what) in &plain {
        out.push(
            Finding::new(CheckId::G3, f.file.clone(), Some(*line))
                .message(format!("In `{}`, {what}; the platform can only search and alert on JSON lines", f.file))
                .fix(g3_fix(Some(f.lang))),
        );
    }
    if plain.is_empty() && !json_anywhere {
        out.push(
            Finding::new(CheckId::G3, main_source(repo), None)
                .message("No JSON logger is configured, so the app's log lines are not JSON")
                .fix(g3_fix(main_lang(repo))),
        );
    }
}

// ------------------------------------------------------------------------------------------------
// G4: no file logging
// ------------------------------------------------------------------------------------------------

static FILE_LOGGING: LazyLock<Vec<(Dialect, Regex)>> = LazyLock::new(|| {
    vec![
        (
            Dialect::Python,
            re(
                r#"\b(?:Rotating|TimedRotating|Watched)?FileHandler\s*\(|["']logging\.(?:handlers\.)?(?:Rotating|TimedRotating|Watched)?FileHandler["']|\bbasicConfig\s*\([^)]*\bfilename\s*=|\blogger\.add\(\s*["'][^"']+\.log["']"#,
            ),
        ),
        (
            Dialect::Js,
            re(
                r#"\btransports\.File\s*\(|\bnew\s+DailyRotateFile\s*\(|\bpino\.destination\(\s*(?:\{\s*dest\s*:\s*)?["'`][^"'`]+["'`]|target\s*:\s*["']pino/file["'][^}]*destination\s*:\s*["'`][^"'`]+|\bfs\.createWriteStream\(\s*["'`][^"'`]*\.log["'`]|\brotating-file-stream\b|\btype\s*:\s*["'](?:file|dateFile|fileSync)["']"#,
            ),
        ),
        (Dialect::Go, re(r#"\blumberjack\.Logger\s*\{|\bos\.(?:OpenFile|Create)\(\s*"[^"]*\.log""#)),
        (Dialect::Java, re(r"\bnew\s+(?:Daily)?(?:Rolling)?FileAppender\b|\bnew\s+FileHandler\s*\(")),
        (Dialect::Kotlin, re(r"\b(?:Daily)?(?:Rolling)?FileAppender\s*(?:<[^>]*>)?\s*\(|\bFileHandler\s*\(")),
        (
            Dialect::Rust,
            re(r"\btracing_appender::rolling\b|\bRollingFileAppender\b|\blog_to_file\b|\bFileAppender::builder\b"),
        ),
        (
            Dialect::Php,
            re(
                r#"\bnew\s+(?:StreamHandler\(\s*(?:["'](?:[^p"'][^"']*|p[^h][^"']*)["']|__DIR__)|RotatingFileHandler\s*\()"#,
            ),
        ),
        (
            Dialect::Config,
            re(
                r"(?im)^\s*(?:logging\.file(?:\.name|\.path)?|log4j2?\.appender\.\w+(?:\.type)?\s*[=:]\s*(?:org\.apache\.log4j\.)?(?:Daily)?(?:Rolling)?File(?:Appender)?|LOG_FILE(?:_?NAME|_?PATH)?|LOG_PATH|LOGFILE|LOG_FILENAME)\s*[=:]\s*\S",
            ),
        ),
    ]
});

/// A mount path for log files: `/var/log`, `/app/logs`, `/logs`.
static LOG_MOUNT: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)(?:^|/)(?:var/log|logs?)(?:/|$)"));

/// G4: no file-based logging.
pub fn g4(r: &Review, out: &mut Vec<Finding>) {
    let fix = "Remove the file handler, appender or log volume and log to stdout only: the platform collects \
               stdout, and files inside the container are lost at every restart and can fill the disk.";
    let files = r.repo.sources.iter().filter(|f| f.lang == Lang::Config || is_runtime_code(f));
    for (f, d, pattern, masked) in lang::files_matching(files, &FILE_LOGGING) {
        let lines = Lines::new(&masked);
        let mut last_line = 0;
        for m in pattern.find_iter(&masked) {
            let line = lines.line(m.start() + (m.as_str().len() - m.as_str().trim_start().len()));
            if line == last_line {
                continue;
            }
            last_line = line;
            let what = if d == Dialect::Config {
                m.as_str().trim().split(['=', ':']).next().unwrap_or("").trim()
            } else {
                m.as_str().trim().split(['(', '{', '\n']).next().unwrap_or("").trim().trim_matches(['"', '\''])
            };
            out.push(
                Finding::new(CheckId::G4, f.file.clone(), Some(line))
                    .message(format!("`{what}` writes logs to a file inside the container instead of stdout"))
                    .fix(fix),
            );
        }
    }
    for w in workload::workloads(r.repo) {
        if !w.is_app() {
            continue;
        }
        for c in w.containers() {
            for m in c.node.get("volumeMounts").map(crate::yaml::Node::items).unwrap_or_default() {
                let Some(path) = m.get("mountPath").and_then(crate::yaml::Node::as_str) else {
                    continue;
                };
                let read_only = m.get("readOnly").and_then(crate::yaml::Node::as_bool) == Some(true);
                if LOG_MOUNT.is_match(path) && !read_only {
                    out.push(
                        Finding::new(CheckId::G4, w.obj.file.clone(), m.get("mountPath").and_then(crate::yaml::Node::line).or(m.line()))
                            .object(w.obj.id())
                            .message(format!(
                                "Container `{}` mounts a volume at `{path}` for log files; logs written there are never collected",
                                c.name
                            ))
                            .fix(fix),
                    );
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------------------------
// G5: time, level, msg
// ------------------------------------------------------------------------------------------------

/// Where a JSON logger is configured: (offset, which library).
static G5_LOGGERS: LazyLock<Vec<(Dialect, Regex)>> = LazyLock::new(|| {
    vec![
        (Dialect::Python, re(r"\bJsonFormatter\s*\(|\bJSONRenderer\s*\(")),
        (Dialect::Js, re(r"\bpino\s*\(|\bwinston\.createLogger\s*\(|\bcreateLogger\s*\(")),
        (Dialect::Go, re(r"\bzap\.NewProduction\w*\s*\(|\bzapcore\.NewJSONEncoder\s*\(|\bzerolog\.New\s*\(")),
        (Dialect::Java, re(r"\bnew\s+LogstashEncoder\s*\(")),
        (Dialect::Rust, re(r"\.json\(\)")),
        (Dialect::Php, re(r"\bnew\s+JsonFormatter\s*\(")),
    ]
});

static PY_FIELDS: LazyLock<Regex> = LazyLock::new(|| re(r"%\((\w+)\)"));
static PY_BRACE_FIELDS: LazyLock<Regex> = LazyLock::new(|| re(r"\{(\w+)\}"));
static DICT_PAIR: LazyLock<Regex> = LazyLock::new(|| re(r#"["'](\w+)["']\s*:\s*["'](\w+)["']"#));

fn lit_text(b: &[u8], l: &lang::Lit) -> String {
    String::from_utf8_lossy(&b[l.body.0..l.body.1]).into_owned()
}

/// Fields a python-json-logger JsonFormatter call writes, or None when it cannot be told statically.
fn python_json_fields(masked: &str, open: usize) -> Option<Vec<String>> {
    let b = masked.as_bytes();
    let d = Dialect::Python;
    let (_, args) = lang::call_args(b, open, d)?;
    let mut fmt: Option<String> = None;
    let mut renames: Vec<(String, String)> = Vec::new();
    let mut timestamp: Option<String> = None;
    for (i, a) in args.iter().enumerate() {
        let text = masked[a.0..a.1].trim();
        let (key, value_range) = match text
            .split_once('=')
            .filter(|(k, v)| !v.starts_with('=') && k.trim().chars().all(|c| c.is_alphanumeric() || c == '_'))
        {
            Some((k, _)) => {
                let eq = a.0 + masked[a.0..a.1].find('=').unwrap_or(0) + 1;
                (Some(k.trim()), (eq, a.1))
            }
            None => (None, *a),
        };
        let lits = lang::literals(b, value_range, d);
        match key {
            None if i == 0 => fmt = Some(lits.first().map(|l| lit_text(b, l))?),
            Some("fmt") => fmt = Some(lits.first().map(|l| lit_text(b, l))?),
            Some("rename_fields") => {
                let body = &masked[value_range.0..value_range.1];
                if !body.trim_start().starts_with('{') {
                    return None;
                }
                renames = DICT_PAIR.captures_iter(body).map(|c| (c[1].to_string(), c[2].to_string())).collect();
            }
            Some("timestamp") => {
                let v = masked[value_range.0..value_range.1].trim();
                timestamp = match lits.first() {
                    Some(l) => Some(lit_text(b, l)),
                    None if v == "True" => Some("timestamp".into()),
                    None if v == "False" => None,
                    None => return None,
                };
            }
            _ => {}
        }
    }
    let fmt = fmt.unwrap_or_else(|| "%(message)s".into());
    let mut fields: Vec<String> = PY_FIELDS.captures_iter(&fmt).map(|c| c[1].to_string()).collect();
    if fields.is_empty() {
        fields = PY_BRACE_FIELDS.captures_iter(&fmt).map(|c| c[1].to_string()).collect();
    }
    if fields.is_empty() {
        fields = fmt.split_whitespace().map(str::to_string).collect();
    }
    let mut out: Vec<String> = fields
        .into_iter()
        .map(|f| renames.iter().find(|(from, _)| *from == f).map(|(_, to)| to.clone()).unwrap_or(f))
        .collect();
    out.extend(timestamp);
    Some(out)
}

/// Settings that name the fields, per library.
struct FieldSettings {
    structlog_time: Regex,
    structlog_msg: Regex,
    pino_no_time: Regex,
    pino_level_key: Regex,
    pino_message_key: Regex,
    winston_time: Regex,
    winston_msg: Regex,
    zerolog_msg: Regex,
    zap_time: Regex,
}

static FIELD_SETTINGS: LazyLock<FieldSettings> = LazyLock::new(|| FieldSettings {
    structlog_time: re(r#"TimeStamper\([^)]*key\s*=\s*["']time["']"#),
    structlog_msg: re(r#"EventRenamer\(\s*(?:to\s*=\s*)?["']msg["']"#),
    pino_no_time: re(r"\btimestamp\s*:\s*false\b"),
    pino_level_key: re(
        r#"\blevel\s*(?::\s*(?:function\s*)?)?\(\s*\w*\s*(?:,\s*\w+\s*)?\)\s*(?:=>\s*)?(?:\{\s*return\s*)?\(?\s*\{\s*["']?(\w+)["']?\s*:"#,
    ),
    pino_message_key: re(r#"\bmessageKey\s*:\s*["'`](\w+)["'`]"#),
    winston_time: re(r#"alias\s*:\s*["']time["']|\binfo\.time\s*=|\btime\s*:\s*(?:new\s+Date|info\.|Date\.)"#),
    winston_msg: re(r"\binfo\.msg\s*=|\bmsg\s*:\s*info\.message"),
    zerolog_msg: re(r#"MessageFieldName\s*=\s*"msg""#),
    zap_time: re(r#"TimeKey\s*[:=]\s*"time""#),
});

/// The required fields a JSON logger configured in a file does not write, with where it is configured.
fn missing_fields(f: &TextFile, masked: &str) -> Option<(usize, &'static str, Vec<&'static str>)> {
    let d = lang::dialect(f);
    let d = if d == Dialect::Kotlin { Dialect::Java } else { d };
    let (_, pattern) = G5_LOGGERS.iter().find(|(dd, _)| *dd == d)?;
    let m = pattern.find(masked)?;
    let t = m.as_str();
    let has = |p: &str| masked.contains(p);
    let s = &*FIELD_SETTINGS;
    let (lib, missing): (&'static str, Vec<&'static str>) = match d {
        Dialect::Python if t.starts_with("JsonFormatter") => {
            if has("def add_fields") || has("def process_log_record") {
                return None;
            }
            let fields = python_json_fields(masked, m.end() - 1)?;
            let missing = ["time", "level", "msg"].into_iter().filter(|k| !fields.iter().any(|f| f == k)).collect();
            ("python-json-logger", missing)
        }
        Dialect::Python => {
            let mut missing = Vec::new();
            if !s.structlog_time.is_match(masked) {
                missing.push("time");
            }
            if !has("add_log_level") {
                missing.push("level");
            }
            if !s.structlog_msg.is_match(masked) {
                missing.push("msg");
            }
            ("structlog", missing)
        }
        Dialect::Js if t.starts_with("pino") => {
            let mut missing = Vec::new();
            if s.pino_no_time.is_match(masked) {
                missing.push("time");
            }
            if s.pino_level_key.captures(masked).is_some_and(|c| &c[1] != "level") {
                missing.push("level");
            }
            if s.pino_message_key.captures(masked).is_some_and(|c| &c[1] != "msg") {
                missing.push("msg");
            }
            ("pino", missing)
        }
        Dialect::Js => {
            if !has("format.json()") {
                return None;
            }
            let mut missing = Vec::new();
            if !s.winston_time.is_match(masked) {
                missing.push("time");
            }
            if !s.winston_msg.is_match(masked) {
                missing.push("msg");
            }
            ("winston", missing)
        }
        Dialect::Go if t.starts_with("zerolog") => {
            let missing = if s.zerolog_msg.is_match(masked) { vec![] } else { vec!["msg"] };
            ("zerolog", missing)
        }
        Dialect::Go => {
            let missing = if s.zap_time.is_match(masked) { vec![] } else { vec!["time"] };
            ("zap", missing)
        }
        Dialect::Java => {
            if has("FieldNames") {
                return None;
            }
            ("LogstashEncoder", vec!["time", "msg"])
        }
        Dialect::Rust => {
            if !has("tracing_subscriber") || has("FormatEvent") {
                return None;
            }
            ("tracing-subscriber", vec!["time", "msg"])
        }
        Dialect::Php => ("monolog JsonFormatter", vec!["time", "msg"]),
        _ => return None,
    };
    (!missing.is_empty()).then_some((m.start(), lib, missing))
}

/// G5: log lines carry time, level and msg (judged where logs are JSON).
pub fn g5(r: &Review, out: &mut Vec<Finding>) {
    for f in runtime_sources(r.repo) {
        let d = lang::dialect(f);
        if !G5_LOGGERS
            .iter()
            .any(|(dd, p)| (*dd == d || (d == Dialect::Kotlin && *dd == Dialect::Java)) && p.is_match(&f.text))
        {
            continue;
        }
        let masked = lang::masked(f);
        if !json_logger_in(f, &masked) {
            continue;
        }
        let Some((at, lib, missing)) = missing_fields(f, &masked) else {
            continue;
        };
        let names: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
        out.push(
            Finding::new(CheckId::G5, f.file.clone(), Some(Lines::new(&masked).line(at)))
                .message(format!(
                    "The {lib} logger configured here writes no {} field{}, so the log search cannot sort, filter or read these lines",
                    names.join(", "),
                    crate::words::plural(names.len())
                ))
                .fix(g5_fix(lib)),
        );
    }
}

fn g5_fix(lib: &str) -> String {
    let how = match lib {
        "python-json-logger" => {
            "e.g. `JsonFormatter(\"%(levelname)s %(message)s\", rename_fields={\"levelname\": \"level\", \"message\": \"msg\"}, timestamp=\"time\")`"
        }
        "structlog" => {
            "add `structlog.processors.TimeStamper(fmt=\"iso\", key=\"time\")`, `structlog.processors.add_log_level` and `structlog.processors.EventRenamer(\"msg\")` before JSONRenderer"
        }
        "pino" => {
            "keep pino's `messageKey: 'msg'` and `timestamp: pino.stdTimeFunctions.isoTime`, and a level formatter returning `{ level: label }`"
        }
        "winston" => "add a format that sets `info.msg = info.message` and `format.timestamp({ alias: 'time' })`",
        "zap" => "set `EncoderConfig.TimeKey = \"time\"` with `zapcore.ISO8601TimeEncoder`",
        "zerolog" => "set `zerolog.MessageFieldName = \"msg\"` and `zerolog.TimeFieldFormat = time.RFC3339`",
        "LogstashEncoder" => {
            "rename the fields with `<fieldNames><timestamp>time</timestamp><message>msg</message></fieldNames>`"
        }
        "tracing-subscriber" => {
            "use a JSON formatter that names the fields `time`, `level` and `msg` (e.g. a custom `FormatEvent`)"
        }
        _ => "rename the fields with the logger's options",
    };
    format!("Name the fields exactly `time` (ISO 8601), `level` and `msg`: {how}.")
}

// ------------------------------------------------------------------------------------------------
// G6: credentials and PII in log calls
// ------------------------------------------------------------------------------------------------

/// A logging method call: `.info(`, `->error(`, `::warn(` (the receiver is checked separately).
static LOG_METHOD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:\.|->|::)(?:trace|debug|info|information|notice|warn|warning|error|err|critical|crit|fatal|exception|log|msg|emergency|alert|print|printf|println|tracef|debugf|infof|warnf|warningf|errorf|fatalf|panicf|debugw|infow|warnw|errorw|fatalw|Trace|Debug|Info|Warn|Warning|Error|Fatal|Panic|Print|Printf|Println|Debugf|Infof|Warnf|Errorf|Fatalf|Panicf|Debugw|Infow|Warnw|Errorw|Fatalw|DebugContext|InfoContext|WarnContext|ErrorContext|Log|LogAttrs)[ \t]*\(",
    )
});

/// Printing and logging functions without a logger object, per dialect.
static PRINT_CALLS: LazyLock<Vec<(Dialect, Regex)>> = LazyLock::new(|| {
    vec![
        (Dialect::Python, re(r"\bprint[ \t]*\(")),
        (Dialect::Go, re(r"\bfmt\.(?:Print|Printf|Println)[ \t]*\(")),
        (Dialect::Java, re(r"\bSystem\.(?:out|err)\.print(?:ln|f)?[ \t]*\(")),
        (Dialect::Kotlin, re(r"\bprintln[ \t]*\(|\bSystem\.(?:out|err)\.print(?:ln|f)?[ \t]*\(")),
        (
            Dialect::Rust,
            re(r"\b(?:(?:tracing|log)::)?(?:trace|debug|info|warn|error|println|eprintln|print|eprint)![ \t]*\("),
        ),
        (Dialect::Php, re(r"\berror_log[ \t]*\(")),
    ]
});

/// Receivers that are loggers: `logger`, `self.log`, `$this->logger`, `console`, `slog`, `Log::`.
fn is_logger(receiver: &str) -> bool {
    let last = receiver.rsplit(['.', '>', ':']).next().unwrap_or(receiver).trim_start_matches('$');
    let lower = last.to_ascii_lowercase();
    lower.contains("log")
        || matches!(
            lower.as_str(),
            "console" | "slog" | "zap" | "sugar" | "zerolog" | "winston" | "pino" | "structlog" | "l"
        )
}

/// The log calls of a masked file: (start of the call text, its `(`, the call as written).
fn log_calls(masked: &str, d: Dialect) -> Vec<(usize, usize, String)> {
    let b = masked.as_bytes();
    let mut out = Vec::new();
    if d != Dialect::Rust && d != Dialect::Config {
        for m in LOG_METHOD.find_iter(masked) {
            let from = b[..m.start()]
                .iter()
                .rposition(|&c| !(lang::is_ident(c) || matches!(c, b'.' | b'$' | b'>' | b':' | b'-')))
                .map_or(0, |p| p + 1);
            let receiver = &masked[from..m.start()];
            if receiver.is_empty() || !is_logger(receiver) {
                continue;
            }
            out.push((from, m.end() - 1, masked[from..m.end() - 1].trim_end().to_string()));
        }
    }
    if let Some((_, p)) = PRINT_CALLS.iter().find(|(dd, _)| *dd == d) {
        for m in p.find_iter(masked) {
            out.push((m.start(), m.end() - 1, m.as_str().trim_end_matches('(').trim_end().to_string()));
        }
    }
    out
}

/// Words that make a value sensitive (credentials and personal data).
const SENSITIVE: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "credential",
    "credentials",
    "cvv",
    "cvc",
    "ssn",
    "email",
    "authorization",
    "bearer",
    "privatekey",
    "accesskey",
    "creditcard",
    "cardnumber",
    "ccnumber",
    "jwt",
];
const SENSITIVE_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("private", "key"),
    ("access", "key"),
    ("card", "number"),
    ("card", "num"),
    ("card", "no"),
    ("credit", "card"),
    ("e", "mail"),
    ("auth", "header"),
    ("auth", "token"),
];
/// A last word that makes the value about the secret rather than the secret itself.
const SAFE_LAST: &[&str] = &[
    "count",
    "counts",
    "len",
    "length",
    "size",
    "id",
    "ids",
    "type",
    "types",
    "url",
    "uri",
    "endpoint",
    "name",
    "names",
    "field",
    "fields",
    "ttl",
    "expires",
    "expiry",
    "expiration",
    "exp",
    "at",
    "valid",
    "verified",
    "enabled",
    "present",
    "required",
    "set",
    "format",
    "pattern",
    "regex",
    "policy",
    "limit",
    "path",
    "file",
    "dir",
    "env",
    "var",
    "prefix",
    "suffix",
    "sent",
    "status",
    "changed",
    "reset",
    "updated",
    "confirmed",
    "mismatch",
    "match",
    "ok",
    "missing",
    "invalid",
    "expired",
    "used",
    "domain",
    "provider",
    "template",
    "subject",
    "hint",
    "error",
    "errors",
    "strength",
    "rule",
    "rules",
    "version",
    "source",
    "mode",
    "method",
    "label",
    "exists",
    "configured",
    "key_name",
    "hash_algorithm",
];
const SAFE_FIRST: &[&str] =
    &["is", "has", "should", "must", "can", "num", "count", "max", "min", "total", "no", "n", "use", "needs"];
/// Calls that make a sensitive value safe to log.
static SANITIZER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)mask|redact|hash|anonymi|obfusc|scrub|sanitiz|censor|truncat|^len$|^count|^bool$|^isinstance$|^typeof$|^type$|^is_|^has_|length$",
    )
});

fn sensitive_word(name: &str) -> bool {
    let parts = lang::split_parts(name);
    if parts.is_empty() || SAFE_FIRST.contains(&parts[0].as_str()) {
        return false;
    }
    if parts.len() > 1 && SAFE_LAST.contains(&parts[parts.len() - 1].as_str()) {
        return false;
    }
    parts.iter().any(|p| SENSITIVE.contains(&p.as_str()))
        || parts.windows(2).any(|w| SENSITIVE_PAIRS.contains(&(w[0].as_str(), w[1].as_str())))
}

/// Sensitive values passed in the arguments `range` of a log call: names as written.
fn sensitive_refs(b: &[u8], range: (usize, usize), d: Dialect, first_arg_end: usize, out: &mut Vec<String>) {
    let mut i = range.0;
    // Enclosing calls inside the log call's arguments: (name, depth inside).
    let mut calls: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut pending_call: Option<String> = None;
    let sanitized = |calls: &Vec<(String, usize)>| calls.iter().any(|(n, _)| SANITIZER.is_match(n));
    let prev_sig = |k: usize| b[range.0..k].iter().rev().find(|c| !c.is_ascii_whitespace()).copied();
    let next_sig = |k: usize| b[k..range.1].iter().find(|c| !c.is_ascii_whitespace()).copied();
    while i < range.1 {
        if let Some(l) = lang::lex_string(b, i, d) {
            let end = l.end.min(range.1);
            // Code inside f-strings and template literals.
            for h in &l.holes {
                if !sanitized(&calls) {
                    sensitive_refs(b, (h.0, h.1.min(range.1)), d, 0, out);
                }
            }
            // A key: a dict/object key, a subscript, or a standalone key-value argument.
            let body = String::from_utf8_lossy(&b[l.body.0..l.body.1.min(b.len())]).into_owned();
            let is_key_like = !body.is_empty()
                && body.len() <= 40
                && body.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if is_key_like && !sanitized(&calls) && sensitive_word(&body) {
                let before = prev_sig(l.start);
                let after = next_sig(end);
                let subscript = before == Some(b'[') && after == Some(b']');
                let dict_key = after == Some(b':') && b.get(end + 1) != Some(&b':')
                    || (after == Some(b'=') && b.get(end + 1) == Some(&b'>'));
                let standalone = l.start >= first_arg_end
                    && matches!(before, Some(b',') | Some(b'('))
                    && matches!(after, Some(b',') | Some(b')') | None);
                if subscript || dict_key || standalone {
                    out.push(if subscript {
                        // The chain before the subscript: request.headers["Authorization"].
                        let bracket = b[..l.start].iter().rposition(|&c| c == b'[').unwrap_or(l.start);
                        let from = b[..bracket]
                            .iter()
                            .rposition(|&c| !(lang::is_ident(c) || c == b'.' || c == b'$'))
                            .map_or(0, |p| p + 1);
                        format!("{}[\"{body}\"]", String::from_utf8_lossy(&b[from.max(range.0)..bracket]))
                    } else {
                        format!("\"{body}\"")
                    });
                }
            }
            pending_call = None;
            i = end.max(i + 1);
            continue;
        }
        let c = b[i];
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            // An identifier chain: a.b.c, $a->b, a?.b, a["b"].
            let start = i;
            let mut last_start = i;
            let mut j = i + 1;
            while j < range.1 && lang::is_ident(b[j]) {
                j += 1;
            }
            loop {
                let sep = if b[j..].starts_with(b"?.") || b[j..].starts_with(b"->") || b[j..].starts_with(b"::") {
                    2
                } else if b.get(j) == Some(&b'.') {
                    1
                } else {
                    0
                };
                if sep > 0 && b.get(j + sep).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') {
                    last_start = j + sep;
                    j = last_start;
                    while j < range.1 && lang::is_ident(b[j]) {
                        j += 1;
                    }
                } else {
                    break;
                }
            }
            let chain = String::from_utf8_lossy(&b[start..j]).into_owned();
            let last = String::from_utf8_lossy(&b[last_start..j]).into_owned();
            let called = next_sig(j) == Some(b'(');
            if called {
                pending_call = Some(last.clone());
                let parts = lang::split_parts(&last);
                let getter = parts.first().is_some_and(|p| p == "get") && parts.len() > 1;
                if getter && !sanitized(&calls) && sensitive_word(&parts[1..].join("_")) {
                    out.push(format!("{chain}()"));
                }
            } else if !sanitized(&calls) && sensitive_word(&last) {
                // Keyword arguments and object keys name what is logged too (`password=pw`, `{ email }`).
                out.push(chain);
            }
            i = j;
            continue;
        }
        match c {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if c == b'('
                    && let Some(name) = pending_call.take()
                {
                    calls.push((name, depth));
                }
            }
            b')' | b']' | b'}' => {
                if calls.last().is_some_and(|(_, d)| *d == depth) {
                    calls.pop();
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        if !c.is_ascii_whitespace() && c != b'(' {
            pending_call = None;
        }
        i += 1;
    }
}

/// G6: no credentials or personal data passed to log calls.
pub fn g6(r: &Review, out: &mut Vec<Finding>) {
    for f in runtime_sources(r.repo) {
        let d = lang::dialect(f);
        if d == Dialect::Config {
            continue;
        }
        let masked = lang::masked(f);
        let b = masked.as_bytes();
        let mut lines: Option<Lines> = None;
        for (start, open, call) in log_calls(&masked, d) {
            let Some((_, args)) = lang::call_args(b, open, d) else {
                continue;
            };
            let (Some(first), Some(last)) = (args.first(), args.last()) else {
                continue;
            };
            let mut found = Vec::new();
            sensitive_refs(b, (first.0, last.1), d, first.1, &mut found);
            if found.is_empty() {
                continue;
            }
            found.dedup();
            let names: Vec<String> = found.iter().take(3).map(|n| format!("`{n}`")).collect();
            let line = lines.get_or_insert_with(|| Lines::new(&masked)).line(start);
            out.push(
                Finding::new(CheckId::G6, f.file.clone(), Some(line))
                    .message(format!(
                        "`{call}` logs {}: a password, token or personal data ends up in the logs",
                        names.join(", ")
                    ))
                    .fix(
                        "Remove the value from this log call: log a user id instead of an email, at most the last 4 \
                         digits of a card, and never passwords, tokens, keys or Authorization headers. Change any \
                         secret that was already logged.",
                    ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, lang: Lang, text: &str) -> TextFile {
        TextFile { file: name.into(), lang, text: text.into() }
    }

    fn g6_names(name: &str, lang: Lang, src: &str) -> Vec<(usize, Vec<String>)> {
        let f = file(name, lang, src);
        let d = lang::dialect(&f);
        let masked = lang::mask(src, d);
        let b = masked.as_bytes();
        let lines = Lines::new(&masked);
        let mut out = Vec::new();
        for (start, open, _) in log_calls(&masked, d) {
            let (_, args) = lang::call_args(b, open, d).unwrap();
            let mut found = Vec::new();
            if let (Some(first), Some(last)) = (args.first(), args.last()) {
                sensitive_refs(b, (first.0, last.1), d, first.1, &mut found);
            }
            if !found.is_empty() {
                out.push((lines.line(start) as usize, found));
            }
        }
        out.sort();
        out
    }

    #[test]
    fn g6_sees_values_not_words() {
        let py = "logger.info('login', password=pw)\n\
                  log.info(f'sent to {user.email}')\n\
                  logger.info('wrong password for %s', user_id)\n\
                  logger.info('tokens', extra={'max_tokens': n, 'token_count': c})\n\
                  logger.info('x %s', mask_email(user.email))\n\
                  print(request.headers['Authorization'])\n\
                  logger.warning('x', extra={'email': e})\n";
        let got = g6_names("app.py", Lang::Python, py);
        assert_eq!(got.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [1, 2, 6, 7], "{got:?}");
        let js = "console.log(req.body.password);\nlogger.info({ email }, 'signup');\nlogger.info({ port }, 'listening');\nconsole.log(`user ${user.name}`);\n";
        let got = g6_names("a.js", Lang::Js, js);
        assert_eq!(got.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [1, 2], "{got:?}");
        let go = "logger.Info(\"x\", \"token\", tok)\nslog.Info(\"listening\", \"port\", p)\n";
        let got = g6_names("m.go", Lang::Go, go);
        assert_eq!(got.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [1], "{got:?}");
    }

    #[test]
    fn python_json_logger_fields() {
        let ok = "JsonFormatter(\"%(levelname)s %(message)s %(name)s\", rename_fields={\"levelname\": \"level\", \"message\": \"msg\"}, timestamp=\"time\")";
        assert_eq!(python_json_fields(ok, ok.find('(').unwrap()).unwrap(), ["level", "msg", "name", "time"]);
        let bare = "JsonFormatter()";
        assert_eq!(python_json_fields(bare, bare.find('(').unwrap()).unwrap(), ["message"]);
        let var = "JsonFormatter(FMT, rename_fields=RENAMES)";
        assert!(python_json_fields(var, var.find('(').unwrap()).is_none());
    }

    #[test]
    fn app_code_importing_the_generated_module_is_told_from_code_that_does_not() {
        let imports = |name: &str, lang: Lang, text: &str| {
            let mut repo = Repo::default();
            repo.sources.push(file(name, lang, text));
            skeleton_importer(&repo).is_some()
        };
        for (name, lang, text) in [
            ("app.py", Lang::Python, "from observability import vibe_observability as obs\n"),
            ("shop/main.py", Lang::Python, "import observability.vibe_observability\n"),
            ("src/server.js", Lang::Js, "const obs = require('../observability/vibe-observability');\n"),
            ("src/index.ts", Lang::Js, "import * as obs from \"./observability/vibe-observability\";\n"),
            ("main.go", Lang::Go, "import (\n\t\"net/http\"\n\t\"shop/observability\"\n)\n"),
            ("src/main/java/shop/App.java", Lang::Java, "import vibe.observability.VibeObservability;\n"),
            ("src/main.rs", Lang::Rust, "fn main() { vibe_observability::init(); }\n"),
            ("src/bootstrap.php", Lang::Php, "<?php\nuse Vibe\\Observability\\VibeObservability as Obs;\n"),
        ] {
            assert!(imports(name, lang, text), "{name}: {text}");
        }
        for (name, lang, text) in [
            ("app.py", Lang::Python, "# from observability import vibe_observability\nimport logging\n"),
            ("src/server.js", Lang::Js, "const express = require('express'); // see observability/README.md\n"),
            ("main.go", Lang::Go, "import \"net/http\"\n"),
            ("observability/example-app.js", Lang::Js, "const obs = require('./vibe-observability');\n"),
            ("test/app.test.js", Lang::Js, "require('../observability/vibe-observability');\n"),
        ] {
            assert!(!imports(name, lang, text), "{name}: {text}");
        }
    }

    #[test]
    fn runtime_code_excludes_tests_and_front_ends() {
        assert!(is_runtime_code(&file("app/main.py", Lang::Python, "")));
        assert!(!is_runtime_code(&file("tests/test_api.py", Lang::Python, "")));
        assert!(!is_runtime_code(&file("src/App.tsx", Lang::Js, "")));
        assert!(!is_runtime_code(&file("api/handler_test.go", Lang::Go, "")));
    }
}
