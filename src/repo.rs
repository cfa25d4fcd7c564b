//! Loading a repo for review: YAML documents with positions, Kubernetes objects,
//! Dockerfiles, workflows, ignore/env files and application source.
//!
//! Every file is either read or reported: unparseable or unreadable files become
//! diagnostics (file, line, message), never a crash and never a silent skip. Files are read
//! through [`crate::fsread`] only (regular files, capped, symlinks kept inside the repo).
//!
//! The gate fails closed (contract v2, "How checks apply"): a file the review could not read or
//! parse where objects come from ([`reads_objects`], or any YAML that looks like a manifest) is
//! a blocking diagnostic.

use crate::lang::Language;
pub use crate::lang::{Lang, TextFile};
use crate::yaml::{self, Node};
use std::path::{Path, PathBuf};

/// Folders never read: VCS data, build output, dependencies, vibe's own backups.
pub const SKIPPED_DIRS: &[&str] =
    &[".git", "target", "node_modules", "vendor", ".vibe", ".venv", "venv", "__pycache__"];
/// Folders whose YAML files are Kubernetes objects by convention (`k8s/`, `deploy/`...).
const OBJECT_DIRS: &[&str] = &["k8s", "kubernetes", "manifests", "deploy", "argocd"];
/// Most threads `Repo::load` reads and parses files with.
const MAX_LOAD_THREADS: usize = 8;
/// Files per unit of work for the loading threads (smaller repos are read on one thread).
const LOAD_CHUNK: usize = 64;
/// Lock files are large JSON/YAML that never hold manifests.
const LOCK_FILES: &[&str] =
    &["package-lock.json", "composer.lock", "pnpm-lock.yaml", "yarn.lock", "Cargo.lock", "poetry.lock"];

/// A file that could not be read or parsed, or was skipped on purpose, with why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Repo-relative path.
    pub file: String,
    /// Line the problem is on, when known.
    pub line: Option<u32>,
    /// What happened.
    pub message: String,
    /// True for a template skipped on purpose (a Helm chart's templates): nothing is wrong with it.
    #[serde(skip)]
    pub template: bool,
    /// True when the file is in a place the review reads objects from: the gate cannot vouch
    /// for what it could not read, so the verdict is BLOCKED.
    pub blocking: bool,
}

impl Diagnostic {
    /// A file that could not be read or parsed; `blocking` as [`Diagnostic::blocking`] says.
    pub fn unreadable(file: impl Into<String>, line: Option<u32>, message: String, blocking: bool) -> Diagnostic {
        let message = if blocking {
            format!("{message}. The gate cannot vouch for what it could not read, so it blocks: fix or remove the file")
        } else {
            message
        };
        Diagnostic { file: file.into(), line, message, template: false, blocking }
    }
}

/// True for a file in a place the review reads objects from: a YAML or JSON file of a manifests
/// folder (`k8s/`, `deploy/`...), a chart's values, a workflow or vibe.yaml, and any Dockerfile.
/// (YAML elsewhere that could not be parsed counts too when it looks like a manifest: see
/// [`looks_like_manifest`].)
pub fn reads_objects(file: &str) -> bool {
    let (dirs, name) = file.rsplit_once('/').unwrap_or(("", file));
    if is_dockerfile(name) {
        return true;
    }
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json");
    let chart_values = name.starts_with("values") && !name.ends_with(".json");
    yaml && (file == crate::contract::ANSWERS_FILE
        || file.starts_with(".github/workflows/")
        || chart_values
        || dirs.split('/').any(|d| OBJECT_DIRS.contains(&d)))
}

/// True for a file a chart renders from: a template, a values file, Chart.yaml.
fn is_chart_file(file: &str, name: &str) -> bool {
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".tpl");
    yaml && (in_chart_templates(file)
        || name == "Chart.yaml"
        || (name.starts_with("values") && !name.ends_with(".tpl")))
}

/// True for a file inside a `templates/` folder (a Helm chart's), the one place templates belong.
fn in_chart_templates(file: &str) -> bool {
    file.split('/').rev().skip(1).any(|d| d == "templates")
}

/// True for text that names an `apiVersion` and a `kind`: a manifest, wherever it is.
fn looks_like_manifest(text: &str) -> bool {
    text.contains("apiVersion") && text.contains("kind")
}

