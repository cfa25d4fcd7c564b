//! Repo detection for the wizard: what the app folder already tells us about the answers.
//!
//! Everything here is a *suggestion* the wizard pre-selects and explains ("detected Node.js 20
//! from .nvmrc (20)"); the creator always has the last word. So detection favours cheap,
//! explainable signals over completeness, and it never fails: an unreadable file, bad JSON or
//! odd TOML only means that one signal is missing.
//!
//! Reading is bounded (depth, file count, file size, total bytes) because the wizard runs this
//! before the first question and a creator's folder may hold anything (datasets, videos, a
//! forgotten `node_modules` one level down).

use crate::contract::{self, Language};
use crate::lang::start::{RepoFile, RepoFiles, Start};
use crate::lang::toml::{toml_entries, toml_get};
use crate::lang::{ENV_NAME, LANGUAGES};
use crate::repo::SKIPPED_DIRS;
use regex::Regex;
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::VecDeque;
use std::path::Path;
use std::sync::LazyLock;

/// A detected answer and where it came from, in words for the creator ("package.json (engines.node: >=20)").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<T> {
    /// The detected value.
    pub value: T,
    /// Where it was seen: a file (with the telling detail in parentheses), or `file:line` for code.
    pub source: String,
}

impl<T> Found<T> {
    fn new(value: T, source: impl Into<String>) -> Found<T> {
        Found { value, source: source.into() }
    }
}

/// Everything detection found in an app folder; `None`/empty where the folder says nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detected {
    /// The app's name: package.json `name`, pyproject `[project].name`, Cargo.toml `[package].name`,
    /// go.mod module (last segment), composer.json `name`, pom.xml `artifactId`, Gradle
    /// `rootProject.name`; else the folder name.
    pub name: Option<Found<String>>,
    /// A runtime id from [`contract::RUNTIMES`], with the version chosen from version files
    /// (.nvmrc, .python-version, ...) or version ranges (engines.node, requires-python, Java release).
    pub runtime: Option<Found<&'static str>>,
    /// `"postgres"` or `"mongo"`, from a driver dependency, a Prisma provider or a connection URL.
    pub database: Option<Found<&'static str>>,
    /// The code keeps data in a local SQLite file (lost on restart in a container); source is `file:line`.
    pub sqlite: Option<Found<()>>,
    /// `"redis"` and/or `"rabbitmq"`, from client library dependencies, in that order.
    pub components: Vec<Found<&'static str>>,
    /// Environment variable names the code reads, deduplicated, in first-seen order; source is `file:line`.
    pub env_vars: Vec<Found<String>>,
    /// How the app starts in production, found by its language's module (a start script, a
    /// Flask app object, a main package), with how sure that is.
    pub start: Option<Start>,
}

/// Folders detection skips besides the ones no part of vibe reads ([`SKIPPED_DIRS`]): other VCS
/// data, build output, tool caches and editor settings, which only blur what the app is.
const ALSO_SKIPPED_DIRS: &[&str] = &[
    ".hg",
    ".svn",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
    "dist",
    "build",
    ".next",
    ".nuxt",
    ".svelte-kit",
    "coverage",
    ".gradle",
    ".idea",
    ".vscode",
    "bower_components",
    "site-packages",
];
/// Lock files: huge, and they list dependencies of dependencies (noise for every signal here).
const LOCK_FILES: &[&str] = &[
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "composer.lock",
    "Cargo.lock",
    "poetry.lock",
    "Pipfile.lock",
    "go.sum",
    "uv.lock",
    // Not a lockfile, but only its presence counts too: the image builds with the Gradle wrapper.
    "gradlew",
];
/// Directory entries looked at, in total (a folder with more files than this is not a small app).
const MAX_ENTRIES: usize = 5_000;
/// Files bigger than this are not source code anyone wrote by hand.
const MAX_FILE_BYTES: u64 = 512 * 1024;
/// Total bytes read, so detection stays well under a second.
const MAX_TOTAL_BYTES: usize = 16 * 1024 * 1024;
/// How deep the walk goes (root files are depth 0).
const MAX_DEPTH: usize = 8;
/// Manifests deeper than this belong to something else (examples, tools), not the app.
const MANIFEST_MAX_DEPTH: usize = 2;
/// A repo reading thousands of variables is unusual; the wizard shows a list, not a dump.
const MAX_ENV_VARS: usize = 200;

/// Detects what it can about the app in `root`. Never fails: a missing or unreadable folder
/// gives a `Detected` with only the folder name (if any).
pub fn detect(root: &Path) -> Detected {
    let files = walk(root);
    let manifests = Manifests::collect(&files);
    let language = manifests.language();
    let deps = dependencies(&manifests);
    let start = language.and_then(|l| l.support().start(&repo_files_of(&files)));
    Detected {
        name: detect_name(root, &manifests, language),
        runtime: language.and_then(|l| detect_runtime(l, &manifests)),
        database: detect_database(&files, &deps),
        sqlite: detect_sqlite(&files),
        components: detect_components(&deps),
        env_vars: detect_env_vars(&files),
        start,
    }
}

/// The repo's source, manifests and lockfiles as start detection and the Dockerfile's install
/// steps read them (tests left out). Never fails: an unreadable folder gives no files.
pub fn repo_files(root: &Path) -> RepoFiles {
    repo_files_of(&walk(root))
}

fn repo_files_of(files: &[SrcFile]) -> RepoFiles {
    RepoFiles::new(files.iter().filter(|f| !f.is_test).map(|f| RepoFile { path: f.path.clone(), text: f.text.clone() }))
}

// ---------------------------------------------------------------------------------------------
// Reading the folder

/// What a file is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Application source in a language whose env-var reads we recognise.
    Code(Language),
    /// A dependency manifest or version file (package.json, go.mod, .nvmrc...).
    Manifest,
    /// Configuration that may name a database URL or a SQLite file (.env, application.yml...).
    Config,
    /// A lockfile near the top, kept unread: only its presence counts (how the image installs).
    Lock,
}

/// One file read from the repo.
#[derive(Debug)]
struct SrcFile {
    /// Path relative to the root, with `/` separators.
    path: String,
    /// File name.
    name: String,
    /// Number of folders between the root and the file.
    depth: usize,
    kind: Kind,
    /// Skipped for sqlite/env-var scanning: tests read throwaway env vars and use in-memory SQLite.
    is_test: bool,
    text: String,
}

/// Manifests and version files, recognised by exact name.
const MANIFEST_NAMES: &[&str] = &[
    "package.json",
    ".nvmrc",
    ".node-version",
    "pyproject.toml",
    "Pipfile",
    "setup.py",
    "setup.cfg",
    ".python-version",
    "runtime.txt",
    "go.mod",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "settings.gradle",
    "settings.gradle.kts",
    ".java-version",
    ".sdkmanrc",
    "Cargo.toml",
    "composer.json",
    ".tool-versions",
    "tsconfig.json",
];

