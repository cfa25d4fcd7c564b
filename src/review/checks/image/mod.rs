//! Image checks (A1–A7): fixed tags, the amd64 platform, non-root pods, dropped
//! capabilities, no bare Docker Hub references, the app image from the platform registry, and
//! images that build (A7).
//!
//! Image references are read from three places (one finding per reference):
//! - every container of every workload, initContainers included;
//! - Helm chart values: `values*.yaml` next to a `Chart.yaml`, where a key named `image`
//!   (or ending in `Image`) holds either a reference string or a map
//!   `{registry?, repository, tag?, digest?}`; the chart's top-level `image` is the app image;
//! - Dockerfile `FROM` lines (`--platform=…` flags skipped; a FROM naming an earlier stage
//!   `AS name` is not an image; `scratch` is not an image; `${ARG}` references are replaced
//!   by the default of a global `ARG` declared before the first FROM, and a reference that
//!   cannot be resolved that way is skipped: its value is only known at build time).
//!
//! A1 also reads the tags ArgoCD sets over a chart (an Application's or an ApplicationSet
//! template's `helm.parameters` `<image key>.tag` and `tag` under an image key of
//! `helm.valuesObject`): `latest` or no value there is what gets deployed. A Go-template field
//! (`{{.head_short_sha_7}}`) is filled with a pull request's commit per Application: pinned.
//!
//! Decisions where the contract leaves room:
//! - A3 follows Kubernetes' semantics: a container-level `runAsNonRoot`/`runAsUser` overrides
//!   the pod's, so `runAsNonRoot: true` on every container satisfies A3 as well as the pod-level
//!   field does; a container overriding with `false` or user 0 breaks it. The effective
//!   `runAsUser` of every container must be set and non-zero (an image's `USER` is not
//!   visible to the review, so the pod must say it). One finding per pod template.
//! - A2 applies to every FROM that names an image, `scratch` included (the platform of the
//!   final image is the FROM's); a FROM naming an earlier stage inherits that stage's platform.
//! - A bare Docker Hub reference of the app image is both A5 (it is a Docker Hub reference)
//!   and A6 (it is not from the platform registry); A5's fix then names the platform registry
//!   reference, not the mirror, so both findings ask for the same change.
//! - A6 judges "the app image": the app container of each app workload (see
//!   [`crate::review::workload::Workload::app_container`]) and the chart's top-level `image`. Sidecars and
//!   initContainers of app workloads are third-party helpers as far as A6 is concerned (A1 and
//!   A5 still judge them).
//! - A container without `image` holds no reference (kustomize patches look like that).

use crate::contract;
use crate::contract::CheckId;

use crate::review::check::{Check, Judged};
use crate::review::context::ReviewContext;
use crate::review::model::{FromImage, ImageSite, Place, container_words, from_lines, key_line};
use crate::review::workload::{self, parse_image};
use crate::review::{Finding, Review};
use crate::yaml::Node;

mod app_registry;
mod builds;
mod capabilities;
mod docker_hub;
mod fix;
mod latest_tag;
mod lockfile;
mod non_root;
mod platform;
use app_registry::a6;
use builds::a7;
use capabilities::a4;
use docker_hub::a5;
use latest_tag::a1;
use non_root::a3;
use platform::a2;

/// The checks of this family, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::A1, run: a1, judged: Judged::Static, repo_only: false, fixer: Some(fix::a1) },
    Check { id: CheckId::A2, run: a2, judged: Judged::Static, repo_only: true, fixer: Some(fix::a2) },
    Check { id: CheckId::A3, run: a3, judged: Judged::Static, repo_only: false, fixer: Some(fix::a3) },
    Check { id: CheckId::A4, run: a4, judged: Judged::Static, repo_only: false, fixer: Some(fix::a4) },
    Check { id: CheckId::A5, run: a5, judged: Judged::Static, repo_only: false, fixer: Some(fix::a5) },
    Check { id: CheckId::A6, run: a6, judged: Judged::Static, repo_only: false, fixer: None },
    Check { id: CheckId::A7, run: a7, judged: Judged::Static, repo_only: true, fixer: Some(fix::a7) },
];

/// Registry hosts that are Docker Hub.
const DOCKER_HUB_HOSTS: &[&str] = &["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"];
/// The only platform the cluster's nodes run (A2).
const PLATFORM_AMD64: &str = crate::contract::PLATFORM_ARCH;

