//! The kinds the cluster review reads, and the minimal read-only Role that allows exactly that.

/// A kind read from the namespace: API group, version, resource (plural) and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// API group (`""` for the core group).
    pub group: &'static str,
    /// Version.
    pub version: &'static str,
    /// Resource name in URLs and RBAC rules.
    pub resource: &'static str,
    /// The object kind.
    pub kind: &'static str,
    /// For a kind an add-on defines (a CRD the cluster may not have): what its absence means, as
    /// the report's note. `None`: a built-in kind, always served.
    pub optional: Option<&'static str>,
}

impl Kind {
    /// The collection's URL in `namespace`.
    pub fn path(&self, namespace: &str) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        format!("{base}/namespaces/{namespace}/{}", self.resource)
    }
}

/// Everything the review lists, in the order it lists them. Never Secrets: the review needs
/// none (SealedSecrets are what the repo holds).
pub const KINDS: &[Kind] = &[
    Kind { group: "apps", version: "v1", resource: "deployments", kind: "Deployment", optional: None },
    Kind { group: "apps", version: "v1", resource: "statefulsets", kind: "StatefulSet", optional: None },
    Kind { group: "", version: "v1", resource: "services", kind: "Service", optional: None },
    Kind { group: "networking.k8s.io", version: "v1", resource: "ingresses", kind: "Ingress", optional: None },
    Kind {
        group: "networking.k8s.io",
        version: "v1",
        resource: "networkpolicies",
        kind: "NetworkPolicy",
        optional: None,
    },
    Kind {
        group: "",
        version: "v1",
        resource: "persistentvolumeclaims",
        kind: "PersistentVolumeClaim",
        optional: None,
    },
    Kind {
        group: "autoscaling",
        version: "v2",
        resource: "horizontalpodautoscalers",
        kind: "HorizontalPodAutoscaler",
        optional: None,
    },
    Kind { group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", optional: None },
    // The backup and restore-drill CronJobs: their status says when the last backup succeeded.
    Kind { group: "batch", version: "v1", resource: "cronjobs", kind: "CronJob", optional: None },
    Kind {
        group: "bitnami.com",
        version: "v1alpha1",
        resource: "sealedsecrets",
        kind: "SealedSecret",
        optional: Some(
            "The cluster has no SealedSecret resource (the sealed-secrets controller is not installed): SealedSecrets \
             were not read.",
        ),
    },
    Kind {
        group: "monitoring.coreos.com",
        version: "v1",
        resource: "prometheusrules",
        kind: "PrometheusRule",
        optional: Some(
            "The cluster has no PrometheusRule resource (the Prometheus operator is not installed): no alert rule \
             can be loaded here, so nobody is alerted when the app breaks.",
        ),
    },
];

/// Pods: listed for their status, with their logs and the endpoints behind the pod proxy.
pub const PODS: Kind = Kind { group: "", version: "v1", resource: "pods", kind: "Pod", optional: None };

/// Name of the printed Role and RoleBinding.
pub const ROLE_NAME: &str = "vibe-review";

/// The Role and RoleBinding (YAML) that allow `vibe review --cluster` in `namespace` and nothing
/// more: get/list on the kinds above and on pods, get on the namespace itself, pods/log and
/// pods/proxy. `subject` is the group bound to it.
pub fn manifest(namespace: &str, subject: &str) -> String {
    let mut groups: Vec<&str> = Vec::new();
    for k in KINDS.iter().chain([&PODS]) {
        if !groups.contains(&k.group) {
            groups.push(k.group);
        }
    }
    let mut rules = String::new();
    rules.push_str(&format!(
        "  # The namespace itself: to tell a missing namespace from an empty one.\n  - apiGroups: [\"\"]\n    \
         resources: [namespaces]\n    resourceNames: [{namespace}]\n    verbs: [get]\n"
    ));
    for g in groups {
        let resources: Vec<&str> = KINDS.iter().chain([&PODS]).filter(|k| k.group == g).map(|k| k.resource).collect();
        rules.push_str(&format!(
            "  - apiGroups: [\"{g}\"]\n    resources: [{}]\n    verbs: [get, list]\n",
            resources.join(", ")
        ));
    }
    rules.push_str(
        "  # Recent logs of the app containers and GET on /metrics and the mgmt endpoints through the API server.\n  \
         - apiGroups: [\"\"]\n    resources: [pods/log, pods/proxy]\n    verbs: [get]\n",
    );
    format!(
        "# Read-only access for `vibe review --cluster` in {namespace}: get/list only, and no Secrets.\n\
         # Apply it as the platform team (kubectl apply -f -), binding it to the group (or user) that reviews.\n\
         apiVersion: rbac.authorization.k8s.io/v1\n\
         kind: Role\n\
         metadata:\n  name: {ROLE_NAME}\n  namespace: {namespace}\n\
         rules:\n{rules}\
         ---\n\
         apiVersion: rbac.authorization.k8s.io/v1\n\
         kind: RoleBinding\n\
         metadata:\n  name: {ROLE_NAME}\n  namespace: {namespace}\n\
         roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: {ROLE_NAME}\n\
         subjects:\n  - apiGroup: rbac.authorization.k8s.io\n    kind: Group\n    name: {subject}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_reads_only_and_never_secrets() {
        let role = manifest("platform-vibe-shop", "shop-reviewers");
        assert!(!role.contains("secrets,") && !role.contains("[secrets") && !role.contains(" secrets]"));
        for verb in ["create", "update", "patch", "delete", "watch", "\"*\""] {
            assert!(!role.contains(verb), "{verb} in\n{role}");
        }
        assert!(role.contains("resources: [pods/log, pods/proxy]"));
        assert!(role.contains("resources: [sealedsecrets]"));
        assert!(role.contains("apiGroups: [\"batch\"]\n    resources: [cronjobs]\n    verbs: [get, list]"), "{role}");
        assert!(role.contains("apiGroups: [\"monitoring.coreos.com\"]\n    resources: [prometheusrules]"));
        let docs = crate::yaml::parse_documents(&role).unwrap();
        assert_eq!(docs.len(), 2);
    }

    #[test]
    fn paths_follow_the_api_layout() {
        assert_eq!(KINDS[0].path("ns"), "/apis/apps/v1/namespaces/ns/deployments");
        assert_eq!(PODS.path("ns"), "/api/v1/namespaces/ns/pods");
    }
}