fn classify(name: &str, parent: &str) -> Option<Kind> {
    if MANIFEST_NAMES.contains(&name)
        || (name.starts_with("requirements") && name.ends_with(".txt"))
        || (parent == "requirements" && name.ends_with(".txt"))
    {
        return Some(Kind::Manifest);
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if let Some(lang) = Language::detected_from_extension(&ext) {
        return Some(Kind::Code(lang));
    }
    let stem = name.to_ascii_lowercase();
    let config_stem = [
        "application",
        "config",
        "settings",
        "database",
        "doctrine",
        "docker-compose",
        "compose",
        "ormconfig",
        "appsettings",
    ]
    .iter()
    .any(|p| stem.starts_with(p));
    let is_config = stem.starts_with(".env")
        || ext == "prisma"
        || ext == "properties"
        || ext == "ini"
        || ext == "cfg"
        || ext == "conf"
        || (matches!(ext.as_str(), "yml" | "yaml" | "json" | "toml") && (config_stem || parent == "config"));
    is_config.then_some(Kind::Config)
}

/// True for a test file (`path` is repo-relative, `name` its last part): test folders, `test_*.py`,
/// `*_test.go`, `*.spec.ts`, `*Test.java`.
pub(crate) fn is_test_path(path: &str, name: &str) -> bool {
    let mut dirs = path.split('/').rev().skip(1);
    let test_dir = |d: &str| {
        matches!(d, "test" | "tests" | "__tests__" | "spec" | "specs" | "testdata" | "e2e" | "fixtures" | "__mocks__")
    };
    let lower = name.to_ascii_lowercase();
    dirs.any(test_dir)
        || lower.starts_with("test_")
        || lower == "conftest.py"
        || lower.contains("_test.")
        || lower.contains(".test.")
        || lower.contains(".spec.")
        || name.ends_with("Test.java")
        || name.ends_with("Tests.java")
        || name.ends_with("Test.kt")
        || name.ends_with("Test.php")
}

/// Breadth-first walk with sorted entries: root files come first and the order is the same on
/// every machine, so "first seen" is stable and shallow evidence wins.
fn walk(root: &Path) -> Vec<SrcFile> {
    let mut out = Vec::new();
    let mut queue: VecDeque<(std::path::PathBuf, String, usize)> = VecDeque::new();
    queue.push_back((root.to_path_buf(), String::new(), 0));
    let mut entries_seen = 0usize;
    let mut bytes_read = 0usize;
    while let Some((dir, rel, depth)) = queue.pop_front() {
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = read.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        let parent = rel.rsplit('/').next().unwrap_or("").to_string();
        for entry in entries {
            entries_seen += 1;
            if entries_seen > MAX_ENTRIES || bytes_read > MAX_TOTAL_BYTES {
                return out;
            }
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            // file_type() does not follow symlinks: a link loop or a link to / is never walked.
            let Ok(ft) = entry.file_type() else { continue };
            let path = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            if ft.is_dir() {
                // A virtualenv can have any name (`env`, `.py312`); pyvenv.cfg gives it away.
                let venv = entry.path().join("pyvenv.cfg").exists();
                if depth < MAX_DEPTH
                    && !venv
                    && !SKIPPED_DIRS.contains(&name.as_str())
                    && !ALSO_SKIPPED_DIRS.contains(&name.as_str())
                    && !name.ends_with(".egg-info")
                {
                    queue.push_back((entry.path(), path, depth + 1));
                }
                continue;
            }
            if !ft.is_file() {
                continue;
            }
            if LOCK_FILES.contains(&name.as_str()) {
                if depth <= MANIFEST_MAX_DEPTH {
                    let is_test = is_test_path(&path, &name);
                    out.push(SrcFile { path, name, depth, kind: Kind::Lock, is_test, text: String::new() });
                }
                continue;
            }
            let Some(kind) = classify(&name, &parent) else {
                continue;
            };
            let mut bytes = Vec::new();
            if crate::fsread::read_into(&entry.path(), MAX_FILE_BYTES, &mut bytes).is_err() {
                continue;
            }
            bytes_read += bytes.len();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            // vibe's own generated files (the observability skeleton reads PORT, LOG_LEVEL...) say
            // nothing about the creator's app; a re-run must not mistake them for app code.
            if text.chars().take(400).collect::<String>().contains("Generated by vibe") {
                continue;
            }
            let is_test = is_test_path(&path, &name);
            out.push(SrcFile { path, name, depth, kind, is_test, text });
        }
    }
    out
}

/// Lines worth scanning for code evidence: not blank and not an obvious comment.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let t = line.trim_start();
        let comment = t.starts_with('#')
            || t.starts_with("//")
            || t.starts_with("/*")
            || t.starts_with("* ")
            || t == "*"
            || t.starts_with("--");
        (!t.is_empty() && !comment).then_some((i + 1, line))
    })
}

// ---------------------------------------------------------------------------------------------
// Manifests

/// The manifests and version files found, shallowest first.
struct Manifests<'a> {
    files: Vec<&'a SrcFile>,
}

impl<'a> Manifests<'a> {
    fn collect(files: &'a [SrcFile]) -> Manifests<'a> {
        let mut files: Vec<&SrcFile> =
            files.iter().filter(|f| f.kind == Kind::Manifest && f.depth <= MANIFEST_MAX_DEPTH && !f.is_test).collect();
        // Stable sort: depth first, walk order within a depth.
        files.sort_by_key(|f| f.depth);
        Manifests { files }
    }

    /// The shallowest file with this name.
    fn named(&self, name: &str) -> Option<&'a SrcFile> {
        self.files.iter().copied().find(|f| f.name == name)
    }

    /// The shallowest file with any of these names.
    fn first_of(&self, names: &[&str]) -> Option<&'a SrcFile> {
        self.files.iter().copied().find(|f| names.contains(&f.name.as_str()))
    }

    /// Version files (.nvmrc...) count only next to the manifest, or at the root.
    fn version_file(&self, name: &str, near: &SrcFile) -> Option<&'a SrcFile> {
        let dir = parent_dir(&near.path);
        self.files.iter().copied().find(|f| f.name == name && (parent_dir(&f.path) == dir || f.depth == 0))
    }

    /// The file that marks each language, shallowest first.
    fn marker(&self, language: Language) -> Option<&'a SrcFile> {
        match language {
            Language::Node => self.named("package.json"),
            Language::Python => self.files.iter().copied().find(|f| {
                matches!(f.name.as_str(), "pyproject.toml" | "Pipfile" | "setup.py")
                    || (f.name.ends_with(".txt") && f.name != "runtime.txt")
            }),
            Language::Go => self.named("go.mod"),
            Language::Jvm => self.first_of(&["pom.xml", "build.gradle", "build.gradle.kts"]),
            Language::Rust => self.named("Cargo.toml"),
            Language::Php => self.named("composer.json"),
        }
    }

    /// The app's language: the shallowest marker; on a tie, anything but Node wins, because a
    /// Django, Laravel, Spring or Go app often carries a package.json only for front-end tooling.
    fn language(&self) -> Option<Language> {
        const ORDER: [Language; 6] =
            [Language::Go, Language::Rust, Language::Jvm, Language::Php, Language::Python, Language::Node];
        let mut best: Option<(usize, Language)> = None;
        for lang in ORDER {
            if let Some(f) = self.marker(lang)
                && best.is_none_or(|(d, _)| f.depth < d)
            {
                best = Some((f.depth, lang));
            }
        }
        // A lone .python-version still says "Python".
        best.map(|(_, l)| l)
            .or_else(|| self.named(".python-version").filter(|f| f.depth == 0).map(|_| Language::Python))
    }
}

fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

fn json(file: &SrcFile) -> Option<Value> {
    serde_json::from_str(&file.text).ok()
}

// ---------------------------------------------------------------------------------------------
// Name

