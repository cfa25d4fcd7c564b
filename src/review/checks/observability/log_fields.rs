//! G5: time, level, msg

use super::*;

pub(super) static PY_FIELDS: LazyLock<Regex> = LazyLock::new(|| re(r"%\((\w+)\)"));
pub(super) static PY_BRACE_FIELDS: LazyLock<Regex> = LazyLock::new(|| re(r"\{(\w+)\}"));
pub(super) static DICT_PAIR: LazyLock<Regex> = LazyLock::new(|| re(r#"["'](\w+)["']\s*:\s*["'](\w+)["']"#));

pub(super) fn lit_text(b: &[u8], l: &lang::Lit) -> String {
    String::from_utf8_lossy(&b[l.body.0..l.body.1]).into_owned()
}

/// Fields a python-json-logger JsonFormatter call writes, or None when it cannot be told statically.
pub(super) fn python_json_fields(masked: &str, open: usize) -> Option<Vec<String>> {
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
pub(super) struct FieldSettings {
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

pub(super) static FIELD_SETTINGS: LazyLock<FieldSettings> = LazyLock::new(|| FieldSettings {
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
pub(super) fn missing_fields(f: &TextFile, masked: &str) -> Option<(usize, &'static str, Vec<&'static str>)> {
    let d = lang::dialect(f);
    let pattern = &f.lang.language()?.support().logs(d).json_logger_setup;
    let d = if d == Dialect::Kotlin { Dialect::Java } else { d };
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
    for f in judged_sources(r) {
        let Some(language) = f.lang.language() else {
            continue;
        };
        if !language.support().logs(lang::dialect(f)).json_logger_setup.is_match(&f.text) {
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

pub(super) fn g5_fix(lib: &str) -> String {
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
