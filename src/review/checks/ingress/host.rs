//! H1: the Ingress host matches the cluster pattern.

use super::*;

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
