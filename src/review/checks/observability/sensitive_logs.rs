//! G6: credentials and PII in log calls

use super::*;
use crate::credentials::{CREDENTIAL_PAIRS, CREDENTIAL_PARTS, NameRule};

/// A logging method call: `.info(`, `->error(`, `::warn(` (the receiver is checked separately).
pub(super) static LOG_METHOD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:\.|->|::)(?:trace|debug|info|information|notice|warn|warning|error|err|critical|crit|fatal|exception|log|msg|emergency|alert|print|printf|println|tracef|debugf|infof|warnf|warningf|errorf|fatalf|panicf|debugw|infow|warnw|errorw|fatalw|Trace|Debug|Info|Warn|Warning|Error|Fatal|Panic|Print|Printf|Println|Debugf|Infof|Warnf|Errorf|Fatalf|Panicf|Debugw|Infow|Warnw|Errorw|Fatalw|DebugContext|InfoContext|WarnContext|ErrorContext|Log|LogAttrs)[ \t]*\(",
    )
});

/// Receivers that are loggers: `logger`, `self.log`, `$this->logger`, `console`, `slog`, `Log::`.
pub(super) fn is_logger(receiver: &str) -> bool {
    let last = receiver.rsplit(['.', '>', ':']).next().unwrap_or(receiver).trim_start_matches('$');
    let lower = last.to_ascii_lowercase();
    lower.contains("log")
        || matches!(
            lower.as_str(),
            "console" | "slog" | "zap" | "sugar" | "zerolog" | "winston" | "pino" | "structlog" | "l"
        )
}

/// The log calls of a masked file of `language`: (start of the call text, its `(`, the call as written).
pub(super) fn log_calls(masked: &str, language: Option<Language>, d: Dialect) -> Vec<(usize, usize, String)> {
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
    if let Some(p) = language.and_then(|l| l.support().logs(d).print_calls.as_ref()) {
        for m in p.find_iter(masked) {
            out.push((m.start(), m.end() - 1, m.as_str().trim_end_matches('(').trim_end().to_string()));
        }
    }
    out
}

/// Words that make a value sensitive beside the credential words: personal data.
const PERSONAL: &[&str] =
    &["cvv", "cvc", "ssn", "email", "authorization", "bearer", "creditcard", "cardnumber", "ccnumber"];
/// Adjacent words that make a value sensitive beside the credential pairs.
const PERSONAL_PAIRS: &[(&str, &str)] = &[
    ("card", "number"),
    ("card", "num"),
    ("card", "no"),
    ("credit", "card"),
    ("e", "mail"),
    ("auth", "header"),
    ("auth", "token"),
];
/// What makes a logged value sensitive (credentials and personal data).
static SENSITIVE: NameRule = NameRule {
    parts: &[CREDENTIAL_PARTS, PERSONAL],
    pairs: &[CREDENTIAL_PAIRS, PERSONAL_PAIRS],
    benign_first: SAFE_FIRST,
    benign_last: SAFE_LAST,
};
/// A last word that makes the value about the secret rather than the secret itself.
pub(super) const SAFE_LAST: &[&str] = &[
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
pub(super) const SAFE_FIRST: &[&str] =
    &["is", "has", "should", "must", "can", "num", "count", "max", "min", "total", "no", "n", "use", "needs"];
/// Calls that make a sensitive value safe to log.
pub(super) static SANITIZER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)mask|redact|hash|anonymi|obfusc|scrub|sanitiz|censor|truncat|^len$|^count|^bool$|^isinstance$|^typeof$|^type$|^is_|^has_|length$",
    )
});

pub(super) fn sensitive_word(name: &str) -> bool {
    SENSITIVE.matches(name)
}

/// Sensitive values passed in the arguments `range` of a log call: names as written.
pub(super) fn sensitive_refs(b: &[u8], range: (usize, usize), d: Dialect, first_arg_end: usize, out: &mut Vec<String>) {
    let mut i = range.0;
    // Enclosing calls inside the log call's arguments: (name, depth inside).
    let mut calls: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut pending_call: Option<String> = None;
    let sanitized = |calls: &Vec<(String, usize)>| calls.iter().any(|(n, _)| SANITIZER.is_match(n));
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
                out.extend(key_ref(b, range, (l.start, end), &body, first_arg_end));
            }
            pending_call = None;
            i = end.max(i + 1);
            continue;
        }
        let c = b[i];
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            // An identifier chain: a.b.c, $a->b, a?.b, a["b"].
            let start = i;
            let (last_start, j) = ident_chain(b, i, range.1);
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

/// A string literal at `lit` (start, end) read as a key that names what is logged: a subscript
/// (`request.headers["Authorization"]`, given with its chain), a dict/object key (`"password":`,
/// `'token' =>`) or a standalone argument after the message. None for any other string.
fn key_ref(b: &[u8], range: (usize, usize), lit: (usize, usize), body: &str, first_arg_end: usize) -> Option<String> {
    let (start, end) = lit;
    let before = b[range.0..start].iter().rev().find(|c| !c.is_ascii_whitespace()).copied();
    let after = b[end..range.1].iter().find(|c| !c.is_ascii_whitespace()).copied();
    let subscript = before == Some(b'[') && after == Some(b']');
    let dict_key =
        after == Some(b':') && b.get(end + 1) != Some(&b':') || (after == Some(b'=') && b.get(end + 1) == Some(&b'>'));
    let standalone = start >= first_arg_end
        && matches!(before, Some(b',') | Some(b'('))
        && matches!(after, Some(b',') | Some(b')') | None);
    if subscript {
        // The chain before the subscript: request.headers["Authorization"].
        let bracket = b[..start].iter().rposition(|&c| c == b'[').unwrap_or(start);
        let from =
            b[..bracket].iter().rposition(|&c| !(lang::is_ident(c) || c == b'.' || c == b'$')).map_or(0, |p| p + 1);
        Some(format!("{}[\"{body}\"]", String::from_utf8_lossy(&b[from.max(range.0)..bracket])))
    } else {
        (dict_key || standalone).then(|| format!("\"{body}\""))
    }
}

/// An identifier chain starting at `i` (`a.b.c`, `$a->b`, `a?.b`, `A::b`): where its last part
/// starts and where the chain ends (before `end`).
fn ident_chain(b: &[u8], i: usize, end: usize) -> (usize, usize) {
    let mut last_start = i;
    let mut j = i + 1;
    while j < end && lang::is_ident(b[j]) {
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
            while j < end && lang::is_ident(b[j]) {
                j += 1;
            }
        } else {
            break;
        }
    }
    (last_start, j)
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
        for (start, open, call) in log_calls(&masked, f.lang.language(), d) {
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
