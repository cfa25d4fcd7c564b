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
    argocd_overrides(r, out);
}

/// A1 on the tags ArgoCD sets over the chart (an Application's or an ApplicationSet's Helm
/// overrides): what ArgoCD deploys, whatever values.yaml says. A Go-template field (`{{.head_sha}}`)
/// is filled per Application with a commit of the pull request, so it is pinned.
fn argocd_overrides(r: &Review, out: &mut Vec<Finding>) {
    for t in crate::review::model::argocd_tag_overrides(r.repo) {
        if t.value.contains("{{") {
            continue;
        }
        let why = if t.value.is_empty() {
            "to nothing, so the image means `latest`"
        } else if t.value.eq_ignore_ascii_case("latest") {
            "to the moving tag `latest`"
        } else {
            continue;
        };
        out.push(
            Finding::new(CheckId::A1, &t.obj.file, t.line)
                .object(t.obj.id())
                .message(format!(
                    "The ArgoCD {} sets the chart's `{}` {why}: every sync can deploy different code.",
                    t.obj.kind, t.key
                ))
                .fix(format!(
                    "Set `{}` to an exact tag: the commit's short SHA (CI pushes that tag; in a pull-request \
                     ApplicationSet `{{{{.head_short_sha_7}}}}`), or leave it out so the chart's own tag applies.",
                    t.key
                )),
        );
    }
}
