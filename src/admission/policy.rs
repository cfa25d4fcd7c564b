//! The ValidatingAdmissionPolicies and their bindings (admissionregistration.k8s.io/v1,
//! Kubernetes 1.30+): one policy of the CRITICAL checks bound with `[Deny]`, one of the warnings
//! bound with `[Warn]`, both to the namespaces vibe generates (the gate label of
//! k8s/00-namespace.yaml), never to the system namespaces or the sealed-secrets controller's.

use super::cel::{is_component, list};
use super::rules::{NOT_COVERED, Rule, Target, rules};
use crate::contract::CheckId;
use crate::contract::catalogue::Severity;
use crate::platform::Platform;
use crate::review::workload::WORKLOAD_KINDS;
use serde_json::{Value, json};

/// The label vibe's k8s/00-namespace.yaml sets on every app namespace; the bindings select it.
pub const GATE_LABEL: (&str, &str) = ("platform.vibe/gate", "enforce");

/// The policy of the CRITICAL checks (bound with Deny).
pub const DENY_POLICY: &str = "vibe-gate";
/// The policy of the warnings (bound with Warn).
pub const WARN_POLICY: &str = "vibe-gate-warnings";

/// Namespaces Kubernetes itself runs in: never judged, whatever their labels.
const SYSTEM_NAMESPACES: &[&str] = &["kube-system", "kube-public", "kube-node-lease"];

/// How the CRITICAL policy's binding acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollout {
    /// Refuse the object (`[Deny]`).
    Enforce,
    /// Only warn the client (`[Warn]`), to see what would be refused before enforcing.
    WarnOnly,
}

/// The four objects, in the order to apply them: each policy before its binding.
pub fn objects(platform: &Platform, rollout: Rollout) -> Vec<Value> {
    let all = rules(platform);
    let (critical, warnings): (Vec<Rule>, Vec<Rule>) =
        all.into_iter().partition(|r| r.severity() == Severity::Critical);
    let deny = match rollout {
        Rollout::Enforce => "Deny",
        Rollout::WarnOnly => "Warn",
    };
    vec![
        policy(
            DENY_POLICY,
            &critical,
            platform,
            "The review gate's CRITICAL checks: objects that fail them are refused.",
        ),
        binding(DENY_POLICY, deny, platform),
        policy(
            WARN_POLICY,
            &warnings,
            platform,
            "The review gate's warnings: objects that fail them are admitted with a warning.",
        ),
        binding(WARN_POLICY, "Warn", platform),
    ]
}

/// The kinds each target covers, as admission resource rules.
fn resource_rules(targets: &[Target]) -> Vec<Value> {
    let ops = json!(["CREATE", "UPDATE"]);
    let mut out = Vec::new();
    if targets.contains(&Target::Workload) {
        // Every kind whose pod template the review reads (WORKLOAD_KINDS), by API group.
        let groups: [(&str, &[&str]); 3] = [
            ("", &["Pod", "ReplicationController"]),
            ("apps", &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]),
            ("batch", &["Job", "CronJob"]),
        ];
        for (group, kinds) in groups {
            debug_assert!(kinds.iter().all(|k| WORKLOAD_KINDS.contains(k)));
            let resources: Vec<String> = kinds.iter().map(|k| plural(k)).collect();
            out.push(json!({"apiGroups": [group], "apiVersions": ["v1"], "operations": ops, "resources": resources}));
        }
    }
    if targets.contains(&Target::Ingress) {
        out.push(json!({"apiGroups": ["networking.k8s.io"], "apiVersions": ["v1"], "operations": ops, "resources": ["ingresses"]}));
    }
    out
}

/// The resource name of a kind (`Deployment` -> `deployments`).
fn plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if lower.ends_with('s') { format!("{lower}es") } else { format!("{lower}s") }
}

