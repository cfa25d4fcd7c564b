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
use crate::review::model::{METRICS_PATH, key_line};
mod fix;
use crate::review::registry::{Check, Judged};
use crate::review::workload::Workload;
use crate::review::{Finding, Review};
use crate::yaml::Node;
use regex::Regex;
use std::sync::LazyLock;

/// The checks of this file, declared once: id, function, evidence, scope and fixer.
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

/// H1: each rule host matches the platform host pattern.
pub fn h1(r: &Review, out: &mut Vec<Finding>) {
    let p = &r.ctx.platform;
    let pattern = p.ingress_host_pattern.replace("{prefix}", &p.prefix);
    let expected = r.ctx.slug.as_deref().map(|s| p.ingress_host(s));
    let wanted = match &expected {
        Some(h) => format!("`{h}`"),
        None => format!("the platform pattern `{}`", pattern.replace("{slug}", "<slug>")),
    };
    for ing in ingresses(r.repo) {
        for rule in ing.node.path("spec.rules").map(Node::items).unwrap_or_default() {
            let host = rule.get("host").and_then(Node::as_str);
            let ok = match (host, &expected) {
                (Some(h), Some(e)) => h.eq_ignore_ascii_case(e),
                (Some(h), None) => fits_pattern(h, &pattern),
                (None, _) => false,
            };
            if ok {
                continue;
            }
            let (message, line) = match host {
                Some(h) => (
                    format!(
                        "The Ingress `{}` answers on `{h}`, which is not {wanted}: it will not resolve or get a valid certificate.",
                        ing.name
                    ),
                    rule.get("host").and_then(Node::line),
                ),
                None => (
                    format!(
                        "A rule of the Ingress `{}` has no host, so it answers on any name instead of {wanted}.",
                        ing.name
                    ),
                    rule.line(),
                ),
            };
            let fix = match &expected {
                Some(e) => format!("Set the rule's `host: {e}` (and list the same host under `spec.tls`)."),
                None => format!("Set the rule's `host` to {wanted}, with the app's slug (`vibe generate` writes it)."),
            };
            out.push(
                Finding::new(CheckId::H1, &ing.file, line.or(ing.line())).object(ing.id()).message(message).fix(fix),
            );
        }
    }
}

/// H2: the Ingress has TLS covering its hosts.
pub fn h2(r: &Review, out: &mut Vec<Finding>) {
    for ing in ingresses(r.repo) {
        let spec = ing.node.get("spec");
        let tls = spec.and_then(|s| s.get("tls")).map(Node::items).unwrap_or_default();
        let hosts: Vec<(&str, Option<u32>)> = spec
            .and_then(|s| s.get("rules"))
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|rule| rule.get("host").and_then(|h| Some((h.as_str()?, h.line()))))
            .collect();
        let slug = r.ctx.slug.clone().unwrap_or_else(|| ing.name.clone());
        let secret = format!("{slug}-tls");
        let host_list = if hosts.is_empty() {
            r.ctx.slug.as_deref().map(|s| r.ctx.platform.ingress_host(s)).unwrap_or_else(|| "<host>".into())
        } else {
            hosts.iter().map(|(h, _)| *h).collect::<Vec<_>>().join(", ")
        };
        if tls.is_empty() {
            out.push(
                Finding::new(CheckId::H2, &ing.file, spec.and_then(|_| key_line(&ing.node, "spec")).or(ing.line()))
                    .object(ing.id())
                    .message(format!(
                        "The Ingress `{}` has no TLS: data travels in clear text and browsers say \"not secure\".",
                        ing.name
                    ))
                    .fix(format!("Add under `spec`: `tls: [{{hosts: [{host_list}], secretName: {secret}}}]`.")),
            );
            continue;
        }
        for (host, line) in hosts {
            let covered = tls_entries_cover(tls, host);
            if covered {
                continue;
            }
            out.push(
                Finding::new(CheckId::H2, &ing.file, line.or(ing.line()))
                    .object(ing.id())
                    .message(format!("The host `{host}` of the Ingress `{}` is not listed under its TLS, so it is served without HTTPS.", ing.name))
                    .fix(format!("List `{host}` under `spec.tls[].hosts` (with `secretName: {secret}`).")),
            );
        }
    }
}

/// H3: /metrics is not reachable through the external route.
pub fn h3(r: &Review, out: &mut Vec<Finding>) {
    let routes = &r.model.routes;
    if !routes.has_ingress() {
        return;
    }
    let http = i64::from(PORT_HTTP);
    for b in routes.backends() {
        if !b.covers_metrics() {
            continue;
        }
        let t = routes.resolve(&b);
        let nginx: Vec<&Workload> = t.pods.iter().filter(|w| w.component == Some("nginx")).collect();
        let problem = if !nginx.is_empty() {
            let unprotected = nginx.iter().find(|w| {
                !routes.mounted_configmaps(w).iter().any(|cm| {
                    cm.node
                        .get("data")
                        .map(Node::entries)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|e| e.value.as_str())
                        .any(refuses_metrics)
                })
            });
            match unprotected {
                None => continue,
                Some(w) => Some((
                    format!(
                        "The Ingress `{}` sends {} to the nginx front {}, whose config has no `location` answering 404 for {METRICS_PATH}, so the app's internal numbers are public.",
                        b.ingress.name,
                        b.describe_path(),
                        w.obj.id()
                    ),
                    {
                        let cms: Vec<String> =
                            routes.mounted_configmaps(w).iter().map(|c| format!("`{}`", c.name)).collect();
                        let place = if cms.is_empty() {
                            format!("the nginx config of {} (mount it from a ConfigMap)", w.obj.id())
                        } else {
                            format!("the nginx config of {} (ConfigMap {})", w.obj.id(), cms.join(", "))
                        };
                        format!(
                            "In {place}, add `location = {METRICS_PATH} {{ return 404; }}` and `location ^~ {METRICS_PATH}/ {{ return 404; }}` before `location /` (the generated nginx front has them)."
                        )
                    },
                )),
            }
        } else {
            let reaches_app = t.container_ports.contains(&http)
                || (t.pods.is_empty() && t.target == Some(PortRef::Number(http)))
                || (t.service.is_none() && b.port == Some(PortRef::Number(http)));
            reaches_app.then(|| {
                (
                    format!(
                        "The Ingress `{}` sends {} straight to port {PORT_HTTP}, which also serves {METRICS_PATH}: anyone outside can read the app's internal numbers.",
                        b.ingress.name,
                        b.describe_path()
                    ),
                    r.ctx
                        .slug
                        .as_deref()
                        .map(|s| format!("Route the Ingress to the nginx front `{s}-nginx`, which answers 404 for {METRICS_PATH}: set `nginx: true` under components in vibe.yaml and run `vibe generate`."))
                        .unwrap_or_else(|| CheckId::H3.info().fix.to_string()),
                )
            })
        };
        if let Some((message, fix)) = problem {
            out.push(
                Finding::new(CheckId::H3, &b.ingress.file, b.line.or(b.ingress.line()))
                    .object(b.ingress.id())
                    .message(message)
                    .fix(fix),
            );
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
