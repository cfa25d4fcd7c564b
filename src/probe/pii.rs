//! A scanner for personal data and credentials in log lines (check G6, live).
//!
//! It finds e-mail addresses, payment card numbers (13–19 digits passing the Luhn check),
//! password fields, `Bearer` tokens, JWTs and the values of known secrets. It reports only
//! masked excerpts: a report must never become the leak it warns about.

use base64::Engine;
use regex::Regex;
use std::sync::LazyLock;

/// What was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An e-mail address.
    Email,
    /// A payment card number (passes Luhn).
    CardNumber,
    /// A password field with a value (`"password": "…"`, `pwd=…`).
    Password,
    /// An `Authorization: Bearer …` token.
    BearerToken,
    /// A JSON Web Token.
    Jwt,
    /// The value of a known secret (its name).
    Secret(String),
}

impl Kind {
    /// Plain words for reports.
    pub fn describe(&self) -> String {
        match self {
            Kind::Email => "an e-mail address".into(),
            Kind::CardNumber => "a card number".into(),
            Kind::Password => "a password field".into(),
            Kind::BearerToken => "a Bearer token".into(),
            Kind::Jwt => "a JWT".into(),
            Kind::Secret(name) => format!("the value of secret {name}"),
        }
    }
}

/// One hit in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// What it is.
    pub kind: Kind,
    /// The matched text, masked (safe to print).
    pub masked: String,
    /// Byte range of the match in the line.
    pub span: (usize, usize),
}

/// Known secret values to look for, with their names.
#[derive(Debug, Clone, Default)]
pub struct Scanner {
    secrets: Vec<(String, String)>,
}

/// Secrets shorter than this are not searched: a 3-letter value would match everywhere.
const MIN_SECRET_LEN: usize = 6;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b").expect("valid regex")
});
/// Runs of digits separated by single spaces or dashes (cards are written `4111 1111 …`).
static DIGITS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[0-9]+(?:[ -][0-9]+)*").expect("valid regex"));
/// `"password": "value"` in JSON, with any key ending in password/passwd/pwd (`db_password`).
static PASSWORD_JSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)"[A-Za-z0-9_.-]*(?:password|passwd|pwd)"\s*:\s*"((?:[^"\\]|\\.)*)""#).expect("valid regex")
});
/// `password=value` / `pwd: value` in plain text (and query strings).
static PASSWORD_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b[A-Za-z0-9_]*(?:password|passwd|pwd)\s*[=:]\s*([^\s,;&"'}]+)"#).expect("valid regex")
});
static BEARER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bbearer\s+([A-Za-z0-9\-._~+/]+=*)").expect("valid regex"));
static JWT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9_-]{10,}={0,2}\.[A-Za-z0-9_-]{2,}={0,2}\.[A-Za-z0-9_-]*={0,2}").expect("valid regex")
});

impl Scanner {
    /// A scanner that also looks for these secret values (name, value).
    pub fn with_secrets(secrets: impl IntoIterator<Item = (String, String)>) -> Scanner {
        let secrets = secrets.into_iter().filter(|(_, v)| v.chars().count() >= MIN_SECRET_LEN).collect();
        Scanner { secrets }
    }

    /// Every hit in one line; overlapping hits are reported once (the first kind wins, in the
    /// order secrets, passwords, Bearer tokens, JWTs, e-mails, cards).
    pub fn scan(&self, line: &str) -> Vec<Hit> {
        let mut hits: Vec<Hit> = Vec::new();
        let mut push = |kind: Kind, start: usize, end: usize| {
            if hits.iter().any(|h| start < h.span.1 && h.span.0 < end) {
                return;
            }
            hits.push(Hit { kind, masked: mask(&line[start..end]), span: (start, end) });
        };
        for (name, value) in &self.secrets {
            for (start, _) in line.match_indices(value.as_str()) {
                push(Kind::Secret(name.clone()), start, start + value.len());
            }
        }
        for re in [&*PASSWORD_JSON, &*PASSWORD_TEXT] {
            for caps in re.captures_iter(line) {
                if let Some(v) = caps.get(1)
                    && !is_redacted(v.as_str())
                {
                    push(Kind::Password, v.start(), v.end());
                }
            }
        }
        for caps in BEARER.captures_iter(line) {
            if let Some(t) = caps.get(1)
                && looks_like_token(t.as_str())
            {
                push(Kind::BearerToken, t.start(), t.end());
            }
        }
        for m in JWT.find_iter(line) {
            if is_jwt(m.as_str()) {
                push(Kind::Jwt, m.start(), m.end());
            }
        }
        for m in EMAIL.find_iter(line) {
            push(Kind::Email, m.start(), m.end());
        }
        for m in DIGITS.find_iter(line) {
            if is_card_context(line, m.start(), m.end()) && is_card_number(m.as_str()) {
                push(Kind::CardNumber, m.start(), m.end());
            }
        }
        hits.sort_by_key(|h| h.span.0);
        hits
    }
}

