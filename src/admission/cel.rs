//! CEL text: literals and the image-reference tests the review makes in Rust
//! ([`crate::review::workload::parse_image`]), written as standard CEL (`matches` is RE2) so any
//! evaluator, the API server's and the tests' cel-python alike, reads them the same way.

use crate::contract;
use crate::review::workload::parse_image;

/// A CEL string literal (single-quoted, backslashes and quotes escaped).
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A CEL list literal of strings.
pub fn list(items: &[&str]) -> String {
    format!("[{}]", items.iter().map(|i| quote(i)).collect::<Vec<_>>().join(", "))
}

/// `expr.matches(<regex>)`, the regex quoted as a CEL string.
pub fn matches(expr: &str, regex: &str) -> String {
    format!("{expr}.matches({})", quote(regex))
}

/// True (in CEL) when the image reference `image` is a platform component, by its name as
/// `component_of_image` tells it: the last path component before the tag and digest.
pub fn is_component(image: &str) -> String {
    matches(image, &component_regex())
}

/// The RE2 regex of [`is_component`].
fn component_regex() -> String {
    let names: Vec<String> = contract::COMPONENTS.iter().map(|c| regex::escape(parse_image(c.image).name)).collect();
    format!("^([^@]*/)?({})(:[^/@:]*)?(@.*)?$", names.join("|"))
}

/// True when `image` is pinned: a digest, or a tag (after the last `:` of the last path
/// component) that is neither empty nor `latest` in any case. The review's `unpinned`, negated.
pub fn is_pinned(image: &str) -> String {
    format!("({image}.contains('@') || ({} && !{}))", matches(image, TAGGED), matches(image, LATEST))
}

/// A non-empty tag after the last `:` of the last path component.
const TAGGED: &str = ":[^/:]+$";
/// The moving tag, in any case.
const LATEST: &str = "(?i):latest$";
/// A first component that names a registry host (a `.` or `:` in it, or `localhost`).
const REGISTRY_HOST: &str = "^([^/@]*[.:][^/@]*|localhost)/";

/// Docker Hub's registry host names, as the review knows them (A5).
const DOCKER_HUB_HOSTS: &str = r"docker\.io|index\.docker\.io|registry-1\.docker\.io|registry\.hub\.docker\.com";

fn docker_hub_regex() -> String {
    format!("(?i)^({DOCKER_HUB_HOSTS})/")
}

/// True when `image` is pulled straight from Docker Hub: its first component is no registry host
/// (no `.` or `:`, not `localhost`), or is one of Docker Hub's own.
pub fn is_docker_hub(image: &str) -> String {
    format!("(!{} || {})", matches(image, REGISTRY_HOST), matches(image, &docker_hub_regex()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(quote(r"a'b\c"), r"'a\'b\\c'");
        assert_eq!(list(&["x", "y"]), "['x', 'y']");
    }

    const IMAGES: &[&str] = &[
        "nginx",
        "nginx:1.27",
        "nginx:",
        "nginx:1:",
        "nginx:LATEST",
        "nginx:latest@sha256:abc",
        "nginx@sha256:abc",
        "docker.io/library/postgres:16",
        "Docker.IO/library/redis",
        "registry-1.docker.io/x/y:1",
        "localhost:5000/app",
        "localhost:5000",
        "localhost/app:1",
        "reg.io:5000/team/app:a1b2c3d",
        "harbor.internal.example.com/dockerhub-proxy/postgres:16",
        "harbor.internal.example.com/vibe/shop:a1b2c3d",
        "percona/mongodb_exporter:0.40",
        "oliver006/redis_exporter:v1.63.0",
        "x.io/mirror/postgres-like:1",
        "x.io/postgres/app:1",
        "bitnami/redis:7",
        "my.registry/busybox@sha256:1",
    ];

    /// The review's reading of a reference (workload::parse_image), for the expectations.
    fn review_pinned(image: &str) -> bool {
        let r = parse_image(image);
        r.digest.is_some() || r.tag.is_some_and(|t| !t.is_empty() && !t.eq_ignore_ascii_case("latest"))
    }

    fn review_docker_hub(image: &str) -> bool {
        match parse_image(image).registry {
            None => true,
            Some(h) => Regex::new(&format!("^(?i)({DOCKER_HUB_HOSTS})$")).unwrap().is_match(h),
        }
    }

    use regex::Regex;

    #[test]
    fn the_regexes_read_references_as_the_review_does() {
        let component = Regex::new(&component_regex()).unwrap();
        let (tagged, latest) = (Regex::new(TAGGED).unwrap(), Regex::new(LATEST).unwrap());
        let (host, hub) = (Regex::new(REGISTRY_HOST).unwrap(), Regex::new(&docker_hub_regex()).unwrap());
        for image in IMAGES {
            assert_eq!(
                component.is_match(image),
                crate::review::workload::component_of_image(image).is_some(),
                "component: {image}"
            );
            let pinned = image.contains('@') || (tagged.is_match(image) && !latest.is_match(image));
            assert_eq!(pinned, review_pinned(image), "pinned: {image}");
            let docker_hub = !host.is_match(image) || hub.is_match(image);
            assert_eq!(docker_hub, review_docker_hub(image), "docker hub: {image}");
        }
    }
}
