//! The checks the cluster judges at admission, each declared once with its CEL expression: a
//! table keyed by [`CheckId`]. An expression is true when the object passes; it reads the
//! variables of [`super::policy`] (`variables.pod`, `variables.appContainer`, ...), which tell
//! workloads, platform components and the app container apart as the review does.
//!
//! A check is here only when one object (and the platform settings) decides it exactly as the
//! review decides it for that object alone; what the review adds from other files is said in
//! [`Rule::beyond`] and printed in the policy's annotations.

use super::cel::{is_docker_hub, is_pinned, quote};
use crate::contract::catalogue::Severity;
use crate::contract::{CheckId, PORT_HTTP, PORT_MGMT};
use crate::platform::Platform;

/// The kind of object a rule judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Workloads: Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job,
    /// CronJob, Pod.
    Workload,
    /// Ingresses (networking.k8s.io/v1).
    Ingress,
}

/// One check as a CEL validation.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The check.
    pub id: CheckId,
    /// What it judges.
    pub target: Target,
    /// True when the object passes.
    pub expression: String,
    /// What the review judges beyond one object for this check, if anything (said in the
    /// policy's annotations; the cluster cannot see it).
    pub beyond: Option<&'static str>,
}

impl Rule {
    /// Deny (CRITICAL) or warn (WARNING), from the catalogue.
    pub fn severity(&self) -> Severity {
        self.id.info().severity
    }
}

/// The checks the review makes that the policy leaves out, and why (printed in its annotations).
pub const NOT_COVERED: &[(CheckId, &str)] = &[
    (CheckId::A2, "Dockerfile FROM lines are not Kubernetes objects"),
    (CheckId::C1, "NetworkPolicies are judged as a set across the namespace"),
    (CheckId::D1, "needs the PVCs and the order of files"),
    (CheckId::D3, "needs the stores the app enables (vibe.yaml and other objects)"),
    (
        CheckId::F3,
        "compares resource quantities (1000m = 1) with the app's size from vibe.yaml; standard CEL has no quantities",
    ),
    (CheckId::G1, "the review judges it with the app's Service and source; not from one object"),
    (CheckId::H3, "needs the Service and the nginx front's configuration"),
];

/// `!guard || body`: the rule applies only where `guard` holds.
fn only_where(guard: &str, body: &str) -> String {
    format!("!({guard}) ||\n({body})")
}

/// Containers' images, skipping a container without one (kustomize patches look like that).
fn every_image(list: &str, test: &str) -> String {
    format!("{list}.all(c, !has(c.image) || c.image == '' || {test})")
}

/// B3/B4: the app container's probe `key` is an httpGet on `path`, port 8082 (by number, or by
/// the name of one of that container's own ports declared as 8082).
fn probe_rule(key: &str, path: &str) -> String {
    let probe = format!("c.{key}");
    body_for_app_container(&format!(
        "has({probe}) && has({probe}.httpGet) && has({probe}.httpGet.path) && {probe}.httpGet.path == {path} &&\n\
         has({probe}.httpGet.port) && (type({probe}.httpGet.port) == int ? {probe}.httpGet.port == {PORT_MGMT} :\n\
         has(c.ports) && c.ports.exists(p, has(p.name) && p.name == {probe}.httpGet.port && has(p.containerPort) && p.containerPort == {PORT_MGMT}))",
        path = quote(path)
    ))
}

/// A test of the app container (when the workload has one), for B checks.
fn body_for_app_container(test: &str) -> String {
    only_where("variables.judgedApp", &format!("variables.appContainer.all(c, {test})"))
}

/// A probe's `timeoutSeconds` of at least `min` (absent is Kubernetes' default, 1 second).
fn timeout_at_least(probe: &str, min: u32) -> String {
    format!("(!has({probe}) || has({probe}.timeoutSeconds) && {probe}.timeoutSeconds >= {min})")
}

