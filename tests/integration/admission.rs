//! `vibe admission` (issue 15, part 3): the cluster refuses what the gate refuses.
//!
//! The policies are evaluated with a real CEL implementation (cel-python, through
//! tests/tools/admission_eval.py) on every object of every review fixture and of generated repos,
//! and compared with `vibe review` finding by finding:
//! - exactly: for each object and each check the policies cover, the policy fails the object
//!   exactly when the review of that object alone reports the check on it;
//! - soundly: in its repo, the review reports every check the policy fails an object for, and
//!   the review's findings the policy misses are only those its annotations say need other files.

use crate::common::{App, repo_root, venv_python, vibe};
use regex::Regex;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const GATE_LABEL: (&str, &str) = ("platform.vibe/gate", "enforce");
const TOOL: &str = "tests/tools/admission_eval.py";

/// The policy text `vibe admission ARGS` prints.
fn policy_text(args: &[&str]) -> String {
    let out = vibe().arg("admission").args(args).output().unwrap();
    assert!(out.status.success(), "vibe admission failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The ids an annotation of the policies lists: `covers` is a list of ids; the others are
/// `ID: why; ID: why`.
fn annotated_ids(policy: &str, key: &str) -> BTreeSet<String> {
    let line = Regex::new(&format!(r"(?m)^\s*{}: (.*)$", regex::escape(key))).unwrap();
    let entry = Regex::new(r#"(?:^"?|; )([A-Z][0-9]+):"#).unwrap();
    let mut out = BTreeSet::new();
    for c in line.captures_iter(policy) {
        if key.ends_with("covers") {
            out.extend(c[1].split_whitespace().map(str::to_string));
        } else {
            out.extend(entry.captures_iter(&c[1]).map(|m| m[1].to_string()));
        }
    }
    out
}

fn python(args: &[&dyn AsRef<std::ffi::OsStr>]) -> String {
    let mut cmd = Command::new(venv_python());
    cmd.arg(repo_root().join(TOOL));
    for a in args {
        cmd.arg(a);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{TOOL} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// An object of a folder, as admission_eval.py reads it: (file, kind, name, object).
type Found = (String, String, String, Value);

/// Every object of each folder (one run of the tool for all of them).
fn objects(dirs: &[PathBuf]) -> Vec<Vec<Found>> {
    let mut cmd = Command::new(venv_python());
    cmd.arg(repo_root().join(TOOL)).arg("objects").args(dirs);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{TOOL} objects failed: {}", String::from_utf8_lossy(&out.stderr));
    let by_dir: serde_json::Map<String, Value> = serde_json::from_slice(&out.stdout).unwrap();
    dirs.iter()
        .map(|d| {
            by_dir[d.to_str().unwrap()]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| {
                    let s = |k: &str| o[k].as_str().unwrap_or("").to_string();
                    (s("file"), s("kind"), s("name"), o["object"].clone())
                })
                .collect()
        })
        .collect()
}

/// What the policies do to each case: (denied ids, warned ids, errors, matched policies).
struct Outcome {
    denied: BTreeSet<String>,
    warned: BTreeSet<String>,
    errors: Vec<String>,
    matched: Vec<String>,
}

fn evaluate(policy: &str, cases: &[Value]) -> Vec<Outcome> {
    let dir = tempfile::tempdir().unwrap();
    let (p, c) = (dir.path().join("policy.yaml"), dir.path().join("cases.json"));
    std::fs::write(&p, policy).unwrap();
    std::fs::write(&c, serde_json::to_string(cases).unwrap()).unwrap();
    let out: Vec<Value> = serde_json::from_str(&python(&[&"evaluate", &p, &c])).unwrap();
    let set = |v: &Value| -> BTreeSet<String> {
        v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
    };
    let list =
        |v: &Value| -> Vec<String> { v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect() };
    out.iter()
        .map(|r| Outcome {
            denied: set(&r["denied"]),
            warned: set(&r["warned"]),
            errors: list(&r["errors"]),
            matched: list(&r["matched"]),
        })
        .collect()
}

/// `vibe review --format json` findings of a folder: (file, object, id).
fn review(dir: &Path, platform: Option<&Path>) -> BTreeSet<(String, String, String)> {
    let mut cmd = vibe();
    if let Some(p) = platform {
        cmd.arg("--platform").arg(p);
    }
    let out = cmd.arg("--dir").arg(dir).args(["review", "--format", "json"]).output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("review of {}: {e}: {}", dir.display(), String::from_utf8_lossy(&out.stderr)));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            Some((f["file"].as_str()?.to_string(), f["object"].as_str()?.to_string(), f["id"].as_str()?.to_string()))
        })
        .collect()
}

/// The Namespace an object is applied to. A generated repo's own (k8s/00-namespace.yaml, which
/// must carry the gate label for the policies to apply); for a fixture, one with the gate label
/// (fixtures keep the labels of the vibe that wrote them).
fn namespace_for(object: &Value, namespaces: &BTreeMap<String, Value>, generated: bool) -> Value {
    let name = object["metadata"]["namespace"].as_str().unwrap_or("platform-vibe-app").to_string();
    match namespaces.get(&name) {
        Some(ns) if generated => ns.clone(),
        Some(ns) => {
            let mut ns = ns.clone();
            ns["metadata"]["labels"][GATE_LABEL.0] = json!(GATE_LABEL.1);
            ns
        }
        None => {
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {GATE_LABEL.0: GATE_LABEL.1}}})
        }
    }
}

