//! P6: CI runs this review gate before it pushes the image, and the push depends on it passing.

use super::*;
use crate::review::workload::parse_image;

/// The name of vibe's binary, and of its image.
const VIBE: &str = "vibe";

/// What counts as running the gate: the `vibe` binary or an image named `vibe` (or the platform's
/// gate image under any name), with the `review` subcommand.
struct Gate {
    /// The platform's gate image without its tag or digest.
    platform_repository: String,
    /// Environment variables (of any workflow, job or step) that hold a gate image, so
    /// `docker run "$GATE_IMAGE" review` counts as the generated CI writes it.
    image_vars: HashSet<String>,
}

/// An image reference without its tag or digest (`harbor.example.com/platform/vibe`).
fn repository(reference: &str) -> String {
    let r = parse_image(reference.trim_matches(['"', '\'']));
    match r.registry {
        Some(reg) => format!("{reg}/{}", r.path),
        None => r.path.to_string(),
    }
}

impl Gate {
    fn new(platform_image: &str, wfs: &[Workflow]) -> Gate {
        let mut gate = Gate { platform_repository: repository(platform_image), image_vars: HashSet::new() };
        let envs = wfs.iter().flat_map(|w| {
            w.env
                .into_iter()
                .chain(w.jobs.iter().flat_map(|j| j.env.into_iter().chain(j.steps.iter().filter_map(|s| s.env))))
        });
        let mut vars = HashSet::new();
        for env in envs {
            for e in env.entries() {
                if e.value.as_str().is_some_and(|v| gate.names_image(v)) {
                    vars.insert(e.key.clone());
                }
            }
        }
        gate.image_vars = vars;
        gate
    }

    /// True for the binary or an image literally named vibe, or the platform's gate image.
    fn names_image(&self, word: &str) -> bool {
        let word = word.trim().trim_start_matches("docker://");
        parse_image(word).name == VIBE || repository(word) == self.platform_repository
    }

    /// True for a word that is the gate: the binary, the image, or a variable holding the image.
    fn is_gate(&self, word: &str) -> bool {
        if self.names_image(word) {
            return true;
        }
        // The whole word is one variable: `$X`, `${X}` or `${{ env.X }}`.
        let word = word.trim();
        VAR_REF.captures(word).is_some_and(|c| {
            let whole = c.get(0).is_some_and(|m| {
                let rest = word.replace(m.as_str(), "");
                matches!(rest.as_str(), "" | "}" | "${{  }}" | "${{ }}")
            });
            let name = c.get(1).or(c.get(2)).map(|m| m.as_str());
            whole && name.is_some_and(|n| self.image_vars.contains(n))
        })
    }

    /// True when a command runs `vibe review` (directly, or the gate image with `review`).
    fn runs_review(&self, words: &[String]) -> bool {
        words.iter().enumerate().filter(|(_, w)| self.is_gate(w)).any(|(at, _)| {
            let mut rest = words[at + 1..].iter();
            while let Some(w) = rest.next() {
                if matches!(w.as_str(), "-C" | "--dir" | "--platform") {
                    rest.next();
                } else if !w.starts_with('-') {
                    return w == "review";
                }
            }
            false
        })
    }

    /// Whether a step runs the gate: Some(Ok) yes, Some(Err(why)) a review whose verdict is ignored.
    fn step(&self, step: &Step) -> Option<Result<(), String>> {
        let ran = if let Some(image) = step.uses.and_then(|u| u.strip_prefix("docker://")) {
            let mut words = vec![step.with("entrypoint").unwrap_or_else(|| image.to_string())];
            words.extend(commands(&step.with("args").unwrap_or_default()).into_iter().flatten());
            self.runs_review(&words).then_some(Ok(()))
        } else {
            let script = step.run.as_deref()?;
            let lines: Vec<String> = script.replace("\\\n", " ").lines().map(str::to_string).collect();
            let gate_lines: Vec<&String> =
                lines.iter().filter(|l| commands(l).iter().any(|c| self.runs_review(c))).collect();
            if gate_lines.is_empty() {
                None
            } else if gate_lines.iter().any(|l| l.contains("||")) {
                Some(Err("the review is followed by `||`, which ignores its verdict".into()))
            } else if gate_lines.iter().any(|l| self.piped_away(l)) && !script.contains("pipefail") {
                Some(Err("the review's output is piped into another command without `set -o pipefail`, so the \
                          step takes that command's exit status, not the review's"
                    .into()))
            } else {
                Some(Ok(()))
            }
        };
        match ran {
            Some(Ok(())) if step.continue_on_error => {
                Some(Err("the review step has `continue-on-error: true`, so the push runs even when it blocks".into()))
            }
            r => r,
        }
    }

