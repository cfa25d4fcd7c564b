//! S1: hardcoded credentials

use super::*;
use crate::credentials::{CREDENTIAL_PAIRS, CREDENTIAL_PARTS, NameRule};

/// Every known format in one pattern, so a file is scanned once; [`KNOWN_FORMATS`] then names the match.
pub(super) static ANY_KNOWN_FORMAT: LazyLock<Regex> = LazyLock::new(|| {
    let all: Vec<String> = KNOWN_FORMATS.iter().map(|(r, _)| format!("(?:{})", r.as_str())).collect();
    Regex::new(&all.join("|")).unwrap_or_else(|e| panic!("bad known-format pattern: {e}"))
});

/// Known credential formats: (pattern, what it is).
pub(super) static KNOWN_FORMATS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
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
pub(super) static URL_WITH_PASSWORD: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\b([a-zA-Z][a-zA-Z0-9+.\-]{1,30})://([^\s:/@"'`<>{}$]*):([^\s@/"'`<>]+)@[^\s/"'`<>:@]+"#));

/// `name = "value"`, `name: "value"`, `"name": "value"`, `name := "value"`, `'name' => 'value'`,
/// `config["name"] = "value"`, with an optional type annotation (`name: str = "value"`,
/// `const NAME: &str = "value"`, `var name string = "value"`). Values with whitespace are prose.
pub(super) static QUOTED_ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"([A-Za-z0-9_$.\-]*(?i-u:pass|pwd|secret|token|key|auth|credential|jwt)[A-Za-z0-9_$.\-]*)(?:["']\]|["'])?[ \t]*(?::[ \t]*&?[A-Za-z0-9_\[\]<>'. ]{1,40}?[ \t]*|[ \t]+string[ \t]*)?(?:===?|:=|=>|=|:)[ \t]*[bruBRU]?(["'`])([^"'`\n\\ \t]{1,400})["'`]"#,
    )
});

/// `setPassword("value")`, `.password("value")`, `.withApiKey("value")`: a setter or builder given a literal.
pub(super) static SETTER_CALL: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?:\.|\bset|\bwith)([A-Za-z_][A-Za-z0-9_]*)\(\s*["']([^"'\n\\ \t]{1,400})["']\s*\)"#));

/// PHP's `define('DB_PASSWORD', 'value')`, as in wp-config.php.
pub(super) static PHP_DEFINE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\bdefine\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*,\s*["']([^"'\n\\ \t]{1,400})["']\s*\)"#));

/// `getenv("NAME", "default")`, `environ.get("NAME", "default")`: a hardcoded fallback.
pub(super) static ENV_DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:getenv|environ\.get|env\.get|getEnv|env)\(\s*["']([A-Za-z_][A-Za-z0-9_.\-]*)["']\s*,\s*["']([^"'\n\\ \t]{1,400})["']"#,
    )
});

/// `process.env.NAME || "default"`, `process.env.NAME ?? "default"`.
pub(super) static JS_ENV_DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"process\.env\.([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|\||\?\?)\s*["'`]([^"'`\n\\ \t]{1,400})["'`]"#)
});

/// `NAME=value` / `name: value` lines of config files (.env, .properties, YAML).
pub(super) static CONFIG_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"^\s*(?:export\s+)?["']?([A-Za-z_][\w.\-]*)["']?\s*[:=]\s*(.*?)\s*$"#));

/// Parts of a name that make it secret-like for S1, beside the credential words.
const SECRET_PARTS: &[&str] = &["clientsecret", "auth"];
/// Adjacent parts that make a name secret-like, beside the credential pairs.
const SECRET_PAIRS: &[(&str, &str)] =
    &[("client", "secret"), ("signing", "key"), ("encryption", "key"), ("master", "key"), ("app", "key")];