fn clean_name(name: &str) -> Option<String> {
    let name: String = name.trim().chars().filter(|c| !c.is_control()).take(100).collect();
    (!name.is_empty()).then_some(name)
}

fn name_from(file: &SrcFile) -> Option<Found<String>> {
    let found = |value: String, key: &str| {
        clean_name(&value).map(|v| Found::new(v.clone(), format!("{} ({key}: {v})", file.path)))
    };
    match file.name.as_str() {
        "package.json" => {
            let name = json(file)?.get("name")?.as_str()?.to_string();
            // "@acme/shop" -> "shop": the scope is the organisation, not the app.
            let short = name.rsplit('/').next().unwrap_or(&name).to_string();
            found(short, "name")
        }
        "composer.json" => {
            let name = json(file)?.get("name")?.as_str()?.to_string();
            let short = name.rsplit('/').next().unwrap_or(&name).to_string();
            found(short, "name")
        }
        "pyproject.toml" => {
            let entries = toml_entries(&file.text);
            let name = toml_get(&entries, "project", "name").or_else(|| toml_get(&entries, "tool.poetry", "name"))?;
            found(name, "name")
        }
        "Cargo.toml" => found(toml_get(&toml_entries(&file.text), "package", "name")?, "name"),
        "go.mod" => {
            let module = file.text.lines().find_map(|l| l.trim().strip_prefix("module "))?.trim().trim_matches('"');
            // github.com/acme/shop/v2 -> shop: the /vN suffix is a Go major version, not a name.
            let mut parts = module.rsplit('/').filter(|p| !p.is_empty());
            let mut last = parts.next()?;
            if last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit()) {
                last = parts.next().unwrap_or(last);
            }
            found(last.to_string(), "module")
        }
        "pom.xml" => found(pom_artifact_id(&file.text)?, "artifactId"),
        "settings.gradle" | "settings.gradle.kts" => {
            static ROOT: LazyLock<Regex> =
                LazyLock::new(|| Regex::new(r#"rootProject\.name\s*=\s*["']([^"']+)["']"#).unwrap());
            found(ROOT.captures(&file.text)?.get(1)?.as_str().to_string(), "rootProject.name")
        }
        _ => None,
    }
}

/// The project's own artifactId: not the `<parent>`'s (Spring Boot poms start with one) nor a dependency's.
fn pom_artifact_id(pom: &str) -> Option<String> {
    static BLOCKS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?s)<(parent|dependencies|dependencyManagement|build|profiles|reporting|modules|pluginRepositories|repositories)>.*?</(parent|dependencies|dependencyManagement|build|profiles|reporting|modules|pluginRepositories|repositories)>|<!--.*?-->").unwrap()
    });
    static ARTIFACT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"<artifactId>\s*([^<\s]+)\s*</artifactId>").unwrap());
    let stripped = BLOCKS.replace_all(pom, "");
    Some(ARTIFACT.captures(&stripped)?.get(1)?.as_str().to_string())
}

fn detect_name(root: &Path, manifests: &Manifests, language: Option<Language>) -> Option<Found<String>> {
    // Only the app language's own manifests: a Django or Laravel app's package.json is the
    // front-end tooling's, and its name ("frontend", "assets") is not the app's.
    let own = language.map_or(MANIFEST_NAMES, |l| l.support().name_manifests);
    let candidates = manifests.files.iter().copied().filter(|f| own.contains(&f.name.as_str()));
    if let Some(found) = candidates.into_iter().find_map(name_from) {
        return Some(found);
    }
    let folder = root.canonicalize().ok().and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
    let folder = folder.or_else(|| root.file_name().map(|n| n.to_string_lossy().into_owned()))?;
    clean_name(&folder).map(|v| Found::new(v, "folder name"))
}

// ---------------------------------------------------------------------------------------------
// Runtime and version

/// The runtimes of a language, newest first (the contract lists each language's default first).
fn candidates(language: Language) -> Vec<(&'static str, Vec<u64>)> {
    let mut out: Vec<(&'static str, Vec<u64>)> = contract::RUNTIMES
        .iter()
        .filter(|r| r.language == language)
        .map(|r| (r.id, parse_numbers(r.version)))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1));
    out
}

fn parse_numbers(v: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for part in v.split('.') {
        match part.parse::<u64>() {
            Ok(n) => out.push(n),
            Err(_) => break,
        }
    }
    out
}

/// Compares over the shorter length: a runtime "3.12" covers every 3.12.x.
fn cmp_prefix(a: &[u64], b: &[u64]) -> Ordering {
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n])
}

/// Compares with missing components as zero (the lowest version a runtime covers).
fn cmp_padded(a: &[u64], b: &[u64]) -> Ordering {
    let n = a.len().max(b.len());
    let get = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    (0..n).map(|i| get(a, i).cmp(&get(b, i))).find(|o| o.is_ne()).unwrap_or(Ordering::Equal)
}

/// One comparator of a version range (`>=20`, `^3.11`, `~=3.11`, `20.x`).
fn clause_allows(op: &str, v: &[u64], c: &[u64]) -> bool {
    let prefix = cmp_prefix(c, v);
    match op {
        "" | "=" | "==" | "===" => prefix.is_eq(),
        ">=" => prefix.is_ge(),
        ">" => {
            if v.len() > c.len() {
                prefix.is_ge()
            } else {
                prefix.is_gt()
            }
        }
        "<=" => prefix.is_le(),
        "<" => cmp_padded(c, v).is_lt(),
        "!=" => !(v.len() <= c.len() && prefix.is_eq()),
        "^" => prefix.is_ge() && c.first() == v.first(),
        "~" => {
            let k = if v.len() >= 2 { 2 } else { 1 };
            prefix.is_ge() && cmp_prefix(c, &v[..k.min(v.len())]).is_eq()
        }
        "~=" => {
            let k = v.len().saturating_sub(1).max(1);
            prefix.is_ge() && cmp_prefix(c, &v[..k.min(v.len())]).is_eq()
        }
        _ => false,
    }
}

/// Picks the runtime of `language` that a version spec asks for: the newest runtime the range
/// allows; if none does (an old pin like Node 18 or Java 11), the oldest runtime that is newer,
/// else the newest. `None` when the spec names no version at all.
fn runtime_for_spec(language: Language, spec: &str) -> Option<&'static str> {
    static CLAUSE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(>=|<=|~=|===|==|!=|>|<|=|\^|~)?v?(\d+(?:\.(?:\d+|x|X|\*))*)").unwrap());
    static OP_SPACE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(>=|<=|~=|===|==|!=|>|<|=|\^|~)\s+").unwrap());
    let cands = candidates(language);
    let spec = spec.trim().to_ascii_lowercase();
    let spec = OP_SPACE.replace_all(&spec, "$1");
    let mut first_version: Option<Vec<u64>> = None;
    let mut allowed: Vec<&'static str> = Vec::new();
    let mut any_clause = false;
    for alternative in spec.split("||") {
        let mut clauses: Vec<(String, Vec<u64>)> = Vec::new();
        let mut wildcard = false;
        for raw in alternative.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()) {
            if matches!(raw, "*" | "x" | "latest" | "lts" | "stable" | "node" | "lts/*" | "current") {
                wildcard = true;
                continue;
            }
            let Some(c) = CLAUSE.captures(raw) else {
                continue;
            };
            let op = c.get(1).map_or("", |m| m.as_str()).to_string();
            let mut v = parse_numbers(c.get(2).map_or("", |m| m.as_str()));
            // Java's old "1.8" means 8.
            if language == Language::Jvm && v.len() >= 2 && v[0] == 1 {
                v.remove(0);
            }
            if v.is_empty() {
                continue;
            }
            first_version.get_or_insert_with(|| v.clone());
            clauses.push((op, v));
        }
        if clauses.is_empty() && !wildcard {
            continue;
        }
        any_clause = true;
        for (id, c) in &cands {
            if clauses.iter().all(|(op, v)| clause_allows(op, v, c)) && !allowed.contains(id) {
                allowed.push(id);
            }
        }
    }
    if !any_clause {
        return None;
    }
    // `cands` is newest first, so the first allowed candidate in that order is the newest.
    if let Some((id, _)) = cands.iter().find(|(id, _)| allowed.contains(id)) {
        return Some(id);
    }
    let v = first_version?;
    cands.iter().rev().find(|(_, c)| cmp_prefix(c, &v).is_ge()).or(cands.first()).map(|(id, _)| *id)
}

