//! A6: the app image comes from the platform registry.

use super::*;

/// A6: the app image comes from the platform registry (not from elsewhere, not via the mirror).
pub fn a6(r: &Review, out: &mut Vec<Finding>) {
    let registry = format!("{}/", r.ctx.platform.registry.trim_end_matches('/'));
    let mirror = format!("{}/", r.ctx.platform.mirror.trim_end_matches('/'));
    for s in r.model.images.iter().filter(|s| s.app()) {
        if s.image.starts_with(&registry) && !s.image.starts_with(&mirror) {
            continue;
        }
        let why = if s.image.starts_with(&mirror) {
            "comes through the Docker Hub mirror, so it was not built and scanned by the platform's CI".to_string()
        } else {
            format!("does not come from the platform registry `{}`", r.ctx.platform.registry)
        };
        let target = app_reference(r.ctx, &s.image);
        let fix = match &s.key {
            Some(key) if key.ends_with(".tag") => format!(
                "Let CI build and push the app image to the platform registry and set `{}.repository` to `{}`.",
                key.trim_end_matches(".tag"),
                without_tag(&target)
            ),
            _ => format!("Let CI build and push the app image to the platform registry and use `{target}`."),
        };
        out.push(
            site_finding(CheckId::A6, s)
                .message(format!("The app image `{}` of {} {why}.", s.image, s.what()))
                .fix(fix),
        );
    }
}
