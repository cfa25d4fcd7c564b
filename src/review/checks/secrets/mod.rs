//! Secrets checks (E1–E7). No check ever prints a value: findings show at most its first
//! 4 characters ([`mask`]).
//!
//! Decisions where the contract leaves room:
//! - Credential-like names (E2, E3, E5): a word PASSWORD/PASSWD/SECRET/CREDENTIAL(S), TOKEN,
//!   KEY (or API/ACCESS/PRIVATE/SECRET/AUTH/SIGNING/ENCRYPTION/MASTER/LICENSE + KEY) or PASS/PWD,
//!   split on `_`, `-`, `.` and camelCase. Names that only point at a credential are not
//!   credentials: ending in URL, HOST, PORT, FILE, PATH, NAME, USER, ID, TTL, ..., or containing
//!   PUBLIC (see [`NOT_SECRET_SUFFIXES`]).
//! - A placeholder (CHANGE_ME, REPLACE_ME, changeme, ...) is E4's finding only: E2, E5 and E7
//!   skip placeholder values so one problem is reported once.
//! - E3: a credential-named ARG is reported even without a default (its `--build-arg` value is
//!   recorded in the image history, as Docker's own SecretsUsedInArgOrEnv rule says), and so is
//!   a credential-named ENV whose value is a variable (`ENV TOKEN=$TOKEN` bakes the value in).
//! - E5 also reports a plain env value holding a known key format or a URL with a password,
//!   whatever the name (S1 leaves manifests to E2/E5). Values that only reference another
//!   variable (`$(DB_PASSWORD)`) and empty values are not credentials.
//! - E6: a SealedSecret without `metadata.namespace` is reported when the app's namespace is
//!   known (it would be sealed for, and applied to, whatever namespace is current).
//! - E7: kubeseal's layout is a big-endian u16 length L, L bytes of RSA-OAEP ciphertext
//!   (L = 128, 256, 384 or 512 for 1024–4096-bit keys), then AES-GCM ciphertext with its 16-byte
//!   tag. Standard or URL-safe base64, padding optional. The certificate fingerprint is compared
//!   case-insensitively, ignoring a `sha256:` prefix and `:` separators; a SealedSecret whose
//!   values are all still stubs is not judged on it.

use crate::contract::CheckId;
pub use crate::credentials::{credential_name, embedded_secret, holds_value, is_placeholder, mask};
pub use crate::lang::env_name;
use crate::repo::Object;
use crate::review::check::{Check, Judged};
use crate::review::{Finding, Review};
use crate::seal::FINGERPRINT_ANNOTATION as SEALED_WITH_ANNOTATION;
use crate::yaml::{Node, Value};
use regex::Regex;
use std::sync::LazyLock;

mod ciphertext;
mod configmap_credentials;
mod dockerfile_credentials;
mod env_values;
mod fix;
mod placeholders;
mod plain_secret;
mod sealed_namespace;
use ciphertext::e7;
use configmap_credentials::e2;
use dockerfile_credentials::e3;
use env_values::e5;
use placeholders::e4;
use plain_secret::e1;
use sealed_namespace::e6;

/// The checks of this family, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::E1, run: e1, judged: Judged::Static, repo_only: false, fixer: None },
    Check { id: CheckId::E2, run: e2, judged: Judged::Static, repo_only: false, fixer: None },
    Check { id: CheckId::E3, run: e3, judged: Judged::Static, repo_only: true, fixer: None },
    Check { id: CheckId::E4, run: e4, judged: Judged::Static, repo_only: false, fixer: None },
    Check { id: CheckId::E5, run: e5, judged: Judged::Static, repo_only: false, fixer: Some(fix::e5) },
    Check { id: CheckId::E6, run: e6, judged: Judged::Static, repo_only: false, fixer: None },
    Check { id: CheckId::E7, run: e7, judged: Judged::Static, repo_only: false, fixer: None },
];

/// RSA ciphertext lengths kubeseal produces (1024- to 4096-bit keys).
const RSA_LENGTHS: &[usize] = &[128, 256, 384, 512];
/// AES-GCM authentication tag length.
const GCM_TAG_LEN: usize = 16;

