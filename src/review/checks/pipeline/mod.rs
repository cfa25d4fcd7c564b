//! Pipeline checks (P1–P7): what the GitHub workflows do with the image and the cluster, whether
//! the review gate guards the push, and how the ArgoCD Application syncs.
//!
//! Workflows are read as jobs of steps; a step is an action (`uses:`) or a shell script (`run:`),
//! whose commands are split into words. The image tag counts as the commit SHA when it names
//! `github.sha` (or `GITHUB_SHA`, a head SHA, `git rev-parse`), directly or through environment
//! variables and step outputs computed from it.
//!
//! Decisions: `helm lint|template|package|dependency|repo|show|push`, `kubectl kustomize|completion|
//! config` and `--dry-run=client` never reach the cluster and are not P4 findings; kubectl/helm in a
//! job that first creates a throw-away cluster (kind, k3d, minikube) test against that cluster, not
//! the platform's. When nothing in the repo pushes an image, P2/P3 ask for the scans in the jobs
//! that build it. P6 guards pushes only: with nothing pushed there is no deployment path to guard.

use crate::contract;
use crate::contract::CheckId;
use crate::repo::Repo;
use crate::review::check::{Check, Judged};
use crate::review::{Finding, Review};
use crate::yaml::Node;
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

mod argocd_sync;
mod build;
mod chart_reviewed;
mod cve_scan;
mod no_cluster_access;
mod review_gate;
mod secret_scan;
use argocd_sync::p5;
use build::p1;
use chart_reviewed::p7;
use cve_scan::p3;
use no_cluster_access::p4;
use review_gate::p6;
use secret_scan::p2;

/// The checks of this family, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::P1, run: p1, judged: Judged::Static, repo_only: true, fixer: None },
    Check { id: CheckId::P2, run: p2, judged: Judged::Static, repo_only: true, fixer: None },
    Check { id: CheckId::P3, run: p3, judged: Judged::Static, repo_only: true, fixer: None },
    Check { id: CheckId::P4, run: p4, judged: Judged::Static, repo_only: true, fixer: None },
    Check { id: CheckId::P5, run: p5, judged: Judged::Static, repo_only: true, fixer: None },
    Check { id: CheckId::P6, run: p6, judged: Judged::Static, repo_only: true, fixer: None },
    Check { id: CheckId::P7, run: p7, judged: Judged::Static, repo_only: true, fixer: None },
];

/// Compiles a pattern with ASCII word boundaries: a Unicode `\b` makes the regex engine fall
/// back to its slow path on any non-ASCII text.
fn re(pattern: &str) -> Regex {
    let pattern = pattern.replace(r"\b", r"(?-u:\b)");
    Regex::new(&pattern).unwrap_or_else(|e| panic!("bad pattern {pattern}: {e}"))
}

/// The platform every image is built for.
const PLATFORM: &str = contract::PLATFORM_ARCH;

// ------------------------------------------------------------------------------------------------
// Workflows as jobs and steps
// ------------------------------------------------------------------------------------------------

struct Step<'a> {
    node: &'a Node,
    index: usize,
    id: Option<&'a str>,
    uses: Option<&'a str>,
    run: Option<String>,
    env: Option<&'a Node>,
    continue_on_error: bool,
}

impl Step<'_> {
    fn with(&self, key: &str) -> Option<String> {
        let v = self.node.get("with")?.get(key)?;
        match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                let items: Vec<&str> = v.items().iter().filter_map(Node::as_str).collect();
                (!items.is_empty()).then(|| items.join("\n"))
            }
        }
    }

    fn action(&self) -> String {
        self.uses.map(|u| u.split('@').next().unwrap_or(u).to_ascii_lowercase()).unwrap_or_default()
    }

    fn line(&self) -> Option<u32> {
        self.node.line()
    }

    /// The shell commands of `run:`, as words.
    fn commands(&self) -> Vec<Vec<String>> {
        self.run.as_deref().map(commands).unwrap_or_default()
    }

    fn env_value(&self, key: &str) -> Option<&str> {
        self.env?.get(key)?.as_str()
    }
}

struct Job<'a> {
    id: &'a str,
    needs: Vec<&'a str>,
    env: Option<&'a Node>,
    steps: Vec<Step<'a>>,
}