/// The folders the agreement runs over: every review fixture, and generated repos.
fn sources(generated: &[App]) -> Vec<PathBuf> {
    let root = repo_root().join("tests/fixtures/review");
    let mut out = Vec::new();
    for family in std::fs::read_dir(&root).unwrap().flatten() {
        for fixture in std::fs::read_dir(family.path()).unwrap().flatten() {
            if fixture.path().is_dir() {
                out.push(fixture.path());
            }
        }
    }
    out.sort();
    out.extend(generated.iter().map(|a| a.path().to_path_buf()));
    out
}

/// Generated repos over a few runtimes and stores.
fn generated_repos() -> Vec<App> {
    let answers: &[&[&str]] = &[
        &["--runtime", "python3.12", "--db", "postgres", "--redis", "--nginx", "--ingress"],
        &["--runtime", "node22", "--db", "mongo", "--rabbitmq", "--readiness-checks-database"],
        &["--runtime", "go1.23", "--db", "none", "--ingress", "--size", "xs"],
        &["--runtime", "jvm21", "--db", "postgres", "--redis", "--rabbitmq", "--nginx"],
    ];
    answers
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let app = App::new();
            let name = format!("Gate Check {i}");
            let mut args =
                vec!["init", "--yes", "--name", &name, "--tag", "a1b2c3d", "--metric", "orders_total:counter:status"];
            args.extend_from_slice(a);
            let out = app.vibe(&args).output().unwrap();
            assert!(out.status.success(), "vibe init {a:?}: {}", String::from_utf8_lossy(&out.stderr));
            app
        })
        .collect()
}

/// The pod spec of a workload object, where the review reads it.
fn pod_spec(object: &mut Value) -> Option<&mut Value> {
    let path: &[&str] = match object["kind"].as_str()? {
        "Pod" => &["spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => &["spec", "template", "spec"],
    };
    let mut node = object;
    for key in path {
        node = node.get_mut(*key)?;
    }
    node.is_object().then_some(node)
}

/// The object with each of its containers alone (initContainers too), when it has several: the
/// review reports container checks per container, the policy per object, so each container is
/// also judged on its own.
fn one_container_variants(object: &Value) -> Vec<Value> {
    let mut probe = object.clone();
    let Some(pod) = pod_spec(&mut probe) else { return Vec::new() };
    let list = |key: &str| pod[key].as_array().cloned().unwrap_or_default();
    let (init, main) = (list("initContainers"), list("containers"));
    if init.len() + main.len() < 2 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (key, containers) in [("initContainers", &init), ("containers", &main)] {
        for c in containers.iter() {
            let mut variant = object.clone();
            let pod = pod_spec(&mut variant).unwrap();
            let map = pod.as_object_mut().unwrap();
            map.remove("initContainers");
            map.insert("containers".into(), json!([]));
            map.insert(key.into(), json!([c]));
            out.push(variant);
        }
    }
    out
}

/// Kinds the policies judge.
const JUDGED: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "Pod",
    "Ingress",
];