/// A Kubernetes object found in a YAML document.
#[derive(Debug, Clone)]
pub struct Object {
    /// Repo-relative path of the file (or `cluster` for live objects).
    pub file: String,
    /// Index of the document in its file.
    pub doc: usize,
    /// `kind`.
    pub kind: String,
    /// `metadata.name` (empty when missing).
    pub name: String,
    /// `metadata.namespace`, when set.
    pub namespace: Option<String>,
    /// The whole object.
    pub node: Node,
}

impl Object {
    /// `Kind/name`, as findings name objects.
    pub fn id(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }

    /// Line of the object's first key (where findings about missing fields point).
    pub fn line(&self) -> Option<u32> {
        self.node.line()
    }
}

/// A YAML document that is not a Kubernetes object (chart values, compose files, vibe.yaml...).
#[derive(Debug, Clone)]
pub struct PlainYaml {
    /// Repo-relative path.
    pub file: String,
    /// The document root.
    pub node: Node,
}

/// One Dockerfile instruction, continuation lines joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Line the instruction starts on.
    pub line: u32,
    /// Upper-cased keyword (`FROM`, `ENV`, ...).
    pub keyword: String,
    /// Everything after the keyword.
    pub args: String,
}

/// The variables an ENV instruction sets, (name, value) in order: `A=1 B="two words"`, or the
/// legacy `NAME value with spaces`.
pub fn env_pairs(args: &str) -> Vec<(String, String)> {
    let words = dockerfile_words(args);
    if words.len() >= 2 && !words[0].contains('=') {
        let rest = args.trim_start()[words[0].len()..].trim().to_string();
        return vec![(words[0].clone(), rest)];
    }
    words.into_iter().filter_map(|w| w.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))).collect()
}

/// Splits Dockerfile instruction arguments (ENV, ARG, RUN, COPY) into words: whitespace
/// separated, quotes grouping, backslash escaping the next character.
pub fn dockerfile_words(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut quote, mut any) = (Vec::new(), String::new(), None::<char>, false);
    let mut chars = s.chars();
    while let Some(ch) = chars.next() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => {
                quote = Some(ch);
                any = true;
            }
            (_, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                    any = true;
                }
            }
            (None, c) if c.is_whitespace() => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (_, c) => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// A Dockerfile.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    /// Repo-relative path.
    pub file: String,
    /// Its instructions in order.
    pub instructions: Vec<Instruction>,
}

