//! Source checks (S1–S5): hardcoded credentials, committed `.env` files, SQL built from strings,
//! unpinned dependencies and superuser database logins.
//!
//! They read application source and app config files (`repo.sources`), dependency manifests
//! (`repo.dependency_files`), `.gitignore` files and, for S5, the manifests and chart values.
//! Source is read with a small lexer ([`code`]) that knows each language's strings and comments,
//! so a word in a comment is not code and a query split over lines is still one call.
//! The [`code`] module is shared with the observability checks (G2–G6).

use crate::contract::CheckId;
use crate::lang::{self, Dialect, Lines};
use crate::repo::{Lang, Repo, TextFile};
use crate::review::check::{Check, Judged};
use crate::review::workload;
use crate::review::{Finding, Review};
use crate::yaml::Node;
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// The checks of this file, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::S1, run: s1, judged: Judged::Static, repo_only: true, fixer: None },
    Check { id: CheckId::S2, run: s2, judged: Judged::Static, repo_only: true, fixer: None },
    Check { id: CheckId::S3, run: s3, judged: Judged::Static, repo_only: true, fixer: None },
    Check { id: CheckId::S4, run: s4, judged: Judged::Static, repo_only: true, fixer: None },
    Check { id: CheckId::S5, run: s5, judged: Judged::Static, repo_only: true, fixer: None },
];

/// Compiles a pattern with ASCII word boundaries: a Unicode `\b` makes the regex engine fall
/// back to its slow path on any non-ASCII text.
pub(super) fn re(pattern: &str) -> Regex {
    let pattern = pattern.replace(r"\b", r"(?-u:\b)");
    Regex::new(&pattern).unwrap_or_else(|e| panic!("bad pattern {pattern}: {e}"))
}

// ------------------------------------------------------------------------------------------------
// S1: hardcoded credentials
// ------------------------------------------------------------------------------------------------

/// Every known format in one pattern, so a file is scanned once; [`KNOWN_FORMATS`] then names the match.
static ANY_KNOWN_FORMAT: LazyLock<Regex> = LazyLock::new(|| {
    let all: Vec<String> = KNOWN_FORMATS.iter().map(|(r, _)| format!("(?:{})", r.as_str())).collect();
    Regex::new(&all.join("|")).unwrap_or_else(|e| panic!("bad known-format pattern: {e}"))
});

/// Known credential formats: (pattern, what it is).
static KNOWN_FORMATS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    vec![
        (re(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "an AWS access key"),
        (re(r"\bgh[posur]_[A-Za-z0-9]{36,}\b"), "a GitHub token"),
        (re(r"\bgithub_pat_[A-Za-z0-9_]{22,}\b"), "a GitHub token"),
        (re(r"\bglpat-[A-Za-z0-9_\-]{20,}"), "a GitLab token"),
        (re(r"\bxox[baprs]-[A-Za-z0-9\-]{10,}"), "a Slack token"),
        (re(r"\b[sr]k_live_[A-Za-z0-9]{16,}"), "a Stripe live key"),
        (re(r"\bsk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_\-]{32,}"), "an OpenAI-style API key"),
        (re(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY(?: BLOCK)?-----"), "a private key"),
    ]
});

/// `scheme://user:password@host`.
static URL_WITH_PASSWORD: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\b([a-zA-Z][a-zA-Z0-9+.\-]{1,30})://([^\s:/@"'`<>{}$]*):([^\s@/"'`<>]+)@[^\s/"'`<>:@]+"#));

/// `name = "value"`, `name: "value"`, `"name": "value"`, `name := "value"`, `'name' => 'value'`,
/// `config["name"] = "value"`, with an optional type annotation (`name: str = "value"`,
/// `const NAME: &str = "value"`, `var name string = "value"`). Values with whitespace are prose.
static QUOTED_ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"([A-Za-z0-9_$.\-]*(?i-u:pass|pwd|secret|token|key|auth|credential|jwt)[A-Za-z0-9_$.\-]*)(?:["']\]|["'])?[ \t]*(?::[ \t]*&?[A-Za-z0-9_\[\]<>'. ]{1,40}?[ \t]*|[ \t]+string[ \t]*)?(?:===?|:=|=>|=|:)[ \t]*[bruBRU]?(["'`])([^"'`\n\\ \t]{1,400})["'`]"#,
    )
});

/// `setPassword("value")`, `.password("value")`, `.withApiKey("value")`: a setter or builder given a literal.
static SETTER_CALL: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?:\.|\bset|\bwith)([A-Za-z_][A-Za-z0-9_]*)\(\s*["']([^"'\n\\ \t]{1,400})["']\s*\)"#));

/// PHP's `define('DB_PASSWORD', 'value')`, as in wp-config.php.
static PHP_DEFINE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\bdefine\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*,\s*["']([^"'\n\\ \t]{1,400})["']\s*\)"#));

/// `getenv("NAME", "default")`, `environ.get("NAME", "default")`: a hardcoded fallback.
static ENV_DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:getenv|environ\.get|env\.get|getEnv|env)\(\s*["']([A-Za-z_][A-Za-z0-9_.\-]*)["']\s*,\s*["']([^"'\n\\ \t]{1,400})["']"#,
    )
});

/// `process.env.NAME || "default"`, `process.env.NAME ?? "default"`.
static JS_ENV_DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"process\.env\.([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|\||\?\?)\s*["'`]([^"'`\n\\ \t]{1,400})["'`]"#)
});

/// `NAME=value` / `name: value` lines of config files (.env, .properties, YAML).
static CONFIG_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"^\s*(?:export\s+)?["']?([A-Za-z_][\w.\-]*)["']?\s*[:=]\s*(.*?)\s*$"#));

/// Parts of a name that make it secret-like for S1.
const SECRET_PARTS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "accesskey",
    "clientsecret",
    "auth",
    "credential",
    "credentials",
    "jwt",
];
/// Adjacent parts that make a name secret-like.
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("private", "key"),
    ("access", "key"),
    ("client", "secret"),
    ("signing", "key"),
    ("encryption", "key"),
    ("master", "key"),
    ("app", "key"),
];
/// A last part that makes a secret-like name about something else (`TOKEN_URL`, `secret_name`).
const BENIGN_LAST: &[&str] = &[
    "url",
    "uri",
    "endpoint",
    "name",
    "names",
    "field",
    "fields",
    "type",
    "types",
    "path",
    "file",
    "dir",
    "env",
    "var",
    "header",
    "prefix",
    "suffix",
    "len",
    "length",
    "size",
    "count",
    "id",
    "ids",
    "ttl",
    "expires",
    "expiry",
    "expiration",
    "exp",
    "at",
    "source",
    "mode",
    "method",
    "scheme",
    "provider",
    "backend",
    "service",
    "strategy",
    "algorithm",
    "alg",
    "enabled",
    "required",
    "format",
    "pattern",
    "regex",
    "policy",
    "limit",
    "template",
    "hint",
    "label",
    "placeholder",
    "version",
    "class",
    "module",
    "key_name",
    "ref",
    "store",
    "location",
    "domain",
    "input",
    "hasher",
    "hashers",
    "validator",
    "validators",
    "rule",
    "rules",
    "model",
    "selector",
    "message",
    "msg",
    "text",
    "title",
    "prompt",
    "error",
    "errors",
    "help",
    "encoding",
    "charset",
];
/// A first part that makes the name a flag or a number (`has_token`, `max_tokens`).
const BENIGN_FIRST: &[&str] = &[
    "is", "has", "should", "must", "can", "use", "num", "count", "max", "min", "total", "no", "get", "forgot", "show",
    "toggle", "on", "handle", "validate",
];

/// True when an identifier names a credential (S1): `API_KEY`, `dbPassword`, `client_secret`.
pub(super) fn is_secret_name(name: &str) -> bool {
    let parts = lang::split_parts(name);
    if parts.is_empty() || BENIGN_FIRST.contains(&parts[0].as_str()) {
        return false;
    }
    let last = parts.last().map(String::as_str).unwrap_or("");
    if parts.len() > 1 && BENIGN_LAST.contains(&last) {
        return false;
    }
    parts.iter().any(|p| SECRET_PARTS.contains(&p.as_str()))
        || parts.windows(2).any(|w| SECRET_PAIRS.contains(&(w[0].as_str(), w[1].as_str())))
}

/// Shannon entropy in bits per character.
pub(super) fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|&c| {
            let p = c as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

/// Smallest length of a literal judged by entropy.
const MIN_SECRET_LEN: usize = 16;
/// Entropy (bits per character) above which a literal assigned to a secret-like name is a secret.
const MIN_SECRET_ENTROPY: f64 = 3.5;

/// Values that stand for a secret rather than being one: `${PASSWORD}`, `<token>`, `changeme`, `xxxx`.
pub(super) fn is_placeholder(v: &str) -> bool {
    let v = v.trim();
    if v.is_empty()
        || v.contains("${")
        || v.contains("{{")
        || v.contains("$(")
        || v.contains("%(")
        || v.contains("%s")
        || v.contains("%env(")
        || v.contains("#{")
    {
        return true;
    }
    if v.starts_with('$') || (v.starts_with('<') && v.ends_with('>')) || (v.starts_with('{') && v.ends_with('}')) {
        return true;
    }
    let first = v.chars().next().unwrap_or(' ');
    if v.chars().all(|c| c == first) || v.chars().all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '-' | '_' | '•')) {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "changeme",
        "change_me",
        "change-me",
        "replace_me",
        "replace-me",
        "replaceme",
        "your_",
        "your-",
        "yourpassword",
        "yoursecret",
        "yourtoken",
        "example",
        "placeholder",
        "dummy",
        "sample",
        "xxxx",
        "todo",
        "fixme",
        "redacted",
        "<",
        "insert_",
        "insert-",
        "_here",
        "-here",
    ];
    if WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    matches!(
        lower.as_str(),
        "password" | "pass" | "passwd" | "pwd" | "secret" | "token" | "none" | "null" | "nil" | "undefined"
    )
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// Shows the first 4 characters of a secret and masks the rest.
pub(super) fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    if n <= 8 {
        return "*".repeat(n.max(4));
    }
    let shown: String = secret.chars().take(4).collect();
    format!("{shown}{}", "*".repeat((n - 4).min(16)))
}

