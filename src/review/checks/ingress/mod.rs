//! Ingress checks (H1–H3): the public host, TLS, and /metrics kept off the external route.
//! They apply only when the repo has an Ingress.
//!
//! Routes are followed by the review model ([`crate::review::model::Routes`]).
//!
//! Decisions where the contract leaves room:
//! - H1 compares each rule host with the platform host of the app's slug when vibe.yaml gives
//!   it, else with the host pattern for any slug. A rule without a host (every name) fires too.
//! - H2: an Ingress without `spec.tls` is one finding; with TLS, each rule host no TLS entry
//!   covers is one finding (a TLS entry without `hosts` covers every host; `*.domain` covers
//!   one label).
//! - H3 judges each backend whose path can match /metrics (no path, `/`, `/metrics`, a prefix
//!   of it). It fires when the backend reaches port 8081 of a pod that is not the nginx front;
//!   when it reaches the nginx front, it fires unless a ConfigMap the nginx pod mounts has a
//!   `location` for /metrics that answers `return 404` (403 or `deny all` also keep it out).

use crate::contract::CheckId;
use crate::contract::PORT_HTTP;
use crate::k8s::PortRef;
use crate::k8s::tls_entries_cover;
use crate::repo::{Object, Repo};
use crate::review::check::{Check, Judged};
use crate::review::model::{METRICS_PATH, key_line};
use crate::review::workload::Workload;
use crate::review::{Finding, Review};
use crate::yaml::Node;
use regex::Regex;
use std::sync::LazyLock;

mod fix;
mod host;
mod metrics_route;
mod tls;
use host::h1;
use metrics_route::h3;
use tls::h2;

/// The checks of this family, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::H1, run: h1, judged: Judged::Static, repo_only: false, fixer: None },
    Check { id: CheckId::H2, run: h2, judged: Judged::Static, repo_only: false, fixer: Some(fix::h2) },
    Check { id: CheckId::H3, run: h3, judged: Judged::Static, repo_only: false, fixer: None },
];

/// A `location` block of an nginx config for /metrics, and its body.
static METRICS_LOCATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"location\s+(?:=|\^~|~\*?)?\s*["']?\^?/metrics(?:[/$"'\s(][^{]*)?\{([^}]*)\}"#).expect("valid regex")
});
/// A body that refuses the request.
static REFUSES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\breturn\s+40[34]\b|\bdeny\s+all\b").expect("valid regex"));

/// Every Ingress of the repo.
fn ingresses(repo: &Repo) -> impl Iterator<Item = &Object> {
    repo.objects.iter().filter(|o| o.kind == "Ingress")
}

/// True when an nginx config text keeps /metrics out (a `location` for it that refuses).
fn refuses_metrics(conf: &str) -> bool {
    METRICS_LOCATION.captures_iter(conf).any(|c| c.get(1).is_some_and(|body| REFUSES.is_match(body.as_str())))
}

/// True when `host` fits the platform host pattern with some slug.
fn fits_pattern(host: &str, pattern: &str) -> bool {
    match pattern.split_once("{slug}") {
        None => host.eq_ignore_ascii_case(pattern),
        Some((before, after)) => {
            let host = host.to_ascii_lowercase();
            let (before, after) = (before.to_ascii_lowercase(), after.to_ascii_lowercase());
            if host.len() <= before.len() + after.len() || !host.starts_with(&before) || !host.ends_with(&after) {
                return false;
            }
            let slug = &host[before.len()..host.len() - after.len()];
            slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !slug.starts_with('-')
                && !slug.ends_with('-')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_metrics_locations_are_recognised() {
        assert!(refuses_metrics(
            "server {\n location = /metrics {\n return 404;\n }\n location / { proxy_pass http://app; }\n}"
        ));
        assert!(refuses_metrics("location ^~ /metrics/ { return 404; }"));
        assert!(refuses_metrics("location ~ ^/metrics { deny all; }"));
        assert!(refuses_metrics("location /metrics { return 403; }"));
        assert!(!refuses_metrics("location /metrics { proxy_pass http://app; }"));
        assert!(!refuses_metrics("location / { proxy_pass http://app; }"));
        assert!(!refuses_metrics("location /metricsx { return 404; }"));
    }

    #[test]
    fn hosts_fit_the_pattern() {
        let p = "platform-{slug}.internal.example.com";
        assert!(fits_pattern("platform-shop.internal.example.com", p));
        assert!(fits_pattern("PLATFORM-shop-2.internal.example.com", p));
        assert!(!fits_pattern("platform-.internal.example.com", p));
        assert!(!fits_pattern("shop.internal.example.com", p));
        assert!(!fits_pattern("platform-shop.example.com", p));
        assert!(!fits_pattern("platform-a.b.internal.example.com", p));
    }
}
