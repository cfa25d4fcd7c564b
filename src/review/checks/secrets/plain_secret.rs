//! E1: no `kind: Secret` in the repo, only SealedSecret.

use super::*;

/// E1: no `kind: Secret` in the repo.
pub fn e1(r: &Review, out: &mut Vec<Finding>) {
    for o in r.repo.objects.iter().filter(|o| o.kind == "Secret") {
        let keys: Vec<&str> = ["data", "stringData"]
            .iter()
            .flat_map(|k| o.node.get(k).map(Node::entries).unwrap_or_default())
            .map(|e| e.key.as_str())
            .collect();
        let held = if keys.is_empty() { String::new() } else { format!(" ({})", keys.join(", ")) };
        let name = if o.name.is_empty() { "NAME".to_string() } else { o.name.clone() };
        let values: Vec<&str> = ["data", "stringData"]
            .iter()
            .flat_map(|k| o.node.get(k).map(Node::entries).unwrap_or_default())
            .filter_map(|e| e.value.as_str())
            .collect();
        let mut finding = Finding::new(CheckId::E1, &o.file, o.line());
        for v in values {
            finding = finding.secret(v);
        }
        out.push(
            finding
                .object(o.id())
                .message(format!(
                    "{} is a plain Kubernetes Secret{held}: its values are only base64-encoded, so anyone who can \
                     read the repository can read them.",
                    o.id()
                ))
                .fix(format!(
                    "Delete {} from {}, change every value it held (they are leaked), and seal the new values into \
                     the app's SealedSecret with `vibe seal NAME` for each key{}.",
                    o.id(),
                    o.file,
                    if keys.is_empty() { format!(" (it was named {name})") } else { format!(": {}", keys.join(", ")) }
                )),
        );
    }
}