/// The variables the rules read: what the review's workload model computes in Rust
/// ([`crate::review::workload`]), in CEL.
fn variables() -> Vec<Value> {
    let kinds: Vec<&str> = WORKLOAD_KINDS.iter().copied().filter(|k| !matches!(*k, "Pod" | "CronJob")).collect();
    let var = |name: &str, expression: String| json!({"name": name, "expression": expression});
    vec![
        // A workload has a pod spec where the review looks for one; anything else is not judged.
        var(
            "isWorkload",
            format!(
                "object.kind == 'Pod' ? has(object.spec) :\n\
                 object.kind == 'CronJob' ? has(object.spec) && has(object.spec.jobTemplate) && has(object.spec.jobTemplate.spec) &&\n\
                 has(object.spec.jobTemplate.spec.template) && has(object.spec.jobTemplate.spec.template.spec) :\n\
                 object.kind in {} && has(object.spec) && has(object.spec.template) && has(object.spec.template.spec)",
                list(&kinds)
            ),
        ),
        var(
            "pod",
            "object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec"
                .into(),
        ),
        var("podSC", "has(variables.pod.securityContext) ? variables.pod.securityContext : {}".into()),
        var("containers", "has(variables.pod.containers) ? variables.pod.containers : []".into()),
        var("initContainers", "has(variables.pod.initContainers) ? variables.pod.initContainers : []".into()),
        var("allContainers", "variables.initContainers + variables.containers".into()),
        // The role is decided by the first regular container's image, as the review decides it:
        // a store's pod may carry helper sidecars, but its main container is the store.
        var(
            "isApp",
            format!(
                "!(size(variables.containers) > 0 && has(variables.containers[0].image) && {})",
                is_component("variables.containers[0].image")
            ),
        ),
        // Jobs and CronJobs finish; so do the Pods a Job creates (the review never sees those,
        // but the cluster does: without this their pods would be refused for lacking probes).
        var(
            "longRunning",
            "!(object.kind in ['Job', 'CronJob']) &&\n\
             !(object.kind == 'Pod' && has(object.metadata.ownerReferences) && object.metadata.ownerReferences.exists(r, r.kind == 'Job'))"
                .into(),
        ),
        var("judgedApp", "variables.isWorkload && variables.isApp && variables.longRunning".into()),
        // The app container: the one regular container that is not a platform component; among
        // several, the one named like the workload (`shop` or `app` for `shop-app`), else the first.
        var("name", "has(object.metadata.name) ? object.metadata.name : ''".into()),
        var(
            "candidates",
            format!("variables.containers.filter(c, !has(c.image) || !{})", is_component("c.image")),
        ),
        var(
            "named",
            "variables.candidates.filter(c, has(c.name) && c.name != '' && (c.name == variables.name ||\n\
             variables.name == c.name + '-app' || variables.name.endsWith('-' + c.name) || variables.name.startsWith(c.name + '-')))"
                .into(),
        ),
        var(
            "appContainer",
            "size(variables.candidates) <= 1 ? variables.candidates :\n\
             size(variables.named) > 0 ? [variables.named[0]] : [variables.candidates[0]]"
                .into(),
        ),
    ]
}

/// A rule's message: the id and a colon, what the check wants and how to fix it, as the
/// catalogue says it (with the platform's registry and mirror filled in).
pub fn message(id: CheckId, platform: &Platform) -> String {
    let info = id.info();
    let fix = info
        .fix
        .replace("<registry>/dockerhub-proxy/", &format!("{}/", platform.mirror.trim_end_matches('/')))
        .replace("<registry>", platform.registry.trim_end_matches('/'));
    let title = info.title.replace('`', "");
    format!("{id}: {title}. {} (vibe explain {id})", fix.replace('`', ""))
}

