//! P4: CD never runs kubectl or helm against the cluster.

use super::*;

const KUBECTL_LOCAL: &[&str] = &["kustomize", "completion", "config", "plugin", "help", "convert", "version"];
const HELM_LOCAL: &[&str] = &[
    "lint",
    "template",
    "package",
    "dependency",
    "dep",
    "repo",
    "push",
    "show",
    "inspect",
    "version",
    "create",
    "plugin",
    "registry",
    "env",
    "verify",
    "pull",
    "fetch",
    "search",
    "completion",
    "help",
    "unittest",
    "docs",
];
static THROWAWAY_CLUSTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)helm/kind-action|setup-kind|kind-action|k3d-action|setup-k3d|setup-minikube|actions-setup-minikube|\bkind\s+create\s+cluster|\bk3d\s+cluster\s+create|\bminikube\s+start|\bmicrok8s\b",
    )
});
static DEPLOY_ACTION: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)k8s-deploy|kubectl|helm"));
static LOCAL_ACTION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)setup-|kind-action|chart-testing|chart-releaser|helm-docs|helm-lint|unittest|kubeconform|kubeval|kubelinter|kube-linter",
    )
});

/// The subcommand after a tool, skipping flags and their values.
fn subcommand(words: &[String], at: usize) -> Option<&str> {
    let mut i = at + 1;
    while i < words.len() {
        let w = words[i].as_str();
        if let Some(f) = w.strip_prefix('-') {
            i += if f.contains('=') || matches!(w, "--debug" | "-v") { 1 } else { 2 };
            continue;
        }
        return Some(w);
    }
    None
}

/// The kubectl/helm commands of a step that reach a cluster.
fn cluster_commands(step: &Step) -> Vec<String> {
    let action = step.action();
    if !action.is_empty() && !action.starts_with("./") {
        if DEPLOY_ACTION.is_match(&action) && !LOCAL_ACTION.is_match(&action) {
            return vec![format!("uses: {}", step.uses.unwrap_or(""))];
        }
        return Vec::new();
    }
    let mut out = Vec::new();
    for words in step.commands() {
        let client_only = words.iter().any(|w| w == "--dry-run=client" || w == "--client" || w == "--client=true");
        if let Some(at) = tool_at(&words, "kubectl") {
            let sub = subcommand(&words, at).unwrap_or("");
            if !sub.is_empty() && !KUBECTL_LOCAL.contains(&sub) && !client_only {
                out.push(format!("kubectl {sub}"));
            } else if sub == "version" && !client_only {
                out.push("kubectl version".into());
            }
        }
        if let Some(at) = tool_at(&words, "helm") {
            let sub = subcommand(&words, at).unwrap_or("");
            if !sub.is_empty() && !HELM_LOCAL.contains(&sub) && !client_only {
                out.push(format!("helm {sub}"));
            }
        }
    }
    out
}

/// P4: CD never runs kubectl or helm against the cluster.
pub fn p4(r: &Review, out: &mut Vec<Finding>) {
    for wf in workflows(r.repo) {
        for job in &wf.jobs {
            let throwaway = job.steps.iter().any(|s| {
                s.uses.is_some_and(|u| THROWAWAY_CLUSTER.is_match(u))
                    || s.run.as_deref().is_some_and(|r| THROWAWAY_CLUSTER.is_match(r))
            });
            if throwaway {
                continue;
            }
            for step in &job.steps {
                let cmds = cluster_commands(step);
                if cmds.is_empty() {
                    continue;
                }
                let mut unique: Vec<String> = Vec::new();
                for c in cmds {
                    if !unique.contains(&c) {
                        unique.push(c);
                    }
                }
                out.push(
                    Finding::new(CheckId::P4, wf.file, step.line())
                        .object(format!("job {}", job.id))
                        .message(format!(
                            "This step changes the cluster directly (`{}`): ArgoCD undoes it at the next sync and the \
                             workflow needs cluster credentials",
                            unique.join("`, `")
                        ))
                        .fix(format!(
                            "Remove the kubectl/helm step. CD only writes the new `image.tag` into {}/values.yaml and \
                             pushes the commit (see {}); ArgoCD deploys it.",
                            contract::CHART_DIR,
                            contract::CD_FILE
                        )),
                );
            }
        }
    }
}