fn short(s: &str) -> String {
    let s: String = s.trim().chars().filter(|c| !c.is_control()).collect();
    if s.chars().count() > 40 { format!("{}…", s.chars().take(40).collect::<String>()) } else { s }
}

/// First line of a version file, with nvm's LTS code names turned into versions.
fn version_file_spec(file: &SrcFile) -> Option<String> {
    let line = file.text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#'))?;
    let spec = match line.to_ascii_lowercase().as_str() {
        "lts/iron" => "20".to_string(),
        "lts/jod" => "22".to_string(),
        "lts/hydrogen" => "18".to_string(),
        "lts/gallium" => "16".to_string(),
        other => other.trim_start_matches("python-").to_string(),
    };
    Some(spec)
}

/// `.tool-versions` (asdf/mise): `nodejs 20.11.0`, `python 3.11.4`, `java temurin-21.0.1`.
fn tool_versions(file: &SrcFile, tools: &[&str]) -> Option<String> {
    file.text.lines().find_map(|l| {
        let mut parts = l.split_whitespace();
        let tool = parts.next()?;
        if !tools.contains(&tool) {
            return None;
        }
        let v = parts.next()?;
        // "temurin-21.0.1" -> "21.0.1"
        Some(v.rsplit('-').next().unwrap_or(v).to_string())
    })
}

fn detect_runtime(language: Language, m: &Manifests) -> Option<Found<&'static str>> {
    let marker = m.marker(language).or_else(|| m.named(".python-version"))?;
    // Version evidence, most specific first: the file the version manager actually reads, then
    // the manifest's declared range.
    let mut specs: Vec<(String, String)> = Vec::new(); // (spec, source in words)
    let version_file = |name: &str, specs: &mut Vec<(String, String)>| {
        if let Some(f) = m.version_file(name, marker)
            && let Some(s) = version_file_spec(f)
        {
            specs.push((s.clone(), format!("{} ({})", f.path, short(&s))));
        }
    };
    let tools = |names: &[&str], specs: &mut Vec<(String, String)>| {
        if let Some(f) = m.version_file(".tool-versions", marker)
            && let Some(s) = tool_versions(f, names)
        {
            specs.push((s.clone(), format!("{} ({} {})", f.path, names[0], short(&s))));
        }
    };
    match language {
        Language::Node => {
            version_file(".nvmrc", &mut specs);
            version_file(".node-version", &mut specs);
            tools(&["nodejs", "node"], &mut specs);
            if let Some(pkg) = json(marker) {
                if let Some(v) = pkg.pointer("/volta/node").and_then(Value::as_str) {
                    specs.push((v.to_string(), format!("{} (volta.node: {})", marker.path, short(v))));
                }
                if let Some(v) = pkg.pointer("/engines/node").and_then(Value::as_str) {
                    specs.push((v.to_string(), format!("{} (engines.node: {})", marker.path, short(v))));
                }
            }
        }
        Language::Python => {
            version_file(".python-version", &mut specs);
            version_file("runtime.txt", &mut specs);
            tools(&["python"], &mut specs);
            if let Some(f) = m.version_file("Pipfile", marker) {
                let e = toml_entries(&f.text);
                for key in ["python_full_version", "python_version"] {
                    if let Some(v) = toml_get(&e, "requires", key) {
                        specs.push((v.clone(), format!("{} ({key}: {})", f.path, short(&v))));
                    }
                }
            }
            if let Some(f) = m.version_file("pyproject.toml", marker) {
                let e = toml_entries(&f.text);
                if let Some(v) = toml_get(&e, "project", "requires-python") {
                    specs.push((v.clone(), format!("{} (requires-python: {})", f.path, short(&v))));
                }
                if let Some(v) = toml_get(&e, "tool.poetry.dependencies", "python") {
                    specs.push((v.clone(), format!("{} (tool.poetry python: {})", f.path, short(&v))));
                }
            }
        }
        Language::Jvm => {
            version_file(".java-version", &mut specs);
            if let Some(f) = m.version_file(".sdkmanrc", marker)
                && let Some(v) = f.text.lines().find_map(|l| l.trim().strip_prefix("java="))
            {
                let v = v.split('-').next().unwrap_or(v).to_string();
                specs.push((v.clone(), format!("{} (java={})", f.path, short(&v))));
            }
            tools(&["java"], &mut specs);
            specs.extend(java_version(marker));
        }
        // One runtime each in the contract: nothing to choose.
        Language::Go | Language::Rust | Language::Php => {}
    }
    for (spec, source) in specs {
        if let Some(id) = runtime_for_spec(language, &spec) {
            return Some(Found::new(id, source));
        }
    }
    let default = candidates(language).first()?.0;
    Some(Found::new(default, marker.path.clone()))
}