/// Everything the review reads from one repo.
#[derive(Debug, Default)]
pub struct Repo {
    /// The reviewed folder.
    pub root: PathBuf,
    /// Kubernetes objects, in file and document order.
    pub objects: Vec<Object>,
    /// Other YAML documents.
    pub yaml: Vec<PlainYaml>,
    /// Dockerfiles.
    pub dockerfiles: Vec<Dockerfile>,
    /// GitHub workflows (also parsed as YAML).
    pub workflows: Vec<PlainYaml>,
    /// Application source and config files.
    pub sources: Vec<TextFile>,
    /// Dependency manifests and lock files present (repo-relative paths), for S4 and G2/G3.
    pub dependency_files: Vec<TextFile>,
    /// `.gitignore` files: path and content.
    pub gitignores: Vec<(String, String)>,
    /// `.dockerignore` files (and `<Dockerfile>.dockerignore`): path and content (A7).
    pub dockerignores: Vec<(String, String)>,
    /// Every file found (repo-relative, sorted; folders in [`SKIPPED_DIRS`] not walked), read or
    /// not: A7 asks whether a COPY source exists in the build context.
    pub files: Vec<String>,
    /// `.env` files (repo-relative paths).
    pub env_files: Vec<String>,
    /// Files that were not read, and why.
    pub diagnostics: Vec<Diagnostic>,
    /// Number of files read.
    pub files_read: usize,
    /// Number of YAML documents parsed.
    pub documents: usize,
    /// The text of every chart file read (a chart's templates, its values files, Chart.yaml), by
    /// path: the chart is reviewed as it renders, from the text the review read.
    pub chart_files: std::collections::BTreeMap<String, String>,
    /// True when the files were parsed on several threads (see the `Drop` impl).
    loaded_in_parallel: bool,
    /// Workload objects (index into `objects`) and the platform component each is, computed
    /// once on first use: about twenty checks walk the workloads, and recognising components
    /// by image is the costly part. Change `objects` only through [`Repo::replace_objects`].
    pub(crate) workload_index: std::sync::OnceLock<Vec<(usize, Option<&'static str>)>>,
}

impl Drop for Repo {
    /// A repo parsed on several threads keeps its trees in those threads' malloc arenas; once it is
    /// freed, that memory is handed back to the system, or the report rendered next (on the main
    /// thread, which cannot reuse other arenas' free space) would raise the peak by about a third.
    fn drop(&mut self) {
        if self.loaded_in_parallel {
            drop(std::mem::take(&mut self.objects));
            drop(std::mem::take(&mut self.yaml));
            drop(std::mem::take(&mut self.workflows));
            drop(std::mem::take(&mut self.sources));
            drop(std::mem::take(&mut self.dependency_files));
            release_loader_memory();
        }
    }
}

/// Dependency manifests: where libraries are declared (and locked).
const DEPENDENCY_FILES: &[&str] = &[
    "package.json",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "requirements.txt",
    "pyproject.toml",
    "Pipfile",
    "Pipfile.lock",
    "poetry.lock",
    "uv.lock",
    "go.mod",
    "go.sum",
    "Cargo.toml",
    "Cargo.lock",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "gradle.lockfile",
    "composer.json",
    "composer.lock",
];

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

fn source_lang(name: &str) -> Option<Lang> {
    let ext = name.rsplit_once('.').map(|(_, e)| e)?;
    if ext == "properties" {
        return Some(Lang::Config);
    }
    Language::of_extension(ext).map(Lang::Code)
}

/// True for `.env`, `.env.local`, `prod.env` (not `.env.example`-style templates? those too: they get committed).
fn is_env_file(name: &str) -> bool {
    name == ".env" || name.starts_with(".env.") || name.ends_with(".env")
}

/// `.dockerignore`, or BuildKit's per-Dockerfile `Dockerfile.dockerignore` / `app.Dockerfile.dockerignore`.
fn is_dockerignore(name: &str) -> bool {
    name.ends_with(".dockerignore")
}

fn is_dockerfile(name: &str) -> bool {
    name.starts_with("Dockerfile") || name.ends_with(".Dockerfile") || name.ends_with(".dockerfile")
}

/// App config YAML files whose values S1 reads as source (application.yml, settings.yaml, config.yaml).
fn is_app_config_yaml(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    matches!(stem, "application" | "settings" | "config" | "appsettings" | "secrets" | "credentials")
}

impl Repo {
    /// A repo with nothing read yet.
    fn empty(root: &Path) -> Repo {
        let mut repo = Repo::default();
        repo.root = root.to_path_buf();
        repo
    }