struct Workflow<'a> {
    file: &'a str,
    env: Option<&'a Node>,
    jobs: Vec<Job<'a>>,
}

impl Workflow<'_> {
    /// The job and every job it needs, directly or not.
    fn needs_closure<'s>(&'s self, job: &'s Job<'s>) -> Vec<&'s Job<'s>> {
        let mut out: Vec<&Job> = Vec::new();
        let mut todo: Vec<&str> = job.needs.clone();
        while let Some(id) = todo.pop() {
            if let Some(j) = self.jobs.iter().find(|j| j.id == id)
                && !out.iter().any(|o| o.id == j.id)
                && j.id != job.id
            {
                out.push(j);
                todo.extend(j.needs.iter().copied());
            }
        }
        out
    }
}

fn workflows(repo: &Repo) -> Vec<Workflow<'_>> {
    repo.workflows
        .iter()
        .map(|w| {
            let jobs = w
                .node
                .get("jobs")
                .map(Node::entries)
                .unwrap_or_default()
                .iter()
                .map(|e| {
                    let job = &e.value;
                    let needs = match job.get("needs") {
                        Some(n) => match n.as_str() {
                            Some(s) => vec![s],
                            None => n.items().iter().filter_map(Node::as_str).collect(),
                        },
                        None => Vec::new(),
                    };
                    let steps = job
                        .get("steps")
                        .map(Node::items)
                        .unwrap_or_default()
                        .iter()
                        .enumerate()
                        .map(|(index, s)| Step {
                            node: s,
                            index,
                            id: s.get("id").and_then(Node::as_str),
                            uses: s.get("uses").and_then(Node::as_str),
                            run: s.get("run").and_then(Node::as_str).map(strip_shell_comments),
                            env: s.get("env"),
                            continue_on_error: s.get("continue-on-error").and_then(Node::as_bool) == Some(true),
                        })
                        .collect();
                    Job { id: e.key.as_str(), needs, env: job.get("env"), steps }
                })
                .collect();
            Workflow { file: &w.file, env: w.node.get("env"), jobs }
        })
        .collect()
}

/// Removes `# comments` from a shell script (not `#` inside quotes or words like `${#x}`).
fn strip_shell_comments(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    for line in script.lines() {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        let mut cut = line.len();
        for (i, c) in line.char_indices() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == '#' && prev.is_whitespace() => {
                    cut = i;
                    break;
                }
                None => {}
            }
            prev = c;
        }
        out.push_str(&line[..cut]);
        out.push('\n');
    }
    out
}

/// Splits a script into commands (lines, `&&`, `||`, `;`, `|`), each as shell words with quotes removed.
fn commands(script: &str) -> Vec<Vec<String>> {
    let joined = script.replace("\\\n", " ");
    let mut out = Vec::new();
    for line in joined.lines() {
        let mut words: Vec<String> = Vec::new();
        let mut cur = String::new();
        let mut quote: Option<char> = None;
        let mut chars = line.chars().peekable();
        let mut has_word = false;
        while let Some(c) = chars.next() {
            // A GitHub expression `${{ ... }}` is one piece of a word, spaces included.
            if c == '$' && chars.peek() == Some(&'{') {
                let rest: String = chars.clone().take(2).collect();
                if rest == "{{" {
                    cur.push(c);
                    let mut prev = ' ';
                    for e in chars.by_ref() {
                        cur.push(e);
                        if prev == '}' && e == '}' {
                            break;
                        }
                        prev = e;
                    }
                    continue;
                }
            }
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => cur.push(c),
                None => match c {
                    '"' | '\'' => {
                        quote = Some(c);
                        has_word = true;
                    }
                    c if c.is_whitespace() => {
                        if has_word || !cur.is_empty() {
                            words.push(std::mem::take(&mut cur));
                            has_word = false;
                        }
                    }
                    ';' | '|' | '&' => {
                        if has_word || !cur.is_empty() {
                            words.push(std::mem::take(&mut cur));
                            has_word = false;
                        }
                        if c == '&'
                            && chars.peek() != Some(&'&')
                            && !words.is_empty()
                            && words.last().is_some_and(|w| w.ends_with('>'))
                        {
                            continue;
                        }
                        if chars.peek() == Some(&c) {
                            chars.next();
                        }
                        if !words.is_empty() {
                            out.push(std::mem::take(&mut words));
                        }
                    }
                    _ => cur.push(c),
                },
            }
        }
        if has_word || !cur.is_empty() {
            words.push(cur);
        }
        if !words.is_empty() {
            out.push(words);
        }
    }
    out
}