/// Lines of a scalar's content: (line number, text). A block scalar's position is its first content line.
fn scalar_lines<'a>(node: &Node, text: &'a str) -> Vec<(Option<u32>, &'a str)> {
    if !text.contains('\n') {
        return vec![(node.line(), text)];
    }
    let first = node.line();
    text.lines().enumerate().map(|(i, l)| (first.map(|f| f + i as u32), l)).collect()
}

/// The variables an ENV or ARG instruction sets: (name, value if any).
fn env_arg_vars(keyword: &str, args: &str) -> Vec<(String, Option<String>)> {
    let w = crate::repo::dockerfile_words(args);
    if keyword == "ENV" && w.len() >= 2 && !w[0].contains('=') {
        // Legacy form: `ENV NAME value with spaces`.
        let rest = args.trim_start()[w[0].len()..].trim().to_string();
        return vec![(w[0].clone(), Some(rest))];
    }
    w.into_iter()
        .map(|x| match x.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (x, None),
        })
        .collect()
}

/// SealedSecrets of the repo.
fn sealed_secrets<'a>(r: &'a Review) -> impl Iterator<Item = &'a Object> {
    r.repo.objects.iter().filter(|o| o.kind == "SealedSecret")
}

/// Decodes standard or URL-safe base64 (padding optional, whitespace ignored).
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    let mut padding = 0;
    for b in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            _ => return None,
        };
        if padding > 0 {
            return None; // data after padding
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // 6 leftover bits mean one stray character: not base64.
    (bits < 6 && padding <= 2).then_some(out)
}

