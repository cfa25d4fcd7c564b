//! What counts as a credential, in names and in values, and how one is shown masked: one
//! answer for the review (E-checks), the wizard's and vibe.yaml's validation, and every output
//! that shows file content (diffs, excerpts).

use crate::lang::upper_words;
use regex::Regex;
use std::sync::LazyLock;

/// Last name parts that name something about a credential, not the credential itself.
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "HOSTNAME",
    "PORT",
    "FILE",
    "PATH",
    "DIR",
    "NAME",
    "USER",
    "USERNAME",
    "ID",
    "LENGTH",
    "LEN",
    "TTL",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "TIMEOUT",
    "HEADER",
    "PREFIX",
    "ALGORITHM",
    "ALG",
    "TYPE",
    "ENABLED",
    "REF",
    "REGION",
    "FIELD",
    "POLICY",
    "VERSION",
    "MIN",
    "MAX",
    "SIZE",
    "COUNT",
    "LIFETIME",
    "DAYS",
    "HOURS",
    "MINUTES",
    "SECONDS",
    "MODE",
    "FORMAT",
    "ISSUER",
    "AUDIENCE",
    "SCOPE",
    "SCOPES",
];
/// Prefixes that make a trailing KEY a credential (`APIKEY`, `SECRETKEY`...).
const KEY_PREFIXES: &[&str] =
    &["API", "ACCESS", "PRIVATE", "SECRET", "AUTH", "SIGNING", "ENCRYPTION", "MASTER", "LICENSE", "CLIENT"];

/// True for names of credentials: `DB_PASSWORD`, `apiKey`, `GITHUB_TOKEN`; not `PASSWORD_FILE`, `PUBLIC_KEY`.
pub fn credential_name(name: &str) -> bool {
    let w = upper_words(name);
    let Some(last) = w.last() else { return false };
    if NOT_SECRET_SUFFIXES.contains(&last.as_str()) || w.iter().any(|x| x == "PUBLIC") {
        return false;
    }
    w.iter().any(|x| {
        x.contains("PASSWORD")
            || x.contains("PASSWD")
            || x.contains("SECRET")
            || x.contains("CREDENTIAL")
            || x == "TOKEN"
            || x == "TOKENS"
            || (x.ends_with("TOKEN") && x.len() > 5)
            || x == "KEY"
            || x == "KEYS"
            || KEY_PREFIXES.iter().any(|p| x.strip_suffix("KEY").is_some_and(|rest| rest == *p))
            || x == "PASS"
            || x == "PWD"
    })
}

/// Lower-case name parts that make a name a credential's (`db_password`, `apiKey`), for the
/// secret-name check (S1) and the sensitive-log check (G6) alike.
pub const CREDENTIAL_PARTS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "accesskey",
    "credential",
    "credentials",
    "jwt",
];
/// Adjacent lower-case parts that make a name a credential's (`api_key`).
pub const CREDENTIAL_PAIRS: &[(&str, &str)] = &[("api", "key"), ("private", "key"), ("access", "key")];

/// What makes a name (split into lower-case parts, `maxTokenLen` -> max, token, len) name a kind
/// of value: one of its parts, or two adjacent ones; unless its first part makes it a flag or a
/// number (`has_token`) or its last part makes it about the value (`token_url`).
pub struct NameRule {
    /// Parts that name the value.
    pub parts: &'static [&'static [&'static str]],
    /// Adjacent parts that name the value.
    pub pairs: &'static [&'static [(&'static str, &'static str)]],
    /// First parts that make the name about something else.
    pub benign_first: &'static [&'static str],
    /// Last parts (of a name of two parts or more) that make it about something else.
    pub benign_last: &'static [&'static str],
}

impl NameRule {
    /// True when `name` names the value.
    pub fn matches(&self, name: &str) -> bool {
        let parts = crate::lang::split_parts(name);
        let (Some(first), Some(last)) = (parts.first(), parts.last()) else { return false };
        if self.benign_first.contains(&first.as_str()) || (parts.len() > 1 && self.benign_last.contains(&last.as_str()))
        {
            return false;
        }
        parts.iter().any(|p| self.has_part(p))
            || parts.windows(2).any(|w| self.pairs.iter().any(|l| l.contains(&(w[0].as_str(), w[1].as_str()))))
    }

    /// True when `part` (lower case) on its own names the value.
    pub fn has_part(&self, part: &str) -> bool {
        self.parts.iter().any(|l| l.contains(&part))
    }
}

/// A CHANGE_ME / REPLACE_ME placeholder word (E4's).
pub(crate) static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:^|[^a-z0-9])(?:change|replace)[_-]?me(?:[^a-z0-9]|$)").unwrap());

/// True when a value holds a CHANGE_ME / REPLACE_ME placeholder (E4's).
pub fn is_placeholder(value: &str) -> bool {
    PLACEHOLDER.is_match(value)
}