    /// Reads every file of interest under `root`.
    pub fn load(root: &Path) -> Result<Repo, crate::Error> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_LOAD_THREADS);
        Repo::load_with_threads(root, threads)
    }

    /// [`Repo::load`] on at most `threads` threads (the result does not depend on it).
    fn load_with_threads(root: &Path, threads: usize) -> Result<Repo, crate::Error> {
        let meta = std::fs::metadata(root).map_err(|e| crate::Error::io(root, e))?;
        if !meta.is_dir() {
            return Err(crate::Error::Usage(format!(
                "{} is not a folder: give the app's folder (default: the current one)",
                root.display()
            )));
        }
        let mut repo = Repo::empty(root);
        let real_root = crate::fsread::RepoRoot::new(root).map_err(|e| crate::Error::read(root, e))?;
        let mut paths = Vec::new();
        let mut walker = Walker { root, real_root: &real_root, out: &mut paths, diagnostics: &mut repo.diagnostics };
        walker.walk(root);
        paths.sort();
        repo.files = paths.iter().map(|p| rel(root, p)).collect();
        if threads < 2 || paths.len() <= LOAD_CHUNK {
            let mut buf = Vec::new();
            for path in &paths {
                repo.read_file(&real_root, path, &mut buf);
            }
            return Ok(repo);
        }
        // Reading and parsing is most of a large review: spread it over the cores. Threads take
        // small chunks of the sorted paths in turn (so uneven files even out) and the chunks are
        // merged back in path order, so the result is exactly the sequential one.
        let chunks: Vec<&[PathBuf]> = paths.chunks(LOAD_CHUNK).collect();
        let parts = crate::parallel::map_in_order(&chunks, threads, |chunk| {
            let mut part = Repo::empty(root);
            let mut buf = Vec::new();
            for path in *chunk {
                part.read_file(&real_root, path, &mut buf);
            }
            part
        });
        for part in parts {
            repo.absorb(part);
        }
        repo.loaded_in_parallel = true;
        Ok(repo)
    }

    /// Appends what another `Repo` read (a later chunk of the same walk).
    fn absorb(&mut self, mut other: Repo) {
        // Destructured so that a new field cannot be forgotten here.
        let Repo {
            root: _,
            objects,
            yaml,
            dockerfiles,
            workflows,
            sources,
            dependency_files,
            gitignores,
            dockerignores,
            files,
            env_files,
            diagnostics,
            files_read,
            documents,
            chart_files,
            loaded_in_parallel: _,
            // Computed after loading, from the merged objects.
            workload_index: _,
        } = &mut other;
        self.objects.append(objects);
        self.yaml.append(yaml);
        self.dockerfiles.append(dockerfiles);
        self.workflows.append(workflows);
        self.sources.append(sources);
        self.dependency_files.append(dependency_files);
        self.gitignores.append(gitignores);
        self.dockerignores.append(dockerignores);
        self.files.append(files);
        self.env_files.append(env_files);
        self.diagnostics.append(diagnostics);
        self.files_read += *files_read;
        self.documents += *documents;
        self.chart_files.append(chart_files);
    }

    /// True when the folder holds anything of an app: manifests or other YAML (vibe.yaml among
    /// them), templates, a Dockerfile, workflows, source code or dependency manifests.
    pub fn holds_an_app(&self) -> bool {
        !(self.objects.is_empty()
            && self.yaml.is_empty()
            && self.dockerfiles.is_empty()
            && self.workflows.is_empty()
            && self.sources.is_empty()
            && self.dependency_files.is_empty()
            && !self.diagnostics.iter().any(|d| d.template))
    }

    /// A copy of this repo's files with other objects (the chart's rendered objects in place of
    /// k8s/'s): everything else is shared by value.
    pub fn with_objects(&self, objects: Vec<Object>) -> Repo {
        Repo {
            root: self.root.clone(),
            objects,
            yaml: self.yaml.clone(),
            dockerfiles: self.dockerfiles.clone(),
            workflows: self.workflows.clone(),
            sources: self.sources.clone(),
            dependency_files: self.dependency_files.clone(),
            gitignores: self.gitignores.clone(),
            dockerignores: self.dockerignores.clone(),
            files: self.files.clone(),
            env_files: self.env_files.clone(),
            diagnostics: self.diagnostics.clone(),
            files_read: self.files_read,
            documents: self.documents,
            chart_files: self.chart_files.clone(),
            loaded_in_parallel: false,
            workload_index: Default::default(),
        }
    }

    /// Keeps the objects `keep` accepts and adds `more` (the cluster review swaps the repo's
    /// manifests for the live objects). The workload index is built again on next use.
    pub fn replace_objects(&mut self, keep: impl Fn(&Object) -> bool, more: impl IntoIterator<Item = Object>) {
        self.objects.retain(|o| keep(o));
        self.objects.extend(more);
        self.workload_index = std::sync::OnceLock::new();
    }

    /// Builds a repo from in-memory files (tests use it).
    pub fn from_files(root: &Path, files: &[(&str, &str)]) -> Repo {
        let mut repo = Repo::empty(root);
        for (path, text) in files {
            repo.files.push(path.to_string());
            repo.add_text(path, text);
        }
        repo.files.sort();
        repo
    }

    /// Reads one file; `buf` is a buffer reused from file to file (no allocation per file).
    fn read_file(&mut self, root: &crate::fsread::RepoRoot, path: &Path, buf: &mut Vec<u8>) {
        use crate::fsread::ReadError;
        let file = rel(&self.root, path);
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if !interesting(&file, &name) {
            return;
        }
        let read = root.read_walked(path, crate::fsread::MAX_FILE_BYTES, buf);
        let error = match read.and_then(|()| crate::fsread::utf8(buf)) {
            Ok(text) => return self.add_text(&file, text),
            Err(e) => e,
        };
        let line = match error {
            ReadError::NotUtf8 { line } => Some(line),
            _ => None,
        };
        // Bytes that are not UTF-8 can still show a manifest; nothing else read shows anything.
        let manifest = line.is_some() && looks_like_manifest(&String::from_utf8_lossy(buf));
        buf.clear();
        let message = match error {
            ReadError::Io(e) => format!("could not read: {e}"),
            e => e.to_string(),
        };
        self.diagnostics.push(Diagnostic::unreadable(file.as_str(), line, message, manifest || reads_objects(&file)));
    }
}

