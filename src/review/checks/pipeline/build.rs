//! P1: CI builds linux/amd64 and tags the image with the commit SHA.

use super::*;

/// Environment variables and step outputs of a job that hold the commit SHA (or a part of it).
fn sha_names(wf: &Workflow, job: &Job) -> HashSet<String> {
    let mut known = HashSet::new();
    let envs: Vec<&Node> = wf.env.into_iter().chain(job.env).chain(job.steps.iter().filter_map(|s| s.env)).collect();
    loop {
        let before = known.len();
        for env in &envs {
            for e in env.entries() {
                if e.value.as_str().is_some_and(|v| mentions_sha(v, &known)) {
                    known.insert(e.key.clone());
                }
            }
        }
        for step in &job.steps {
            if step.action() == "docker/metadata-action"
                && step.with("tags").is_some_and(|t| t.contains("type=sha"))
                && let Some(id) = step.id
            {
                for out in ["tags", "version", "json"] {
                    known.insert(format!("steps.{id}.outputs.{out}"));
                }
            }
            let Some(run) = &step.run else { continue };
            for line in run.lines() {
                if let Some(c) = TO_GITHUB_FILE.captures(line) {
                    if mentions_sha(&c[2], &known) {
                        match (&c[3], step.id) {
                            ("GITHUB_ENV", _) => {
                                known.insert(c[1].to_string());
                            }
                            (_, Some(id)) => {
                                known.insert(format!("steps.{id}.outputs.{}", &c[1]));
                            }
                            _ => {}
                        }
                    }
                } else if let Some(c) = SET_OUTPUT.captures(line) {
                    if let (true, Some(id)) = (mentions_sha(&c[2], &known), step.id) {
                        known.insert(format!("steps.{id}.outputs.{}", &c[1]));
                    }
                } else if let Some(c) = SHELL_ASSIGN.captures(line)
                    && mentions_sha(&c[2], &known)
                {
                    known.insert(c[1].to_string());
                }
            }
        }
        if known.len() == before {
            return known;
        }
    }
}

/// P1: CI builds linux/amd64 and tags the image with the commit SHA (never `latest`).
pub fn p1(r: &Review, out: &mut Vec<Finding>) {
    let wfs = workflows(r.repo);
    if !any_build(&wfs) {
        out.push(no_build_finding(CheckId::P1));
        return;
    }
    for wf in &wfs {
        for job in &wf.jobs {
            let images = job_images(job);
            if images.builds.is_empty() {
                continue;
            }
            let known = sha_names(wf, job);
            let sha_tagged = images.builds.iter().any(|(_, s)| s.refs.iter().any(|r| mentions_sha(r, &known)));
            let mut first_build = true;
            for (step, s) in &images.builds {
                let mut problems = Vec::new();
                if s.builds && !s.amd64 {
                    problems.push(format!("builds without declaring `{PLATFORM}`"));
                }
                if s.builds && first_build && !sha_tagged {
                    problems.push("does not tag the image with the commit SHA".to_string());
                }
                if let Some(latest) = s.refs.iter().find(|r| is_latest(r)) {
                    problems.push(format!("tags or pushes `{latest}` (latest)"));
                }
                first_build &= !s.builds;
                if problems.is_empty() {
                    continue;
                }
                let name =
                    step.node.get("name").and_then(Node::as_str).map(|n| format!(" \"{n}\"")).unwrap_or_default();
                out.push(
                    Finding::new(CheckId::P1, wf.file, step.line())
                        .object(format!("job {}", job.id))
                        .message(format!("The step{name} {}", problems.join("; ")))
                        .fix(format!(
                            "Build with `--platform {PLATFORM}` (build-push-action: `platforms: {PLATFORM}`) and tag \
                             the image only with the short commit SHA, e.g. `IMAGE_TAG=${{GITHUB_SHA::{}}}` then \
                             `--tag \"$IMAGE:$IMAGE_TAG\"`; remove every `latest` tag.",
                            contract::SHORT_SHA_LEN
                        )),
                );
            }
        }
    }
}
