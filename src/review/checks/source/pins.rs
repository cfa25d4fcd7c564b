//! S4: pinned dependencies

use super::*;

pub(super) fn dir_of(file: &str) -> &str {
    file.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

pub(super) fn name_of(file: &str) -> &str {
    file.rsplit('/').next().unwrap_or(file)
}

/// The repo's files by (folder, name), for lockfile look-ups.
pub(super) struct FileIndex<'a>(HashSet<(&'a str, &'a str)>);

impl<'a> FileIndex<'a> {
    fn new(repo: &'a Repo) -> FileIndex<'a> {
        let files =
            repo.dependency_files.iter().map(|f| f.file.as_str()).chain(repo.sources.iter().map(|f| f.file.as_str()));
        let yaml = repo.yaml.iter().map(|y| y.file.as_str());
        FileIndex(files.chain(yaml).map(|f| (dir_of(f), name_of(f))).collect())
    }

    /// True when one of `names` exists in `dir` (or, with `ancestors`, in a folder above it).
    fn has(&self, dir: &str, names: &[&str], ancestors: bool) -> bool {
        let mut d = dir;
        loop {
            if names.iter().any(|n| self.0.contains(&(d, *n))) {
                return true;
            }
            if !ancestors || d.is_empty() {
                return false;
            }
            d = dir_of(d);
        }
    }
}

pub(super) fn line_of(text: &str, needle: &str) -> Option<u32> {
    text.find(needle).map(|i| text[..i].matches('\n').count() as u32 + 1)
}

/// Requirement lines that are not pinned with `==`: (line, package).
pub(super) fn unpinned_requirements(text: &str) -> Vec<(u32, String)> {
    static NAME: LazyLock<Regex> = LazyLock::new(|| re(r"^([A-Za-z0-9][A-Za-z0-9._\-]*)(\[[^\]]*\])?\s*(.*)$"));
    let mut out = Vec::new();
    let mut logical = String::new();
    let mut start_line = 0u32;
    for (i, raw) in text.lines().enumerate() {
        if logical.is_empty() {
            start_line = i as u32 + 1;
        }
        let line = raw.split(" #").next().unwrap_or(raw);
        let line = if line.trim_start().starts_with('#') { "" } else { line };
        if let Some(cont) = line.trim_end().strip_suffix('\\') {
            logical.push_str(cont);
            logical.push(' ');
            continue;
        }
        logical.push_str(line);
        let entry = std::mem::take(&mut logical);
        let entry = entry.split(';').next().unwrap_or("").trim();
        if entry.is_empty() || entry.starts_with('-') {
            continue;
        }
        let Some(c) = NAME.captures(entry) else {
            continue;
        };
        let spec = c.get(3).map(|m| m.as_str().trim()).unwrap_or("");
        let version_ok =
            spec.starts_with("===") || (spec.starts_with("==") && !spec.contains('*') && !spec.contains(','));
        let direct = spec.starts_with('@');
        if !(version_ok || direct) {
            out.push((start_line, c[1].to_string()));
        }
    }
    out
}

/// A dependency manifest that is not pinned: (line, what is wrong, fix).
pub(super) fn unpinned(repo: &Repo, index: &FileIndex, f: &TextFile) -> Option<(Option<u32>, String, String)> {
    let dir = dir_of(&f.file);
    let name = name_of(&f.file);
    let text = f.text.as_str();
    let py_locks = ["poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock"];
    match name {
        "requirements.txt" => {
            if index.has(dir, &py_locks, false) {
                return None;
            }
            let loose = unpinned_requirements(text);
            let (line, _) = loose.first()?;
            let names: Vec<String> = loose.iter().take(5).map(|(_, n)| format!("`{n}`")).collect();
            let more = if loose.len() > 5 { format!(" and {} more", loose.len() - 5) } else { String::new() };
            Some((
                Some(*line),
                format!("{} not pinned to an exact version with `==`", plural_list(&names, &more)),
                "Pin every package to the exact version you tested with, e.g. `flask==3.0.3`: run \
                 `pip freeze > requirements.txt` in the app's virtual environment (or commit a poetry.lock/uv.lock)."
                    .into(),
            ))
        }
        "package.json" => {
            let json: serde_json::Value = serde_json::from_str(text).ok()?;
            let deps = ["dependencies", "devDependencies", "optionalDependencies"]
                .iter()
                .find(|k| json.get(**k).and_then(|v| v.as_object()).is_some_and(|o| !o.is_empty()))?;
            if index.has(
                dir,
                &["package-lock.json", "yarn.lock", "pnpm-lock.yaml", "npm-shrinkwrap.json", "bun.lock"],
                true,
            ) {
                return None;
            }
            Some((
                line_of(text, &format!("\"{deps}\"")),
                "package.json has no lockfile next to it (package-lock.json, yarn.lock or pnpm-lock.yaml)".into(),
                "Run `npm install` and commit the package-lock.json it writes (or yarn.lock / pnpm-lock.yaml), and \
                 install with `npm ci` in the Dockerfile."
                    .into(),
            ))
        }
        "pyproject.toml" => {
            static DEPS: LazyLock<Regex> = LazyLock::new(|| re(r#"(?ms)^\s*dependencies\s*=\s*\[(.*?)\]\s*$"#));
            static POETRY: LazyLock<Regex> =
                LazyLock::new(|| re(r#"(?ms)^\[tool\.poetry\.dependencies\]\s*\n(.*?)(?:^\[|\z)"#));
            let (line, pinned) = if let Some(c) = DEPS.captures(text) {
                let list = c.get(1).map(|m| m.as_str()).unwrap_or("");
                let items: Vec<&str> =
                    list.split(',').map(|s| s.trim().trim_matches(['"', '\''])).filter(|s| !s.is_empty()).collect();
                if items.is_empty() {
                    return None;
                }
                (line_of(text, c.get(0)?.as_str().trim_start()), items.iter().all(|i| i.contains("==")))
            } else if let Some(c) = POETRY.captures(text) {
                let body = c.get(1).map(|m| m.as_str()).unwrap_or("");
                if !body.lines().any(|l| l.contains('=') && !l.trim_start().starts_with("python")) {
                    return None;
                }
                (line_of(text, "[tool.poetry.dependencies]"), false)
            } else {
                return None;
            };
            if pinned || index.has(dir, &py_locks, false) {
                return None;
            }
            if index.has(dir, &["requirements.txt"], false)
                && repo.dependency_files.iter().any(|r| {
                    dir_of(&r.file) == dir
                        && name_of(&r.file) == "requirements.txt"
                        && unpinned_requirements(&r.text).is_empty()
                })
            {
                return None;
            }
            Some((
                line,
                "pyproject.toml declares dependencies but no lockfile pins them (poetry.lock, uv.lock)".into(),
                "Commit the lockfile of your tool (`poetry lock` -> poetry.lock, `uv lock` -> uv.lock), or pin \
                 every dependency with `==`."
                    .into(),
            ))
        }
        "Pipfile" => (!index.has(dir, &["Pipfile.lock"], false)).then(|| {
            (
                line_of(text, "[packages]").or(Some(1)),
                "Pipfile has no Pipfile.lock next to it".into(),
                "Run `pipenv lock` and commit Pipfile.lock; install with `pipenv install --deploy`.".into(),
            )
        }),
        "go.mod" => {
            let line =
                line_of(text, "\nrequire").map(|l| l + 1).or_else(|| text.starts_with("require").then_some(1))?;
            // Go's minimal version selection builds the same graph from go.mod's exact versions
            // alone (go.sum adds checksums), so a go.mod whose every requirement is an exact
            // version is pinned, like `==` in requirements.txt.
            static REQUIRE: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^\s*(?:require\s+)?[\w.\-/]+\s+(v\S+)"));
            static EXACT: LazyLock<Regex> = LazyLock::new(|| re(r"^v\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.\-+]*)?$"));
            let all_exact = REQUIRE.captures_iter(text).all(|c| EXACT.is_match(&c[1]));
            (!all_exact && !index.has(dir, &["go.sum"], false)).then(|| {
                (
                    Some(line),
                    "go.mod requires modules but there is no go.sum next to it".into(),
                    "Run `go mod tidy` and commit the go.sum it writes.".into(),
                )
            })
        }
        "Cargo.toml" => {
            static SECTION: LazyLock<Regex> = LazyLock::new(|| {
                re(r"(?m)^\[(?:workspace\.)?(?:dev-|build-)?dependencies\]\s*\n\s*[A-Za-z0-9_\-]+\s*=")
            });
            let m = SECTION.find(text)?;
            // Every dependency pinned with `=x.y.z` counts as pinned, like `==` in Python.
            static DEP: LazyLock<Regex> = LazyLock::new(|| {
                re(r#"(?m)^\s*[A-Za-z0-9_\-]+\s*=\s*(?:"([^"]*)"|\{[^}\n]*?version\s*=\s*"([^"]*)"|\{)"#)
            });
            let mut in_deps = false;
            let mut all_exact = true;
            for line in text.lines() {
                let t = line.trim();
                if t.starts_with('[') {
                    in_deps = t.trim_matches(['[', ']']).ends_with("dependencies");
                } else if in_deps && let Some(c) = DEP.captures(line) {
                    all_exact &= c.get(1).or(c.get(2)).is_some_and(|v| v.as_str().starts_with('='));
                }
            }
            (!all_exact && !index.has(dir, &["Cargo.lock"], true)).then(|| {
                (
                    Some(text[..m.start()].matches('\n').count() as u32 + 1),
                    "Cargo.toml has no Cargo.lock next to it".into(),
                    "Run `cargo generate-lockfile` (or any build) and commit Cargo.lock; build with `--locked`.".into(),
                )
            })
        }
        "composer.json" => {
            let json: serde_json::Value = serde_json::from_str(text).ok()?;
            let req = json.get("require")?.as_object()?;
            // Every package at an exact version (`2.14.1`, `v3.9.0`) counts as pinned, like `==` in Python.
            let exact = |v: &serde_json::Value| {
                v.as_str().is_some_and(|v| v.trim_start_matches('v').chars().all(|c| c.is_ascii_digit() || c == '.'))
            };
            let packages: Vec<_> = req.iter().filter(|(k, _)| *k != "php" && !k.starts_with("ext-")).collect();
            if packages.is_empty()
                || packages.iter().all(|(_, v)| exact(v))
                || index.has(dir, &["composer.lock"], false)
            {
                return None;
            }
            Some((
                line_of(text, "\"require\""),
                "composer.json has no composer.lock next to it".into(),
                "Run `composer update` and commit composer.lock; install with `composer install`.".into(),
            ))
        }
        "pom.xml" => {
            static VERSION: LazyLock<Regex> = LazyLock::new(|| re(r"<version>\s*([^<]*?)\s*</version>"));
            if index.has(dir, &["lockfile.json"], false) {
                return None;
            }
            let bad = VERSION.captures_iter(text).find(|c| {
                let v = &c[1];
                v.starts_with('[') || v.starts_with('(') || v == "LATEST" || v == "RELEASE" || v.ends_with("-SNAPSHOT")
            })?;
            let at = bad.get(0)?.start();
            Some((
                Some(text[..at].matches('\n').count() as u32 + 1),
                format!("pom.xml uses a moving version (`{}`)", &bad[1]),
                "Give every dependency an exact version (no ranges, LATEST, RELEASE or -SNAPSHOT), or commit a \
                 Maven lockfile."
                    .into(),
            ))
        }
        "build.gradle" | "build.gradle.kts" => {
            static DYNAMIC: LazyLock<Regex> =
                LazyLock::new(|| re(r#"["'][\w.\-]+:[\w.\-]+:([^"'$]*(?:\+|latest\.[a-z]+|\[[^"']*|\([^"']*))["']"#));
            if index.has(dir, &["gradle.lockfile"], true) {
                return None;
            }
            let bad = DYNAMIC.captures(text)?;
            let at = bad.get(0)?.start();
            Some((
                Some(text[..at].matches('\n').count() as u32 + 1),
                format!("{name} uses a moving version (`{}`) and there is no gradle.lockfile", &bad[1]),
                "Give every dependency an exact version, or turn on dependency locking \
                 (`dependencyLocking { lockAllConfigurations() }`, then `gradle dependencies --write-locks`) and \
                 commit gradle.lockfile."
                    .into(),
            ))
        }
        _ => None,
    }
}

pub(super) fn plural_list(names: &[String], more: &str) -> String {
    match names.len() {
        1 if more.is_empty() => format!("{} is", names[0]),
        _ => format!("{}{more} are", names.join(", ")),
    }
}

/// S4: dependencies are pinned (a lockfile, or `==` on every Python requirement).
pub fn s4(r: &Review, out: &mut Vec<Finding>) {
    let index = FileIndex::new(r.repo);
    for f in &r.repo.dependency_files {
        if let Some((line, message, fix)) = unpinned(r.repo, &index, f) {
            out.push(Finding::new(CheckId::S4, f.file.clone(), line.or(Some(1))).message(message).fix(fix));
        }
    }
}
