//! E3: no credentials in Dockerfile ENV or ARG.

use super::*;

/// E3: no credentials in Dockerfile ENV or ARG.
pub fn e3(r: &Review, out: &mut Vec<Finding>) {
    for d in &r.repo.dockerfiles {
        for ins in d.instructions.iter().filter(|i| i.keyword == "ENV" || i.keyword == "ARG") {
            for (name, value) in env_arg_vars(&ins.keyword, &ins.args) {
                let v = value.as_deref().unwrap_or("");
                let (what, secret) = if credential_name(&name) {
                    match (&ins.keyword[..], value.as_deref()) {
                        ("ARG", None) | ("ARG", Some("")) => (
                            format!(
                                "`ARG {name}` passes a credential at build time: the value given with --build-arg \
                                 is recorded in the image history"
                            ),
                            "",
                        ),
                        _ if v.trim().is_empty() => continue,
                        _ => (format!("`{} {name}` bakes a credential ({}) into the image", ins.keyword, mask(v)), v),
                    }
                } else if let Some(s) = embedded_secret(v) {
                    (format!("`{} {name}` bakes a secret ({}) into the image", ins.keyword, mask(s)), s)
                } else {
                    continue;
                };
                out.push(
                    Finding::new(CheckId::E3, &d.file, Some(ins.line))
                        .secret(secret)
                        .message(format!("{what}; anyone who can pull the image can read it with `docker history`."))
                        .fix(format!(
                            "Remove {name} from the Dockerfile. Give it at run time from the SealedSecret (`vibe seal \
                             {name}`, then an env entry with `valueFrom.secretKeyRef`); a value needed only while \
                             building goes in a BuildKit secret: `RUN --mount=type=secret,id={}`. Change the leaked \
                             value.",
                            name.to_ascii_lowercase()
                        )),
                );
            }
        }
    }
}