/// True for the files the review reads (by name; `file` is the repo-relative path).
fn interesting(file: &str, name: &str) -> bool {
    name.ends_with(".yaml")
        || name.ends_with(".yml")
        || name.ends_with(".json")
        || is_dockerfile(name)
        || name == ".gitignore"
        || is_dockerignore(name)
        || is_env_file(name)
        || DEPENDENCY_FILES.contains(&name)
        || source_lang(name).is_some()
        || file.starts_with(".github/workflows/")
}

impl Repo {
    fn diagnose(&mut self, file: &str, line: Option<u32>, message: String) {
        let blocking = reads_objects(file);
        self.diagnostics.push(Diagnostic::unreadable(file, line, message, blocking));
    }

    /// Classifies and parses one file's text.
    pub fn add_text(&mut self, file: &str, text: &str) {
        self.files_read += 1;
        let name = file.rsplit('/').next().unwrap_or(file);
        if is_chart_file(file, name) {
            self.chart_files.insert(file.to_string(), text.to_string());
        }
        if DEPENDENCY_FILES.contains(&name) {
            // Dependency manifests and lock files never hold Kubernetes objects.
            let text = if LOCK_FILES.contains(&name) { String::new() } else { text.to_string() };
            self.dependency_files.push(TextFile { file: file.into(), lang: Lang::Config, text });
            return;
        }
        if is_dockerignore(name) {
            // Before Dockerfiles: `Dockerfile.dockerignore` is an ignore file, not a Dockerfile.
            self.dockerignores.push((file.into(), text.into()));
        } else if is_dockerfile(name) {
            self.dockerfiles.push(Dockerfile { file: file.into(), instructions: parse_dockerfile(text) });
        } else if name == ".gitignore" {
            self.gitignores.push((file.into(), text.into()));
        } else if is_env_file(name) {
            self.env_files.push(file.into());
            self.sources.push(TextFile { file: file.into(), lang: Lang::Config, text: text.into() });
        } else if let Some(lang) = source_lang(name) {
            self.sources.push(TextFile { file: file.into(), lang, text: text.into() });
        } else if name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json") {
            self.add_yaml(file, name, text);
        }
    }

    /// Notes a template (see [`Repo::add_yaml`]): skipped on purpose, not an unreadable file.
    /// A file whose `{{` shape its YAML. In a chart's `templates/` folder that is a Helm template,
    /// skipped (its objects exist only rendered). Anywhere else objects are read from, `{{` is no
    /// licence to skip: a broken manifest holding `{{` in a string (an app name, a script) would
    /// otherwise pass the gate unread, so it blocks like any file the gate could not read.
    fn skip_template(&mut self, file: &str, line: u32) {
        if !in_chart_templates(file) && reads_objects(file) {
            let message = concat!(
                "not YAML as it stands: `{{` outside a quoted string (a template, or broken YAML); ",
                "only a chart's templates/ folder may hold templates"
            )
            .to_string();
            self.diagnostics.push(Diagnostic::unreadable(file, Some(line), message, true));
            return;
        }
        self.diagnostics.push(Diagnostic {
            file: file.into(),
            line: Some(line),
            message: "skipped: a template (`{{` outside a quoted string), not YAML; objects in it are not reviewed"
                .into(),
            template: true,
            blocking: false,
        });
    }

    fn add_yaml(&mut self, file: &str, name: &str, text: &str) {
        if text.trim().is_empty() {
            if name.ends_with(".json") {
                self.diagnose(file, None, "empty file: not valid JSON".into());
            }
            return;
        }
        // Workflows use `${{ }}` inside strings, and YAML whose strings merely contain `{{` (a shell
        // command, a config file in a ConfigMap) is reviewed as it stands: only braces that shape
        // the YAML itself mark a template (Helm, envsubst-style) whose objects exist only rendered.
        let maybe_template = !file.starts_with(".github/") && text.contains("{{");
        // Most templates show it on a line of their own (`{{- if .Values.x }}`) or as a whole value
        // (`name: {{ .Release.Name }}`): no need to parse them to know.
        if maybe_template && let Some(line) = obvious_template_line(text) {
            return self.skip_template(file, line);
        }
        let parsed = yaml::parse_documents(text);
        // Broken YAML where objects are read says what is broken, `{{` or not.
        let broken_manifest = parsed.is_err() && !in_chart_templates(file) && reads_objects(file);
        if maybe_template
            && !broken_manifest
            && let Some(line) = template_braces(text, parsed.as_deref().ok())
        {
            return self.skip_template(file, line);
        }
        let docs = match parsed {
            Ok(docs) => docs,
            Err(e) => {
                let blocking = reads_objects(file) || looks_like_manifest(text);
                let message = format!("not valid YAML: {}", e.message);
                self.diagnostics.push(Diagnostic::unreadable(file, Some(e.pos.line), message, blocking));
                return;
            }
        };
        self.documents += docs.len();
        if is_app_config_yaml(name) {
            self.sources.push(TextFile { file: file.into(), lang: Lang::Config, text: text.into() });
        }
        for doc in docs {
            if file.starts_with(".github/workflows/") {
                self.workflows.push(PlainYaml { file: file.into(), node: doc.root });
            } else {
                self.add_document(file, doc.index, doc.root);
            }
        }
    }

    fn add_document(&mut self, file: &str, index: usize, root: Node) {
        let kind = root.get("kind").and_then(Node::as_str).map(str::to_string);
        let has_api = root.get("apiVersion").and_then(Node::as_str).is_some();
        match kind {
            Some(kind) if has_api && kind.ends_with("List") && root.get("items").is_some() => {
                for item in root.get("items").map(Node::items).unwrap_or_default() {
                    self.add_document(file, index, item.clone());
                }
            }
            Some(kind) if has_api => {
                let meta = root.get("metadata");
                let name = meta.and_then(|m| m.get("name")).and_then(Node::as_str).unwrap_or_default().to_string();
                let namespace = meta.and_then(|m| m.get("namespace")).and_then(Node::as_str).map(str::to_string);
                self.objects.push(Object { file: file.into(), doc: index, kind, name, namespace, node: root });
            }
            _ => self.yaml.push(PlainYaml { file: file.into(), node: root }),
        }
    }
}

