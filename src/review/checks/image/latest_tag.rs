//! A1: no `:latest` or untagged image anywhere.

use super::*;

fn app_tag_words(ctx: &ReviewContext) -> String {
    match app_tag(ctx) {
        Some(t) => format!("`{t}`"),
        None => format!(
            "the {}-character commit SHA of the build (`git rev-parse --short={} HEAD`)",
            contract::SHORT_SHA_LEN,
            contract::SHORT_SHA_LEN
        ),
    }
}

/// A1: no `:latest` or untagged image anywhere (manifests, chart values, Dockerfile FROM).
pub fn a1(r: &Review, out: &mut Vec<Finding>) {
    for s in &r.model.images {
        let Some(why) = unpinned(&s.image) else { continue };
        let base = without_tag(&s.image);
        let fix = if s.app() {
            let tag = app_tag_words(r.ctx);
            match (&s.key, app_tag(r.ctx)) {
                (Some(key), Some(t)) if key.ends_with(".tag") => {
                    format!("Set `{key}: \"{t}\"` (the repo's short commit SHA); CD updates it on every commit.")
                }
                (_, Some(t)) => format!("Use `{base}:{t}`: the app image is tagged with the repo's short commit SHA."),
                _ => format!("Tag the app image with {tag}, e.g. `{base}:<sha>`; CI pushes that tag."),
            }
        } else if let Some(c) = workload::component_of_image(&s.image).and_then(contract::component) {
            let version = parse_image(c.image).tag.unwrap_or_default();
            format!("Use the exact version the platform supports: `{base}:{version}`.")
        } else {
            format!("Pin an exact version, e.g. `{base}:<version>` (the version you tested with), never `latest`.")
        };
        out.push(
            site_finding(CheckId::A1, s)
                .message(format!("The image `{}` of {} {why}: a restart can pull different code.", s.image, s.what()))
                .fix(fix),
        );
    }
}