static KNOWN_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \b(?:AKIA|ASIA)[0-9A-Z]{16}\b
        | \bgh[pousr]_[A-Za-z0-9]{36,}
        | \bgithub_pat_[A-Za-z0-9_]{22,}
        | \bglpat-[A-Za-z0-9_-]{20,}
        | \bxox[abprs]-[A-Za-z0-9-]{10,}
        | \b[sr]k_live_[A-Za-z0-9]{16,}
        | \bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}
        | \bAIza[0-9A-Za-z_-]{35}
        | -----BEGIN\ (?:[A-Z]+\ )*PRIVATE\ KEY-----
        ",
    )
    .unwrap()
});

/// A URL with a password in it (`scheme://user:PASSWORD@host`); the password is group 1.
pub(crate) static URL_PASSWORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]+:([^\s@/]+)@").unwrap());

/// A hard-coded secret inside a text: a known key format, or a URL's password. Returns the secret.
pub fn embedded_secret(text: &str) -> Option<&str> {
    if let Some(m) = KNOWN_KEY.find(text) {
        return Some(m.as_str());
    }
    URL_PASSWORD
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str())
        .find(|p| !is_reference(p) && !is_placeholder(p))
}

/// True for values that only point elsewhere: `$VAR`, `${VAR}`, `$(VAR)`, `{{ ... }}`, `<password>`, `%(x)s`,
/// and reads of the environment in any language (`process.env.DB_PASSWORD`, `os.getenv("TOKEN")`).
fn is_reference(v: &str) -> bool {
    let v = v.trim();
    v.starts_with('$')
        || v.starts_with("{{")
        || v.starts_with('<')
        || v.starts_with("%(")
        || v.chars().all(|c| c == '*')
        || crate::detect::reads_environment(v)
}

/// True when a credential-named entry's value is a real value (not empty, a flag, a reference or a placeholder).
pub fn holds_value(v: &str) -> bool {
    let t = v.trim().trim_matches(|c| c == '"' || c == '\'');
    !(t.is_empty()
        || is_reference(t)
        || is_placeholder(t)
        || matches!(t.to_ascii_lowercase().as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null")
        || (t.len() < 6 && t.chars().all(|c| c.is_ascii_digit())))
}

/// A value with all but its first 4 characters hidden.
pub fn mask(value: &str) -> String {
    let shown: String = value.chars().take(4).collect();
    if value.chars().count() <= 4 { "****".into() } else { format!("{shown}****") }
}

/// Env var names that look like credentials (PASSWORD, SECRET, TOKEN, KEY, CREDENTIAL, a DSN,
/// or a database/broker/webhook URL, which carries a password or token) — the wizard suggests
/// these as secrets.
///
/// Deliberately a superset of the names the review gate's E5 treats as credentials (PASSWORD,
/// SECRET, TOKEN, KEY, CREDENTIAL): anything E5 would flag as a plain value should be offered
/// as a secret up front.
pub fn secret_like(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    // Split camelCase too (apiKey, dbPassword) so the token rules below see the words.
    let words = upper_words(name);
    // Substrings safe to match anywhere: no ordinary word contains them.
    const ANYWHERE: &[&str] =
        &["PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL", "APIKEY", "PRIVATEKEY", "ACCESSKEY"];
    // Whole words only: KEY would match MONKEY, PASS would match PASSPORT/BYPASS.
    const WORDS: &[&str] =
        &["KEY", "KEYS", "PASS", "PWD", "CREDS", "DSN", "SALT", "PEPPER", "AUTH", "PRIVATE", "SIGNATURE"];
    // A URL/URI to one of these carries a password or token in it.
    const URL_OWNERS: &[&str] = &[
        "DATABASE",
        "DB",
        "POSTGRES",
        "POSTGRESQL",
        "PG",
        "PSQL",
        "MONGO",
        "MONGODB",
        "REDIS",
        "AMQP",
        "RABBITMQ",
        "RABBIT",
        "BROKER",
        "CELERY",
        "MYSQL",
        "MARIADB",
        "SMTP",
        "WEBHOOK",
        "SLACK",
        "DISCORD",
        "SENTRY",
        "CONNECTION",
        "QUEUE",
        "CACHE",
        "ELASTICSEARCH",
        "KAFKA",
        "NATS",
        "SQLALCHEMY",
    ];
    if ANYWHERE.iter().any(|s| upper.replace('_', "").contains(s)) {
        return true;
    }
    if words.iter().any(|w| WORDS.contains(&w.as_str())) {
        return true;
    }
    let is_url = |w: &String| matches!(w.as_str(), "URL" | "URI" | "URLS" | "STRING" | "CONN" | "CONNSTR");
    if let Some(pos) = words.iter().position(is_url) {
        return words[..pos].iter().any(|w| URL_OWNERS.contains(&w.as_str()));
    }
    false
}