/// A literal value S1 judges by entropy: long, random-looking, not a placeholder, path or URL.
fn high_entropy_secret(value: &str) -> bool {
    let v = value.trim();
    let path_or_url =
        v.starts_with("http://") || v.starts_with("https://") || v.starts_with('/') || v.starts_with("./");
    let env_name = v.contains('_') && v.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    // `required|string|min:8` is a validation rule (Laravel, Yup), not a key.
    let rule = v.contains('|');
    let excluded = v.len() < MIN_SECRET_LEN
        || v.contains(char::is_whitespace)
        || is_placeholder(v)
        || path_or_url
        || env_name
        || rule;
    !excluded && entropy(v) > MIN_SECRET_ENTROPY
}

/// Smallest length of a hand-made password S1 reports (shorter literals are flags and codes).
const MIN_PLAIN_SECRET_LEN: usize = 6;

/// Words that make up the name of a secret rather than a secret (`access_token`, `x-api-key`):
/// a literal made only of these is a storage key, header or cookie name.
const KEY_NAME_WORDS: &[&str] = &[
    "access", "refresh", "id", "api", "key", "x", "auth", "bearer", "session", "csrf", "xsrf", "user", "app", "client",
    "private", "public", "header", "storage", "local", "cookie", "oauth", "bot", "current", "new", "old", "confirm",
    "reset", "remember", "me", "basic",
];

/// A hand-made password or key under the secret-like `name` (`hunter2-SuperSecret!`, `dev-secret-key-123`,
/// `correct-horse-battery`): S1 reports it however guessable it is. Not: placeholders, paths and URLs,
/// numbers, plain words (labels, translations, `hashed`, `bcrypt`), dotted names (`accounts.User`),
/// validation rules (`required|min:8`), CSS selectors and the names of secrets themselves.
fn plain_secret(name: &str, value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    if v.chars().count() < MIN_PLAIN_SECRET_LEN
        || v.contains(char::is_whitespace)
        || is_placeholder(v)
        || v.contains('|')
        || v.starts_with(['#', '.', '/', '@', '%', '&'])
        || v.contains("://")
        || v.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == '_')
    {
        return false;
    }
    let env_name = v.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let word = v.chars().all(char::is_alphabetic)
        && !lower.contains("secret")
        && !lower.contains("password")
        && !lower.contains("passwd");
    let identifier = |sep: &[char]| {
        v.split(sep).all(|p| {
            p.chars().next().is_some_and(char::is_alphabetic) && p.chars().all(|c| c.is_alphanumeric() || c == '_')
        })
    };
    let dotted = v.contains(['.', ':']) && identifier(&['.', ':']);
    let name_parts = lang::split_parts(name);
    let key_name = !v.chars().any(|c| c.is_ascii_digit())
        && identifier(&['.', ':', '-'])
        && lang::split_parts(v).iter().all(|p| {
            KEY_NAME_WORDS.contains(&p.as_str()) || SECRET_PARTS.contains(&p.as_str()) || name_parts.contains(p)
        });
    !(env_name || word || dotted || key_name)
}

/// Tests, fixtures and example/sample/template files: their logins are samples, not the app's.
fn is_sample_file(file: &str) -> bool {
    let name = file.rsplit('/').next().unwrap_or(file);
    crate::detect::is_test_path(file, name) || is_env_template(file)
}

/// Files that hold Kubernetes objects: their values are the E checks', not S1's.
fn manifest_files(repo: &Repo) -> HashSet<&str> {
    repo.objects.iter().map(|o| o.file.as_str()).collect()
}

struct S1Hit {
    line: u32,
    start: usize,
    end: usize,
    message: String,
    /// The name the value is assigned to, when there is one (`DB_PASSWORD`, `apiKey`).
    name: Option<String>,
}

fn push_hit(hits: &mut Vec<S1Hit>, hit: S1Hit) {
    if !hits.iter().any(|h| h.start < hit.end && hit.start < h.end) {
        hits.push(hit);
    }
}

/// S1: no hardcoded credentials in application source or app config files.
pub fn s1(r: &Review, out: &mut Vec<Finding>) {
    let manifests = manifest_files(r.repo);
    let declared: &[String] = r.ctx.answers.as_ref().map(|a| a.secrets.as_slice()).unwrap_or_default();
    for f in &r.repo.sources {
        if manifests.contains(f.file.as_str()) || f.file.ends_with(".min.js") {
            continue;
        }
        for hit in s1_hits(f) {
            let name = hit.name.as_deref().or_else(|| assigned_name(&f.text, hit.start));
            let env = name.map(env_name).unwrap_or_else(|| "API_KEY".to_string());
            let fix = s1_fix(f, &env, declared.contains(&env));
            let mut finding = Finding::new(CheckId::S1, f.file.clone(), Some(hit.line)).message(hit.message).fix(fix);
            let secret = f.text.get(hit.start..hit.end).unwrap_or_default();
            // A private key is its whole block, one line at a time, not the header alone.
            let end = match secret.contains("PRIVATE KEY") {
                true => f.text[hit.end..].find("-----END").map_or(hit.end, |i| hit.end + i),
                false => hit.end,
            };
            for line in f.text.get(hit.start..end).unwrap_or(secret).lines() {
                finding = finding.secret(line);
            }
            out.push(finding);
        }
    }
}

/// The name a value at `at` is assigned to on its line (`AWS_ACCESS_KEY_ID = "AKIA…"`), if any.
fn assigned_name(text: &str, at: usize) -> Option<&str> {
    static NAME_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
        re(r#"([A-Za-z_][A-Za-z0-9_]*)["'\]]*\s*(?::=|=>|=|:)\s*(?:[A-Za-z_][\w.]*\(\s*)?[bruf]?["'`]?[^"'`=]*$"#)
    });
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    NAME_BEFORE.captures(&text[line_start..at]).and_then(|c| c.get(1)).map(|m| m.as_str())
}

/// The environment variable a secret-like name stands for: `dbPassword` -> `DB_PASSWORD`.
fn env_name(name: &str) -> String {
    lang::split_parts(name).join("_").to_ascii_uppercase()
}

/// S1's fix in the file's own language: how that code reads `env` from the environment, and
/// the vibe.yaml step only when `env` is not already one of its `secrets:`.
fn s1_fix(f: &TextFile, env: &str, declared: bool) -> String {
    let name = f.file.rsplit('/').next().unwrap_or(&f.file).to_ascii_lowercase();
    let read = match f.lang {
        Lang::Python => format!("read it with `os.environ[\"{env}\"]`"),
        Lang::Js => format!("read it with `process.env.{env}`"),
        Lang::Go => format!("read it with `os.Getenv(\"{env}\")`"),
        Lang::Java => format!("read it with `System.getenv(\"{env}\")`"),
        Lang::Rust => format!("read it with `std::env::var(\"{env}\")`"),
        Lang::Php => format!("read it with `getenv('{env}')`"),
        Lang::Config if name.starts_with(".env") => {
            "leave only the name in the file for local runs (the platform sets the variable in the container)".into()
        }
        Lang::Config => format!("write `${{{env}}}` in its place so the value comes from the environment"),
    };
    let secret = if declared {
        format!(
            "`{env}` is already under `secrets:` in vibe.yaml, so the container gets it: seal the new value with \
             `vibe seal {env}`."
        )
    } else {
        format!(
            "Add `{env}` under `secrets:` in vibe.yaml, seal the value with `vibe seal {env}` and run `vibe generate`."
        )
    };
    format!(
        "Delete the value from {} and {read}. {secret} The value is in git history: revoke it and create a new one.",
        f.file
    )
}