/// The value of `--flag value`, `--flag=value` (and the short form) in a command, if given.
fn flag<'w>(words: &'w [String], long: &str, short: Option<&str>) -> Vec<&'w str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        if w == long || short == Some(w) {
            if let Some(v) = words.get(i + 1) {
                out.push(v.as_str());
            }
            i += 2;
            continue;
        }
        if let Some(v) = w.strip_prefix(long).and_then(|r| r.strip_prefix('=')) {
            out.push(v);
        }
        i += 1;
    }
    out
}

fn has_word(words: &[String], w: &str) -> bool {
    words.iter().any(|x| x == w)
}

/// Position of a tool in a command, by name or image (`trivy`, `/usr/bin/trivy`, `aquasec/trivy:0.57.1`).
fn tool_at(words: &[String], tool: &str) -> Option<usize> {
    words.iter().position(|w| {
        let base = w.rsplit('/').next().unwrap_or(w);
        base == tool || base.split(':').next() == Some(tool)
    })
}

// ------------------------------------------------------------------------------------------------
// Building, tagging and pushing the image
// ------------------------------------------------------------------------------------------------

/// What one step does with images.
#[derive(Default)]
struct ImageStep {
    builds: bool,
    /// The build declares linux/amd64.
    amd64: bool,
    /// Image references the step tags or pushes.
    refs: Vec<String>,
    pushes: bool,
}

fn docker_like(w: &str) -> bool {
    matches!(w.rsplit('/').next().unwrap_or(w), "docker" | "podman" | "buildah" | "nerdctl")
}

fn image_step(step: &Step) -> ImageStep {
    let mut s = ImageStep::default();
    let action = step.action();
    let split = |v: Option<String>| -> Vec<String> {
        v.unwrap_or_default().split(['\n', ',']).map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect()
    };
    if action == "docker/build-push-action" || action == "docker/bake-action" {
        s.builds = true;
        s.amd64 = step.with("platforms").is_some_and(|p| p.contains(PLATFORM))
            || step.with("set").is_some_and(|p| p.contains(&format!("platform={PLATFORM}")));
        s.refs = split(step.with("tags"));
        s.pushes = step.with("push").is_some_and(|p| p.trim() != "false");
        return s;
    }
    if action == "redhat-actions/buildah-build" || action == "redhat-actions/push-to-registry" {
        let image = step.with("image").unwrap_or_default();
        let tags: Vec<String> =
            step.with("tags").unwrap_or_default().split_whitespace().map(|t| format!("{image}:{t}")).collect();
        s.refs = tags;
        if action.ends_with("buildah-build") {
            s.builds = true;
            s.amd64 = step.with("platforms").is_some_and(|p| p.contains(PLATFORM))
                || step.with("arch").is_some_and(|a| a.contains("amd64"));
        } else {
            s.pushes = true;
        }
        return s;
    }
    for words in step.commands() {
        let Some(tool) = words.iter().position(|w| docker_like(w) || w.ends_with("kaniko/executor")) else {
            continue;
        };
        let rest: Vec<&str> =
            words[tool + 1..].iter().map(String::as_str).filter(|w| !w.starts_with('-')).take(3).collect();
        let kaniko = words[tool].ends_with("kaniko/executor");
        let build = kaniko
            || matches!(
                rest.as_slice(),
                ["build", ..]
                    | ["bud", ..]
                    | ["buildx", "build", ..]
                    | ["buildx", "bake", ..]
                    | ["image", "build", ..]
                    | ["builder", "build", ..]
            );
        if build {
            s.builds = true;
            let platforms = flag(&words, "--platform", None).into_iter().chain(flag(&words, "--custom-platform", None));
            s.amd64 |= platforms.into_iter().any(|p| p.contains(PLATFORM));
            s.refs.extend(flag(&words, "--tag", Some("-t")).into_iter().map(str::to_string));
            s.refs.extend(flag(&words, "--destination", Some("-d")).into_iter().map(str::to_string));
            s.pushes |= has_word(&words, "--push")
                || flag(&words, "--output", Some("-o"))
                    .iter()
                    .any(|o| o.contains("type=registry") || o.contains("push=true"))
                || (kaniko && !has_word(&words, "--no-push"));
            continue;
        }
        match rest.as_slice() {
            ["push", target, ..] | ["image", "push", target] => {
                s.pushes = true;
                s.refs.push(target.to_string());
            }
            ["tag", _, target] => s.refs.push(target.to_string()),
            ["image", "tag", _] => {
                if let Some(t) = words.iter().rev().find(|w| !w.starts_with('-')) {
                    s.refs.push(t.clone());
                }
            }
            ["buildx", "imagetools", "create"] => {
                s.pushes = true;
                s.refs.extend(flag(&words, "--tag", Some("-t")).into_iter().map(str::to_string));
            }
            _ => {}
        }
    }
    s
}