/// How a quoted or flow-style YAML key starts: its `: ` may be inside it, so it is not split there.
const KEY_OPENERS: &str = "\"'{[";

/// The first line that starts (after indentation, a `- ` or a `key: `) with `{{`, outside block
/// scalars and comments: template syntax in any reading of the file.
fn obvious_template_line(text: &str) -> Option<u32> {
    let mut block: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        match block {
            Some(parent) if body.is_empty() || indent > parent => continue,
            _ => block = None,
        }
        if body.starts_with('#') {
            continue;
        }
        let value = body.strip_prefix("- ").map(str::trim_start).unwrap_or(body);
        let value = match value.split_once(": ") {
            Some((key, v)) if !key.starts_with(|c| KEY_OPENERS.contains(c)) => v.trim_start(),
            _ => value,
        };
        if value.starts_with("{{") {
            return Some(i as u32 + 1);
        }
        // `key: |`, `- >-`, `key: |2`: the lines indented below are text.
        let tail = value.trim_end().trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
        if tail == "|" || tail == ">" {
            block = Some(indent);
        }
    }
    None
}

/// The line of the first `{{` that is template syntax rather than text inside a YAML string, if
/// any: the file did not parse, or it has more `{{` (outside comment lines) than its quoted and
/// block scalars hold. A plain `name: app-{{id}}` is a placeholder, not a name: a template too.
fn template_braces(text: &str, docs: Option<&[yaml::Document]>) -> Option<u32> {
    let first =
        || text.lines().position(|l| l.contains("{{") && !l.trim_start().starts_with('#')).map(|i| i as u32 + 1);
    let Some(docs) = docs else { return first().or(Some(1)) };
    let in_text: usize =
        text.lines().filter(|l| !l.trim_start().starts_with('#')).map(|l| l.matches("{{").count()).sum();
    let in_strings: usize = docs.iter().map(|d| braces_in_strings(&d.root)).sum();
    (in_text > in_strings).then(|| first().unwrap_or(1))
}

/// How many `{{` the node's quoted and block scalars hold.
fn braces_in_strings(node: &Node) -> usize {
    match &node.value {
        yaml::Value::Scalar { text, quoted: true } => text.matches("{{").count(),
        yaml::Value::Scalar { .. } => 0,
        yaml::Value::Seq(items) => items.iter().map(braces_in_strings).sum(),
        yaml::Value::Map(entries) => entries.iter().map(|e| braces_in_strings(&e.value)).sum(),
    }
}