fn s1_hits(f: &TextFile) -> Vec<S1Hit> {
    let text = f.text.as_str();
    let lines = std::cell::OnceCell::new();
    let lines = || lines.get_or_init(|| Lines::new(text));
    let mut hits: Vec<S1Hit> = Vec::new();
    // Known formats and URLs with passwords: anywhere, comments included (a key in a comment leaks too).
    for m in ANY_KNOWN_FORMAT.find_iter(text) {
        let Some((_, what)) =
            KNOWN_FORMATS.iter().find(|(p, _)| p.find(m.as_str()).is_some_and(|x| x.range() == (0..m.len())))
        else {
            continue;
        };
        {
            if is_placeholder(m.as_str()) {
                continue;
            }
            let shown = if what.contains("private key") { String::new() } else { format!(" (`{}`)", mask(m.as_str())) };
            push_hit(
                &mut hits,
                S1Hit {
                    line: lines().line(m.start()),
                    start: m.start(),
                    end: m.end(),
                    message: format!(
                        "{}{shown} is written in the file; anyone who can read the repo can use it",
                        capitalize(what)
                    ),
                    name: None,
                },
            );
        }
    }
    let url_text = if text.contains("://") { text } else { "" };
    for c in URL_WITH_PASSWORD.captures_iter(url_text) {
        let (Some(all), Some(scheme), Some(user), Some(pass)) = (c.get(0), c.get(1), c.get(2), c.get(3)) else {
            continue;
        };
        if is_placeholder(pass.as_str()) || pass.as_str().contains('{') || pass.as_str().contains('%') {
            continue;
        }
        push_hit(
            &mut hits,
            S1Hit {
                line: lines().line(all.start()),
                start: pass.start(),
                end: pass.end(),
                message: format!(
                    "A {} address contains a password (`{}://{}:{}@…`)",
                    scheme.as_str(),
                    scheme.as_str(),
                    user.as_str(),
                    "*".repeat(pass.as_str().chars().count().clamp(4, 8))
                ),
                name: None,
            },
        );
    }
    // Literals assigned to secret-like names.
    let mut named: Vec<(usize, usize, &str, &str)> = Vec::new(); // (value start, value end, name, value)
    if f.lang == Lang::Config && !f.file.ends_with(".json") {
        let mut offset = 0;
        for raw in text.split_inclusive('\n') {
            let line = raw.trim_end_matches(['\n', '\r']);
            if let Some(c) = CONFIG_LINE.captures(line) {
                let (Some(name), Some(value)) = (c.get(1), c.get(2)) else {
                    continue;
                };
                if !line.trim_start().starts_with('#') && !line.trim_start().starts_with('!') {
                    let v = value.as_str();
                    let v = v.split(" #").next().unwrap_or(v).trim();
                    let v = v.trim_matches(|c| c == '"' || c == '\'');
                    if let Some(pos) = line.find(v).filter(|_| !v.is_empty()) {
                        named.push((offset + pos, offset + pos + v.len(), name.as_str(), v));
                    }
                }
            }
            offset += raw.len();
        }
    } else {
        for c in QUOTED_ASSIGNMENT.captures_iter(text) {
            let (Some(name), Some(value)) = (c.get(1), c.get(3)) else {
                continue;
            };
            let name = name.as_str().rsplit(['.', '$']).next().unwrap_or(name.as_str());
            named.push((value.start(), value.end(), name, value.as_str()));
        }
    }
    let setters: &[&Regex] = match f.lang {
        Lang::Php => &[&*SETTER_CALL, &*PHP_DEFINE],
        Lang::Config => &[],
        _ => &[&*SETTER_CALL],
    };
    for pattern in [&*ENV_DEFAULT, &*JS_ENV_DEFAULT].into_iter().chain(setters.iter().copied()) {
        for c in pattern.captures_iter(text) {
            let (Some(name), Some(value)) = (c.get(1), c.get(2)) else {
                continue;
            };
            named.push((value.start(), value.end(), name.as_str(), value.as_str()));
        }
    }
    // Any literal under a secret-like name counts in the app's own code; tests, example files and
    // comments hold sample logins, so there only random-looking values do.
    let sample_file = is_sample_file(&f.file);
    let masked = (f.lang != Lang::Config).then(|| lang::masked(f));
    let in_code = |at: usize| masked.as_ref().is_none_or(|m| m.as_bytes().get(at) == text.as_bytes().get(at));
    for (start, end, name, value) in named {
        let weak = !sample_file && in_code(start) && plain_secret(name, value);
        if is_secret_name(name) && (high_entropy_secret(value) || weak) {
            push_hit(
                &mut hits,
                S1Hit {
                    line: lines().line(start),
                    start,
                    end,
                    message: format!("`{name}` is set to a hardcoded secret (`{}`)", mask(value)),
                    name: Some(name.to_string()),
                },
            );
        }
    }
    hits.sort_by_key(|h| (h.line, h.start));
    hits
}

// ------------------------------------------------------------------------------------------------
// S2: .env files
// ------------------------------------------------------------------------------------------------

/// `.env.example`-style files that list names for others to copy; they are meant to be committed.
fn is_env_template(file: &str) -> bool {
    let name = file.rsplit('/').next().unwrap_or(file).to_ascii_lowercase();
    name.split('.').any(|part| matches!(part, "example" | "sample" | "template" | "dist" | "tpl"))
}

/// S2: `.env` files are gitignored and not committed.
pub fn s2(r: &Review, out: &mut Vec<Finding>) {
    for file in &r.repo.env_files {
        if is_env_template(file) || gitignore::ignored(&r.repo.gitignores, file) {
            continue;
        }
        let name = file.rsplit('/').next().unwrap_or(file);
        let has_gitignore = r.repo.gitignores.iter().any(|(g, _)| g == ".gitignore");
        let message = if has_gitignore {
            format!(
                "`{file}` holds local settings and secrets but .gitignore does not exclude it, so it gets committed"
            )
        } else {
            format!("`{file}` holds local settings and secrets but the repo has no .gitignore, so it gets committed")
        };
        out.push(Finding::new(CheckId::S2, file.clone(), Some(1)).message(message).fix(format!(
            "Add the lines `.env`, `.env.*` and `!.env.example` to .gitignore at the repo root, run \
             `git rm --cached {file}`, and change every password or key `{name}` held (it stays in git history). \
             Keep an `.env.example` with the names and empty values for others."
        )));
    }
}

/// Just enough of gitignore matching for S2: patterns, `*`, `?`, `**`, `[...]`, anchoring, negation,
/// directory patterns, and nested .gitignore files.
pub(super) mod gitignore {
    /// True when the repo-relative `path` is ignored by the .gitignore files.
    pub fn ignored(gitignores: &[(String, String)], path: &str) -> bool {
        let mut files: Vec<&(String, String)> = gitignores.iter().collect();
        files.sort_by_key(|(p, _)| p.matches('/').count());
        let mut ignored = false;
        for (gi, text) in files {
            let dir = gi.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            let rel = if dir.is_empty() {
                path
            } else if let Some(rest) = path.strip_prefix(dir).and_then(|r| r.strip_prefix('/')) {
                rest
            } else {
                continue;
            };
            for line in text.lines() {
                let line = line.trim_end();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let (negate, pattern) = match line.strip_prefix('!') {
                    Some(p) => (true, p),
                    None => (false, line.strip_prefix('\\').unwrap_or(line)),
                };
                if matches(pattern, rel) {
                    ignored = !negate;
                }
            }
        }
        ignored
    }

    /// Does one gitignore pattern match the file `rel` (or a folder it is in)?
    fn matches(pattern: &str, rel: &str) -> bool {
        let dir_only = pattern.ends_with('/');
        let pattern = pattern.trim_end_matches('/');
        if pattern.is_empty() {
            return false;
        }
        let anchored = pattern.contains('/');
        let pattern = pattern.trim_start_matches('/');
        let components: Vec<&str> = rel.split('/').collect();
        // Candidates: the file itself (not for folder patterns) and every folder containing it.
        let n = components.len();
        for end in 1..=n {
            let is_file = end == n;
            if is_file && dir_only {
                continue;
            }
            let hit = if anchored {
                glob(pattern.as_bytes(), components[..end].join("/").as_bytes())
            } else {
                glob(pattern.as_bytes(), components[end - 1].as_bytes())
            };
            if hit {
                return true;
            }
        }
        false
    }

    /// Glob matching with `*` (no `/`), `**` (any), `?` and `[...]`.
    pub(super) fn glob(p: &[u8], s: &[u8]) -> bool {
        if p.is_empty() {
            return s.is_empty();
        }
        match p[0] {
            b'*' if p.get(1) == Some(&b'*') => {
                let rest = p[2..].strip_prefix(b"/").unwrap_or(&p[2..]);
                (0..=s.len()).any(|i| glob(rest, &s[i..]))
            }
            b'*' => (0..=s.len()).take_while(|&i| i == 0 || s[i - 1] != b'/').any(|i| glob(&p[1..], &s[i..])),
            b'?' => !s.is_empty() && s[0] != b'/' && glob(&p[1..], &s[1..]),
            b'[' => {
                let Some(close) = p.iter().skip(1).position(|&c| c == b']').map(|i| i + 1) else {
                    return !s.is_empty() && s[0] == b'[' && glob(&p[1..], &s[1..]);
                };
                if s.is_empty() {
                    return false;
                }
                let class = &p[1..close];
                let (negate, class) = match class.first() {
                    Some(b'!') | Some(b'^') => (true, &class[1..]),
                    _ => (false, class),
                };
                let mut hit = false;
                let mut i = 0;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == b'-' {
                        hit |= class[i] <= s[0] && s[0] <= class[i + 2];
                        i += 3;
                    } else {
                        hit |= class[i] == s[0];
                        i += 1;
                    }
                }
                hit != negate && glob(&p[close + 1..], &s[1..])
            }
            c => !s.is_empty() && s[0] == c && glob(&p[1..], &s[1..]),
        }
    }
}

// ------------------------------------------------------------------------------------------------
// S3: SQL built from strings
// ------------------------------------------------------------------------------------------------

