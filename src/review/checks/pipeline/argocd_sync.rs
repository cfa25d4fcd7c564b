//! P5: the ArgoCD Application syncs automatically with prune and selfHeal.

use super::*;

/// P5: the ArgoCD Application syncs automatically with prune and selfHeal.
pub fn p5(r: &Review, out: &mut Vec<Finding>) {
    let fix = format!(
        "In {} set `spec.syncPolicy.automated` with `prune: true` and `selfHeal: true`.",
        contract::ARGOCD_FILE
    );
    let mut found = false;
    for o in &r.repo.objects {
        let api = o.node.get("apiVersion").and_then(Node::as_str).unwrap_or("");
        if !api.starts_with("argoproj.io/") || !matches!(o.kind.as_str(), "Application" | "ApplicationSet") {
            continue;
        }
        found = true;
        let spec = if o.kind == "ApplicationSet" { o.node.path("spec.template.spec") } else { o.node.get("spec") };
        let policy = spec.and_then(|s| s.get("syncPolicy"));
        let automated = policy.and_then(|p| p.get("automated"));
        let mut missing = Vec::new();
        match automated {
            None => missing.push("automatic sync (`automated`)".to_string()),
            Some(a) => {
                if a.get("enabled").and_then(Node::as_bool) == Some(false) {
                    missing.push("automatic sync (`automated.enabled` is false)".to_string());
                }
                for key in ["prune", "selfHeal"] {
                    if a.get(key).and_then(Node::as_bool) != Some(true) {
                        missing.push(format!("`{key}: true`"));
                    }
                }
            }
        }
        if missing.is_empty() {
            continue;
        }
        let line =
            automated.and_then(Node::line).or(policy.and_then(Node::line)).or(spec.and_then(Node::line)).or(o.line());
        out.push(
            Finding::new(CheckId::P5, o.file.clone(), line)
                .object(o.id())
                .message(format!("The ArgoCD {} has no {} in its sync policy", o.kind, missing.join(", ")))
                .fix(fix.clone()),
        );
    }
    if !found {
        out.push(
            Finding::new(CheckId::P5, contract::ARGOCD_FILE, None)
                .message("There is no ArgoCD Application, so nothing deploys the repo to the cluster automatically")
                .fix(format!("Add {} (`vibe generate` writes it) with `syncPolicy.automated` `prune: true` and `selfHeal: true`.", contract::ARGOCD_FILE)),
        );
    }
}