/// Java version declared in a Maven or Gradle build.
fn java_version(file: &SrcFile) -> Option<(String, String)> {
    let text = &file.text;
    if file.name == "pom.xml" {
        for tag in
            ["maven.compiler.release", "java.version", "maven.compiler.source", "maven.compiler.target", "release"]
        {
            let re =
                Regex::new(&format!(r"<{}>\s*([0-9][0-9.]*)\s*</{}>", regex::escape(tag), regex::escape(tag))).ok()?;
            if let Some(c) = re.captures(text) {
                let v = c.get(1)?.as_str().to_string();
                return Some((v.clone(), format!("{} ({tag}: {})", file.path, short(&v))));
            }
        }
        return None;
    }
    static GRADLE: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
        [
            ("java.toolchain", r"JavaLanguageVersion\.of\(\s*([0-9]+)\s*\)"),
            ("jvmToolchain", r"jvmToolchain\(\s*([0-9]+)\s*\)"),
            ("sourceCompatibility", r#"sourceCompatibility\s*=\s*(?:JavaVersion\.VERSION_)?['"]?([0-9][0-9._]*)"#),
            ("targetCompatibility", r#"targetCompatibility\s*=\s*(?:JavaVersion\.VERSION_)?['"]?([0-9][0-9._]*)"#),
            ("jvmTarget", r#"jvmTarget(?:\.set\(|\s*=\s*)\s*(?:JvmTarget\.JVM_)?['"]?([0-9][0-9._]*)"#),
        ]
        .into_iter()
        .map(|(k, r)| (k, Regex::new(r).unwrap()))
        .collect()
    });
    for (key, re) in GRADLE.iter() {
        if let Some(c) = re.captures(text) {
            let v = c.get(1)?.as_str().replace('_', ".");
            return Some((v.clone(), format!("{} ({key}: {})", file.path, short(&v))));
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Dependencies

/// A dependency name as declared, and the file that declares it.
struct Dep<'a> {
    name: String,
    /// Feature flags / extras (Cargo features, pip extras), lower case.
    features: Vec<String>,
    file: &'a SrcFile,
}

fn dependencies<'a>(m: &Manifests<'a>) -> Vec<Dep<'a>> {
    let mut out = Vec::new();
    for f in &m.files {
        let deps = LANGUAGES.iter().find_map(|l| l.support().dependencies(&f.name, &f.text)).unwrap_or_default();
        out.extend(deps.into_iter().filter(|(name, _)| !name.is_empty()).map(|(name, features)| Dep {
            name,
            features,
            file: f,
        }));
    }
    out
}

/// How a dependency name is matched.
#[derive(Clone, Copy)]
enum Rule {
    /// Exactly this name.
    Is(&'static str),
    /// This name or a path below it (Go modules: `github.com/jackc/pgx` matches `.../pgx/v5`).
    Prefix(&'static str),
    /// This name with this feature/extra enabled (sqlx + postgres, celery[redis]).
    With(&'static str, &'static str),
}

impl Rule {
    fn matches(self, dep: &Dep) -> bool {
        match self {
            Rule::Is(n) => dep.name == n,
            Rule::Prefix(p) => dep.name == p || dep.name.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')),
            Rule::With(n, feature) => dep.name == n && dep.features.iter().any(|f| f.contains(feature)),
        }
    }
}

use Rule::{Is, Prefix, With};

const POSTGRES_DEPS: &[Rule] = &[
    // node
    Is("pg"),
    Is("postgres"),
    Is("pg-promise"),
    Is("@vercel/postgres"),
    Is("@neondatabase/serverless"),
    Is("slonik"),
    // python
    Is("psycopg"),
    Is("psycopg2"),
    Is("psycopg2-binary"),
    Is("psycopg-binary"),
    Is("asyncpg"),
    Is("pg8000"),
    // go
    Prefix("github.com/jackc/pgx"),
    Prefix("github.com/lib/pq"),
    Prefix("gorm.io/driver/postgres"),
    Prefix("github.com/go-pg/pg"),
    // jvm
    Is("org.postgresql"),
    Is("r2dbc-postgresql"),
    // rust (`postgres` above covers the sync crate)
    Is("tokio-postgres"),
    With("sqlx", "postgres"),
    With("diesel", "postgres"),
    With("sea-orm", "postgres"),
    // php
    Is("ext-pdo_pgsql"),
    Is("ext-pgsql"),
];

const MONGO_DEPS: &[Rule] = &[
    Is("mongoose"),
    Is("mongodb"),
    Is("@typegoose/typegoose"),
    Is("pymongo"),
    Is("motor"),
    Is("mongoengine"),
    Is("beanie"),
    Is("odmantic"),
    Is("djongo"),
    Prefix("go.mongodb.org/mongo-driver"),
    Is("spring-boot-starter-data-mongodb"),
    Is("spring-boot-starter-data-mongodb-reactive"),
    Is("org.mongodb"),
    Is("mongodb/mongodb"),
    Is("mongodb/laravel-mongodb"),
    Is("jenssegers/mongodb"),
    Is("ext-mongodb"),
];

const REDIS_DEPS: &[Rule] = &[
    Is("ioredis"),
    Is("redis"),
    Is("@redis/client"),
    Is("bull"),
    Is("bullmq"),
    Is("bee-queue"),
    Is("connect-redis"),
    Is("aioredis"),
    Is("rq"),
    Is("django-redis"),
    Is("redis-om"),
    With("celery", "redis"),
    Prefix("github.com/redis/go-redis"),
    Prefix("github.com/go-redis/redis"),
    Prefix("github.com/gomodule/redigo"),
    Is("spring-boot-starter-data-redis"),
    Is("spring-boot-starter-data-redis-reactive"),
    Is("jedis"),
    Is("lettuce-core"),
    Is("redisson"),
    Is("deadpool-redis"),
    Is("bb8-redis"),
    Is("fred"),
    Is("predis/predis"),
    Is("ext-redis"),
];

const RABBITMQ_DEPS: &[Rule] = &[
    Is("amqplib"),
    Is("amqp-connection-manager"),
    Is("rascal"),
    Is("@golevelup/nestjs-rabbitmq"),
    Is("pika"),
    Is("aio-pika"),
    Is("aiormq"),
    Prefix("github.com/rabbitmq/amqp091-go"),
    Prefix("github.com/streadway/amqp"),
    Is("spring-boot-starter-amqp"),
    Is("spring-rabbit"),
    Is("amqp-client"),
    Is("lapin"),
    Is("amiquip"),
    Is("php-amqplib/php-amqplib"),
    Is("ext-amqp"),
    Is("enqueue/amqp-lib"),
];

fn find_dep(deps: &[Dep], rules: &[Rule]) -> Option<String> {
    deps.iter().find(|d| rules.iter().any(|r| r.matches(d))).map(|d| format!("{} ({})", d.file.path, d.name))
}

static POSTGRES_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(postgres(?:ql)?(?:\+[a-z0-9]+)?://|jdbc:postgresql:|django\.db\.backends\.postgresql|DB_CONNECTION\s*=\s*pgsql|pdo_pgsql|provider\s*=\s*"postgresql")"#).unwrap()
});
static MONGO_URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\b(mongodb(?:\+srv)?://|provider\s*=\s*"mongodb")"#).unwrap());

fn detect_database(files: &[SrcFile], deps: &[Dep]) -> Option<Found<&'static str>> {
    if let Some(source) = find_dep(deps, POSTGRES_DEPS) {
        return Some(Found::new("postgres", source));
    }
    if let Some(source) = find_dep(deps, MONGO_DEPS) {
        return Some(Found::new("mongo", source));
    }
    // No driver named directly: an ORM (SQLAlchemy, Prisma, Doctrine, Django) plus a postgres or
    // mongo URL / provider in code or config. An ORM alone says nothing: it speaks SQLite too.
    let scan = |re: &Regex| {
        files
            .iter()
            .filter(|f| !f.is_test && !matches!(f.kind, Kind::Manifest | Kind::Lock))
            .find_map(|f| code_lines(&f.text).find(|(_, l)| re.is_match(l)).map(|(n, _)| format!("{}:{n}", f.path)))
    };
    if let Some(source) = scan(&POSTGRES_URL) {
        return Some(Found::new("postgres", source));
    }
    scan(&MONGO_URL).map(|source| Found::new("mongo", source))
}

fn detect_components(deps: &[Dep]) -> Vec<Found<&'static str>> {
    let mut out = Vec::new();
    if let Some(source) = find_dep(deps, REDIS_DEPS) {
        out.push(Found::new("redis", source));
    }
    if let Some(source) = find_dep(deps, RABBITMQ_DEPS) {
        out.push(Found::new("rabbitmq", source));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Code scanning: sqlite and env vars

static SQLITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?x)
        \bimport\s+sqlite3\b | \bfrom\s+sqlite3\b | \bsqlite3\.connect\b | \baiosqlite\b
      | better-sqlite3 | ["']sqlite3?["'] | sqlx-sqlite
      | \bsqlite:/ | ["']sqlite: | =\s*["']?sqlite: | jdbc:sqlite:
      | backends\.sqlite3 | go-sqlite3 | gorm\.io/driver/sqlite | modernc\.org/sqlite | glebarez/sqlite
      | \brusqlite\b | pdo_sqlite | (?i:DB_CONNECTION\s*=\s*sqlite)
    "#,
    )
    .unwrap()
});

/// First place the app keeps data in a SQLite file. Code wins over manifests (a `file:line` in
/// the code is what the creator can act on); in-memory databases (`:memory:`) lose nothing
/// that was meant to last, so they do not count.
fn detect_sqlite(files: &[SrcFile]) -> Option<Found<()>> {
    let hit = |f: &&SrcFile| {
        code_lines(&f.text)
            .find(|(_, l)| SQLITE.is_match(l) && !l.contains(":memory:"))
            .map(|(n, _)| Found::new((), format!("{}:{n}", f.path)))
    };
    let usable = || files.iter().filter(|f| !f.is_test);
    usable()
        .filter(|f| matches!(f.kind, Kind::Code(_)))
        .find_map(|f| hit(&f))
        .or_else(|| usable().filter(|f| f.kind == Kind::Config).find_map(|f| hit(&f)))
        .or_else(|| {
            usable().filter(|f| f.kind == Kind::Manifest && f.depth <= MANIFEST_MAX_DEPTH).find_map(|f| hit(&f))
        })
}

static ENV_JS_DESTRUCTURE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{([^{}]*)\}\s*=\s*process\.env\b").unwrap());
/// Spring's `${DB_PASSWORD}` / `${DB_PASSWORD:default}` in application.properties/yml: upper
/// case only, since `${spring.datasource.url}` refers to another property, not the environment.
static ENV_SPRING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\$\{([A-Z_][A-Z0-9_]*)(?::[^}]*)?\}").unwrap());