fn policy(name: &str, rules: &[Rule], platform: &Platform, description: &str) -> Value {
    let targets: Vec<Target> = rules.iter().map(|r| r.target).collect();
    let validations: Vec<Value> = rules
        .iter()
        .map(|r| {
            // Workload rules pass on other kinds through `variables.isWorkload`.
            let expression = match r.target {
                Target::Workload => r.expression.clone(),
                Target::Ingress => format!("object.kind != 'Ingress' ||\n{}", r.expression),
            };
            json!({"expression": expression, "message": message(r.id, platform), "reason": "Invalid"})
        })
        .collect();
    let covered: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    let beyond: Vec<String> =
        rules.iter().filter_map(|r| r.beyond.map(|b| format!("{}: {b}", r.id))).collect::<Vec<_>>();
    let severity = rules.first().map(Rule::severity).unwrap_or(Severity::Critical);
    let not_covered: Vec<String> = NOT_COVERED
        .iter()
        .filter(|(id, _)| id.info().severity == severity)
        .map(|(id, why)| format!("{id}: {why}"))
        .collect();
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": {
            "name": name,
            "labels": {"app.kubernetes.io/managed-by": "vibe"},
            "annotations": {
                "platform.vibe/description": description,
                "platform.vibe/covers": covered.join(" "),
                "platform.vibe/judged-by-the-review-only": beyond.join("; "),
                "platform.vibe/not-covered": not_covered.join("; "),
            },
        },
        "spec": {
            "failurePolicy": "Fail",
            "matchConstraints": {"resourceRules": resource_rules(&targets)},
            "matchConditions": [
                // Removing a finalizer from an object being deleted must never be refused.
                {"name": "not-being-deleted", "expression": "!has(object.metadata.deletionTimestamp)"},
            ],
            "variables": variables(),
            "validations": validations,
        },
    })
}

/// A binding to the app namespaces: those with the gate label, except the system namespaces and
/// the sealed-secrets controller's, even if someone labels them.
fn binding(policy: &str, action: &str, platform: &Platform) -> Value {
    let mut never: Vec<&str> = SYSTEM_NAMESPACES.to_vec();
    if !never.contains(&platform.sealed_secrets_namespace.as_str()) {
        never.push(&platform.sealed_secrets_namespace);
    }
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicyBinding",
        "metadata": {"name": policy, "labels": {"app.kubernetes.io/managed-by": "vibe"}},
        "spec": {
            "policyName": policy,
            "validationActions": [action],
            "matchResources": {
                "namespaceSelector": {
                    "matchLabels": {GATE_LABEL.0: GATE_LABEL.1},
                    "matchExpressions": [
                        {"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": never},
                    ],
                },
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_namespaces_carry_the_label_the_bindings_select() {
        let label = format!("    {}: {}\n", GATE_LABEL.0, GATE_LABEL.1);
        for file in ["k8s/00-namespace.yaml", "helm/vibe-stack/templates/00-namespace.yaml"] {
            let text = crate::generate::render::TEMPLATES.get_file(file).and_then(|f| f.contents_utf8()).unwrap();
            assert!(text.contains(&label), "{file} lacks {label}");
        }
    }

    #[test]
    fn every_message_starts_with_its_id_and_says_the_fix() {
        let p = Platform::default();
        for o in objects(&p, Rollout::Enforce).iter().filter(|o| o["kind"] == "ValidatingAdmissionPolicy") {
            for v in o["spec"]["validations"].as_array().unwrap() {
                let m = v["message"].as_str().unwrap();
                let id = CheckId::parse(m.split(':').next().unwrap()).unwrap();
                assert!(m.contains(&id.info().fix.replace('`', "")[..40]), "{m}");
            }
        }
    }

    #[test]
    fn the_system_and_controller_namespaces_are_never_bound() {
        let p = Platform::default();
        for b in objects(&p, Rollout::WarnOnly).iter().filter(|o| o["kind"] == "ValidatingAdmissionPolicyBinding") {
            assert_eq!(b["spec"]["validationActions"], json!(["Warn"]));
            let never = &b["spec"]["matchResources"]["namespaceSelector"]["matchExpressions"][0]["values"];
            for ns in ["kube-system", "kube-public", "kube-node-lease", p.sealed_secrets_namespace.as_str()] {
                assert!(never.as_array().unwrap().iter().any(|v| v == ns), "{ns} missing from {never}");
            }
        }
    }
}
