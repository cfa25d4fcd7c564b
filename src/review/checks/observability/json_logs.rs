//! G3: JSON logs on stdout

use super::*;

/// JSON logging declared in a dependency manifest whose configuration lives in XML we do not read.
pub(super) static JSON_LOGGER_DEP: LazyLock<Regex> =
    LazyLock::new(|| re(r"logstash-logback-encoder|log4j-layout-template-json|ecs-logging-java|logback-json-classic"));

/// Python files serving HTTP (where print() output is the app's log).
pub(super) static PY_WEB: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?m)^\s*(?:from|import)\s+(?:flask|fastapi|django|starlette|aiohttp|bottle|tornado|sanic|falcon|quart|litestar)\b",
    )
});
/// Rust files serving HTTP (where println! output is the app's log).
pub(super) static RS_WEB: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:axum|actix_web|rocket|warp|hyper|poem|tide)::"));
/// Go files importing the standard `log` package.
pub(super) static GO_STD_LOG: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?m)^\s*(?:import\s+)?(?:\w+\s+)?"log"\s*$|import\s+"log""#));

pub(super) fn json_logger_in(f: &TextFile, masked: &str) -> bool {
    let Some(support) = f.lang.language().map(Language::support) else {
        return false;
    };
    let d = lang::dialect(f);
    let logs = support.logs(d);
    let direct = logs.json_logging.is_match(masked);
    let rust_ok = d != Dialect::Rust || masked.contains("tracing_subscriber") || !masked.contains(".json()");
    (direct && rust_ok)
        || logs
            .custom_json_formatter
            .as_ref()
            .is_some_and(|(class, encoder)| class.is_match(masked) && masked.contains(encoder))
}

/// The first place a file logs plain text: (offset, what).
pub(super) fn plain_logging(f: &TextFile, masked: &str, json_here: bool) -> Option<(usize, String)> {
    let d = lang::dialect(f);
    let pattern = &f.lang.language()?.support().logs(d).plain_logging;
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

pub(super) fn g3_fix(lang: Option<Lang>) -> String {
    let how = lang.and_then(Lang::language).map_or("your language's JSON logger", |l| l.support().json_logger);
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
    let wired = skeleton_wired(r);
    let mut json_anywhere = repo
        .dependency_files
        .iter()
        .any(|f| (wired || !f.file.starts_with(OBSERVABILITY_DIR)) && JSON_LOGGER_DEP.is_match(&f.text));
    let mut plain = Vec::new();
    for f in judged_sources(r) {
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
                .fix(format!("In `{}` line {line} and the lines like it: {}", f.file, g3_fix(Some(f.lang)))),
        );
    }
    if plain.is_empty() && !json_anywhere {
        out.push(
            Finding::new(CheckId::G3, entry_file(r), None)
                .message("No JSON logger is configured, so the app's log lines are not JSON")
                .fix(format!("In `{}`, the app's entry code: {}", entry_file(r), g3_fix(main_lang(repo)))),
        );
    }
}