/// Why a reference is not pinned, if it is not.
fn unpinned(image: &str) -> Option<&'static str> {
    let r = parse_image(image);
    if r.digest.is_some() {
        return None;
    }
    match r.tag {
        None | Some("") => Some("has no tag, so it means `latest`"),
        Some(t) if t.eq_ignore_ascii_case("latest") => Some("uses the moving tag `latest`"),
        _ => None,
    }
}

/// The reference without its tag and digest.
fn without_tag(image: &str) -> String {
    let r = parse_image(image);
    match r.registry {
        Some(reg) => format!("{reg}/{}", r.path),
        None => r.path.to_string(),
    }
}

/// The exact tag the app image should carry, when known.
fn app_tag(ctx: &ReviewContext) -> Option<String> {
    crate::spec::app_image_tag(ctx.expected_tag.clone(), ctx.answers.as_ref().and_then(|a| a.tag.as_ref()))
}

/// The platform registry reference of the app image.
fn app_reference(ctx: &ReviewContext, image: &str) -> String {
    let r = parse_image(image);
    let slug = ctx.slug.clone().unwrap_or_else(|| r.name.to_string());
    let tag = app_tag(ctx)
        .or_else(|| r.tag.filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("latest")).map(str::to_string))
        .unwrap_or_else(|| "<commit SHA>".into());
    format!("{}:{tag}", ctx.platform.app_repository(&slug))
}

/// True for a reference pulled from Docker Hub (no registry host, or a Docker Hub host).
fn is_docker_hub(image: &str) -> bool {
    match parse_image(image).registry {
        None => true,
        Some(host) => DOCKER_HUB_HOSTS.contains(&host.to_ascii_lowercase().as_str()),
    }
}

fn site_finding(id: CheckId, s: &ImageSite) -> Finding {
    let f = Finding::new(id, s.file, s.line);
    match s.object() {
        Some(o) => f.object(o),
        None => f,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::Dockerfile;
    use crate::repo::parse_dockerfile;
    use crate::review::model::FromLine;

    fn froms(text: &str) -> Vec<FromLine> {
        from_lines(&Dockerfile { file: "Dockerfile".into(), instructions: parse_dockerfile(text) })
    }

    #[test]
    fn from_lines_know_stages_scratch_and_args() {
        let f = froms(
            "ARG BASE=golang:1.23\nARG RUN\nFROM --platform=linux/amd64 ${BASE} AS build\nFROM build AS test\n\
             FROM --platform=$BUILDPLATFORM scratch\nFROM $RUN\nFROM ${RUN:-debian:12}\nFROM Build\n",
        );
        assert_eq!(f[0].image, FromImage::Image("golang:1.23".into()));
        assert_eq!(f[0].platform, Some(("linux/amd64".into(), Some("linux/amd64".into()))));
        assert_eq!(f[1].image, FromImage::Stage);
        assert_eq!(f[2].image, FromImage::Scratch);
        assert_eq!(f[2].platform, Some(("$BUILDPLATFORM".into(), None)));
        assert_eq!(f[3].image, FromImage::Unresolved("$RUN".into()));
        assert_eq!(f[4].image, FromImage::Image("debian:12".into()));
        assert_eq!(f[5].image, FromImage::Stage, "stage names are case-insensitive");
    }

    #[test]
    fn a_stage_named_like_an_image_is_an_image_on_its_own_line() {
        let f = froms("FROM node:22 AS node\nFROM node\n");
        assert_eq!(f[0].image, FromImage::Image("node:22".into()));
        assert_eq!(f[1].image, FromImage::Stage);
    }

    #[test]
    fn tags_digests_and_docker_hub() {
        assert!(unpinned("nginx").is_some());
        assert!(unpinned("nginx:latest").is_some());
        assert!(unpinned("localhost:5000/app").is_some());
        assert!(unpinned("nginx:latest@sha256:abc").is_none());
        assert!(unpinned("harbor.x/vibe/app:a1b2c3d").is_none());
        assert!(is_docker_hub("nginx:1.27"));
        assert!(is_docker_hub("docker.io/library/nginx:1.27"));
        assert!(is_docker_hub("bitnami/redis:7"));
        assert!(!is_docker_hub("ghcr.io/x/y:1"));
        assert!(!is_docker_hub("harbor.internal.example.com/dockerhub-proxy/nginx:1.27"));
        let ctx = ReviewContext::default();
        assert_eq!(
            workload::through_mirror(&ctx.platform, "docker.io/library/nginx:1.27"),
            "harbor.internal.example.com/dockerhub-proxy/nginx:1.27"
        );
        assert_eq!(
            workload::through_mirror(&ctx.platform, "bitnami/redis:7"),
            "harbor.internal.example.com/dockerhub-proxy/bitnami/redis:7"
        );
    }
}