    /// True when the review is not the last command of a pipeline on this line (`vibe review | tee x`).
    fn piped_away(&self, line: &str) -> bool {
        line.split("||").any(|part| {
            let stages: Vec<&str> = part.split('|').collect();
            stages.len() > 1
                && stages[..stages.len() - 1].iter().any(|s| commands(s).iter().any(|c| self.runs_review(c)))
        })
    }
}

/// Where the gate runs in a workflow but does not guard this push: after it in the same job, or
/// in a job the pushing job does not need.
fn misplaced(gate: &Gate, wf: &Workflow, job: &Job, push: &Step) -> Option<String> {
    for j in &wf.jobs {
        for s in j.steps.iter().filter(|s| gate.step(s).is_some_and(|r| r.is_ok())) {
            if j.id == job.id && s.index > push.index {
                return Some("`vibe review` runs only after this push, in the same job".into());
            }
            if j.id != job.id {
                return Some(format!(
                    "`vibe review` runs in job `{}`, but this job does not need it, so it pushes without waiting \
                     for the verdict",
                    j.id
                ));
            }
        }
    }
    None
}

/// The YAML that adds the gate: a `review` job and the pushing job's `needs:`.
fn gate_yaml(image: &str, job: &Job) -> String {
    let mut needs: Vec<&str> = job.needs.clone();
    needs.push("review");
    let needs = if needs.len() == 1 { "review".to_string() } else { format!("[{}]", needs.join(", ")) };
    format!(
        "Under `jobs:` add `review: {{runs-on: ubuntu-latest, steps: [{{uses: actions/checkout@v4}}, {{run: 'docker \
         run --rm -v \"${{PWD}}:/repo\" -w /repo {image} review --format github'}}]}}` and give job `{}` \
         `needs: {needs}` (or run that step earlier in the same job); never with `continue-on-error` or `|| true`. \
         `vibe generate` writes a CI workflow that does this.",
        job.id
    )
}

/// P6: every image push runs after a `vibe review` it depends on.
pub fn p6(r: &Review, out: &mut Vec<Finding>) {
    let wfs = workflows(r.repo);
    let image = &r.ctx.platform.gate_image;
    let gate = Gate::new(image, &wfs);
    for (file, job_id, step, why, push) in gates_without(&wfs, |s: &Step| gate.step(s)) {
        if !push {
            // Nothing in the repo pushes: there is no deployment path to guard yet (P1-P3 ask for one).
            continue;
        }
        let Some(wf) = wfs.iter().find(|w| w.file == file) else { continue };
        let Some(job) = wf.jobs.iter().find(|j| j.id == job_id) else { continue };
        let base = "No `vibe review` that this push depends on runs before it";
        let message = match why.or_else(|| misplaced(&gate, wf, job, step)) {
            Some(w) => format!("{base}: {w}"),
            None => format!("{base}, so a repo the review blocks is pushed and ArgoCD deploys it"),
        };
        out.push(
            Finding::new(CheckId::P6, file, step.line())
                .object(format!("job {job_id}"))
                .message(message)
                .fix(gate_yaml(image, job)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate() -> Gate {
        Gate {
            platform_repository: "reg.example/tools/gatekeeper".into(),
            image_vars: ["GATE_IMAGE".to_string()].into_iter().collect(),
        }
    }

    fn words(s: &str) -> Vec<String> {
        commands(s).remove(0)
    }

    #[test]
    fn the_binary_the_image_and_a_variable_holding_it_run_the_review() {
        let g = gate();
        for yes in [
            "vibe review --format github",
            "./target/release/vibe -C app review",
            "docker run --rm -v \"${PWD}:/vibe\" -w /vibe reg.example/platform/vibe:0.1.0 review",
            "docker run --rm -v \"${PWD}:/repo\" \"${GATE_IMAGE}\" review --format sarif",
            "docker run --rm ${{ env.GATE_IMAGE }} review",
            "docker run --rm reg.example/tools/gatekeeper:3 review",
        ] {
            assert!(g.runs_review(&words(yes)), "{yes}");
        }
        for no in [
            "vibe generate",
            "docker run --rm -v \"${PWD}:/vibe\" -w /vibe other/image:1 review",
            "docker run --rm ${OTHER} review",
            "echo vibe",
        ] {
            assert!(!g.runs_review(&words(no)), "{no}");
        }
    }

    #[test]
    fn a_pipe_hides_the_verdict_but_the_last_stage_does_not() {
        let g = gate();
        assert!(g.piped_away("vibe review --format sarif | tee out.sarif"));
        assert!(!g.piped_away("cat x | vibe review"));
        assert!(!g.piped_away("vibe review --format sarif > out.sarif"));
    }
}
