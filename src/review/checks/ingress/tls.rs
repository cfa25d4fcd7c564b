//! H2: the Ingress has TLS for every host.

use super::*;

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
