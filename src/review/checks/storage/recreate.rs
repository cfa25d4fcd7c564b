//! D2: stateful stores are replaced, not rolled (strategy Recreate).

use super::*;

/// D2: stateful store Deployments use strategy Recreate.
pub fn d2(r: &Review, out: &mut Vec<Finding>) {
    for (w, comp) in stateful_stores(r) {
        if w.obj.kind != "Deployment" {
            continue;
        }
        let spec = w.obj.node.get("spec");
        let strategy = spec.and_then(|s| s.get("strategy"));
        let ty = strategy.and_then(|s| s.get("type")).and_then(Node::as_str);
        let key_line =
            |node: Option<&Node>, key: &str| node.and_then(|n| n.entry(key)).and_then(|e| e.key_pos).map(|p| p.line);
        // The type's line, else the `strategy:` key, else the `spec:` key.
        let line = strategy
            .and_then(|s| s.get("type"))
            .and_then(Node::line)
            .or(key_line(spec, "strategy"))
            .or(key_line(Some(&w.obj.node), "spec"))
            .or(w.obj.line());
        let problem = match ty {
            Some("Recreate") if strategy.and_then(|s| s.get("rollingUpdate")).is_some_and(|n| !n.is_null()) => {
                "sets strategy Recreate but keeps a `rollingUpdate` block, which Kubernetes rejects".to_string()
            }
            Some("Recreate") => continue,
            Some(other) => format!("uses the {other} strategy"),
            None => "uses the default RollingUpdate strategy".to_string(),
        };
        out.push(
            Finding::new(CheckId::D2, &w.obj.file, line)
                .object(w.obj.id())
                .message(format!(
                    "The {} Deployment {} {problem}: during an update the new pod waits forever for the disk the \
                     old one holds, or both write the same files.",
                    comp.id, w.obj.name
                ))
                .fix(format!(
                    "Set `spec.strategy.type: Recreate` on {} and remove any `rollingUpdate` block.",
                    w.obj.id()
                )),
        );
    }
}