/// Masks all but the last few characters: at most 4, and never more than a quarter of the
/// value, so a short password is not half shown.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let keep = (chars.len() / 4).min(4);
    let hidden = chars.len() - keep;
    let mut out: String = "*".repeat(hidden);
    out.extend(&chars[hidden..]);
    out
}

/// A value a logger already redacted (`***`, `[REDACTED]`, `<hidden>`), or an empty one.
fn is_redacted(value: &str) -> bool {
    let v = value.trim().trim_matches(['[', ']', '<', '>', '(', ')']).to_ascii_lowercase();
    v.is_empty()
        || v.chars().all(|c| c == '*' || c == 'x' || c == '.' || c == '#')
        || matches!(v.as_str(), "redacted" | "hidden" | "masked" | "filtered" | "secret" | "null" | "none")
}

/// "Bearer realm", "bearer token missing": words, not tokens. A token is at least 8 characters
/// and has a digit or a symbol or mixed case.
fn looks_like_token(token: &str) -> bool {
    token.len() >= 8
        && (token.chars().any(|c| c.is_ascii_digit() || "-._~+/=".contains(c))
            || (token.chars().any(|c| c.is_ascii_uppercase()) && token.chars().any(|c| c.is_ascii_lowercase())))
}

/// Three base64url parts whose header decodes to a JSON object with `alg`.
fn is_jwt(candidate: &str) -> bool {
    let Some(header) = candidate.split('.').next() else { return false };
    let header = header.trim_end_matches('=');
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header) else { return false };
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.as_object().map(|o| o.contains_key("alg")))
        .unwrap_or(false)
}

/// A digit run stands alone: not part of a version (`1.2.3.4`), a decimal, an identifier
/// (`order-1234…`, `a1b2…`) or a longer dashed code such as a UUID.
fn is_card_context(line: &str, start: usize, end: usize) -> bool {
    let before = line[..start].chars().next_back();
    let after: Vec<char> = line[end..].chars().take(2).collect();
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.' || c == '-';
    if before.is_some_and(word) {
        return false;
    }
    match after.first() {
        Some(&c) if c.is_alphanumeric() || c == '_' || c == '-' => false,
        Some('.') => !after.get(1).is_some_and(|c| c.is_ascii_digit()),
        _ => true,
    }
}

/// 13–19 digits, a card-issuer first digit, not all one digit, and the Luhn checksum holds.
fn is_card_number(run: &str) -> bool {
    let digits: Vec<u32> = run.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    // Issuers' numbers start with 2–6 (Mastercard 2/5, Amex/Diners 3, Visa 4, Discover/UnionPay 6);
    // this excludes epoch-millisecond timestamps (13 digits starting with 1).
    if !(2..=6).contains(&digits[0]) || digits.iter().all(|d| *d == digits[0]) {
        return false;
    }
    luhn(&digits)
}