/// Mentions of the commit SHA itself.
static SHA_SEED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)github\.sha\b|\bGITHUB_SHA\b|head[._]sha\b|github\.event\.after\b|head_commit\.id\b|git\s+rev-parse|git\s+log\b[^\n]*%[hH]|git\s+describe\s+--always",
    )
});
static VAR_REF: LazyLock<Regex> =
    LazyLock::new(|| re(r"\$\{?([A-Za-z_]\w*)|\benv\.([A-Za-z_]\w*)|\bsteps\.([\w-]+)\.outputs\.([\w-]+)"));
static SHELL_ASSIGN: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*(?:export\s+)?([A-Za-z_]\w*)=(.*)$"));
static TO_GITHUB_FILE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"^\s*(?:echo|printf)\s+(?:-e\s+)?["']?([A-Za-z_][\w-]*)=(.*?)["']?\s*>>\s*["']?\$\{?(GITHUB_ENV|GITHUB_OUTPUT)"#,
    )
});
static SET_OUTPUT: LazyLock<Regex> = LazyLock::new(|| re(r"::set-output name=([\w-]+)::(.*)$"));

/// True when `text` names the commit SHA, directly or through a variable known to hold it.
fn mentions_sha(text: &str, known: &HashSet<String>) -> bool {
    SHA_SEED.is_match(text)
        || VAR_REF.captures_iter(text).any(|c| {
            let name = match (c.get(1).or(c.get(2)), c.get(3), c.get(4)) {
                (Some(v), _, _) => v.as_str().to_string(),
                (None, Some(s), Some(o)) => format!("steps.{}.outputs.{}", s.as_str(), o.as_str()),
                _ => return false,
            };
            known.contains(&name)
        })
}

/// True for a reference that is, or defaults to, `latest`.
fn is_latest(reference: &str) -> bool {
    let r = reference.trim().trim_matches(['"', '\'']);
    if r.contains("type=raw") && r.contains("value=latest") || r == "latest=true" {
        return true;
    }
    let last = r.rsplit('/').next().unwrap_or(r);
    match last.rsplit_once(':') {
        Some((_, tag)) => tag == "latest",
        // Without a tag Docker uses `latest`; a reference held in a variable may carry its own tag.
        None => !r.contains('$') && !r.is_empty() && !r.contains('=') && r.contains('/'),
    }
}

struct JobImages<'a> {
    builds: Vec<(&'a Step<'a>, ImageStep)>,
    pushes: Vec<&'a Step<'a>>,
}

fn job_images<'a>(job: &'a Job<'a>) -> JobImages<'a> {
    let mut builds = Vec::new();
    let mut pushes = Vec::new();
    for step in &job.steps {
        let s = image_step(step);
        if s.pushes {
            pushes.push(step);
        }
        if s.builds || !s.refs.is_empty() {
            builds.push((step, s));
        }
    }
    JobImages { builds, pushes }
}

