//! E7: SealedSecret values are real ciphertext sealed with the platform certificate.

use super::*;

fn normalise_fingerprint(fp: &str) -> String {
    let fp = fp.trim().to_ascii_lowercase();
    let fp = fp.strip_prefix("sha256:").unwrap_or(&fp);
    fp.chars().filter(|c| *c != ':' && !c.is_whitespace()).collect()
}

/// E7: SealedSecret values are real kubeseal ciphertext, sealed with the platform certificate.
pub fn e7(r: &Review, out: &mut Vec<Finding>) {
    for o in sealed_secrets(r) {
        let data = o.node.path("spec.encryptedData").map(Node::entries).unwrap_or_default();
        let mut sealed_any = false;
        for e in data {
            let value = e.value.as_str().unwrap_or("");
            if is_placeholder(value) {
                continue;
            }
            sealed_any = true;
            if is_kubeseal_ciphertext(value) {
                continue;
            }
            let why = match base64_decode(value) {
                Some(bytes)
                    if !value.trim().is_empty() && std::str::from_utf8(&bytes).is_ok_and(|s| !s.trim().is_empty()) =>
                {
                    "is only base64-encoded text, readable by anyone"
                }
                Some(_) if !value.trim().is_empty() => "is not in kubeseal's format (it cannot be decrypted)",
                _ => "is not sealed: it is not even base64",
            };
            out.push(
                Finding::new(CheckId::E7, &o.file, e.value.line().or(e.key_pos.map(|p| p.line)))
                    .object(o.id())
                    .secret(value)
                    .message(format!(
                        "The value of `{}` in SealedSecret {} {why} ({}).",
                        e.key,
                        o.name,
                        mask(value.trim())
                    ))
                    .fix(format!(
                        "Seal it again with `vibe seal {}`, which encrypts it with the platform's sealed-secrets \
                         certificate; never paste base64 text. Change the value if it was readable.",
                        e.key
                    )),
            );
        }
        let Some(expected) = r.ctx.certificate_fingerprint.as_deref() else { continue };
        if !sealed_any {
            continue;
        }
        let ann = o.node.path("metadata.annotations").and_then(|a| a.get(SEALED_WITH_ANNOTATION));
        let recorded = ann.and_then(Node::as_str);
        if recorded.is_some_and(|fp| normalise_fingerprint(fp) == normalise_fingerprint(expected)) {
            continue;
        }
        let (line, problem) = match recorded {
            Some(_) => (ann.and_then(Node::line), "was sealed with a different certificate than the platform's"),
            None => (
                o.node.entry("metadata").and_then(|e| e.key_pos).map(|p| p.line),
                "does not record which certificate sealed it",
            ),
        };
        out.push(
            Finding::new(CheckId::E7, &o.file, line.or(o.line()))
                .object(o.id())
                .message(format!(
                    "SealedSecret {} {problem} (annotation {SEALED_WITH_ANNOTATION}; the platform certificate is {}): \
                     the controller may be unable to decrypt it.",
                    o.name, expected
                ))
                .fix(
                    "Seal every value again with `vibe seal NAME`: it uses the platform certificate and records its \
                     fingerprint. If the platform certificate changed, fetch the current one first.",
                ),
        );
    }
}
