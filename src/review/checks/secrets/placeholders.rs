//! E4: no CHANGE_ME / REPLACE_ME placeholders remain.

use super::*;
use crate::credentials::PLACEHOLDER;

/// Chart values files (values.yaml, values-prod.yaml, ...), which E4 reads besides manifests.
fn is_values_file(file: &str) -> bool {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.starts_with("values") && (name.ends_with(".yaml") || name.ends_with(".yml"))
}

/// Every scalar under `node` with the key it sits under (for fixes) .
fn scalars<'a>(node: &'a Node, key: &'a str, out: &mut Vec<(&'a str, &'a Node)>) {
    match &node.value {
        Value::Scalar { .. } => out.push((key, node)),
        Value::Seq(items) => items.iter().for_each(|n| scalars(n, key, out)),
        Value::Map(entries) => entries.iter().for_each(|e| scalars(&e.value, &e.key, out)),
    }
}

/// E4: no CHANGE_ME / REPLACE_ME placeholders in manifests, chart values or SealedSecrets.
pub fn e4(r: &Review, out: &mut Vec<Finding>) {
    let docs = r
        .repo
        .objects
        .iter()
        .map(|o| (&o.file, &o.node, Some(o)))
        .chain(r.repo.yaml.iter().filter(|y| is_values_file(&y.file)).map(|y| (&y.file, &y.node, None)));
    for (file, root, obj) in docs {
        if !root_mentions_placeholder(root) {
            continue;
        }
        let mut found = Vec::new();
        scalars(root, "", &mut found);
        let sealed = obj.is_some_and(|o| o.kind == "SealedSecret");
        for (key, node) in found {
            let Some(text) = node.as_str() else { continue };
            if !might_be_placeholder(text) || !is_placeholder(text) {
                continue;
            }
            for (line, l) in scalar_lines(node, text) {
                if !is_placeholder(l) {
                    continue;
                }
                // Store passwords are vibe's to choose: a random one, sealed unseen, is the safest fix.
                let store_password = crate::contract::STORE_PASSWORD_KEYS.iter().any(|(_, k)| *k == key);
                let fix = if sealed {
                    let seal = if store_password {
                        format!(
                            "Run `vibe seal --generate {key}`: it creates a strong random password and writes its \
                             sealed form here without showing it (or seal your own value with `vibe seal {key}`)."
                        )
                    } else {
                        format!(
                            "Run `vibe seal {key}`: it asks for the value without showing it and writes its sealed \
                             form here (or seal it with kubeseal as this file's header shows, and paste the output)."
                        )
                    };
                    // `vibe seal` cannot encrypt without the certificate: a fix that only named the
                    // command would send the creator into an error.
                    if r.ctx.platform.sealed_secrets_certificate.is_some() {
                        seal
                    } else {
                        format!(
                            "No sealed-secrets certificate is configured yet, and sealing needs one: first {}. {seal}",
                            crate::seal::certificate_steps(r.ctx.platform.source.as_deref())
                        )
                    }
                } else {
                    "Replace the placeholder with the real value: for a generated file set it in vibe.yaml and run \
                     `vibe generate`; a password or token goes in the SealedSecret (`vibe seal NAME`) and is read \
                     through `secretKeyRef`."
                        .to_string()
                };
                let mut f = Finding::new(CheckId::E4, file.as_str(), line)
                    .message(if sealed {
                        format!("The sealed value `{key}` is still a placeholder: the app cannot be deployed until it is sealed.")
                    } else {
                        let word = PLACEHOLDER.find(l).map_or("", |m| m.as_str());
                        let word = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
                        format!("`{key}` still holds the placeholder {word} instead of a real value.")
                    })
                    .fix(fix);
                if let Some(o) = obj {
                    f = f.object(o.id());
                }
                out.push(f);
            }
        }
    }
}

/// Cheap pre-filter: does any scalar of the tree hold a placeholder?
fn root_mentions_placeholder(node: &Node) -> bool {
    match &node.value {
        Value::Scalar { text, .. } => might_be_placeholder(text) && is_placeholder(text),
        Value::Seq(items) => items.iter().any(root_mentions_placeholder),
        Value::Map(entries) => entries.iter().any(|e| root_mentions_placeholder(&e.value)),
    }
}

static PLACEHOLDER_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)change|replace").unwrap());

/// True when `text` contains "change" or "replace" in any case (a fast test before the full regex).
fn might_be_placeholder(text: &str) -> bool {
    text.len() >= 8 && PLACEHOLDER_WORD.is_match(text)
}