/// Text that reads as SQL.
static SQL_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?is)\bselect\b.{0,400}?\bfrom\b|\binsert\s+into\b|\bupdate\s+[\w.`\x22\[\]]+\s+set\b|\bdelete\s+from\b|\b(?:drop|create|alter|truncate)\s+table\b|\bwhere\s+[\w.`\x22]+\s*(?:=|<|>|!=|\blike\b|\bin\b)|\bmerge\s+into\b",
    )
});

/// Calls that run SQL, per dialect.
static SQL_CALLS: LazyLock<[(Dialect, Regex); 7]> = LazyLock::new(|| {
    [
        (
            Dialect::Python,
            re(
                r"(?:\.|\b)(execute|executemany|executescript|exec_driver_sql|raw|text|RawSQL|read_sql|read_sql_query|fetch|fetchrow|fetchval)\s*\(",
            ),
        ),
        (
            Dialect::Js,
            re(
                r"\.(query|execute|raw|\$queryRawUnsafe|\$executeRawUnsafe|queryRawUnsafe|executeRawUnsafe|exec|all|get|run|prepare|each|none|one|oneOrNone|many|manyOrNone|any|whereRaw|selectRaw)\s*\(",
            ),
        ),
        (
            Dialect::Go,
            re(
                r"\.(Query|QueryRow|QueryContext|QueryRowContext|Exec|ExecContext|Prepare|PrepareContext|Select|SelectContext|Get|GetContext|Raw|NamedExec|NamedQuery|MustExec|Queryx|QueryRowx)\s*\(",
            ),
        ),
        (
            Dialect::Java,
            re(
                r"\.(executeQuery|executeUpdate|executeLargeUpdate|execute|prepareStatement|prepareCall|addBatch|createQuery|createNativeQuery|createSQLQuery|queryForObject|queryForList|queryForMap|queryForRowSet|query|update|batchUpdate)\s*\(",
            ),
        ),
        (
            Dialect::Kotlin,
            re(
                r"\.(executeQuery|executeUpdate|executeLargeUpdate|execute|prepareStatement|prepareCall|addBatch|createQuery|createNativeQuery|createSQLQuery|queryForObject|queryForList|queryForMap|queryForRowSet|query|update|batchUpdate)\s*\(",
            ),
        ),
        (
            Dialect::Php,
            re(
                r"(?:->|::|\b)(query|exec|prepare|execute|raw|select|statement|unprepared|mysqli_query|pg_query|sqlsrv_query|whereRaw|selectRaw)\s*\(",
            ),
        ),
        (
            Dialect::Rust,
            re(
                r"\b(query|query_as|query_scalar|execute|raw_sql|prepare|query_one|query_opt|batch_execute|simple_query)\s*(?:::\s*<[^>]*>\s*)?\(",
            ),
        ),
    ]
});

