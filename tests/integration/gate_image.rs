//! The gate image's Dockerfile at the project root (issue 15). It cannot be built here (no registry
//! for base images), so it is validated statically: hadolint, vibe's own review of it, and what the
//! generated CI relies on (`vibe` as the entrypoint, /repo, a numeric non-root user).

use crate::common::{App, repo_root, venv_python};
use serde_json::Value;

fn dockerfile() -> String {
    std::fs::read_to_string(repo_root().join("Dockerfile")).expect("Dockerfile at the project root")
}

/// Findings of `vibe review` on a folder holding this Dockerfile text, as "ID line".
fn dockerfile_findings(text: &str) -> Vec<String> {
    let app = App::new();
    app.write("Dockerfile", text);
    app.write(".dockerignore", &std::fs::read_to_string(repo_root().join(".dockerignore")).unwrap());
    // What the Dockerfile builds from: `cargo build --locked` needs Cargo.lock (A7).
    for file in ["Cargo.toml", "Cargo.lock"] {
        app.write(file, &std::fs::read_to_string(repo_root().join(file)).unwrap());
    }
    let out = app.vibe(&["review", "--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("review json");
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == "Dockerfile")
        .map(|f| format!("{} {}", f["id"].as_str().unwrap(), f["line"]))
        .collect()
}

#[test]
fn hadolint_finds_nothing_in_the_gate_images_dockerfile() {
    let hadolint = venv_python().parent().unwrap().join("hadolint");
    let out = std::process::Command::new(hadolint)
        .args(["--no-color", "--failure-threshold", "style"])
        .arg(repo_root().join("Dockerfile"))
        .output()
        .expect("run hadolint");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && text.trim().is_empty(), "{text}");
}

#[test]
fn vibes_own_review_finds_nothing_in_it_and_would_find_bare_bases() {
    let text = dockerfile();
    assert_eq!(dockerfile_findings(&text), Vec::<String>::new());
    // The same file without the mirror and the platform is caught (A2, A5 on both FROM lines).
    let bare = text.replace("${MIRROR}/", "").replace("--platform=linux/amd64 ", "");
    let found = dockerfile_findings(&bare);
    for id in ["A2", "A5"] {
        assert_eq!(found.iter().filter(|f| f.starts_with(id)).count(), 2, "{found:?}");
    }
}

#[test]
fn the_image_runs_vibe_in_repo_as_a_numeric_non_root_user_from_pinned_mirrored_bases() {
    let text = dockerfile();
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    // ARG MIRROR has a default, so a build without --build-arg fails on an unknown host, not a bare name.
    assert!(lines.iter().any(|l| l.starts_with("ARG MIRROR=") && l.len() > "ARG MIRROR=".len()), "{text}");
    let froms: Vec<&&str> = lines.iter().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(froms.len(), 2, "a builder and a runtime: {froms:?}");
    for from in &froms {
        let image = from.split_whitespace().find(|w| w.starts_with("${MIRROR}/")).unwrap_or_else(|| panic!("{from}"));
        let tag = image.rsplit_once(':').map(|(_, t)| t).unwrap_or_else(|| panic!("untagged: {from}"));
        assert!(tag.chars().any(|c| c.is_ascii_digit()) && !tag.contains("latest"), "{from}");
        assert!(from.contains("--platform=linux/amd64"), "{from}");
    }
    assert!(froms[0].contains("/rust:"), "built in a Rust image: {}", froms[0]);
    // The runtime stage: the binary only, vibe as the entrypoint, /repo, a numeric non-root user.
    let runtime = &lines[lines.iter().rposition(|l| l.starts_with("FROM ")).unwrap()..];
    assert!(runtime.iter().any(|l| l.starts_with("COPY --from=build ") && l.ends_with("/vibe")), "{runtime:?}");
    assert!(runtime.contains(&"ENTRYPOINT [\"vibe\"]"), "{runtime:?}");
    assert!(runtime.contains(&"WORKDIR /repo"), "{runtime:?}");
    let user = runtime.iter().rev().find_map(|l| l.strip_prefix("USER ")).expect("USER in the runtime stage");
    let uid: u32 = user.split(':').next().unwrap().parse().unwrap_or_else(|_| panic!("USER {user} is not numeric"));
    assert_ne!(uid, 0);
    assert!(!runtime.iter().any(|l| l.starts_with("RUN ")), "the runtime stage needs no shell: {runtime:?}");
    // The build context leaves out the build output and the Git history.
    let ignore = std::fs::read_to_string(repo_root().join(".dockerignore")).unwrap();
    for entry in ["target/", ".git"] {
        assert!(ignore.lines().any(|l| l.trim() == entry), "{entry} not in .dockerignore");
    }
}
