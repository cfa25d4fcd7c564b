//! E6: each SealedSecret is in the deployment namespace.

use super::*;

/// E6: each SealedSecret's namespace is the deployment namespace.
pub fn e6(r: &Review, out: &mut Vec<Finding>) {
    let Some(ns) = r.ctx.namespace.as_deref() else { return };
    for o in sealed_secrets(r) {
        let meta_ns = o.node.path("metadata.namespace");
        let tmpl_ns = o.node.path("spec.template.metadata.namespace").filter(|n| !n.is_null());
        let wrong_meta = meta_ns.and_then(Node::as_str) != Some(ns);
        let wrong_tmpl = tmpl_ns.is_some_and(|n| n.as_str() != Some(ns));
        if !wrong_meta && !wrong_tmpl {
            continue;
        }
        let (line, problem) = if wrong_meta {
            match meta_ns.and_then(Node::as_str) {
                Some(other) => (meta_ns.and_then(Node::line), format!("is sealed for namespace {other}")),
                None => {
                    (o.node.entry("metadata").and_then(|e| e.key_pos).map(|p| p.line), "names no namespace".to_string())
                }
            }
        } else {
            (
                tmpl_ns.and_then(Node::line),
                format!("makes its Secret in namespace {}", tmpl_ns.and_then(Node::as_str).unwrap_or("?")),
            )
        };
        out.push(
            Finding::new(CheckId::E6, &o.file, line.or(o.line()))
                .object(o.id())
                .message(format!(
                    "SealedSecret {} {problem}, but the app runs in {ns}: the controller will not decrypt it there and \
                     the pods never start.",
                    o.name
                ))
                .fix(format!(
                    "Set `metadata.namespace: {ns}` (and the template's namespace, if set) and seal every value again \
                     with `vibe seal NAME`: values sealed for another namespace stay bound to it."
                )),
        );
    }
}