#[test]
fn the_policy_fails_an_object_exactly_when_the_review_reports_it() {
    let policy = policy_text(&[]);
    let covered = annotated_ids(&policy, "platform.vibe/covers");
    let beyond = annotated_ids(&policy, "platform.vibe/judged-by-the-review-only");
    for id in ["A1", "A3", "A4", "A5", "A6", "B1", "B2", "B3", "B4", "B5", "B6", "F1", "F2", "H1", "H2"] {
        assert!(covered.contains(id), "{id} is not covered: {covered:?}");
    }
    let generated = generated_repos();
    let work = tempfile::tempdir().unwrap();
    // (source, file, object id, the object), and its case for the evaluator.
    // (source, file, object id, the object, a one-container variant of it).
    let mut subjects: Vec<(PathBuf, String, String, Value, bool)> = Vec::new();
    let mut cases = Vec::new();
    let mut not_served = 0;
    let folders = sources(&generated);
    for (source, objs) in folders.iter().zip(objects(&folders)) {
        let is_generated = generated.iter().any(|g| g.path() == source.as_path());
        let namespaces: BTreeMap<String, Value> = objs
            .iter()
            .filter(|(_, kind, name, _)| kind == "Namespace" && !name.is_empty())
            .map(|(_, _, name, o)| (name.clone(), o.clone()))
            .collect();
        for (file, kind, name, object) in objs {
            if !JUDGED.contains(&kind.as_str()) {
                continue;
            }
            // Kubernetes 1.30 serves these kinds only at these versions; others cannot be applied.
            let api = object["apiVersion"].as_str().unwrap_or("");
            if !["v1", "apps/v1", "batch/v1", "networking.k8s.io/v1"].contains(&api) {
                not_served += 1;
                continue;
            }
            let ns = namespace_for(&object, &namespaces, is_generated);
            for variant in one_container_variants(&object) {
                cases.push(json!({"object": variant, "namespaceObject": ns}));
                subjects.push((source.clone(), file.clone(), format!("{kind}/{name}"), variant, true));
            }
            cases.push(json!({"object": object, "namespaceObject": ns}));
            subjects.push((source.clone(), file, format!("{kind}/{name}"), object, false));
        }
    }
    let outcomes = evaluate(&policy, &cases);
    let mut problems = Vec::new();
    let (mut judged, mut failing, mut by_review_only) = (0, 0, BTreeMap::<String, usize>::new());
    let mut repo_reviews: BTreeMap<PathBuf, BTreeSet<(String, String, String)>> = BTreeMap::new();
    let mut variants = 0;
    for (i, ((source, file, id, object, variant), outcome)) in subjects.iter().zip(&outcomes).enumerate() {
        let mut at = format!("{} {file} {id}", source.strip_prefix(repo_root()).unwrap_or(source).display());
        if *variant {
            let mut o = object.clone();
            let pod = pod_spec(&mut o).unwrap();
            let c = pod["initContainers"][0]["name"].as_str().or(pod["containers"][0]["name"].as_str());
            at.push_str(&format!(" (container `{}` alone)", c.unwrap_or("")));
        }
        if !outcome.errors.is_empty() {
            problems.push(format!("{at}: the policy failed to evaluate: {:?}", outcome.errors));
        }
        if outcome.matched.is_empty() {
            problems.push(format!("{at}: no policy applies to it"));
            continue;
        }
        if *variant {
            variants += 1;
        } else {
            judged += 1;
        }
        // The review of this object alone, from the very JSON the policy saw.
        let alone = work.path().join(i.to_string());
        std::fs::create_dir_all(alone.join("k8s")).unwrap();
        std::fs::write(alone.join("k8s/object.yaml"), serde_json::to_string_pretty(object).unwrap()).unwrap();
        let reviewed: BTreeSet<String> = review(&alone, None)
            .into_iter()
            .filter(|(_, o, cid)| o == id && covered.contains(cid))
            .map(|(_, _, cid)| cid)
            .collect();
        let policy_ids: BTreeSet<String> = outcome.denied.union(&outcome.warned).cloned().collect();
        if !policy_ids.is_empty() && !*variant {
            failing += 1;
        }
        for cid in policy_ids.difference(&reviewed) {
            problems.push(format!("{at} {cid}: the policy fails it, the review of the object passes it"));
        }
        for cid in reviewed.difference(&policy_ids) {
            problems.push(format!("{at} {cid}: the review reports it, the policy admits it"));
        }
        // A CRITICAL check denies; a warning only warns.
        for cid in &outcome.denied {
            if cid.starts_with('F') || cid.starts_with('H') {
                problems.push(format!("{at} {cid}: a warning denies"));
            }
        }
        if *variant {
            continue;
        }
        // In its repo, the review reports at least what the policy fails (vibe.yaml and other
        // files can only add findings the cluster cannot see, for the checks that say so).
        let repo = repo_reviews.entry(source.clone()).or_insert_with(|| review(source, None));
        let in_repo: BTreeSet<String> = repo
            .iter()
            .filter(|(f, o, c)| f == file && o == id && covered.contains(c))
            .map(|(_, _, c)| c.clone())
            .collect();
        for cid in policy_ids.difference(&in_repo) {
            problems.push(format!("{at} {cid}: the policy fails it, the repo's review passes it"));
        }
        for cid in in_repo.difference(&policy_ids) {
            if beyond.contains(cid) {
                *by_review_only.entry(cid.clone()).or_default() += 1;
            } else {
                problems.push(format!("{at} {cid}: the repo's review reports it, the policy admits it"));
            }
        }
    }
    eprintln!(
        "admission agreement: {} folders, {judged} objects judged ({failing} failing a check) and {variants} one-container variants, {not_served} in API versions Kubernetes no longer serves; repo findings only the review can judge: {by_review_only:?}",
        repo_reviews.len()
    );
    assert!(judged > 100, "too few objects judged: {judged}");
    assert!(problems.is_empty(), "{} disagreements:\n{}", problems.len(), problems.join("\n"));
}

