//! A5: no bare Docker Hub image reference (third-party images come through the platform mirror).

use super::*;

/// A5: no bare Docker Hub reference in manifests, chart values or Dockerfile FROM lines.
pub fn a5(r: &Review, out: &mut Vec<Finding>) {
    for s in &r.model.images {
        if !is_docker_hub(&s.image) {
            continue;
        }
        let fix = if s.app() {
            format!(
                "This is the app image: let CI push it to the platform registry and use `{}` instead of Docker Hub.",
                app_reference(r.ctx, &s.image)
            )
        } else {
            let target = workload::through_mirror(&r.ctx.platform, &s.image);
            match (&s.place, &s.key) {
                (Place::From, _) => {
                    format!("Pull it through the platform mirror: `FROM --platform={PLATFORM_AMD64} {target}`.")
                }
                (Place::Values(_), Some(key)) if key.ends_with(".tag") => {
                    format!(
                        "Pull it through the platform mirror: set `{}.repository` to `{}` (with no separate `registry`).",
                        key.trim_end_matches(".tag"),
                        without_tag(&target)
                    )
                }
                _ => format!("Pull it through the platform mirror: `{target}`."),
            }
        };
        out.push(
            site_finding(CheckId::A5, s)
                .message(format!(
                    "The image `{}` of {} is pulled straight from Docker Hub, which limits downloads and skips the platform mirror.",
                    s.image, s.what()
                ))
                .fix(fix),
        );
    }
}