/// Gives the loading threads' scratch memory back to the system. glibc gives each thread its own
/// malloc arena; the trees built there outlive the threads, and the free space left between them
/// (file buffers, parser state, vectors that grew) cannot serve the review's allocations, which
/// run on the main thread: without this, a parallel load peaks at about 1.3x the memory of a
/// sequential one.
fn release_loader_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the system; it is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Collects the files under a repo: regular files, and special files and symlinks for
/// [`Repo::read_file`] to judge. Symlinked folders are not walked (a link can loop, and one
/// inside the repo only repeats files read where they live); one leading outside is reported.
struct Walker<'a> {
    root: &'a Path,
    real_root: &'a crate::fsread::RepoRoot,
    out: &'a mut Vec<PathBuf>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Walker<'_> {
    fn walk(&mut self, dir: &Path) {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                let file = rel(self.root, dir);
                // A manifests folder the review cannot list hides its objects.
                let blocking = reads_objects(&format!("{file}/_.yaml"));
                let message = format!("could not read folder: {e}");
                self.diagnostics.push(Diagnostic::unreadable(file, None, message, blocking));
                return;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            let skipped = SKIPPED_DIRS.contains(&entry.file_name().to_string_lossy().as_ref());
            if ft.is_dir() {
                if !skipped {
                    self.walk(&path);
                }
            } else if ft.is_symlink() && std::fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
                if !skipped && !self.real_root.contains(&path) {
                    let file = rel(self.root, &path);
                    let blocking = reads_objects(&format!("{file}/_.yaml"));
                    let message = "a symlink to a folder outside the repo: not followed".to_string();
                    self.diagnostics.push(Diagnostic::unreadable(file, None, message, blocking));
                }
            } else {
                self.out.push(path);
            }
        }
    }
}

/// Splits a Dockerfile into instructions (comments skipped, `\` continuations joined).
pub fn parse_dockerfile(text: &str) -> Vec<Instruction> {
    let mut out = Vec::new();
    let mut current: Option<(u32, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        let trimmed = raw.trim();
        if current.is_none() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        if current.is_some() && trimmed.starts_with('#') {
            continue;
        }
        let (start, mut acc) = current.take().unwrap_or((line_no, String::new()));
        let continued = trimmed.ends_with('\\');
        acc.push_str(trimmed.trim_end_matches('\\'));
        acc.push(' ');
        if continued {
            current = Some((start, acc));
        } else {
            push_instruction(&mut out, start, &acc);
        }
    }
    if let Some((start, acc)) = current {
        push_instruction(&mut out, start, &acc);
    }
    out
}