/// A Deployment that fails A3 and B1 (no securityContext, no 8081) in namespace `ns`.
fn failing_deployment(ns: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "shop-app", "namespace": ns},
        "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "harbor.internal.example.com/vibe/shop:a1b2c3d"}]}}}
    })
}

fn namespace(name: &str, gate: bool) -> Value {
    let labels = if gate { json!({GATE_LABEL.0: GATE_LABEL.1}) } else { json!({}) };
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}})
}

#[test]
fn system_namespaces_the_controller_and_unlabelled_namespaces_are_never_judged() {
    let app = App::new();
    app.write("platform.yaml", "sealedSecrets:\n  namespace: sealed-secrets\n");
    let policy = policy_text(&["--platform", app.join("platform.yaml").to_str().unwrap()]);
    let cases: Vec<Value> = [
        ("platform-vibe-shop", true),
        ("kube-system", true),
        ("kube-public", true),
        ("kube-node-lease", true),
        ("kube-system", false),
        ("sealed-secrets", true),
        ("someone-elses", false),
    ]
    .iter()
    .map(|(ns, gate)| json!({"object": failing_deployment(ns), "namespaceObject": namespace(ns, *gate)}))
    .collect();
    let out = evaluate(&policy, &cases);
    assert!(out[0].denied.contains("A3") && out[0].denied.contains("B1"), "{:?}", out[0].denied);
    for (case, o) in cases.iter().zip(&out).skip(1) {
        assert!(o.matched.is_empty() && o.denied.is_empty(), "{} was judged: {:?}", case["namespaceObject"], o.denied);
    }
}