/// The Luhn checksum.
pub fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<Kind> {
        Scanner::default().scan(line).into_iter().map(|h| h.kind).collect()
    }

    const JWT_SAMPLE: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    #[test]
    fn finds_true_positives() {
        assert_eq!(kinds(r#"{"msg":"signup","user":"jane.doe+x@example.co.uk"}"#), [Kind::Email]);
        assert_eq!(kinds("paid with 4111 1111 1111 1111 today"), [Kind::CardNumber]);
        assert_eq!(kinds("card=5500-0000-0000-0004"), [Kind::CardNumber]);
        assert_eq!(kinds(r#"{"card":"378282246310005"}"#), [Kind::CardNumber]);
        assert_eq!(kinds(r#"{"msg":"login","password": "hunter22"}"#), [Kind::Password]);
        assert_eq!(kinds(r#"{"DB_PASSWD":"s3cr3t!"}"#), [Kind::Password]);
        assert_eq!(kinds(r#"{"pwd":"abc\"def"}"#), [Kind::Password]);
        assert_eq!(kinds("connect user=app password=hunter22 host=db"), [Kind::Password]);
        assert_eq!(kinds("Authorization: Bearer abc123DEF456ghi789"), [Kind::BearerToken]);
        assert_eq!(kinds(&format!("token {JWT_SAMPLE} issued")), [Kind::Jwt]);
        // A JWT after Bearer is one finding, not two.
        assert_eq!(kinds(&format!("Authorization: Bearer {JWT_SAMPLE}")), [Kind::BearerToken]);
        let many = kinds(r#"{"msg":"a@b.io paid 4242424242424242","password":"pw123456"}"#);
        assert_eq!(many, [Kind::Email, Kind::CardNumber, Kind::Password]);
    }

    #[test]
    fn ignores_tricky_negatives() {
        for line in [
            r#"{"time":"2024-05-01T12:30:45.123Z","level":"info","msg":"started v1.2.3.4"}"#,
            "request id 550e8400-e29b-41d4-a716-446655440000 done",
            "uuid 12345678-1234-1234-1234-123456789012 all digits",
            "order 1234567812345678 shipped",  // 16 digits, fails Luhn
            "order-4111111111111111 is an id", // part of an identifier
            "ts=1700000000000 elapsed=0.4111111111111111",
            "0000000000000000 and 4444444444444444",
            "ip 10.0.0.1 version 4.111.1111.1111.1111",
            "payload aGVsbG8gd29ybGQgdGhpcyBpcyBub3Q.aGVsbG8gd29ybGQ.aGVsbG8", // base64, not a JWT
            "file archive.tar.gz and module.submodule.function_name",
            "Bearer token missing; use a Bearer realm",
            r#"{"password":"***","pwd":"[REDACTED]","passwd":""}"#,
            "password reset requested",
            "git@github: not an address, user@localhost either",
            "phone 555-0100 and 2024-05-01 10:30:00",
        ] {
            assert_eq!(kinds(line), [], "{line}");
        }
    }

    #[test]
    fn finds_known_secret_values() {
        let scanner = Scanner::with_secrets([
            ("API_KEY".to_string(), "sk_live_abcdef123456".to_string()),
            ("SHORT".to_string(), "abc".to_string()),
        ]);
        let hits = scanner.scan("calling api with key sk_live_abcdef123456 and abc");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].kind, Kind::Secret("API_KEY".into()));
        assert!(!hits[0].masked.contains("sk_live"));
        assert!(hits[0].masked.ends_with("3456"));
    }

    #[test]
    fn masks_all_but_four() {
        assert_eq!(mask("4111 1111 1111 1111"), "***************1111");
        assert_eq!(mask("hunter22"), "******22");
        assert_eq!(mask("abc"), "***");
        let hits = Scanner::default().scan("user jane.doe@example.com");
        assert_eq!(hits[0].masked, format!("{}.com", "*".repeat(16)));
        assert!(!hits[0].masked.contains("jane"));
    }

    #[test]
    fn luhn_checksum() {
        let d = |s: &str| s.chars().filter_map(|c| c.to_digit(10)).collect::<Vec<_>>();
        assert!(luhn(&d("4111111111111111")));
        assert!(luhn(&d("79927398713")));
        assert!(!luhn(&d("4111111111111112")));
    }

    #[test]
    fn survives_odd_input() {
        for line in
            ["", "\u{feff}é@é.é", "eyJ.eyJ.", "Bearer", "password=", "{\"password\":\"\\", "€4111 1111 1111 1111"]
        {
            let _ = Scanner::default().scan(line);
        }
    }
}
