//! E2: no passwords, tokens or keys in ConfigMaps.

use super::*;

/// A line of a config file or script held in a ConfigMap: `NAME=value`, `name: value`,
/// `const name = value;`, `$name = value;`, `name := value`, `'name' => value,`.
static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^\s*(?:(?:export|const|let|var|val|final|private|public|static|String|string)\s+|\$)*["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?::=|=>|[=:])\s*(.*?)\s*[,;]?\s*$"#,
    )
    .unwrap()
});

/// E2: no passwords, tokens or keys in ConfigMaps.
pub fn e2(r: &Review, out: &mut Vec<Finding>) {
    for o in r.repo.objects.iter().filter(|o| o.kind == "ConfigMap") {
        for e in o.node.get("data").map(Node::entries).unwrap_or_default() {
            let Some(value) = e.value.as_str() else { continue };
            let mut report = |line: Option<u32>, what: String, secret: &str, name: &str| {
                out.push(
                    Finding::new(CheckId::E2, &o.file, line.or(e.key_pos.map(|p| p.line)))
                        .object(o.id())
                        .message(format!("ConfigMap {} holds {what} in plain text ({}).", o.name, mask(secret)))
                        .secret(secret)
                        .fix(format!(
                            "Remove it from the ConfigMap, seal the value with `vibe seal {}`, read it in the container \
                             through `valueFrom.secretKeyRef`, and change the leaked value.",
                            env_name(name)
                        )),
                );
            };
            if !value.contains('\n') {
                let v = value.trim();
                if credential_name(&e.key) && holds_value(v) {
                    report(e.value.line(), format!("the credential `{}`", e.key), v, &e.key);
                } else if let Some(s) = embedded_secret(v) {
                    report(e.value.line(), format!("a secret in `{}`", e.key), s, &e.key);
                }
                continue;
            }
            // A config file inside the ConfigMap: judge each line.
            for (line, text) in scalar_lines(&e.value, value) {
                if let Some(c) = ASSIGNMENT.captures(text) {
                    let (name, v) = (&c[1], c[2].trim_matches(|ch| ch == '"' || ch == '\''));
                    if credential_name(name) && holds_value(v) && embedded_secret(text).is_none() {
                        report(line, format!("the credential `{name}` in `{}`", e.key), v, name);
                        continue;
                    }
                }
                if let Some(s) = embedded_secret(text) {
                    let name = ASSIGNMENT.captures(text).map(|c| c[1].to_string()).unwrap_or_else(|| e.key.clone());
                    report(line, format!("a secret in `{}`", e.key), s, &name);
                }
            }
        }
    }
}