#[test]
fn pods_a_job_creates_are_judged_like_the_job_not_like_a_long_running_app() {
    let policy = policy_text(&[]);
    let mut pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "migrate-x7k2p", "namespace": "platform-vibe-shop"},
        "spec": {"containers": [{"name": "migrate", "image": "harbor.internal.example.com/vibe/shop:a1b2c3d"}]}
    });
    let ns = namespace("platform-vibe-shop", true);
    let bare = json!({"object": pod.clone(), "namespaceObject": ns.clone()});
    pod["metadata"]["ownerReferences"] =
        json!([{"apiVersion": "batch/v1", "kind": "Job", "name": "migrate", "uid": "1"}]);
    let owned = json!({"object": pod, "namespaceObject": ns});
    let out = evaluate(&policy, &[bare, owned]);
    assert!(out[0].denied.contains("B1") && out[0].denied.contains("A3"), "{:?}", out[0].denied);
    assert!(out[1].denied.contains("A3"), "{:?}", out[1].denied);
    assert!(!out[1].denied.iter().any(|id| id.starts_with('B')), "a Job's pod needs no probes: {:?}", out[1].denied);
}

#[test]
fn the_registry_and_mirror_come_from_the_platform_settings() {
    let app = App::new();
    app.write("platform.yaml", "registry: registry.acme.test\n");
    let policy = policy_text(&["--platform", app.join("platform.yaml").to_str().unwrap()]);
    assert!(policy.contains("registry.acme.test/dockerhub-proxy/"), "the mirror follows the registry");
    let with = |image: &str| {
        let mut d = failing_deployment("platform-vibe-shop");
        d["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image);
        json!({"object": d, "namespaceObject": namespace("platform-vibe-shop", true)})
    };
    let out = evaluate(
        &policy,
        &[
            with("registry.acme.test/vibe/shop:a1b2c3d"),
            with("harbor.internal.example.com/vibe/shop:a1b2c3d"),
            with("registry.acme.test/dockerhub-proxy/shop:a1b2c3d"),
        ],
    );
    assert!(!out[0].denied.contains("A6"), "{:?}", out[0].denied);
    assert!(out[1].denied.contains("A6"), "another registry: {:?}", out[1].denied);
    assert!(out[2].denied.contains("A6"), "the mirror is not the platform registry: {:?}", out[2].denied);
}

#[test]
fn warn_only_binds_the_critical_policy_with_warn() {
    let policy = policy_text(&["--warn-only"]);
    let out = evaluate(
        &policy,
        &[
            json!({"object": failing_deployment("platform-vibe-shop"), "namespaceObject": namespace("platform-vibe-shop", true)}),
        ],
    );
    assert!(out[0].denied.is_empty(), "{:?}", out[0].denied);
    assert!(out[0].warned.contains("A3") && out[0].warned.contains("F1"), "{:?}", out[0].warned);
}

#[test]
fn the_policies_pass_kubernetes_validate_strict_for_1_31() {
    let app = App::new();
    app.write("admission.yaml", &policy_text(&[]));
    let out = Command::new(venv_python())
        .arg(repo_root().join("tests/tools/k8s_validate.py"))
        .args(["--kubernetes-version", "1.31.0"])
        .arg(app.join("admission.yaml"))
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("4 valid, 0 invalid (Kubernetes 1.31)"), "{text}");
    assert_eq!(text.matches("OK    ").count(), 4, "{text}");
}