fn no_build_finding(id: CheckId) -> Finding {
    Finding::new(id, contract::CI_FILE, None)
        .message(match id {
            CheckId::P1 => {
                "No workflow builds the app image, so nothing builds it for linux/amd64 tagged with the commit SHA"
            }
            CheckId::P2 => "No workflow builds the app image, so no secret scan runs before an image is pushed",
            _ => "No workflow builds the app image, so no scan stops images with CRITICAL vulnerabilities",
        })
        .fix(format!(
            "Add {} (`vibe generate` writes it): build with `--platform {PLATFORM}`, tag with the short commit SHA, \
             run trufflehog and a trivy scan with `--severity CRITICAL --exit-code 1`, then push.",
            contract::CI_FILE
        ))
}

fn any_build(wfs: &[Workflow]) -> bool {
    wfs.iter().any(|w| w.jobs.iter().any(|j| j.steps.iter().any(|s| image_step(s).builds)))
}

// ------------------------------------------------------------------------------------------------
// P2 / P3 / P6: scans and the review gate before the push
// ------------------------------------------------------------------------------------------------

/// For each gate (a push, or without any push in the repo, a build) lacking a passing scan before
/// it: (file, job, step, why).
fn gates_without<'a>(
    wfs: &'a [Workflow<'a>],
    scan: impl Fn(&Step) -> Option<Result<(), String>>,
) -> Vec<(&'a str, &'a str, &'a Step<'a>, Option<String>, bool)> {
    let any_push = wfs.iter().any(|w| w.jobs.iter().any(|j| !job_images(j).pushes.is_empty()));
    let mut out = Vec::new();
    for wf in wfs {
        for job in &wf.jobs {
            let images = job_images(job);
            let gates: Vec<&Step> = if any_push {
                images.pushes.clone()
            } else {
                images.builds.iter().filter(|(_, s)| s.builds).map(|(st, _)| *st).take(1).collect()
            };
            for gate in gates {
                // Steps that run before the gate: earlier in the job (all of it when judging a build),
                // and every step of the jobs it needs.
                let earlier = job.steps.iter().filter(|s| !any_push || s.index < gate.index);
                let before: Vec<&Step> =
                    earlier.chain(wf.needs_closure(job).into_iter().flat_map(|j| j.steps.iter())).collect();
                let results: Vec<Result<(), String>> = before.iter().filter_map(|s| scan(s)).collect();
                if results.iter().any(Result::is_ok) {
                    continue;
                }
                let why = results.into_iter().find_map(Result::err);
                out.push((wf.file, job.id, gate, why, any_push));
            }
        }
    }
    out
}

// ------------------------------------------------------------------------------------------------
// P4: no kubectl/helm against the cluster
// ------------------------------------------------------------------------------------------------

// ------------------------------------------------------------------------------------------------
// P5: ArgoCD sync policy
// ------------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_and_commands() {
        let c = commands(
            "docker build \\\n  --platform linux/amd64 -t \"$IMAGE:${TAG}\" . && docker push \"$IMAGE:${TAG}\" # push\n",
        );
        let e = commands("docker push x:${{ steps.v.outputs.tag }} && echo ok");
        assert_eq!(e[0], ["docker", "push", "x:${{ steps.v.outputs.tag }}"]);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0], ["docker", "build", "--platform", "linux/amd64", "-t", "$IMAGE:${TAG}", "."]);
        assert_eq!(c[1][..2], ["docker", "push"]);
        assert_eq!(strip_shell_comments("echo \"a # b\" # c\nx=${#y}\n"), "echo \"a # b\" \nx=${#y}\n");
    }

    #[test]
    fn latest_references() {
        assert!(is_latest("harbor.example.com/vibe/shop:latest"));
        assert!(is_latest("harbor.example.com/vibe/shop"));
        assert!(is_latest("type=raw,value=latest"));
        assert!(!is_latest("$IMAGE"));
        assert!(!is_latest("${IMAGE}:${IMAGE_TAG}"));
        assert!(!is_latest("harbor.example.com/vibe/shop:${{ github.sha }}"));
    }

    #[test]
    fn sha_reaches_tags_through_variables() {
        let known: HashSet<String> = ["IMAGE_TAG".to_string()].into_iter().collect();
        assert!(mentions_sha("${IMAGE}:${IMAGE_TAG}", &known));
        assert!(mentions_sha("x:${{ github.sha }}", &HashSet::new()));
        assert!(!mentions_sha("${IMAGE}:v1", &known));
    }
}
