//! P3: CI fails on CRITICAL image CVEs before pushing.

use super::*;

fn severity_ok(s: Option<&str>) -> bool {
    s.is_none_or(|s| s.to_ascii_uppercase().contains("CRITICAL"))
}

fn exit_code_ok(c: Option<&str>) -> bool {
    c.is_some_and(|c| c.trim().trim_matches(['"', '\'']).parse::<i64>().is_ok_and(|n| n != 0))
}

/// Whether a step is an image CVE scan failing on CRITICAL: Some(Ok) yes, Some(Err(why)) a scan that does not.
fn cve_scan(step: &Step) -> Option<Result<(), String>> {
    let action = step.action();
    let result = if action == "aquasecurity/trivy-action" {
        let scan_type = step.with("scan-type");
        if scan_type.as_deref().is_some_and(|t| t != "image") {
            None
        } else if !exit_code_ok(step.with("exit-code").as_deref()) {
            Some(Err("the trivy step has no `exit-code: '1'`, so it never fails the job".into()))
        } else if !severity_ok(step.with("severity").as_deref()) {
            Some(Err("the trivy step does not include CRITICAL in `severity`".into()))
        } else {
            Some(Ok(()))
        }
    } else if action == "anchore/scan-action" {
        Some(if step.with("fail-build").as_deref() == Some("false") {
            Err("the grype step has `fail-build: false`".into())
        } else {
            Ok(())
        })
    } else {
        step.commands().iter().find_map(|words| {
            if let Some(at) = tool_at(words, "trivy") {
                let sub = words[at + 1..].iter().find(|w| !w.starts_with('-'))?;
                if sub != "image" && sub != "i" {
                    return None;
                }
                let code = flag(words, "--exit-code", None).first().copied().or(step.env_value("TRIVY_EXIT_CODE"));
                let severity =
                    flag(words, "--severity", Some("-s")).first().copied().or(step.env_value("TRIVY_SEVERITY"));
                Some(if !exit_code_ok(code) {
                    Err("trivy runs without `--exit-code 1`, so it never fails the job".into())
                } else if !severity_ok(severity) {
                    Err("trivy's `--severity` does not include CRITICAL".into())
                } else {
                    Ok(())
                })
            } else if tool_at(words, "grype").is_some() {
                let fail_on = flag(words, "--fail-on", Some("-f"));
                Some(if fail_on.is_empty() {
                    Err("grype runs without `--fail-on critical`, so it never fails the job".into())
                } else {
                    Ok(())
                })
            } else if words.windows(2).any(|w| w[0] == "scout" && w[1] == "cves") {
                let sev = flag(words, "--only-severity", None).first().copied();
                Some(if !has_word(words, "--exit-code") && !words.iter().any(|w| w.starts_with("--exit-code")) {
                    Err("docker scout runs without `--exit-code`".into())
                } else if !severity_ok(sev) {
                    Err("docker scout's `--only-severity` does not include critical".into())
                } else {
                    Ok(())
                })
            } else {
                None
            }
        })
    };
    match result {
        Some(Ok(())) if step.continue_on_error => Some(Err("the scan has `continue-on-error: true`".into())),
        r => r,
    }
}

/// P3: CI fails on CRITICAL image CVEs before pushing.
pub fn p3(r: &Review, out: &mut Vec<Finding>) {
    let wfs = workflows(r.repo);
    if !any_build(&wfs) {
        out.push(no_build_finding(CheckId::P3));
        return;
    }
    for (file, job, step, why, push) in gates_without(&wfs, cve_scan) {
        let base = if push {
            "No image scan fails the job on CRITICAL vulnerabilities before this push"
        } else {
            "No image scan fails the job that builds the image on CRITICAL vulnerabilities"
        };
        let message = match why {
            Some(w) => format!("{base}: {w}"),
            None => format!("{base}; an image with known critical holes would reach the registry"),
        };
        out.push(Finding::new(CheckId::P3, file, step.line()).object(format!("job {job}")).message(message).fix(
            "Between the build and the push, scan the built image and fail on CRITICAL: `trivy image \
                     --severity CRITICAL --exit-code 1 \"$IMAGE:$IMAGE_TAG\"` (or `aquasecurity/trivy-action` with \
                     `severity: CRITICAL` and `exit-code: '1'`).",
        ));
    }
}