/// What makes an identifier name a credential (S1).
pub(super) static SECRET_NAME: NameRule = NameRule {
    parts: &[CREDENTIAL_PARTS, SECRET_PARTS],
    pairs: &[CREDENTIAL_PAIRS, SECRET_PAIRS],
    benign_first: BENIGN_FIRST,
    benign_last: BENIGN_LAST,
};
/// A last part that makes a secret-like name about something else (`TOKEN_URL`, `secret_name`).
pub(super) const BENIGN_LAST: &[&str] = &[
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
pub(super) const BENIGN_FIRST: &[&str] = &[
    "is", "has", "should", "must", "can", "use", "num", "count", "max", "min", "total", "no", "get", "forgot", "show",
    "toggle", "on", "handle", "validate",
];

/// True when an identifier names a credential (S1): `API_KEY`, `dbPassword`, `client_secret`.
pub(super) fn is_secret_name(name: &str) -> bool {
    SECRET_NAME.matches(name)
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
pub(super) const MIN_SECRET_LEN: usize = 16;
/// Entropy (bits per character) above which a literal assigned to a secret-like name is a secret.
pub(super) const MIN_SECRET_ENTROPY: f64 = 3.5;

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

pub(super) fn capitalize(s: &str) -> String {
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
pub(super) fn high_entropy_secret(value: &str) -> bool {
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
pub(super) const MIN_PLAIN_SECRET_LEN: usize = 6;

/// Words that make up the name of a secret rather than a secret (`access_token`, `x-api-key`):
/// a literal made only of these is a storage key, header or cookie name.
pub(super) const KEY_NAME_WORDS: &[&str] = &[
    "access", "refresh", "id", "api", "key", "x", "auth", "bearer", "session", "csrf", "xsrf", "user", "app", "client",
    "private", "public", "header", "storage", "local", "cookie", "oauth", "bot", "current", "new", "old", "confirm",
    "reset", "remember", "me", "basic",
];

/// A hand-made password or key under the secret-like `name` (`hunter2-SuperSecret!`, `dev-secret-key-123`,
/// `correct-horse-battery`): S1 reports it however guessable it is. Not: placeholders, paths and URLs,
/// numbers, plain words (labels, translations, `hashed`, `bcrypt`), dotted names (`accounts.User`),
/// validation rules (`required|min:8`), CSS selectors and the names of secrets themselves.
pub(super) fn plain_secret(name: &str, value: &str) -> bool {
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
        && lang::split_parts(v)
            .iter()
            .all(|p| KEY_NAME_WORDS.contains(&p.as_str()) || SECRET_NAME.has_part(p) || name_parts.contains(p));
    !(env_name || word || dotted || key_name)
}

/// Tests, fixtures and example/sample/template files: their logins are samples, not the app's.
pub(super) fn is_sample_file(file: &str) -> bool {
    let name = file.rsplit('/').next().unwrap_or(file);
    crate::detect::is_test_path(file, name) || is_env_template(file)
}

/// Files that hold Kubernetes objects: their values are the E checks', not S1's.
pub(super) fn manifest_files(repo: &Repo) -> HashSet<&str> {
    repo.objects.iter().map(|o| o.file.as_str()).collect()
}

pub(super) struct S1Hit {
    pub(super) line: u32,
    start: usize,
    end: usize,
    pub(super) message: String,
    /// The name the value is assigned to, when there is one (`DB_PASSWORD`, `apiKey`).
    name: Option<String>,
}

pub(super) fn push_hit(hits: &mut Vec<S1Hit>, hit: S1Hit) {
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
pub(super) fn assigned_name(text: &str, at: usize) -> Option<&str> {
    static NAME_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
        re(r#"([A-Za-z_][A-Za-z0-9_]*)["'\]]*\s*(?::=|=>|=|:)\s*(?:[A-Za-z_][\w.]*\(\s*)?[bruf]?["'`]?[^"'`=]*$"#)
    });
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    NAME_BEFORE.captures(&text[line_start..at]).and_then(|c| c.get(1)).map(|m| m.as_str())
}

/// The environment variable a secret-like name stands for: `dbPassword` -> `DB_PASSWORD`.
pub(super) fn env_name(name: &str) -> String {
    lang::split_parts(name).join("_").to_ascii_uppercase()
}

/// S1's fix in the file's own language: how that code reads `env` from the environment, and
/// the vibe.yaml step only when `env` is not already one of its `secrets:`.
pub(super) fn s1_fix(f: &TextFile, env: &str, declared: bool) -> String {
    let name = f.file.rsplit('/').next().unwrap_or(&f.file).to_ascii_lowercase();
    let read = match f.lang {
        Lang::Code(language) => language.support().env_read(env),
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

/// Literals assigned to names in a file: (value start, value end, name, value), from config
/// lines, quoted assignments, env-read defaults and setter calls.
fn named_literals(f: &TextFile) -> Vec<(usize, usize, &str, &str)> {
    let text = f.text.as_str();
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
        Lang::Code(Language::Php) => &[&*SETTER_CALL, &*PHP_DEFINE],
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
    named
}

pub(super) fn s1_hits(f: &TextFile) -> Vec<S1Hit> {
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
    let named = named_literals(f);
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
