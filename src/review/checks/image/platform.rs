//! A2: every Dockerfile FROM declares `--platform=linux/amd64`.

use super::*;

/// A2: every Dockerfile FROM declares `--platform=linux/amd64`.
pub fn a2(r: &Review, out: &mut Vec<Finding>) {
    for df in &r.repo.dockerfiles {
        for f in from_lines(df) {
            if matches!(f.image, FromImage::Stage | FromImage::Missing) {
                continue;
            }
            let arm = "on an Apple-silicon laptop the image is built for ARM and crashes on the cluster's";
            let problem = match &f.platform {
                None => format!("does not say which platform to build for: {arm} {PLATFORM_AMD64} machines"),
                Some((_, Some(p))) if p == PLATFORM_AMD64 => continue,
                Some((written, Some(p))) => {
                    let from = if written != p { format!(" (from `{written}`)") } else { String::new() };
                    format!("builds for `{p}`{from}, which the cluster's {PLATFORM_AMD64} machines cannot run")
                }
                Some((written, None)) => {
                    format!("leaves the platform to a build argument (`{written}`): {arm} {PLATFORM_AMD64} machines")
                }
            };
            let rest = f.rest.clone();
            out.push(
                Finding::new(CheckId::A2, &df.file, Some(f.line))
                    .message(format!("`FROM {}` {problem}.", f.args))
                    .fix(format!("Write it as `FROM --platform={PLATFORM_AMD64} {rest}`.")),
            );
        }
    }
}