/// An Ingress backend that does not reach the management port by its number or its name.
fn backend_not_mgmt(b: &str) -> String {
    format!(
        "!(has({b}.service) && has({b}.service.port) && (has({b}.service.port.number) ? {b}.service.port.number == {PORT_MGMT} : has({b}.service.port.name) && {b}.service.port.name == {name}))",
        name = quote(crate::review::MGMT_PORT_NAME)
    )
}

/// Every Ingress backend (default and per path) passes `test` (a function of the backend's
/// CEL name).
fn every_backend(test: impl Fn(&str) -> String) -> String {
    format!(
        "(!has(object.spec.defaultBackend) || {}) &&\n\
         (!has(object.spec.rules) || object.spec.rules.all(r, !has(r.http) || !has(r.http.paths) ||\n\
         r.http.paths.all(p, !has(p.backend) || {})))",
        test("object.spec.defaultBackend"),
        test("p.backend")
    )
}

/// Every resources field `section.cpu` and `section.memory` set on every container (F1/F2).
fn declares(section: &str) -> String {
    only_where(
        "variables.isWorkload",
        &format!(
            "variables.allContainers.all(c, has(c.resources) && has(c.resources.{section}) && \
             has(c.resources.{section}.cpu) && has(c.resources.{section}.memory))"
        ),
    )
}

/// H1: each rule's host fits the platform's host pattern, any slug in place of `{slug}`.
fn host_fits(platform: &Platform) -> String {
    let pattern = platform.ingress_host_pattern.replace("{prefix}", &platform.prefix);
    let regex = match pattern.split_once("{slug}") {
        None => format!("(?i)^{}$", regex::escape(&pattern)),
        Some((before, after)) => format!(
            "(?i)^{}[a-z0-9]([a-z0-9-]*[a-z0-9])?{}$",
            regex::escape(&before.to_ascii_lowercase()),
            regex::escape(&after.to_ascii_lowercase())
        ),
    };
    format!("!has(object.spec.rules) || object.spec.rules.all(r, has(r.host) && r.host.matches({}))", quote(&regex))
}

/// H2: the Ingress has TLS and every rule host is listed under it (or under an entry without
/// hosts, which covers every host).
fn tls_covers_hosts() -> String {
    "has(object.spec.tls) && size(object.spec.tls) > 0 &&\n\
     (!has(object.spec.rules) || object.spec.rules.all(r, !has(r.host) ||\n\
     object.spec.tls.exists(t, !has(t.hosts) || size(t.hosts) == 0 || t.hosts.exists(h, h == r.host || h.startsWith('*.')))))"
        .into()
}

