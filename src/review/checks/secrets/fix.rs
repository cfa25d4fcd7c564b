//! The fixers of E5 (secrets), declared with their checks in this family's `CHECKS`.

use crate::contract;
use crate::contract::UNSEALED_STUB;
use crate::edit::Files;
use crate::edit::yaml_edit::{self as edit, Y, path};
use crate::repo::Object;
use crate::review::Finding;
use crate::review::fixers::{Fixed, Fx, container_path, edit_at, edit_object, workload_of};
use crate::review::workload::Workload;
use crate::yaml::{self, Node};

/// E5: the env value becomes a secretKeyRef; the SealedSecret gets a stub to seal. The plain value
/// is removed and never written anywhere else.
pub(super) fn e5(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let w = workload_of(fx, f)?;
    let line = f.line.ok_or("no line")?;
    let (c, index, name, value) = w
        .containers()
        .into_iter()
        .find_map(|c| {
            c.node.get("env").map(Node::items).unwrap_or_default().iter().enumerate().find_map(|(i, e)| {
                let hit = e.get("value").and_then(Node::line) == Some(line) || e.line() == Some(line);
                let value = e.get("value").and_then(Node::as_str).unwrap_or_default().to_string();
                hit.then(|| Some((c, i, e.get("name")?.as_str()?.to_string(), value))).flatten()
            })
        })
        .ok_or("cannot find the env entry the finding is about")?;
    files.redact(&value);
    if name.is_empty() || !name.chars().all(|ch| ch.is_ascii_alphanumeric() || "-._".contains(ch)) {
        return Err(format!("`{name}` cannot be a key of a Secret"));
    }
    let ns = w.obj.namespace.clone().or_else(|| fx.ctx.namespace.clone());
    let secret = secret_for(fx, &w, ns.as_deref());
    let rel = format!("{}.env.{index}", container_path(&w, &c)?);
    let value_from = Y::map([("secretKeyRef", Y::map([("name", Y::str(&secret.name)), ("key", Y::str(&name))]))]);
    edit_at(files, w.obj, &rel, |t, d, p| edit::set(t, d, p, "valueFrom", &value_from))?;
    edit_at(files, w.obj, &rel, |t, d, p| edit::remove(t, d, p, "value"))?;
    add_secret_key(files, &secret, ns.as_deref(), &name)
}

/// The SealedSecret an app's secretKeyRefs should use.
struct SecretTarget {
    name: String,
    /// The existing SealedSecret, if there is one.
    object: Option<Object>,
}

fn secret_for(fx: &Fx, w: &Workload, ns: Option<&str>) -> SecretTarget {
    let sealed: Vec<&Object> = fx
        .repo
        .objects
        .iter()
        .filter(|o| {
            o.kind == "SealedSecret" && o.namespace.clone().or_else(|| fx.ctx.namespace.clone()).as_deref() == ns
        })
        .collect();
    let by_name = |name: &str| sealed.iter().find(|o| o.name == name).map(|o| (*o).clone());
    // 1. A SealedSecret the pod already reads from.
    for c in w.containers() {
        for e in c.node.get("env").map(Node::items).unwrap_or_default() {
            if let Some((n, o)) =
                e.path("valueFrom.secretKeyRef.name").and_then(Node::as_str).and_then(|n| Some((n, by_name(n)?)))
            {
                return SecretTarget { name: n.to_string(), object: Some(o) };
            }
        }
    }
    // 2. The app's own (`<slug>-secrets`), 3. any in the namespace, 4. a new one.
    let base =
        fx.ctx.slug.clone().unwrap_or_else(|| w.obj.name.strip_suffix("-app").unwrap_or(&w.obj.name).to_string());
    let wanted = format!("{base}-secrets");
    if let Some(o) = by_name(&wanted) {
        return SecretTarget { name: wanted, object: Some(o) };
    }
    if let Some(o) = sealed.first() {
        return SecretTarget { name: o.name.clone(), object: Some((*o).clone()) };
    }
    SecretTarget { name: wanted, object: None }
}

/// Adds `key: REPLACE_ME` to the SealedSecret (creating it in the sealed-secrets file if needed).
fn add_secret_key(files: &mut Files, secret: &SecretTarget, ns: Option<&str>, key: &str) -> Fixed {
    if let Some(obj) = &secret.object {
        let stub = Y::map([("spec", Y::map([("encryptedData", Y::map([(key, Y::str(UNSEALED_STUB))]))]))]);
        return edit_object(files, obj, |t, d, p| edit::merge(t, d, p, &stub, false));
    }
    let file = contract::SEALED_SECRETS_FILE;
    let text = files.text_or_empty(file);
    let mut meta = vec![("name", Y::str(&secret.name))];
    if let Some(ns) = ns {
        meta.push(("namespace", Y::str(ns)));
    }
    // Added for another finding of this run: add the key to that one.
    let docs = yaml::parse_documents(&text).unwrap_or_default();
    if let Some(d) = docs.iter().find(|d| {
        d.root.get("kind").and_then(Node::as_str) == Some("SealedSecret")
            && d.root.path("metadata.name").and_then(Node::as_str) == Some(secret.name.as_str())
    }) {
        let stub = Y::map([("encryptedData", Y::map([(key, Y::str(UNSEALED_STUB))]))]);
        let out = edit::merge(&text, d.index, &path("spec"), &stub, false).map_err(|e| format!("{file}: {e}"))?;
        files.put(file, out);
        return Ok(());
    }
    let doc = Y::map([
        ("apiVersion", Y::str("bitnami.com/v1alpha1")),
        ("kind", Y::str("SealedSecret")),
        ("metadata", Y::map(meta.clone())),
        (
            "spec",
            Y::map([
                ("encryptedData", Y::map([(key, Y::str(UNSEALED_STUB))])),
                ("template", Y::map([("metadata", Y::map(meta)), ("type", Y::str("Opaque"))])),
            ]),
        ),
    ]);
    let body = format!(
        "# Added by `vibe review --fix` (E5). NOT READY YET: seal each {UNSEALED_STUB} with `vibe seal NAME`,\n\
         # using a NEW value (the old one is in the git history).\n{}",
        edit::render_document(&doc, edit::seq_indented(&text))
    );
    let out = edit::append_document(&text, &body).map_err(|e| format!("{file}: {e}"))?;
    files.put(file, out);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract;
    use crate::contract::CheckId;
    use crate::review::fixers::testing::fix;

    #[test]
    fn plain_secrets_move_to_a_new_sealed_secret_and_are_not_copied() {
        let app = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop-app, namespace: ns}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: x/y:1\n        env:\n        - {name: STRIPE_TOKEN, value: tok_12345678}\n";
        let out =
            fix(&[("app.yaml", app)], Finding::new(CheckId::E5, "app.yaml", Some(11)).object("Deployment/shop-app"))
                .unwrap();
        assert!(
            out["app.yaml"]
                .contains("- {name: STRIPE_TOKEN, valueFrom: {secretKeyRef: {name: shop-secrets, key: STRIPE_TOKEN}}}"),
            "{}",
            out["app.yaml"]
        );
        let sealed = &out[contract::SEALED_SECRETS_FILE];
        assert!(sealed.contains("    STRIPE_TOKEN: REPLACE_ME\n") && sealed.contains("namespace: ns"), "{sealed}");
        assert!(out.values().all(|t| !t.contains("tok_12345678")));
    }
}