/// Where a variable is assigned: `name =`, `name :=`, `name +=`, `$name .=`, `let name =`.
static ASSIGNMENT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(\$?[A-Za-z_][\w]*)\s*(?::\s*[\w<>\[\]&' ]{1,40}?\s*)?(\+=|\.=|:=|=)"));

/// How a piece of SQL text was built, when it was built by formatting.
fn formatting(b: &[u8], range: (usize, usize), d: Dialect) -> Option<&'static str> {
    let lits = lang::literals(b, range, d);
    let bare = lang::without_literals(b, range, d);
    for l in &lits {
        if l.interpolated && !l.holes.is_empty() {
            // A tagged template (sql`...${x}`) is parameterised by its tag.
            let tagged = d == Dialect::Js
                && b[..l.start].iter().rev().find(|c| !c.is_ascii_whitespace()).is_some_and(|&c| lang::is_ident(c));
            if !tagged {
                return Some(match d {
                    Dialect::Python => "an f-string",
                    Dialect::Js => "a template literal with `${}`",
                    Dialect::Rust => "`{}` placeholders filled in",
                    _ => "variables inside the string",
                });
            }
        }
    }
    // \x01 stands for a literal (see `lang::without_literals`).
    static PY_PERCENT: LazyLock<Regex> = LazyLock::new(|| re(r"\x01\s*%\s*[\w(\[{]"));
    static CONCAT: LazyLock<Regex> = LazyLock::new(|| re(r"(?:\x01\s*\+\s*[\w$(\[]|[\w$)\]]\s*\+\s*\x01)"));
    static PHP_CONCAT: LazyLock<Regex> = LazyLock::new(|| re(r"(?:\x01\s*\.\s*[\w$(]|[\w)\]]\s*\.\s*\x01)"));
    let has_lit = !lits.is_empty();
    match d {
        Dialect::Python if PY_PERCENT.is_match(&bare) => return Some("`%` formatting"),
        Dialect::Python if bare.contains(".format(") => return Some("`.format()`"),
        Dialect::Go if bare.contains("Sprintf(") => return Some("`fmt.Sprintf`"),
        Dialect::Java | Dialect::Kotlin if bare.contains("String.format(") || bare.contains(".formatted(") => {
            return Some("`String.format`");
        }
        Dialect::Php if bare.contains("sprintf(") => return Some("`sprintf`"),
        Dialect::Php if has_lit && PHP_CONCAT.is_match(&bare) => return Some("`.` concatenation"),
        Dialect::Rust if bare.contains("format!(") => return Some("`format!`"),
        Dialect::Js if bare.contains(".concat(") && has_lit => return Some("`.concat()`"),
        _ => {}
    }
    if has_lit && d != Dialect::Php && CONCAT.is_match(&bare) {
        return Some("`+` concatenation");
    }
    None
}

fn is_sql(b: &[u8], range: (usize, usize), d: Dialect) -> bool {
    lang::literals(b, range, d).iter().any(|l| {
        let body = &b[l.body.0..l.body.1];
        std::str::from_utf8(body).is_ok_and(|t| SQL_TEXT.is_match(t))
    })
}

/// The argument holding the SQL text, for calls whose first arguments are a context or a destination.
fn sql_arg(b: &[u8], d: Dialect, name: &str, args: &[(usize, usize)]) -> Option<(usize, usize)> {
    let text = |a: &(usize, usize)| String::from_utf8_lossy(&b[a.0..a.1]).trim().to_string();
    match d {
        Dialect::Go => args.iter().find(|a| {
            let t = text(a);
            !(t.starts_with('&') || t == "ctx" || t.contains("Context(") || t.starts_with("context.") || t.is_empty())
        }),
        Dialect::Php if matches!(name, "mysqli_query" | "pg_query" | "sqlsrv_query") && args.len() >= 2 => args.get(1),
        _ => args.first(),
    }
    .copied()
}

struct Assignment {
    name: String,
    at: usize,
    value: (usize, usize),
    append: bool,
}

fn assignments(masked: &str, d: Dialect) -> Vec<Assignment> {
    let b = masked.as_bytes();
    let mut out = Vec::new();
    for c in ASSIGNMENT.captures_iter(masked) {
        let (Some(name), Some(op)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let end = op.end();
        // Not `==`, `<=`, `>=`, `!=`, `=>`.
        if b.get(end) == Some(&b'=') || b.get(end) == Some(&b'>') {
            continue;
        }
        if op.as_str() == "=" && op.start() > 0 && matches!(b[op.start() - 1], b'=' | b'!' | b'<' | b'>') {
            continue;
        }
        if name.start() > 0 && lang::is_ident(b[name.start() - 1]) {
            continue;
        }
        let value = lang::statement_end(b, end, d);
        out.push(Assignment {
            name: name.as_str().to_string(),
            at: name.start(),
            value: (end, value),
            append: op.as_str() == "+=" || op.as_str() == ".=",
        });
    }
    out
}

/// S3: no SQL built by string formatting or concatenation.
pub fn s3(r: &Review, out: &mut Vec<Finding>) {
    for (f, d, calls, masked) in lang::files_matching(&r.repo.sources, &*SQL_CALLS) {
        let b = masked.as_bytes();
        let lines = Lines::new(&masked);
        let mut assigns: Option<Vec<Assignment>> = None;
        let mut reported_until = 0usize;
        for c in calls.captures_iter(&masked) {
            let (Some(all), Some(name)) = (c.get(0), c.get(1)) else {
                continue;
            };
            if all.start() < reported_until {
                continue;
            }
            let open = all.end() - 1;
            let Some((end, args)) = lang::call_args(b, open, d) else {
                continue;
            };
            let Some(arg) = sql_arg(b, d, name.as_str(), &args) else {
                continue;
            };
            let mut how = formatting(b, arg, d).filter(|_| is_sql(b, arg, d));
            let mut via = None;
            let mut query = arg;
            if how.is_none() {
                // A variable holding the query: judge its assignments before the call.
                let ident = lang::bare_identifier(b, arg);
                if let Some(ident) = ident {
                    let list = assigns.get_or_insert_with(|| assignments(&masked, d));
                    let mut sql = false;
                    let mut built = None;
                    let mut appended = false;
                    for a in list.iter().filter(|a| a.name == ident && a.at < all.start()) {
                        if !a.append {
                            sql = false;
                            built = None;
                            query = a.value;
                        }
                        appended |= a.append;
                        sql |= is_sql(b, a.value, d);
                        built = built.or(formatting(b, a.value, d));
                    }
                    // A query built over several statements (`sql += ...`) is not read back.
                    if appended {
                        query = (0, 0);
                    }
                    if sql {
                        how = built;
                        via = Some(ident);
                    }
                }
            }
            if let Some(how) = how {
                reported_until = end;
                let subject = match via {
                    Some(v) => format!("The SQL in `{v}` passed to `{}` is built with {how}", name.as_str()),
                    None => format!("The SQL passed to `{}` is built with {how}", name.as_str()),
                };
                out.push(
                    Finding::new(CheckId::S3, f.file.clone(), Some(lines.line(name.start())))
                        .message(format!("{subject}: a value containing a quote can rewrite the query (SQL injection)"))
                        .fix(s3_fix(d, super::parameterise::example(b, (name.start(), name.end()), query, d, &f.text))),
                );
            }
        }
    }
}

/// S3's fix: the app's own call with placeholders when it could be read back, then the rule for
/// the language.
fn s3_fix(d: Dialect, example: Option<String>) -> String {
    let general = s3_general_fix(d);
    match example {
        Some(call) => format!(
            "Write placeholders in the SQL and pass the values separately; here: `{call}`. {}",
            general.split_once("; never").map(|(_, never)| format!("Never{never}")).unwrap_or_default()
        ),
        None => general.to_string(),
    }
}

fn s3_general_fix(d: Dialect) -> &'static str {
    match d {
        Dialect::Python => {
            "Write placeholders in the SQL and pass the values separately: \
             `cursor.execute(\"SELECT * FROM items WHERE id = %s\", (item_id,))` (sqlite3: `?`; SQLAlchemy: \
             `text(\"... WHERE id = :id\"), {\"id\": item_id}`); never f-strings, `%`, `.format()` or `+`."
        }
        Dialect::Js => {
            "Write placeholders in the SQL and pass the values separately: \
             `pool.query(\"SELECT * FROM items WHERE id = $1\", [itemId])` (mysql: `?`); never template literals \
             with `${}` or `+`."
        }
        Dialect::Go => {
            "Write placeholders in the SQL and pass the values as arguments: \
             `db.Query(\"SELECT * FROM items WHERE id = $1\", id)` (MySQL: `?`); never `fmt.Sprintf` or `+`."
        }
        Dialect::Java | Dialect::Kotlin => {
            "Use a PreparedStatement with `?` placeholders: `ps = conn.prepareStatement(\"SELECT * FROM items \
             WHERE id = ?\"); ps.setLong(1, id);` (JPA: named parameters); never `+` or `String.format`."
        }
        Dialect::Php => {
            "Use a prepared statement: `$stmt = $pdo->prepare('SELECT * FROM items WHERE id = ?'); \
             $stmt->execute([$id]);`; never put `$variables` into the SQL text."
        }
        Dialect::Rust => {
            "Use bind parameters: `sqlx::query(\"SELECT * FROM items WHERE id = $1\").bind(id)`; never `format!`."
        }
        Dialect::Config => "Use parameterised queries.",
    }
}

// ------------------------------------------------------------------------------------------------
// S4: pinned dependencies
// ------------------------------------------------------------------------------------------------

fn dir_of(file: &str) -> &str {
    file.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

fn name_of(file: &str) -> &str {
    file.rsplit('/').next().unwrap_or(file)
}

/// The repo's files by (folder, name), for lockfile look-ups.
struct FileIndex<'a>(HashSet<(&'a str, &'a str)>);

impl<'a> FileIndex<'a> {
    fn new(repo: &'a Repo) -> FileIndex<'a> {
        let files =
            repo.dependency_files.iter().map(|f| f.file.as_str()).chain(repo.sources.iter().map(|f| f.file.as_str()));
        let yaml = repo.yaml.iter().map(|y| y.file.as_str());
        FileIndex(files.chain(yaml).map(|f| (dir_of(f), name_of(f))).collect())
    }

    /// True when one of `names` exists in `dir` (or, with `ancestors`, in a folder above it).
    fn has(&self, dir: &str, names: &[&str], ancestors: bool) -> bool {
        let mut d = dir;
        loop {
            if names.iter().any(|n| self.0.contains(&(d, *n))) {
                return true;
            }
            if !ancestors || d.is_empty() {
                return false;
            }
            d = dir_of(d);
        }
    }
}

fn line_of(text: &str, needle: &str) -> Option<u32> {
    text.find(needle).map(|i| text[..i].matches('\n').count() as u32 + 1)
}

/// Requirement lines that are not pinned with `==`: (line, package).
fn unpinned_requirements(text: &str) -> Vec<(u32, String)> {
    static NAME: LazyLock<Regex> = LazyLock::new(|| re(r"^([A-Za-z0-9][A-Za-z0-9._\-]*)(\[[^\]]*\])?\s*(.*)$"));
    let mut out = Vec::new();
    let mut logical = String::new();
    let mut start_line = 0u32;
    for (i, raw) in text.lines().enumerate() {
        if logical.is_empty() {
            start_line = i as u32 + 1;
        }
        let line = raw.split(" #").next().unwrap_or(raw);
        let line = if line.trim_start().starts_with('#') { "" } else { line };
        if let Some(cont) = line.trim_end().strip_suffix('\\') {
            logical.push_str(cont);
            logical.push(' ');
            continue;
        }
        logical.push_str(line);
        let entry = std::mem::take(&mut logical);
        let entry = entry.split(';').next().unwrap_or("").trim();
        if entry.is_empty() || entry.starts_with('-') {
            continue;
        }
        let Some(c) = NAME.captures(entry) else {
            continue;
        };
        let spec = c.get(3).map(|m| m.as_str().trim()).unwrap_or("");
        let version_ok =
            spec.starts_with("===") || (spec.starts_with("==") && !spec.contains('*') && !spec.contains(','));
        let direct = spec.starts_with('@');
        if !(version_ok || direct) {
            out.push((start_line, c[1].to_string()));
        }
    }
    out
}

/// A dependency manifest that is not pinned: (line, what is wrong, fix).
fn unpinned(repo: &Repo, index: &FileIndex, f: &TextFile) -> Option<(Option<u32>, String, String)> {
    let dir = dir_of(&f.file);
    let name = name_of(&f.file);
    let text = f.text.as_str();
    let py_locks = ["poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock"];
    match name {
        "requirements.txt" => {
            if index.has(dir, &py_locks, false) {
                return None;
            }
            let loose = unpinned_requirements(text);
            let (line, _) = loose.first()?;
            let names: Vec<String> = loose.iter().take(5).map(|(_, n)| format!("`{n}`")).collect();
            let more = if loose.len() > 5 { format!(" and {} more", loose.len() - 5) } else { String::new() };
            Some((
                Some(*line),
                format!("{} not pinned to an exact version with `==`", plural_list(&names, &more)),
                "Pin every package to the exact version you tested with, e.g. `flask==3.0.3`: run \
                 `pip freeze > requirements.txt` in the app's virtual environment (or commit a poetry.lock/uv.lock)."
                    .into(),
            ))
        }
        "package.json" => {
            let json: serde_json::Value = serde_json::from_str(text).ok()?;
            let deps = ["dependencies", "devDependencies", "optionalDependencies"]
                .iter()
                .find(|k| json.get(**k).and_then(|v| v.as_object()).is_some_and(|o| !o.is_empty()))?;
            if index.has(
                dir,
                &["package-lock.json", "yarn.lock", "pnpm-lock.yaml", "npm-shrinkwrap.json", "bun.lock"],
                true,
            ) {
                return None;
            }
            Some((
                line_of(text, &format!("\"{deps}\"")),
                "package.json has no lockfile next to it (package-lock.json, yarn.lock or pnpm-lock.yaml)".into(),
                "Run `npm install` and commit the package-lock.json it writes (or yarn.lock / pnpm-lock.yaml), and \
                 install with `npm ci` in the Dockerfile."
                    .into(),
            ))
        }
        "pyproject.toml" => {
            static DEPS: LazyLock<Regex> = LazyLock::new(|| re(r#"(?ms)^\s*dependencies\s*=\s*\[(.*?)\]\s*$"#));
            static POETRY: LazyLock<Regex> =
                LazyLock::new(|| re(r#"(?ms)^\[tool\.poetry\.dependencies\]\s*\n(.*?)(?:^\[|\z)"#));
            let (line, pinned) = if let Some(c) = DEPS.captures(text) {
                let list = c.get(1).map(|m| m.as_str()).unwrap_or("");
                let items: Vec<&str> =
                    list.split(',').map(|s| s.trim().trim_matches(['"', '\''])).filter(|s| !s.is_empty()).collect();
                if items.is_empty() {
                    return None;
                }
                (line_of(text, c.get(0)?.as_str().trim_start()), items.iter().all(|i| i.contains("==")))
            } else if let Some(c) = POETRY.captures(text) {
                let body = c.get(1).map(|m| m.as_str()).unwrap_or("");
                if !body.lines().any(|l| l.contains('=') && !l.trim_start().starts_with("python")) {
                    return None;
                }
                (line_of(text, "[tool.poetry.dependencies]"), false)
            } else {
                return None;
            };
            if pinned || index.has(dir, &py_locks, false) {
                return None;
            }
            if index.has(dir, &["requirements.txt"], false)
                && repo.dependency_files.iter().any(|r| {
                    dir_of(&r.file) == dir
                        && name_of(&r.file) == "requirements.txt"
                        && unpinned_requirements(&r.text).is_empty()
                })
            {
                return None;
            }
            Some((
                line,
                "pyproject.toml declares dependencies but no lockfile pins them (poetry.lock, uv.lock)".into(),
                "Commit the lockfile of your tool (`poetry lock` -> poetry.lock, `uv lock` -> uv.lock), or pin \
                 every dependency with `==`."
                    .into(),
            ))
        }
        "Pipfile" => (!index.has(dir, &["Pipfile.lock"], false)).then(|| {
            (
                line_of(text, "[packages]").or(Some(1)),
                "Pipfile has no Pipfile.lock next to it".into(),
                "Run `pipenv lock` and commit Pipfile.lock; install with `pipenv install --deploy`.".into(),
            )
        }),
        "go.mod" => {
            let line =
                line_of(text, "\nrequire").map(|l| l + 1).or_else(|| text.starts_with("require").then_some(1))?;
            // Go's minimal version selection builds the same graph from go.mod's exact versions
            // alone (go.sum adds checksums), so a go.mod whose every requirement is an exact
            // version is pinned, like `==` in requirements.txt.
            static REQUIRE: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^\s*(?:require\s+)?[\w.\-/]+\s+(v\S+)"));
            static EXACT: LazyLock<Regex> = LazyLock::new(|| re(r"^v\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.\-+]*)?$"));
            let all_exact = REQUIRE.captures_iter(text).all(|c| EXACT.is_match(&c[1]));
            (!all_exact && !index.has(dir, &["go.sum"], false)).then(|| {
                (
                    Some(line),
                    "go.mod requires modules but there is no go.sum next to it".into(),
                    "Run `go mod tidy` and commit the go.sum it writes.".into(),
                )
            })
        }
        "Cargo.toml" => {
            static SECTION: LazyLock<Regex> = LazyLock::new(|| {
                re(r"(?m)^\[(?:workspace\.)?(?:dev-|build-)?dependencies\]\s*\n\s*[A-Za-z0-9_\-]+\s*=")
            });
            let m = SECTION.find(text)?;
            // Every dependency pinned with `=x.y.z` counts as pinned, like `==` in Python.
            static DEP: LazyLock<Regex> = LazyLock::new(|| {
                re(r#"(?m)^\s*[A-Za-z0-9_\-]+\s*=\s*(?:"([^"]*)"|\{[^}\n]*?version\s*=\s*"([^"]*)"|\{)"#)
            });
            let mut in_deps = false;
            let mut all_exact = true;
            for line in text.lines() {
                let t = line.trim();
                if t.starts_with('[') {
                    in_deps = t.trim_matches(['[', ']']).ends_with("dependencies");
                } else if in_deps && let Some(c) = DEP.captures(line) {
                    all_exact &= c.get(1).or(c.get(2)).is_some_and(|v| v.as_str().starts_with('='));
                }
            }
            (!all_exact && !index.has(dir, &["Cargo.lock"], true)).then(|| {
                (
                    Some(text[..m.start()].matches('\n').count() as u32 + 1),
                    "Cargo.toml has no Cargo.lock next to it".into(),
                    "Run `cargo generate-lockfile` (or any build) and commit Cargo.lock; build with `--locked`.".into(),
                )
            })
        }
        "composer.json" => {
            let json: serde_json::Value = serde_json::from_str(text).ok()?;
            let req = json.get("require")?.as_object()?;
            // Every package at an exact version (`2.14.1`, `v3.9.0`) counts as pinned, like `==` in Python.
            let exact = |v: &serde_json::Value| {
                v.as_str().is_some_and(|v| v.trim_start_matches('v').chars().all(|c| c.is_ascii_digit() || c == '.'))
            };
            let packages: Vec<_> = req.iter().filter(|(k, _)| *k != "php" && !k.starts_with("ext-")).collect();
            if packages.is_empty()
                || packages.iter().all(|(_, v)| exact(v))
                || index.has(dir, &["composer.lock"], false)
            {
                return None;
            }
            Some((
                line_of(text, "\"require\""),
                "composer.json has no composer.lock next to it".into(),
                "Run `composer update` and commit composer.lock; install with `composer install`.".into(),
            ))
        }
        "pom.xml" => {
            static VERSION: LazyLock<Regex> = LazyLock::new(|| re(r"<version>\s*([^<]*?)\s*</version>"));
            if index.has(dir, &["lockfile.json"], false) {
                return None;
            }
            let bad = VERSION.captures_iter(text).find(|c| {
                let v = &c[1];
                v.starts_with('[') || v.starts_with('(') || v == "LATEST" || v == "RELEASE" || v.ends_with("-SNAPSHOT")
            })?;
            let at = bad.get(0)?.start();
            Some((
                Some(text[..at].matches('\n').count() as u32 + 1),
                format!("pom.xml uses a moving version (`{}`)", &bad[1]),
                "Give every dependency an exact version (no ranges, LATEST, RELEASE or -SNAPSHOT), or commit a \
                 Maven lockfile."
                    .into(),
            ))
        }
        "build.gradle" | "build.gradle.kts" => {
            static DYNAMIC: LazyLock<Regex> =
                LazyLock::new(|| re(r#"["'][\w.\-]+:[\w.\-]+:([^"'$]*(?:\+|latest\.[a-z]+|\[[^"']*|\([^"']*))["']"#));
            if index.has(dir, &["gradle.lockfile"], true) {
                return None;
            }
            let bad = DYNAMIC.captures(text)?;
            let at = bad.get(0)?.start();
            Some((
                Some(text[..at].matches('\n').count() as u32 + 1),
                format!("{name} uses a moving version (`{}`) and there is no gradle.lockfile", &bad[1]),
                "Give every dependency an exact version, or turn on dependency locking \
                 (`dependencyLocking { lockAllConfigurations() }`, then `gradle dependencies --write-locks`) and \
                 commit gradle.lockfile."
                    .into(),
            ))
        }
        _ => None,
    }
}

fn plural_list(names: &[String], more: &str) -> String {
    match names.len() {
        1 if more.is_empty() => format!("{} is", names[0]),
        _ => format!("{}{more} are", names.join(", ")),
    }
}

/// S4: dependencies are pinned (a lockfile, or `==` on every Python requirement).
pub fn s4(r: &Review, out: &mut Vec<Finding>) {
    let index = FileIndex::new(r.repo);
    for f in &r.repo.dependency_files {
        if let Some((line, message, fix)) = unpinned(r.repo, &index, f) {
            out.push(Finding::new(CheckId::S4, f.file.clone(), line.or(Some(1))).message(message).fix(fix));
        }
    }
}

// ------------------------------------------------------------------------------------------------
// S5: superuser database logins
// ------------------------------------------------------------------------------------------------

/// Env vars through which a database server image creates its own superuser (postgres) or root user
/// (mongo) on first start: settings of the server, not of a client connection.
const SERVER_BOOTSTRAP_USER_ENV: &[&str] = &["POSTGRES_USER", "MONGO_INITDB_ROOT_USERNAME"];
/// Where the postgres and mongo images look for the scripts they run on first start.
const INITDB_DIR: &str = "/docker-entrypoint-initdb.d";

/// True when `name` is the server's own bootstrap superuser in a postgres or mongo container that also
/// runs init scripts (mounted at /docker-entrypoint-initdb.d), which is where the app's own user is
/// created (as `vibe generate` does). Without such scripts the superuser is the only login the server
/// has, so the app must be using it, and S5 still fires.
fn is_server_bootstrap_user(c: &workload::Container, name: &str) -> bool {
    let server_image = c.image.is_some_and(|i| {
        let i = i.to_ascii_lowercase();
        let repo = i.rsplit('/').next().unwrap_or(&i);
        repo.starts_with("postgres") || repo.starts_with("mongo")
    });
    server_image
        && SERVER_BOOTSTRAP_USER_ENV.contains(&name)
        && c.node
            .get("volumeMounts")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .any(|m| m.get("mountPath").and_then(Node::as_str).is_some_and(|p| p.trim_end_matches('/') == INITDB_DIR))
}

/// Database superuser names.
const SUPERUSERS: &[&str] = &["postgres", "root", "admin", "administrator", "sa", "superuser", "mongoadmin"];
/// Any superuser name, as a quick test before the S5 patterns run over a file.
static SUPERUSER_WORD: LazyLock<Regex> = LazyLock::new(|| re(r"(?i-u:postgres|root|admin|superuser)|(?i-u:\bsa\b)"));
/// Superuser names that are unambiguous even under a generic `user` key.
const CLEAR_SUPERUSERS: &[&str] = &["postgres", "root", "sa"];

/// A database connection address with its user: `postgres://user:pw@host`, `jdbc:mysql://...?user=root`.
static DB_URL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"\b((?i-u:(?:jdbc:)?(?:postgres(?:ql)?|mysql|mariadb|mongodb|mssql|sqlserver|cockroachdb|redshift)(?:\+[a-z0-9]+)?))://(?:([^\s:/@"'`<>{}$]+)(?::[^\s@/"'`<>]*)?@)?[^\s"'`<>]*"#,
    )
});
static URL_USER_PARAM: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)[?&;](?:user|username|uid|user id)=([^&;\s]+)"));
/// libpq key/value connection strings: `host=db user=postgres dbname=x`, `User ID=sa;`.
static KV_DSN_USER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i-u:user id|user|uid)[ \t]*=[ \t]*((?i-u:postgres|root|admin|administrator|sa|superuser|mongoadmin))(?:[\s;"']|$)"#,
    )
});
/// A quoted superuser name in code (`"postgres"`); the key before it is read by [`code_user_key`].
static QUOTED_SUPERUSER: LazyLock<Regex> =
    LazyLock::new(|| re(r#"["']((?i-u:postgres|root|admin|administrator|sa|superuser|mongoadmin))["']"#));

/// The key a quoted value is assigned to: `user="postgres"`, `"username": 'root'`, `DB_USER => "admin"`.
fn code_user_key(text: &str, quote: usize) -> Option<(usize, &str)> {
    let b = text.as_bytes();
    let mut k = quote;
    let skip_blank = |k: &mut usize| {
        while *k > 0 && matches!(b[*k - 1], b' ' | b'\t') {
            *k -= 1;
        }
    };
    skip_blank(&mut k);
    if k >= 2 && &b[k - 2..k] == b"=>" {
        k -= 2;
    } else if k >= 1 && matches!(b[k - 1], b'=' | b':') {
        k -= 1;
        if k >= 1 && matches!(b[k - 1], b'=' | b'!' | b'<' | b'>' | b':') {
            return None;
        }
    } else {
        return None;
    }
    skip_blank(&mut k);
    if k >= 1 && matches!(b[k - 1], b'"' | b'\'') {
        k -= 1;
    }
    let end = k;
    while k > 0 && (b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'_') {
        k -= 1;
    }
    (k < end).then(|| (k, &text[k..end]))
}

/// A cheap test before [`is_db_user_key`]: the key mentions a user or login at all.
fn may_be_user_key(key: &str) -> bool {
    let k = key.as_bytes();
    k.windows(3).any(|w| w.eq_ignore_ascii_case(b"usr"))
        || k.windows(4).any(|w| w.eq_ignore_ascii_case(b"user"))
        || k.windows(5).any(|w| w.eq_ignore_ascii_case(b"login"))
}

/// A cheap test before [`superusers_in`]: the text can hold a connection address or string.
fn may_hold_dsn(v: &str) -> bool {
    v.contains("://") || v.contains('=')
}

/// True for keys naming a database login: `DB_USER`, `PGUSER`, `spring.datasource.username`,
/// `MONGO_INITDB_ROOT_USERNAME`. `path` is the key with its parents, for nested YAML.
fn is_db_user_key(path: &str) -> bool {
    let parts = lang::split_parts(path);
    let Some(last) = parts.last() else {
        return false;
    };
    let user_like = |p: &str| matches!(p, "user" | "username" | "usr" | "login");
    const DB: &[&str] = &[
        "db",
        "pg",
        "sql",
        "database",
        "datasource",
        "postgres",
        "postgresql",
        "mongo",
        "mongodb",
        "mysql",
        "mariadb",
        "mssql",
        "jdbc",
        "initdb",
    ];
    let joined: String = parts.concat();
    let last_ok = user_like(last) || DB.iter().any(|d| last.strip_prefix(d).is_some_and(user_like));
    last_ok
        && (parts
            .iter()
            .any(|p| DB.contains(&p.as_str()) || DB.iter().any(|d| p.strip_prefix(d).is_some_and(user_like)))
            || ["postgres", "mongo", "mysql", "mariadb", "datasource", "database"].iter().any(|d| joined.contains(d)))
}

fn is_superuser(v: &str) -> bool {
    SUPERUSERS.iter().any(|s| s.eq_ignore_ascii_case(v.trim()))
}

/// Superuser logins inside a string: connection addresses and key/value connection strings.
fn superusers_in(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let url_text = if text.contains("://") { text } else { "" };
    for c in DB_URL.captures_iter(url_text) {
        let Some(all) = c.get(0) else { continue };
        let user = c
            .get(2)
            .map(|u| u.as_str().to_string())
            .or_else(|| URL_USER_PARAM.captures(all.as_str()).map(|p| p[1].to_string()));
        if let Some(user) = user.filter(|u| is_superuser(u)) {
            out.push((all.start(), user));
        }
    }
    let b = text.as_bytes();
    for c in KV_DSN_USER.captures_iter(text) {
        let (Some(all), Some(user)) = (c.get(0), c.get(1)) else {
            continue;
        };
        if all.start() > 0 && !matches!(b[all.start() - 1], b' ' | b'\t' | b'\n' | b'\r' | b';' | b'"' | b'\'') {
            continue;
        }
        // Only real connection strings: they also name a host, a database or a password nearby.
        let window = b[all.start().saturating_sub(200)..(all.end() + 200).min(b.len())].to_ascii_lowercase();
        let window = String::from_utf8_lossy(&window);
        let dsn = ["host=", "dbname=", "password=", "server=", "database=", "data source="]
            .iter()
            .any(|k| window.contains(k));
        if dsn && is_superuser(user.as_str()) && !out.iter().any(|(s, _)| *s <= user.start() && user.start() < *s + 200)
        {
            out.push((user.start(), user.as_str().to_string()));
        }
    }
    out
}

fn s5_finding(file: &str, line: Option<u32>, object: Option<String>, what: String, user: &str) -> Finding {
    let mut f = Finding::new(CheckId::S5, file.to_string(), line).message(format!(
        "{what} logs in to the database as `{user}`, a superuser: one bug or injection can then damage every database on the server"
    ));
    f = f.fix(format!(
        "Connect as the app's own database user instead of `{user}` (`vibe generate` creates it, named after the \
         app, with its password in the SealedSecret): change the user setting or the user in the connection address."
    ));
    match object {
        Some(o) => f.object(o),
        None => f,
    }
}

/// Walks a YAML tree: (key path, string value node).
fn walk_strings<'a>(node: &'a Node, path: &mut Vec<&'a str>, visit: &mut dyn FnMut(&[&'a str], &'a Node)) {
    match &node.value {
        crate::yaml::Value::Map(entries) => {
            for e in entries {
                path.push(e.key.as_str());
                walk_strings(&e.value, path, visit);
                path.pop();
            }
        }
        crate::yaml::Value::Seq(items) => {
            for i in items {
                walk_strings(i, path, visit);
            }
        }
        crate::yaml::Value::Scalar { .. } => {
            if node.as_str().is_some() {
                visit(path, node);
            }
        }
    }
}

/// S5: the database is reached with an app-scoped user, never a superuser.
pub fn s5(r: &Review, out: &mut Vec<Finding>) {
    let repo = r.repo;
    // Manifests: container env values and ConfigMap data.
    for w in workload::workloads(repo) {
        for c in w.containers() {
            for e in c.node.get("env").map(Node::items).unwrap_or_default() {
                let (Some(name), Some(value)) = (e.get("name").and_then(Node::as_str), e.get("value")) else {
                    continue;
                };
                let Some(v) = value.as_str() else { continue };
                let line = value.line().or(e.line());
                if may_be_user_key(name) && is_db_user_key(name) && is_superuser(v) {
                    if is_server_bootstrap_user(&c, name) {
                        continue;
                    }
                    out.push(s5_finding(
                        &w.obj.file,
                        line,
                        Some(w.obj.id()),
                        format!("The env var `{name}` of container `{}`", c.name),
                        v.trim(),
                    ));
                } else if may_hold_dsn(v) {
                    for (_, user) in superusers_in(v) {
                        out.push(s5_finding(
                            &w.obj.file,
                            line,
                            Some(w.obj.id()),
                            format!("The connection address in `{name}` of container `{}`", c.name),
                            &user,
                        ));
                    }
                }
            }
        }
    }
    for o in repo.objects.iter().filter(|o| o.kind == "ConfigMap") {
        for e in o.node.get("data").map(Node::entries).unwrap_or_default() {
            let Some(v) = e.value.as_str() else { continue };
            let line = e.value.line().or(e.key_pos.map(|p| p.line));
            if may_be_user_key(&e.key) && is_db_user_key(&e.key) && is_superuser(v) {
                out.push(s5_finding(&o.file, line, Some(o.id()), format!("The setting `{}`", e.key), v.trim()));
            } else if may_hold_dsn(v) {
                for (_, user) in superusers_in(v) {
                    out.push(s5_finding(
                        &o.file,
                        line,
                        Some(o.id()),
                        format!("The connection address in `{}`", e.key),
                        &user,
                    ));
                }
            }
        }
    }
    // Chart values.
    for y in repo.yaml.iter().filter(|y| {
        let n = name_of(&y.file);
        n.starts_with("values") && (n.ends_with(".yaml") || n.ends_with(".yml"))
    }) {
        walk_strings(&y.node, &mut Vec::new(), &mut |path, node| {
            let v = node.as_str().unwrap_or("");
            let key = path.last().copied().unwrap_or("");
            if may_be_user_key(key) && is_superuser(v) && is_db_user_key(&path.join(".")) {
                out.push(s5_finding(
                    &y.file,
                    node.line(),
                    None,
                    format!("The chart value `{}`", path.join(".")),
                    v.trim(),
                ));
            } else if may_hold_dsn(v) {
                for (_, user) in superusers_in(v) {
                    out.push(s5_finding(
                        &y.file,
                        node.line(),
                        None,
                        format!("The connection address in `{}`", path.join(".")),
                        &user,
                    ));
                }
            }
        });
    }
    // Source and app config files.
    let manifests = manifest_files(repo);
    for f in &repo.sources {
        if manifests.contains(f.file.as_str()) {
            continue;
        }
        let text = f.text.as_str();
        // Every finding below names a superuser: skip files that never mention one.
        if !SUPERUSER_WORD.is_match(text) {
            continue;
        }
        let lines = std::cell::OnceCell::new();
        let line_at = |at: usize| lines.get_or_init(|| Lines::new(text)).line(at);
        let mut seen: Vec<u32> = Vec::new();
        let mut push = |line: u32, what: String, user: &str, out: &mut Vec<Finding>| {
            if !seen.contains(&line) {
                seen.push(line);
                out.push(s5_finding(&f.file, Some(line), None, what, user));
            }
        };
        let yaml_config = f.lang == Lang::Config && (f.file.ends_with(".yaml") || f.file.ends_with(".yml"));
        if yaml_config {
            // Nested keys (spring: datasource: username:) need the parsed tree.
            for y in repo.yaml.iter().filter(|y| y.file == f.file) {
                walk_strings(&y.node, &mut Vec::new(), &mut |path, node| {
                    let v = node.as_str().unwrap_or("");
                    let key = path.last().copied().unwrap_or("");
                    if may_be_user_key(key)
                        && is_superuser(v)
                        && is_db_user_key(&path.join("."))
                        && let Some(l) = node.line()
                    {
                        push(l, format!("The setting `{}`", path.join(".")), v.trim(), out);
                    }
                });
            }
        } else if f.lang == Lang::Config {
            for (i, line) in text.lines().enumerate() {
                if let Some(c) = CONFIG_LINE.captures(line) {
                    let v = c[2].trim().trim_matches(['"', '\'']);
                    if is_db_user_key(&c[1]) && is_superuser(v) {
                        push(i as u32 + 1, format!("The setting `{}`", &c[1]), v, out);
                    }
                }
            }
        } else {
            for c in QUOTED_SUPERUSER.captures_iter(text) {
                let (Some(all), Some(v)) = (c.get(0), c.get(1)) else {
                    continue;
                };
                let Some((at, key)) = code_user_key(text, all.start()) else {
                    continue;
                };
                if !may_be_user_key(key) {
                    continue;
                }
                let generic = matches!(key, "user" | "username" | "User" | "Username" | "USER");
                let hit = if generic {
                    CLEAR_SUPERUSERS.iter().any(|s| s.eq_ignore_ascii_case(v.as_str()))
                } else {
                    is_db_user_key(key) && is_superuser(v.as_str())
                };
                if hit {
                    push(line_at(at), format!("`{key}`"), v.as_str(), out);
                }
            }
        }
        if may_hold_dsn(text) {
            for (at, user) in superusers_in(text) {
                push(line_at(at), "A connection address".into(), &user, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, lang: Lang, text: &str) -> TextFile {
        TextFile { file: name.into(), lang, text: text.into() }
    }

    #[test]
    fn secret_names() {
        for yes in [
            "API_KEY",
            "apiKey",
            "db_password",
            "client_secret",
            "SECRET_KEY",
            "authToken",
            "STRIPE_SECRET",
            "x-api-key",
        ] {
            assert!(is_secret_name(yes), "{yes}");
        }
        for no in [
            "author",
            "TOKEN_URL",
            "secret_name",
            "max_tokens",
            "has_token",
            "password_field",
            "user_id",
            "uuid",
            "auth_source",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }

    #[test]
    fn plain_passwords_are_secrets_but_names_labels_and_rules_are_not() {
        for (name, yes) in [
            ("ADMIN_PASSWORD", "hunter2-SuperSecret!"),
            ("password", "correct-horse-battery"),
            ("SECRET_KEY", "dev-secret-key-123"),
            ("SECRET_KEY", "my-secret-key"),
            ("password", "supersecret"),
            ("DB_PASSWORD", "P@ssw0rd"),
        ] {
            assert!(plain_secret(name, yes), "{name} = {yes}");
        }
        for (name, no) in [
            ("password", "Passwort"),
            ("password", "hashed"),
            ("password", "required|min:8"),
            ("AUTH_USER_MODEL", "accounts.User"),
            ("TOKEN_KEY", "access_token"),
            ("apiKeyHeader", "x-api-key"),
            ("password", "#password"),
            ("DB_PASSWORD", "DB_PASSWORD"),
            ("PASSWORD_MIN", "12345678"),
            ("secret", "abc"),
            ("password", "changeme"),
            ("password", "${DB_PASSWORD}"),
            ("DB_PASSWORD", "password_here"),
        ] {
            assert!(!plain_secret(name, no), "{name} = {no}");
        }
    }

    #[test]
    fn entropy_separates_keys_from_words() {
        assert!(entropy("9fK2xQ7LmP4vR8tZ3wYb") > MIN_SECRET_ENTROPY);
        assert!(entropy("aaaaaaaaaaaaaaaaaaaa") < 1.0);
        assert!(entropy("passwordpassword") < MIN_SECRET_ENTROPY);
    }

    #[test]
    fn masking_shows_four_characters_at_most() {
        assert_eq!(mask("AKIAZ7Q2X4V6B8N0M3L5"), "AKIA****************");
        assert_eq!(mask("short"), "*****");
        assert!(!mask("ghp_abcdefghijklmnopqrstuvwxyz0123456789").contains("abcd"));
    }

    #[test]
    fn s1_finds_formats_urls_and_assignments_but_not_references() {
        let src = "import os\n\
                   AWS = 'AKIAZ7Q2X4V6B8N0M3L5'\n\
                   DB = 'postgres://app:s3cr3tP4ss@db:5432/app'\n\
                   API_KEY = \"9fK2xQ7LmP4vR8tZ3wYb\"\n\
                   TOKEN = os.environ[\"API_TOKEN\"]\n\
                   URL = f\"postgres://{user}:{password}@db/app\"\n\
                   SESSION_ID = '550e8400-e29b-41d4-a716-446655440000'\n\
                   EMPTY_SECRET = ''\n\
                   SECRET = os.environ.get('SECRET', 'Zq8vX2mN5bR7tY1kLp3W')\n";
        let hits = s1_hits(&file("app.py", Lang::Python, src));
        let lines: Vec<u32> = hits.iter().map(|h| h.line).collect();
        assert_eq!(lines, [2, 3, 4, 9], "{:?}", hits.iter().map(|h| &h.message).collect::<Vec<_>>());
        assert!(hits.iter().all(|h| !h.message.contains("s3cr3tP4ss") && !h.message.contains("9fK2xQ7LmP")));
        let env = "# local\nDATABASE_URL=postgres://app:@db/app\nSTRIPE_SECRET_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\nDEBUG=true\nJWT_SECRET=ab\n";
        let hits = s1_hits(&file(".env", Lang::Config, env));
        assert_eq!(hits.iter().map(|h| h.line).collect::<Vec<_>>(), [3]);
    }

    #[test]
    fn db_user_keys() {
        for yes in [
            "DB_USER",
            "PGUSER",
            "POSTGRES_USER",
            "spring.datasource.username",
            "MONGO_INITDB_ROOT_USERNAME",
            "DATA_SOURCE_USER",
            "dbUser",
            "database.user",
        ] {
            assert!(is_db_user_key(yes), "{yes}");
        }
        for no in ["USER", "RABBITMQ_USER", "feedback_user", "DB_AUTH_SOURCE", "DB_NAME", "admin_user"] {
            assert!(!is_db_user_key(no), "{no}");
        }
    }

    #[test]
    fn superuser_connection_strings() {
        assert_eq!(superusers_in("postgres://postgres:x@db:5432/app").len(), 1);
        assert_eq!(superusers_in("postgresql+asyncpg://root@db/app").len(), 1);
        assert_eq!(superusers_in("jdbc:mysql://db:3306/app?user=root&password=x").len(), 1);
        assert_eq!(superusers_in("host=db user=postgres dbname=app").len(), 1);
        assert!(superusers_in("postgres://shop:x@db/app").is_empty());
        assert!(superusers_in("postgres://db:5432/app").is_empty());
    }

    #[test]
    fn requirements_pinning() {
        let req = "# deps\nflask==3.0.3\nrequests>=2\n\ngunicorn\n-r base.txt\nuvicorn[standard]==0.30.1 ; python_version > '3.8'\npkg @ https://x/y.whl\nnumpy==1.*\n";
        let loose: Vec<String> = unpinned_requirements(req).into_iter().map(|(_, n)| n).collect();
        assert_eq!(loose, ["requests", "gunicorn", "numpy"]);
    }

    #[test]
    fn gitignore_patterns() {
        use gitignore::ignored;
        let gi = |t: &str| vec![(".gitignore".to_string(), t.to_string())];
        assert!(ignored(&gi(".env\n"), ".env"));
        assert!(ignored(&gi(".env\n"), "api/.env"));
        assert!(!ignored(&gi("/.env\n"), "api/.env"));
        assert!(ignored(&gi(".env*\n!.env.example\n"), ".env.local"));
        assert!(!ignored(&gi(".env*\n!.env.example\n"), ".env.example"));
        assert!(ignored(&gi("*.env\n"), "prod.env"));
        assert!(ignored(&gi("config/\n"), "config/.env"));
        assert!(ignored(&gi("**/.env\n"), "a/b/.env"));
        assert!(!ignored(&gi("node_modules\n"), ".env"));
        let nested =
            vec![(".gitignore".to_string(), "x\n".to_string()), ("api/.gitignore".to_string(), ".env\n".to_string())];
        assert!(ignored(&nested, "api/.env"));
        assert!(!ignored(&nested, ".env"));
    }
}