/// Every rule, for the platform's registry and mirror, in catalogue order.
pub fn rules(platform: &Platform) -> Vec<Rule> {
    let registry = format!("{}/", platform.registry.trim_end_matches('/'));
    let mirror = format!("{}/", platform.mirror.trim_end_matches('/'));
    let workload = |id, expression: String, beyond| Rule { id, target: Target::Workload, expression, beyond };
    let mut rules = image_rules(&registry, &mirror);
    rules.extend([
        workload(
            CheckId::B1,
            body_for_app_container(&format!(
                "has(c.ports) && c.ports.exists(p, has(p.containerPort) && p.containerPort == {PORT_HTTP})"
            )),
            None,
        ),
        workload(
            CheckId::B2,
            only_where(
                "variables.judgedApp && size(variables.appContainer) > 0",
                &format!(
                    "variables.containers.exists(m, has(m.ports) && m.ports.exists(p, has(p.containerPort) && p.containerPort == {PORT_MGMT}))"
                ),
            ),
            None,
        ),
        workload(CheckId::B3, probe_rule("livenessProbe", "/liveness"), None),
        workload(CheckId::B4, probe_rule("readinessProbe", "/readiness"), None),
        workload(
            CheckId::B5,
            only_where(
                "variables.judgedApp",
                &format!(
                    "variables.containers.all(c, {} && {} && {})",
                    timeout_at_least("c.livenessProbe", crate::contract::PROBE_TIMEOUT_SECONDS),
                    timeout_at_least("c.readinessProbe", crate::contract::PROBE_TIMEOUT_SECONDS),
                    timeout_at_least("c.startupProbe", crate::contract::PROBE_TIMEOUT_SECONDS)
                ),
            ),
            Some(
                "the readiness probe's 10 s when /readiness checks the database (vibe.yaml's \
                 readiness_checks_database); every probe's 5 s is judged",
            ),
        ),
        Rule {
            id: CheckId::B6,
            target: Target::Ingress,
            expression: every_backend(backend_not_mgmt),
            beyond: Some(
                "backends that reach port 8082 through a Service's port or targetPort (the Service is \
                 another object); a backend naming port 8082 or `mgmt` itself is judged",
            ),
        },
        workload(CheckId::F1, declares("requests"), None),
        workload(CheckId::F2, declares("limits"), None),
        Rule {
            id: CheckId::H1,
            target: Target::Ingress,
            expression: host_fits(platform),
            beyond: Some("the exact host of the app's slug (vibe.yaml); the platform's host pattern is judged"),
        },
        Rule {
            id: CheckId::H2,
            target: Target::Ingress,
            expression: tls_covers_hosts(),
            beyond: Some(
                "whether a wildcard TLS host (`*.domain`) covers the rule's host: standard CEL cannot cut strings, so a \
                 wildcard entry is taken to cover it; TLS hosts in another case than the rule's",
            ),
        },
    ]);
    rules
}

/// The image checks (A1, A3-A6), for the platform's registry and mirror (with their trailing `/`).
fn image_rules(registry: &str, mirror: &str) -> Vec<Rule> {
    let workload = |id, expression: String, beyond| Rule { id, target: Target::Workload, expression, beyond };
    vec![
        workload(
            CheckId::A1,
            only_where("variables.isWorkload", &every_image("variables.allContainers", &is_pinned("c.image"))),
            None,
        ),
        workload(
            CheckId::A3,
            only_where(
                "variables.isWorkload",
                "(!has(variables.podSC.runAsNonRoot) || variables.podSC.runAsNonRoot == true) &&\n\
                 (!has(variables.podSC.runAsUser) || type(variables.podSC.runAsUser) == int && variables.podSC.runAsUser != 0) &&\n\
                 variables.allContainers.all(c,\n\
                 (has(c.securityContext) && has(c.securityContext.runAsNonRoot) ? c.securityContext.runAsNonRoot == true :\n\
                 has(variables.podSC.runAsNonRoot) && variables.podSC.runAsNonRoot == true) &&\n\
                 (has(c.securityContext) && has(c.securityContext.runAsUser) ?\n\
                 type(c.securityContext.runAsUser) == int && c.securityContext.runAsUser != 0 :\n\
                 has(variables.podSC.runAsUser)))",
            ),
            None,
        ),
        workload(
            CheckId::A4,
            only_where(
                "variables.isWorkload",
                "variables.allContainers.all(c, has(c.securityContext) &&\n\
                 has(c.securityContext.allowPrivilegeEscalation) && c.securityContext.allowPrivilegeEscalation == false &&\n\
                 !(has(c.securityContext.privileged) && c.securityContext.privileged == true) &&\n\
                 has(c.securityContext.capabilities) && has(c.securityContext.capabilities.drop) &&\n\
                 c.securityContext.capabilities.drop.exists(d, d.matches('(?i)^all$')))",
            ),
            None,
        ),
        workload(
            CheckId::A5,
            only_where(
                "variables.isWorkload",
                &every_image("variables.allContainers", &format!("!{}", is_docker_hub("c.image"))),
            ),
            None,
        ),
        workload(
            CheckId::A6,
            only_where(
                "variables.isWorkload && variables.isApp",
                &every_image(
                    "variables.appContainer",
                    &format!("c.image.startsWith({}) && !c.image.startsWith({})", quote(registry), quote(mirror)),
                ),
            ),
            None,
        ),
    ]
}
