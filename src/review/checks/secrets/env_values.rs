//! E5: credential-like env vars come from secretKeyRef, never a plain value.

use super::*;
use crate::credentials::URL_PASSWORD;

/// E5: credential-like env vars come from secretKeyRef, never a plain `value:`.
pub fn e5(r: &Review, out: &mut Vec<Finding>) {
    // The secret to point at: the repo's SealedSecret, else the naming rule's.
    let secret = sealed_secrets(r)
        .map(|o| o.name.clone())
        .find(|n| !n.is_empty())
        .or_else(|| r.ctx.slug.as_ref().map(|s| format!("{s}-secrets")))
        .unwrap_or_else(|| "<app>-secrets".into());
    for &w in &r.model.workloads {
        for c in w.containers() {
            // Variables a `$(NAME)` may stand for without writing a secret down: those read from a
            // Secret. With an `envFrom` Secret, its keys are unknown here, so any reference is given
            // the benefit of the doubt.
            let envs = c.node.get("env").map(Node::items).unwrap_or_default();
            let secret_vars: Vec<&str> = envs
                .iter()
                .filter(|e| e.path("valueFrom.secretKeyRef").is_some())
                .filter_map(|e| e.get("name").and_then(Node::as_str))
                .collect();
            let any_ref_ok =
                c.node.get("envFrom").map(Node::items).unwrap_or_default().iter().any(|e| e.get("secretRef").is_some());
            for env in envs {
                let name = env.get("name").and_then(Node::as_str).unwrap_or("");
                let mut fix = None;
                let (line, what, replace, shown) = if let Some(value_node) = env.get("value") {
                    let Some(value) = value_node.as_str() else { continue };
                    let (what, shown) = if credential_name(name) && holds_value(value) {
                        (format!("the credential {name} is written in plain text ({})", mask(value.trim())), value)
                    } else if let Some((problem, literal)) = referenced_url_password(value, &secret_vars, any_ref_ok) {
                        fix = Some(format!(
                            "Write the URL's password only as `$(PASSWORD_VAR)`, where PASSWORD_VAR is read from the \
                             SealedSecret ({secret}) through `valueFrom.secretKeyRef` earlier in this env list; seal \
                             the password with `vibe seal PASSWORD_VAR` and change the exposed value."
                        ));
                        (format!("{name} {problem}"), literal)
                    } else if let Some(s) = embedded_secret(value).filter(|_| !is_placeholder(value)) {
                        (format!("{name} holds a secret in plain text ({})", mask(s)), s)
                    } else {
                        continue;
                    };
                    (value_node.line(), what, "`value: ...`", shown)
                } else if let Some(cm) = env.path("valueFrom.configMapKeyRef") {
                    // A credential read from a ConfigMap: when the ConfigMap key is itself named like a
                    // credential, E2 reports the ConfigMap entry instead (one problem, one finding).
                    let key = cm.get("key").and_then(Node::as_str).unwrap_or("");
                    if !credential_name(name) || credential_name(key) {
                        continue;
                    }
                    let map = cm.get("name").and_then(Node::as_str).unwrap_or("?");
                    let what =
                        format!("the credential {name} is read from ConfigMap {map} (key {key}), which is plain text");
                    (cm.line(), what, "`configMapKeyRef`", "")
                } else {
                    continue;
                };
                out.push(
                    Finding::new(CheckId::E5, &w.obj.file, line.or(env.line()))
                        .object(w.obj.id())
                        .secret(shown)
                        .message(format!(
                            "In container {} of {}, {what}: it is visible in git and in every description of the pod.",
                            c.name,
                            w.obj.id()
                        ))
                        .fix(fix.unwrap_or_else(|| {
                            format!(
                                "Replace {replace} with `valueFrom: {{secretKeyRef: {{name: {secret}, key: {name}}}}}`, \
                                 seal the value with `vibe seal {name}`, and change the exposed value."
                            )
                        })),
                );
            }
        }
    }
}

static KUBE_REF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)").unwrap());

/// What is wrong with a URL password in an env `value` written with Kubernetes `$(NAME)`
/// references (None when it is only references to `secret_vars`, as vibe's connection strings
/// are). Text around the references is a password written in plain text; so is a variable
/// that is not read from a Secret.
fn referenced_url_password<'v>(value: &'v str, secret_vars: &[&str], any_ref_ok: bool) -> Option<(String, &'v str)> {
    URL_PASSWORD.captures_iter(value).filter_map(|c| c.get(1)).map(|m| m.as_str()).find_map(|password| {
        if !KUBE_REF.is_match(password) {
            return None;
        }
        let literal = KUBE_REF.replace_all(password, "");
        if !literal.is_empty() {
            // The password with its references is what the excerpt masks.
            return Some((format!("holds part of its URL password in plain text ({})", mask(&literal)), password));
        }
        KUBE_REF
            .captures_iter(password)
            .map(|c| c.get(1).map_or("", |m| m.as_str()))
            .find(|var| !any_ref_ok && !secret_vars.contains(var))
            .map(|var| {
                (format!("takes its URL password from $({var}), which is a plain value, not read from a Secret"), "")
            })
    })
}