/// Environment reads the per-language patterns above leave out: Ruby's `ENV["X"]`/`ENV.fetch("X")`,
/// Vite's `import.meta.env.X`, .NET's `Environment.GetEnvironmentVariable("X")`.
static ENV_OTHER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"\bENV(?:\[\s*|\.fetch\(\s*)['"]{ENV_NAME}['"]|\bimport\.meta\.env\.{ENV_NAME}|\bEnvironment\.GetEnvironmentVariable\(\s*"{ENV_NAME}""#
    ))
    .unwrap()
});

/// Literals in the rest of an expression (`|| "fallback"`, `, "default")`).
static QUOTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#""([^"]*)"|'([^']*)'|`([^`]*)`"#).unwrap());

/// True when an expression is a read of an environment variable, in any language vibe knows
/// (`process.env.DB_PASSWORD`, `os.environ["X"]`, `os.Getenv("X")`, `System.getenv("X")`,
/// `env('X')`, `ENV["X"]`), so it holds no value of its own. A fallback literal that is not
/// empty (`os.getenv("X", "hunter2")`, `process.env.X || "hunter2"`) is a value: not a read.
pub(crate) fn reads_environment(expr: &str) -> bool {
    let expr = expr.trim();
    let patterns = LANGUAGES.iter().map(|l| &l.support().env_read_pattern).chain([&ENV_OTHER]);
    let Some(m) = patterns.filter_map(|re| re.find(expr)).min_by_key(|m| m.start()) else {
        return false;
    };
    // Only a module path may come before the read (`os.`, `std::`, `$_`), nothing after it but
    // closing brackets and empty fallbacks.
    let prefix_ok = expr[..m.start()].chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | ':' | '_' | '\\'));
    let rest = &expr[m.end()..];
    let fallback =
        QUOTED.captures_iter(rest).any(|c| c.iter().skip(1).flatten().any(|l| !l.as_str().trim().is_empty()));
    prefix_ok && !fallback
}

