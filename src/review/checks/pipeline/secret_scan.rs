//! P2: CI scans for secrets before pushing.

use super::*;

/// Whether a step is a secret scan that fails the job: Some(Ok) yes, Some(Err(why)) a scan that does not fail.
fn secret_scan(step: &Step) -> Option<Result<(), String>> {
    let action = step.action();
    let result = if action.starts_with("trufflesecurity/trufflehog")
        || action.starts_with("gitleaks/gitleaks-action")
        || action.contains("ggshield")
    {
        Some(Ok(()))
    } else {
        step.commands().iter().find_map(|words| {
            if tool_at(words, "trufflehog").is_some() {
                Some(if has_word(words, "--fail") {
                    Ok(())
                } else {
                    Err("trufflehog runs without `--fail`, so it never stops the job".into())
                })
            } else if tool_at(words, "gitleaks").is_some() {
                Some(if flag(words, "--exit-code", None).iter().any(|c| c.trim() == "0") {
                    Err("gitleaks runs with `--exit-code 0`, so it never stops the job".into())
                } else {
                    Ok(())
                })
            } else if tool_at(words, "ggshield").is_some() {
                Some(Ok(()))
            } else {
                None
            }
        })
    };
    match result {
        Some(Ok(())) if step.continue_on_error => Some(Err("the secret scan has `continue-on-error: true`".into())),
        r => r,
    }
}

/// P2: CI scans for secrets before pushing.
pub fn p2(r: &Review, out: &mut Vec<Finding>) {
    let wfs = workflows(r.repo);
    if !any_build(&wfs) {
        out.push(no_build_finding(CheckId::P2));
        return;
    }
    for (file, job, step, why, push) in gates_without(&wfs, secret_scan) {
        let base = if push {
            "No secret scan (trufflehog or gitleaks) runs before this image push"
        } else {
            "No secret scan (trufflehog or gitleaks) runs in the job that builds the image"
        };
        let message = match why {
            Some(w) => format!("{base} that can stop it: {w}"),
            None => format!("{base}; a password or key in the code would be published"),
        };
        out.push(Finding::new(CheckId::P2, file, step.line()).object(format!("job {job}")).message(message).fix(
            "Add a step before the push that fails on findings, e.g. `uses: trufflesecurity/trufflehog@v3` \
                     (or `trufflehog git file://. --only-verified --fail`, or gitleaks), in the same job or a job \
                     this one `needs`.",
        ));
    }
}