/// True when `value` is kubeseal's layout: u16 length L, L bytes of RSA ciphertext, AES-GCM output.
pub fn is_kubeseal_ciphertext(value: &str) -> bool {
    let Some(bytes) = base64_decode(value) else { return false };
    if bytes.len() < 2 {
        return false;
    }
    let l = usize::from(u16::from_be_bytes([bytes[0], bytes[1]]));
    RSA_LENGTHS.contains(&l) && bytes.len() >= 2 + l + GCM_TAG_LEN
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Minimal encoder for the tests.
    fn b64(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut s = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..4 {
                if i <= chunk.len() {
                    s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    s.push('=');
                }
            }
        }
        s
    }

    #[test]
    fn base64_round_trips_and_rejects_junk() {
        for data in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar", &[0xff, 0xfe, 0x00, 0x10]] {
            assert_eq!(base64_decode(&b64(data)).as_deref(), Some(data), "{data:?}");
            assert_eq!(base64_decode(b64(data).trim_end_matches('=')).as_deref(), Some(data));
        }
        assert_eq!(base64_decode("_-8=").unwrap(), base64_decode("/+8=").unwrap());
        assert!(base64_decode("not base64!").is_none());
        assert!(base64_decode("abcde").is_none());
        assert!(base64_decode("ab=c").is_none());
    }

    #[test]
    fn kubeseal_layout_is_recognised() {
        let mut real = vec![0x01, 0x00];
        real.extend(std::iter::repeat_n(0xab, 256 + GCM_TAG_LEN + 12));
        assert!(is_kubeseal_ciphertext(&b64(&real)));
        real.truncate(2 + 256 + 10);
        assert!(!is_kubeseal_ciphertext(&b64(&real)), "too short for the GCM tag");
        assert!(!is_kubeseal_ciphertext(&b64(b"my-database-password")));
        assert!(!is_kubeseal_ciphertext("REPLACE_ME"));
    }

    #[test]
    fn fingerprint_is_judged_when_the_platform_certificate_is_known() {
        use crate::repo::Repo;
        use crate::review::ReviewContext;
        let mut real = vec![0x01, 0x00];
        real.extend(std::iter::repeat_n(0x5a, 256 + GCM_TAG_LEN + 8));
        let sealed = b64(&real);
        let doc = |name: &str, annotation: &str, value: &str| {
            format!(
                "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: {name}\n  namespace: ns\n\
                 {annotation}spec:\n  encryptedData:\n    K: {value}\n"
            )
        };
        let text = [
            doc("recorded", "  annotations:\n    vibe.dev/sealed-with: \"SHA256:AB:cd\"\n", &sealed),
            doc("unrecorded", "", &sealed),
            doc("stub", "", "REPLACE_ME"),
        ]
        .join("---\n");
        let repo = Repo::from_files(std::path::Path::new("."), &[("k8s/02-sealed-secrets.yaml", &text)]);
        let run = |fp: Option<&str>| {
            let ctx = ReviewContext { certificate_fingerprint: fp.map(str::to_string), ..ReviewContext::default() };
            let mut out = Vec::new();
            e7(&Review { repo: &repo, ctx: &ctx, model: &crate::review::model::Model::new(&repo) }, &mut out);
            out.iter().map(|f| (f.object.clone().unwrap_or_default(), f.line)).collect::<Vec<_>>()
        };
        assert_eq!(run(None), vec![]);
        assert_eq!(run(Some("abcd")), vec![("SealedSecret/unrecorded".to_string(), Some(14))]);
        assert_eq!(
            run(Some("ffff")),
            vec![("SealedSecret/recorded".to_string(), Some(7)), ("SealedSecret/unrecorded".to_string(), Some(14))]
        );
    }

    #[test]
    fn a_stub_fix_says_where_the_certificate_comes_from_before_vibe_seal_when_none_is_configured() {
        use crate::repo::Repo;
        use crate::review::ReviewContext;
        let text = "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: shop-secrets\n  \
                    namespace: ns\nspec:\n  encryptedData:\n    API_KEY: REPLACE_ME\n    POSTGRES_PASSWORD: REPLACE_ME\n";
        let repo = Repo::from_files(std::path::Path::new("."), &[("k8s/02-sealed-secrets.yaml", text)]);
        let fixes = |ctx: &ReviewContext| {
            let mut out = Vec::new();
            e4(&Review { repo: &repo, ctx, model: &crate::review::model::Model::new(&repo) }, &mut out);
            out.into_iter().map(|f| f.fix).collect::<Vec<_>>()
        };
        let none = ReviewContext::default();
        assert!(none.platform.sealed_secrets_certificate.is_none());
        for (fix, command) in fixes(&none).iter().zip(["vibe seal API_KEY", "vibe seal --generate POSTGRES_PASSWORD"]) {
            let cert = fix.find("kubeseal --fetch-cert").unwrap_or_else(|| panic!("no certificate source: {fix}"));
            let seal = fix.find(command).unwrap_or_else(|| panic!("no {command}: {fix}"));
            assert!(cert < seal, "the certificate comes first: {fix}");
            assert!(fix.contains("platform team") && fix.contains("sealedSecrets"), "{fix}");
            assert!(fix.contains("platform: FILE.yaml"), "no platform file was given, so one is made: {fix}");
        }
        let mut given = ReviewContext::default();
        given.platform.source = Some("ops/platform.yaml".into());
        assert!(fixes(&given).iter().all(|f| f.contains("add it to ops/platform.yaml")), "{:?}", fixes(&given));
        let mut configured = ReviewContext::default();
        configured.platform.sealed_secrets_certificate = Some("cert.pem".into());
        let ready = fixes(&configured);
        assert!(ready[0].starts_with("Run `vibe seal API_KEY`") && !ready[0].contains("fetch-cert"), "{ready:?}");
        assert!(ready[1].starts_with("Run `vibe seal --generate POSTGRES_PASSWORD`"), "{ready:?}");
    }

    #[test]
    fn a_url_password_made_only_of_references_to_secret_vars_is_accepted_and_anything_else_is_not() {
        use crate::repo::Repo;
        use crate::review::ReviewContext;
        let env = [
            ("POSTGRES_PASSWORD", "valueFrom: {secretKeyRef: {name: shop-secrets, key: POSTGRES_PASSWORD}}"),
            ("DATABASE_URL", "value: \"postgresql://shop:$(POSTGRES_PASSWORD)@shop-postgres:5432/shop\""),
            ("HARD_CODED_URL", "value: \"postgresql://shop:Xk9vQ2mZp7Lr@shop-postgres:5432/shop\""),
            ("TAILED_URL", "value: \"postgresql://shop:$(POSTGRES_PASSWORD)Xk9vQ2mZ@shop-postgres:5432/shop\""),
            ("REGION", "value: \"eu-west-1\""),
            ("PLAIN_REF_URL", "value: \"postgresql://shop:$(REGION)@shop-postgres:5432/shop\""),
            ("EARLY_URL", "value: \"amqp://shop:$(RABBITMQ_PASSWORD)@shop-rabbitmq:5672/%2F\""),
            ("RABBITMQ_PASSWORD", "valueFrom: {secretKeyRef: {name: shop-secrets, key: RABBITMQ_PASSWORD}}"),
        ];
        let env: String = env.iter().map(|(n, v)| format!("            - name: {n}\n              {v}\n")).collect();
        let text = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop-app\n  namespace: ns\nspec:\n  \
             template:\n    spec:\n      containers:\n        - name: app\n          image: x:1\n          env:\n{env}"
        );
        let repo = Repo::from_files(std::path::Path::new("."), &[("k8s/08-app.yaml", &text)]);
        let ctx = ReviewContext::default();
        let mut out = Vec::new();
        e5(&Review { repo: &repo, ctx: &ctx, model: &crate::review::model::Model::new(&repo) }, &mut out);
        let flagged: Vec<&str> = ["DATABASE_URL", "HARD_CODED_URL", "TAILED_URL", "PLAIN_REF_URL", "EARLY_URL"]
            .into_iter()
            .filter(|name| out.iter().any(|f| f.message.contains(&format!(", {name} "))))
            .collect();
        // EARLY_URL writes no secret down (its order is the generator's concern, tested there).
        assert_eq!(flagged, ["HARD_CODED_URL", "TAILED_URL", "PLAIN_REF_URL"], "{out:#?}");
        assert!(out.iter().all(|f| !f.message.contains("Xk9vQ2mZ")), "a finding never shows the password: {out:#?}");
    }

    #[test]
    fn credential_names() {
        for yes in [
            "DB_PASSWORD",
            "apiKey",
            "API_KEY",
            "GITHUB_TOKEN",
            "AccessToken",
            "client-secret",
            "AWS_SECRET_ACCESS_KEY",
            "DATA_SOURCE_PASS",
            "APIKEY",
            "credentials",
        ] {
            assert!(credential_name(yes), "{yes}");
        }
        for no in [
            "DB_USER",
            "PASSWORD_FILE",
            "PUBLIC_KEY",
            "KEYCLOAK_URL",
            "TOKEN_URL",
            "SECRET_NAME",
            "MONKEY",
            "TOKENIZER_MODEL",
            "AWS_ACCESS_KEY_ID",
            "CACHE_TTL",
        ] {
            assert!(!credential_name(no), "{no}");
        }
    }

    #[test]
    fn placeholders_and_embedded_secrets() {
        for yes in ["REPLACE_ME", "<CHANGE_ME>", "changeme", "x-replace-me", "CHANGE_ME_PLEASE"] {
            assert!(is_placeholder(yes), "{yes}");
        }
        for no in ["exchange_mechanism", "replacement", "changemeter"] {
            assert!(!is_placeholder(no), "{no}");
        }
        assert_eq!(embedded_secret("postgres://app:s3cr3t@db:5432/app"), Some("s3cr3t"));
        assert_eq!(embedded_secret("postgres://postgres@db:5432/app"), None);
        assert_eq!(embedded_secret("postgres://app:$(DB_PASSWORD)@db/app"), None);
        assert!(embedded_secret("key AKIAABCDEFGHIJKLMNOP here").is_some());
        assert!(embedded_secret("-----BEGIN RSA PRIVATE KEY-----").is_some());
        assert_eq!(mask("AKIAABCDEFGHIJKLMNOP"), "AKIA****");
    }

    #[test]
    fn block_scalar_lines_are_real_lines() {
        let doc = crate::yaml::parse_one("a: 1\nconf: |\n  user=x\n  password=hunter22\nplain: x\n").unwrap().unwrap();
        let node = doc.get("conf").unwrap();
        let lines = scalar_lines(node, node.as_str().unwrap());
        assert_eq!(lines[1], (Some(4), "password=hunter22"));
        let doc = crate::yaml::parse_one("conf: >-\n  a\n\n  b\n").unwrap().unwrap();
        assert_eq!(doc.get("conf").unwrap().line(), Some(2));
    }

    #[test]
    fn dockerfile_env_and_arg_forms() {
        assert_eq!(
            env_arg_vars("ENV", "A=1 B=\"two words\""),
            vec![("A".into(), Some("1".into())), ("B".into(), Some("two words".into()))]
        );
        assert_eq!(env_arg_vars("ENV", "API_KEY abc def"), vec![("API_KEY".into(), Some("abc def".into()))]);
        assert_eq!(env_arg_vars("ARG", "NPM_TOKEN"), vec![("NPM_TOKEN".into(), None)]);
    }
}