fn push_instruction(out: &mut Vec<Instruction>, line: u32, text: &str) {
    let text = text.trim();
    let (kw, args) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    out.push(Instruction { line, keyword: kw.to_ascii_uppercase(), args: args.trim().to_string() });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_continuations_keep_the_first_line() {
        let d = parse_dockerfile("# c\nFROM a:1 AS b\nRUN x \\\n  && y\nENV A=1\n");
        assert_eq!(d.len(), 3);
        assert_eq!((d[1].line, d[1].keyword.as_str()), (3, "RUN"));
        assert!(d[1].args.contains("&& y"));
        assert_eq!(d[2].line, 5);
    }

    #[test]
    fn templates_and_broken_yaml_become_diagnostics() {
        let repo = Repo::from_files(
            Path::new("/r"),
            &[
                ("a.yaml", "kind: Pod\napiVersion: v1\nmetadata: {name: {{ .x }}}\n"),
                ("b.yaml", "a: [1\n"),
                ("c.json", ""),
            ],
        );
        assert_eq!(repo.objects.len(), 0);
        assert_eq!(repo.diagnostics.len(), 3, "{:?}", repo.diagnostics);
    }

    #[test]
    fn braces_inside_strings_are_yaml_and_braces_shaping_it_are_a_template() {
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: conf}\n# {{ a comment }}\ndata:\n  cmd: \"sed s/{{ID}}/x/\"\n  conf: |\n    project: {{ID}}\n";
        let helm =
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n{{- if .Values.x }}\n  labels: {a: b}\n{{- end }}\n";
        // Parses (a plain scalar, a flow mapping used as a key), but the braces are placeholders.
        let envsubst =
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: etcd-{{cell}}\n  labels:\n    cell: {{cell}}\n";
        let repo = Repo::from_files(Path::new("/r"), &[("cm.yaml", cm), ("helm.yaml", helm), ("env.yaml", envsubst)]);
        let objects: Vec<String> = repo.objects.iter().map(Object::id).collect();
        assert_eq!(objects, ["ConfigMap/conf"]);
        let notes: Vec<(&str, Option<u32>)> = repo.diagnostics.iter().map(|d| (d.file.as_str(), d.line)).collect();
        assert_eq!(notes, [("helm.yaml", Some(5)), ("env.yaml", Some(6))]);
        assert!(repo.diagnostics.iter().all(|d| d.message.contains("template")), "{:?}", repo.diagnostics);
    }

    #[test]
    fn a_parallel_load_reads_exactly_what_a_sequential_one_does() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..3 * LOAD_CHUNK {
            let sub = dir.path().join(format!("d{}", i % 7));
            std::fs::create_dir_all(&sub).unwrap();
            let text = match i % 5 {
                0 => format!("apiVersion: v1\nkind: Service\nmetadata: {{name: s{i}}}\n---\nplain: {i}\n"),
                1 => "a: [1\n".to_string(),
                2 => {
                    format!("{{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {{\"name\": \"c{i}\"}}}}")
                }
                3 => format!("FROM python:3.12-slim\nUSER {i}\n"),
                _ => format!("import os\nprint({i})\n"),
            };
            let name = ["a.yaml", "b.yaml", "c.json", "Dockerfile", "app.py"][i % 5];
            std::fs::write(sub.join(format!("{i}-{name}")), text).unwrap();
        }
        std::fs::write(dir.path().join("bad.yaml"), [0xffu8, 0xfe, b'\n']).unwrap();
        let one = Repo::load_with_threads(dir.path(), 1).unwrap();
        let many = Repo::load_with_threads(dir.path(), 4).unwrap();
        assert!(!one.loaded_in_parallel && many.loaded_in_parallel);
        let view = |r: &Repo| {
            (
                r.objects.iter().map(|o| (o.file.clone(), o.doc, o.id(), o.line())).collect::<Vec<_>>(),
                r.yaml.iter().map(|y| (y.file.clone(), y.node.line())).collect::<Vec<_>>(),
                r.dockerfiles.iter().map(|d| (d.file.clone(), d.instructions.clone())).collect::<Vec<_>>(),
                r.sources.iter().map(|s| (s.file.clone(), s.text.clone())).collect::<Vec<_>>(),
                r.diagnostics.clone(),
                (r.files_read, r.documents),
            )
        };
        assert_eq!(view(&one), view(&many));
        let of = |k: usize| (0..3 * LOAD_CHUNK).filter(|i| i % 5 == k).count();
        assert_eq!(one.objects.len(), of(0) + of(2));
        assert_eq!(one.diagnostics.len(), of(1) + 1, "{:?}", one.diagnostics);
    }

    #[test]
    fn what_could_not_be_read_blocks_where_objects_come_from() {
        for file in [
            "k8s/03-configmap.yaml",
            "deploy/prod/app.yml",
            "helm/vibe-stack/values.yaml",
            "charts/web/values-prod.yaml",
            ".github/workflows/ci.yml",
            "vibe.yaml",
            "Dockerfile",
            "services/api/Dockerfile.prod",
        ] {
            assert!(reads_objects(file), "{file}");
        }
        for file in ["docs/example.yaml", "k8s/README.md", "k8s/tool.py", "src/config.json", "package.json"] {
            assert!(!reads_objects(file), "{file}");
        }
        let repo = Repo::from_files(
            Path::new("/r"),
            &[
                ("k8s/a.yaml", "a: [1\n"),
                ("docs/b.yaml", "a: [1\n"),
                ("docs/c.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: [x\n"),
                ("helm/vibe-stack/templates/d.yaml", "{{- if .Values.x }}\nkind: Service\n{{- end }}\n"),
            ],
        );
        let blocking: Vec<(&str, bool)> = repo.diagnostics.iter().map(|d| (d.file.as_str(), d.blocking)).collect();
        assert_eq!(
            blocking,
            [
                ("k8s/a.yaml", true),
                ("docs/b.yaml", false),
                ("docs/c.yaml", true),
                ("helm/vibe-stack/templates/d.yaml", false)
            ]
        );
    }

    #[test]
    fn lists_are_expanded_into_objects() {
        let repo = Repo::from_files(
            Path::new("/r"),
            &[(
                "l.yaml",
                "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n",
            )],
        );
        assert_eq!(repo.objects[0].id(), "Service/s");
        assert_eq!(repo.objects[0].line(), Some(4));
    }
}
