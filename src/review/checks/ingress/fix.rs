//! The fixers of H2 (Ingress TLS), declared with their checks in this family's `CHECKS`.

use crate::edit::Files;
use crate::edit::yaml_edit::{self as edit, Y};
use crate::k8s::tls_entries_cover;
use crate::review::Finding;
use crate::review::fixers::{Fixed, Fx, current, edit_at, object_of};
use crate::yaml::Node;

/// H2: TLS for every host of the Ingress, with the secret `<name>-tls`.
pub(super) fn h2(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let obj = object_of(fx, f)?;
    let spec = current(files, obj, "spec")?.ok_or("the Ingress has no spec")?;
    let secret = format!("{}-tls", fx.ctx.slug.clone().unwrap_or_else(|| obj.name.clone()));
    let hosts: Vec<&str> =
        spec.get("rules").map(Node::items).unwrap_or_default().iter().filter_map(|r| r.get("host")?.as_str()).collect();
    let tls = spec.get("tls").map(Node::items).unwrap_or_default();
    if tls.is_empty() {
        let mut entry = Vec::new();
        if !hosts.is_empty() {
            entry.push(("hosts", Y::Seq(hosts.iter().map(|h| Y::str(h)).collect())));
        }
        entry.push(("secretName", Y::str(&secret)));
        return edit_at(files, obj, "spec", |t, d, p| edit::set(t, d, p, "tls", &Y::seq([Y::map(entry)])));
    }
    let uncovered: Vec<&str> = hosts.into_iter().filter(|h| !tls_entries_cover(tls, h)).collect();
    if uncovered.is_empty() {
        return Ok(());
    }
    match tls
        .iter()
        .position(|t| t.get("secretName").and_then(Node::as_str) == Some(secret.as_str()) && t.get("hosts").is_some())
    {
        Some(i) => {
            for h in uncovered {
                edit_at(files, obj, &format!("spec.tls.{i}"), |t, d, p| edit::append(t, d, p, "hosts", &Y::str(h)))?;
            }
            Ok(())
        }
        None => {
            let entry = Y::map([
                ("hosts", Y::Seq(uncovered.iter().map(|h| Y::str(h)).collect())),
                ("secretName", Y::str(&secret)),
            ]);
            edit_at(files, obj, "spec", |t, d, p| edit::append(t, d, p, "tls", &entry))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::CheckId;
    use crate::review::fixers::testing::fix;

    #[test]
    fn tls_without_rule_hosts_names_only_the_secret() {
        let ing = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  defaultBackend:\n    service: {name: web, port: {number: 8080}}\n";
        let out =
            fix(&[("ing.yaml", ing)], Finding::new(CheckId::H2, "ing.yaml", Some(5)).object("Ingress/web")).unwrap();
        assert!(out["ing.yaml"].ends_with("  tls:\n    - secretName: web-tls\n"), "{}", out["ing.yaml"]);
    }
}