fn detect_env_vars(files: &[SrcFile]) -> Vec<Found<String>> {
    let mut out: Vec<Found<String>> = Vec::new();
    fn push(name: &str, file: &SrcFile, line: usize, out: &mut Vec<Found<String>>) {
        if out.len() < MAX_ENV_VARS && !name.is_empty() && !out.iter().any(|f| f.value == name) {
            out.push(Found::new(name.to_string(), format!("{}:{line}", file.path)));
        }
    }
    for f in files.iter().filter(|f| !f.is_test) {
        let re: &Regex = match f.kind {
            Kind::Code(language) => &language.support().env_read_pattern,
            Kind::Config if f.name.starts_with("application") => &ENV_SPRING,
            _ => continue,
        };
        for (n, line) in code_lines(&f.text) {
            for c in re.captures_iter(line) {
                if let Some(m) = c.iter().skip(1).flatten().next() {
                    push(m.as_str(), f, n, &mut out);
                }
            }
            if f.kind == Kind::Code(Language::Node) {
                // const { DB_URL, API_KEY: key = "x" } = process.env
                for c in ENV_JS_DESTRUCTURE.captures_iter(line) {
                    for part in c[1].split(',') {
                        let name = part.split([':', '=']).next().unwrap_or("").trim();
                        let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                        if valid {
                            push(name, f, n, &mut out);
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::secret_like;
    use std::path::PathBuf;

    fn fixture(name: &str) -> Detected {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/detect").join(name);
        assert!(root.is_dir(), "missing fixture {}", root.display());
        detect(&root)
    }

    fn names(d: &Detected) -> Vec<&str> {
        d.env_vars.iter().map(|f| f.value.as_str()).collect()
    }

    fn components(d: &Detected) -> Vec<&str> {
        d.components.iter().map(|f| f.value).collect()
    }

    fn found<T: Clone>(f: &Option<Found<T>>) -> Option<(T, &str)> {
        f.as_ref().map(|f| (f.value.clone(), f.source.as_str()))
    }

    fn env_source<'a>(d: &'a Detected, name: &str) -> &'a str {
        d.env_vars.iter().find(|f| f.value == name).map(|f| f.source.as_str()).unwrap_or("<not found>")
    }

    #[test]
    fn environment_reads_in_every_language() {
        for read in [
            "process.env.DATABASE_PASSWORD",
            "process.env[\"DB_PASSWORD\"]",
            "os.environ[\"DB_PASSWORD\"]",
            "os.environ.get('DB_PASSWORD')",
            "os.getenv(\"TOKEN\", \"\")",
            "os.Getenv(\"DB_PASSWORD\")",
            "System.getenv(\"DB_PASSWORD\")",
            "std::env::var(\"API_KEY\")",
            "env('DB_PASSWORD')",
            "ENV.fetch(\"SECRET_KEY_BASE\")",
            "import.meta.env.VITE_API_KEY",
            "process.env.API_KEY || ''",
        ] {
            assert!(reads_environment(read), "{read}");
        }
        for value in [
            "hunter2hunter2",
            "os.getenv(\"DB_PASSWORD\", \"hunter2hunter2\")",
            "process.env.API_KEY || \"sk-live-fallback\"",
            "\"process.env.X\" + secret",
        ] {
            assert!(!reads_environment(value), "{value}");
        }
    }

    #[test]
    fn node_with_postgres_and_redis() {
        let d = fixture("node-pg-redis");
        assert_eq!(found(&d.name), Some(("order-tracker".to_string(), "package.json (name: order-tracker)")));
        assert_eq!(found(&d.runtime), Some(("node22", "package.json (engines.node: >=20)")));
        assert_eq!(found(&d.database), Some(("postgres", "package.json (pg)")));
        assert_eq!(d.sqlite, None, "an in-memory sqlite in a test file is not app data");
        assert_eq!(components(&d), ["redis"]);
        assert_eq!(d.components[0].source, "package.json (ioredis)");
        // Deduplicated, first-seen order; comments, tests and node_modules are not read.
        assert_eq!(names(&d), ["DATABASE_URL", "REDIS_URL", "STRIPE_SECRET_KEY", "PORT"]);
        assert_eq!(env_source(&d, "DATABASE_URL"), "src/index.js:6");
        assert_eq!(env_source(&d, "REDIS_URL"), "src/index.js:7");
        assert_eq!(env_source(&d, "STRIPE_SECRET_KEY"), "src/index.js:8");
    }

    #[test]
    fn nvmrc_pins_node_20_over_a_looser_engines_range() {
        let d = fixture("node20-nvmrc");
        assert_eq!(found(&d.name).map(|n| n.0), Some("booking-bot".to_string()));
        assert_eq!(found(&d.runtime), Some(("node20", ".nvmrc (v20.11.1)")));
        assert_eq!(found(&d.database), Some(("mongo", "package.json (mongoose)")));
        assert_eq!(components(&d), ["rabbitmq"]);
        assert_eq!(names(&d), ["MONGO_URI", "SLACK_BOT_TOKEN"]);
        assert_eq!(env_source(&d, "MONGO_URI"), "server.mjs:2");
    }

    #[test]
    fn python_requirements_with_psycopg_celery_redis_and_pika() {
        let d = fixture("python-fastapi-psycopg");
        // No pyproject: the folder names the app.
        assert_eq!(found(&d.name), Some(("python-fastapi-psycopg".to_string(), "folder name")));
        assert_eq!(found(&d.runtime), Some(("python3.11", ".python-version (3.11.9)")));
        assert_eq!(found(&d.database), Some(("postgres", "requirements.txt (psycopg)")));
        assert_eq!(components(&d), ["redis", "rabbitmq"]);
        assert_eq!(d.components[0].source, "requirements.txt (celery)");
        assert_eq!(d.components[1].source, "requirements.txt (pika)");
        assert_eq!(d.sqlite, None);
        assert_eq!(names(&d), ["DB_PASSWORD", "API_TOKEN", "LOG_LEVEL", "SENTRY_DSN"]);
        assert_eq!(env_source(&d, "LOG_LEVEL"), "app/main.py:8");
    }

    #[test]
    fn python_sqlite_is_flagged_with_file_and_line() {
        let d = fixture("python-sqlite");
        assert_eq!(found(&d.runtime), Some(("python3.12", "requirements.txt")));
        // SQLAlchemy alone does not mean postgres: this one speaks SQLite.
        assert_eq!(d.database, None);
        assert_eq!(found(&d.sqlite), Some(((), "app.py:6")));
        assert_eq!(names(&d), ["FLASK_SECRET_KEY"]);
        assert!(d.components.is_empty());
    }

    #[test]
    fn pyproject_with_motor() {
        let d = fixture("pyproject-mongo");
        assert_eq!(found(&d.name), Some(("recipe-box".to_string(), "pyproject.toml (name: recipe-box)")));
        assert_eq!(found(&d.runtime), Some(("python3.12", "pyproject.toml (requires-python: >=3.12)")));
        assert_eq!(found(&d.database), Some(("mongo", "pyproject.toml (motor)")));
        assert_eq!(components(&d), ["redis"]);
        assert_eq!(names(&d), ["MONGO_URL"]);
        assert_eq!(env_source(&d, "MONGO_URL"), "src/shop/db.py:4");
    }

    #[test]
    fn go_module_with_pgx() {
        let d = fixture("go-pgx");
        // The /v2 suffix is a major version, not the name.
        assert_eq!(found(&d.name), Some(("stock-watch".to_string(), "go.mod (module: stock-watch)")));
        assert_eq!(found(&d.runtime), Some(("go1.23", "go.mod")));
        assert_eq!(found(&d.database), Some(("postgres", "go.mod (github.com/jackc/pgx/v5)")));
        assert_eq!(components(&d), ["rabbitmq"]);
        assert_eq!(names(&d), ["DATABASE_URL", "WEBHOOK_SECRET"], "store_test.go is a test");
        assert_eq!(env_source(&d, "WEBHOOK_SECRET"), "main.go:9");
    }

    #[test]
    fn maven_java_21_with_mongo_and_amqp() {
        let d = fixture("java21-maven");
        // Not the <parent>'s artifactId.
        assert_eq!(found(&d.name), Some(("invoice-service".to_string(), "pom.xml (artifactId: invoice-service)")));
        assert_eq!(found(&d.runtime), Some(("jvm21", "pom.xml (java.version: 21)")));
        assert_eq!(found(&d.database), Some(("mongo", "pom.xml (spring-boot-starter-data-mongodb)")));
        assert_eq!(components(&d), ["rabbitmq"]);
        let mut vars = names(&d);
        vars.sort_unstable();
        // ${spring.other.host} is a property reference, not an env var.
        assert_eq!(vars, ["MONGODB_URI", "PAYMENT_API_KEY", "RABBITMQ_PASSWORD"]);
        assert_eq!(env_source(&d, "PAYMENT_API_KEY"), "src/main/java/com/acme/App.java:4");
        assert_eq!(env_source(&d, "RABBITMQ_PASSWORD"), "src/main/resources/application.yml:6");
    }

    #[test]
    fn gradle_kotlin_java_17_with_postgres_and_redis() {
        let d = fixture("java17-gradle");
        assert_eq!(
            found(&d.name),
            Some(("ticket-desk".to_string(), "settings.gradle.kts (rootProject.name: ticket-desk)"))
        );
        assert_eq!(found(&d.runtime), Some(("jvm17", "build.gradle.kts (sourceCompatibility: 17)")));
        assert_eq!(found(&d.database), Some(("postgres", "build.gradle.kts (org.postgresql)")));
        assert_eq!(components(&d), ["redis"]);
        assert_eq!(names(&d), ["JWT_SECRET"]);
    }

    #[test]
    fn cargo_with_sqlx_postgres_feature_and_lapin() {
        let d = fixture("rust-sqlx");
        assert_eq!(found(&d.name), Some(("parcel-tracker".to_string(), "Cargo.toml (name: parcel-tracker)")));
        assert_eq!(found(&d.runtime), Some(("rust1.78", "Cargo.toml")));
        assert_eq!(found(&d.database), Some(("postgres", "Cargo.toml (sqlx)")));
        assert_eq!(components(&d), ["rabbitmq"]);
        assert_eq!(names(&d), ["DATABASE_URL", "AMQP_URL"]);
        assert_eq!(env_source(&d, "AMQP_URL"), "src/main.rs:6");
    }

    #[test]
    fn composer_wins_over_a_front_end_package_json() {
        let d = fixture("php-composer");
        assert_eq!(found(&d.name), Some(("guestbook".to_string(), "composer.json (name: guestbook)")));
        assert_eq!(found(&d.runtime), Some(("php8.3", "composer.json")));
        assert_eq!(found(&d.database), Some(("postgres", "composer.json (ext-pdo_pgsql)")));
        assert_eq!(components(&d), ["redis"]);
        assert_eq!(names(&d), ["DB_DSN", "DB_PASSWORD", "MAIL_HOST"]);
    }

    #[test]
    fn empty_folder_gives_only_its_name() {
        let d = fixture("empty");
        assert_eq!(found(&d.name), Some(("empty".to_string(), "folder name")));
        assert_eq!((d.runtime, d.database, d.sqlite), (None, None, None));
        assert!(d.components.is_empty() && d.env_vars.is_empty());
    }

    #[test]
    fn missing_folder_does_not_panic() {
        let d = detect(Path::new("/nonexistent/vibe-detect-test"));
        assert_eq!(d.runtime, None);
        assert!(d.env_vars.is_empty());
    }

    #[test]
    fn broken_files_lose_only_their_own_signal() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("package.json"), "{ \"name\": \"half").unwrap();
        std::fs::write(root.join("pyproject.toml"), "[project\nname = \"x\ndependencies = [\"psycopg\"").unwrap();
        std::fs::write(root.join("Cargo.toml"), "[dependencies.\nsqlx = { features = [\"postgres\"").unwrap();
        std::fs::write(root.join("go.mod"), "module \nrequire (\n").unwrap();
        std::fs::write(root.join("pom.xml"), "<project><artifactId></artifactId><java.version>abc</java.version>")
            .unwrap();
        std::fs::write(root.join(".nvmrc"), "\u{0}\u{1}garbage\u{ff}").unwrap();
        std::fs::write(root.join("main.py"), [0xff, 0xfe, b'\n', b'o', b's']).unwrap();
        std::fs::write(root.join("app.js"), "process.env.\nprocess.env[\"\"]\nconst { , : } = process.env").unwrap();
        // Deep nesting and a symlink loop are walked safely.
        let mut deep = root.to_path_buf();
        for i in 0..20 {
            deep = deep.join(format!("d{i}"));
        }
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("deep.py"), "os.getenv('TOO_DEEP')").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
        let d = detect(root);
        assert!(d.runtime.is_some());
        assert!(!names(&d).contains(&"TOO_DEEP"));
    }

    #[test]
    fn vibe_generated_files_are_not_app_code() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("observability")).unwrap();
        std::fs::write(
            dir.path().join("observability/vibe_observability.py"),
            "# Generated by vibe 0.1.0 from vibe.yaml. Do not edit\nimport os\nos.getenv('OTEL_SERVICE_NAME')\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("app.py"), "import os\nos.getenv('API_KEY')\n").unwrap();
        assert_eq!(names(&detect(dir.path())), ["API_KEY"]);
    }

    #[test]
    fn postgres_url_counts_when_no_driver_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("requirements.txt"), "SQLAlchemy==2.0.30\n").unwrap();
        std::fs::write(dir.path().join("db.py"), "engine = create_engine('postgresql+psycopg://app@db/app')\n")
            .unwrap();
        assert_eq!(found(&detect(dir.path()).database), Some(("postgres", "db.py:1")));
    }

    #[test]
    fn prisma_provider_decides_the_database() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("package.json"), r#"{"dependencies": {"@prisma/client": "5"}}"#).unwrap();
        std::fs::create_dir(dir.path().join("prisma")).unwrap();
        std::fs::write(
            dir.path().join("prisma/schema.prisma"),
            "datasource db {\n  provider = \"sqlite\"\n  url = \"file:./dev.db\"\n}\n",
        )
        .unwrap();
        let d = detect(dir.path());
        assert_eq!(d.database, None);
        assert_eq!(found(&d.sqlite), Some(((), "prisma/schema.prisma:2")));
        std::fs::write(dir.path().join("prisma/schema.prisma"), "datasource db {\n  provider = \"postgresql\"\n}\n")
            .unwrap();
        let d = detect(dir.path());
        assert_eq!(found(&d.database), Some(("postgres", "prisma/schema.prisma:2")));
        assert_eq!(d.sqlite, None);
    }

    #[test]
    fn version_ranges_pick_the_newest_allowed_runtime() {
        use Language::*;
        let cases: &[(Language, &str, Option<&str>)] = &[
            (Node, ">=20", Some("node22")),
            (Node, ">= 18 < 21", Some("node20")),
            (Node, "^20.11.0", Some("node20")),
            (Node, "20.x", Some("node20")),
            (Node, "~22.1", Some("node22")),
            (Node, "18", Some("node20")),
            (Node, "16 || 20", Some("node20")),
            (Node, "v21.2.0", Some("node22")),
            (Node, "*", Some("node22")),
            (Node, "lts/*", Some("node22")),
            (Node, "", None),
            (Node, "banana", None),
            (Python, "3.11.9", Some("python3.11")),
            (Python, ">=3.10,<3.12", Some("python3.11")),
            (Python, "~=3.11", Some("python3.12")),
            (Python, "~=3.11.2", Some("python3.11")),
            (Python, "^3.11", Some("python3.12")),
            (Python, "==3.12.*", Some("python3.12")),
            (Python, "3.9", Some("python3.11")),
            (Python, "3.13", Some("python3.12")),
            (Python, ">=3.8, !=3.12", Some("python3.11")),
            (Jvm, "21", Some("jvm21")),
            (Jvm, "17.0.2", Some("jvm17")),
            (Jvm, "1.8", Some("jvm17")),
            (Jvm, "11", Some("jvm17")),
            (Jvm, "23", Some("jvm21")),
            (Go, "1.22", Some("go1.23")),
        ];
        for (lang, spec, want) in cases {
            assert_eq!(runtime_for_spec(*lang, spec), *want, "{lang:?} {spec:?}");
        }
    }

    #[test]
    fn pep508_names_and_extras() {
        use crate::lang::python::pep508;
        assert_eq!(
            pep508("psycopg[binary,pool]>=3.1 ; python_version>'3.8'"),
            Some(("psycopg".into(), vec!["binary".into(), "pool".into()]))
        );
        assert_eq!(pep508("Flask_SQLAlchemy==3.1"), Some(("flask-sqlalchemy".into(), vec![])));
        assert_eq!(pep508("-e git+https://x/y.git#egg=my_pkg"), Some(("my-pkg".into(), vec![])));
        assert_eq!(pep508("--index-url https://example"), None);
        assert_eq!(pep508(""), None);
    }

    #[test]
    fn secret_like_names() {
        for name in [
            "DB_PASSWORD",
            "SMTP_PASS",
            "MYSQL_PWD",
            "JWT_SECRET",
            "STRIPE_SECRET_KEY",
            "API_KEY",
            "OPENAI_APIKEY",
            "apiKey",
            "GITHUB_TOKEN",
            "accessToken",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "AWS_ACCESS_KEY_ID",
            "SENTRY_DSN",
            "DATABASE_URL",
            "MONGODB_URI",
            "REDIS_URL",
            "CELERY_BROKER_URL",
            "SLACK_WEBHOOK_URL",
            "DB_CONNECTION_STRING",
            "BASIC_AUTH",
            "PRIVATE_KEY_PEM",
            "SESSION_SECRETS",
        ] {
            assert!(secret_like(name), "{name} should look like a secret");
        }
        for name in [
            "PORT",
            "LOG_LEVEL",
            "NODE_ENV",
            "DB_HOST",
            "DB_USER",
            "API_BASE_URL",
            "PUBLIC_URL",
            "MONKEY_MODE",
            "PASSPORT_OFFICE",
            "BYPASS_CACHE",
            "KEYBOARD_LAYOUT",
            "FEATURE_FLAGS",
            "",
            "🙂",
        ] {
            assert!(!secret_like(name), "{name} should not look like a secret");
        }
    }
}
