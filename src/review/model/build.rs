//! How each Dockerfile of the repo builds (A7's facts; S4 reads which lockfiles A7 reports, so a
//! missing lockfile is said once): its build context, what its `COPY`/`ADD` lines take from it,
//! and whether each install step finds the files it needs in the image when it runs.
//!
//! Every Dockerfile is judged. Its context is its own folder, unless a compose file
//! (`build: dir` or `build: {context, dockerfile}`), a `docker/build-push-action` step
//! (`with: {context, file}`) or a `docker build [-f file] dir` line of a workflow names another
//! (the first such, by file order). The context's files are the repo's files under that folder
//! less what `.dockerignore` (or BuildKit's `<Dockerfile>.dockerignore` beside the Dockerfile)
//! leaves out. A path with a build variable (`$X`), a heredoc, a URL, a bind mount or a file another
//! stage or an earlier `RUN` may have made is not judged: only what is certain is a finding.

use super::dockerignore::{DockerIgnore, Pattern, clean, glob_regex, is_glob};
use crate::lang::Language;
use crate::repo::{Dockerfile, Instruction, Repo, SKIPPED_DIRS};
use crate::yaml::Node;
use regex::Regex;
use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

/// Lockfiles a package manager writes (the fixer creates the Node ones).
pub const NODE_LOCKFILES: &[&str] = &["package-lock.json", "yarn.lock", "pnpm-lock.yaml"];

/// One Dockerfile's build and what would stop it.
#[derive(Debug)]
pub struct Build<'a> {
    /// The Dockerfile.
    pub dockerfile: &'a Dockerfile,
    /// The build context, repo-relative (`""` is the repo root).
    pub context: String,
    /// Where the context was named when it is not the Dockerfile's folder (a compose file, a workflow).
    pub named_in: Option<String>,
    /// What stops the image from building, in line order.
    pub problems: Vec<Problem>,
}

/// Something that makes `docker build` fail, at a Dockerfile line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The Dockerfile line.
    pub line: u32,
    /// What is wrong and what it breaks.
    pub message: String,
    /// The exact change.
    pub fix: String,
    /// A lockfile the build needs that is not in the repo (repo-relative path): S4 leaves it to A7.
    pub lockfile: Option<String>,
    /// The fixer can write that lockfile with the app's package manager (a Node lockfile beside a package.json).
    pub creatable: bool,
}

/// The manifest a lockfile locks (S4 judges the manifest; A7 reports the lockfile a build needs).
pub fn manifest_of_lockfile(name: &str) -> Option<&'static str> {
    match name {
        "package-lock.json" | "npm-shrinkwrap.json" | "yarn.lock" | "pnpm-lock.yaml" => Some("package.json"),
        "go.sum" => Some("go.mod"),
        "poetry.lock" | "uv.lock" => Some("pyproject.toml"),
        "Pipfile.lock" => Some("Pipfile"),
        "composer.lock" => Some("composer.json"),
        "Cargo.lock" => Some("Cargo.toml"),
        _ => None,
    }
}

impl Problem {
    /// True when this problem reports the missing lockfile of the manifest at `manifest` (repo path).
    pub fn reports_lockfile_of(&self, manifest: &str) -> bool {
        self.lockfile.as_deref().is_some_and(|l| {
            dir_of(l) == dir_of(manifest) && manifest_of_lockfile(base_of(l)) == Some(base_of(manifest))
        })
    }
}

/// Every Dockerfile's build, in file order.
pub fn builds(repo: &Repo) -> Vec<Build<'_>> {
    let named = named_contexts(repo);
    repo.dockerfiles
        .iter()
        .map(|df| {
            let own = dir_of(&df.file).to_string();
            let (context, named_in) = match named.get(&df.file) {
                Some((c, by)) if *c != own => (c.clone(), Some(by.clone())),
                _ => (own, None),
            };
            let ctx = Context::new(repo, &df.file, &context);
            let problems = Judge::new(repo, &ctx).run(df);
            Build { dockerfile: df, context, named_in, problems }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Paths

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

fn base_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(_, b)| b).unwrap_or(path)
}

/// `dir/rel`, cleaned, never leaving `dir` upwards (`..` stops at the top, as the builder's paths do).
fn join(dir: &str, rel: &str) -> String {
    let joined = if rel.starts_with('/') || dir.is_empty() { rel.to_string() } else { format!("{dir}/{rel}") };
    let c = clean(&format!("/{joined}"));
    c.trim_start_matches('/').to_string()
}

/// An absolute image path: `rel` from `cwd`.
fn abs(cwd: &str, rel: &str) -> String {
    if rel.starts_with('/') { clean(rel) } else { clean(&format!("{cwd}/{rel}")) }
}

/// `path` below the image folder `dir`, relative to it.
fn below<'p>(dir: &str, path: &'p str) -> Option<&'p str> {
    if dir == "/" {
        return path.strip_prefix('/');
    }
    path.strip_prefix(dir)?.strip_prefix('/')
}

fn shown(dir: &str) -> String {
    if dir.is_empty() { "the repo root".into() } else { format!("`{dir}/`") }
}

// ---------------------------------------------------------------------------------------------
// The build context

/// The files a build can copy: the repo's files under the context folder, and its ignore file.
struct Context {
    dir: String,
    files: BTreeSet<String>,
    dirs: BTreeSet<String>,
    ignore: DockerIgnore,
}

impl Context {
    fn new(repo: &Repo, dockerfile: &str, dir: &str) -> Context {
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        let files: BTreeSet<String> =
            repo.files.iter().filter_map(|f| f.strip_prefix(prefix.as_str())).map(str::to_string).collect();
        let mut dirs = BTreeSet::new();
        for f in &files {
            let mut d = f.as_str();
            while let Some((up, _)) = d.rsplit_once('/') {
                if !dirs.insert(up.to_string()) {
                    break;
                }
                d = up;
            }
        }
        // BuildKit prefers `<Dockerfile>.dockerignore` beside the Dockerfile to the context's own.
        let own = format!("{dockerfile}.dockerignore");
        let root = format!("{prefix}.dockerignore");
        let ignore = [own, root]
            .iter()
            .find_map(|name| repo.dockerignores.iter().find(|(f, _)| f == name))
            .map(|(f, text)| DockerIgnore::parse(f, text))
            .unwrap_or_default();
        Context { dir: dir.to_string(), files, dirs, ignore }
    }

    /// The repo path of a context path.
    fn repo_path(&self, rel: &str) -> String {
        join(&self.dir, rel)
    }

    /// The context path of a repo path (`None` outside the context).
    fn relative(&self, repo_path: &str) -> Option<String> {
        if self.dir.is_empty() {
            return Some(repo_path.to_string());
        }
        repo_path.strip_prefix(&format!("{}/", self.dir)).map(str::to_string)
    }

    /// True when the path lies in a folder the repo walk skips (node_modules, target, ...):
    /// whether it exists is not known, so it is not judged.
    fn unknown(&self, rel: &str) -> bool {
        let full = self.repo_path(rel);
        full.split('/').any(|seg| SKIPPED_DIRS.contains(&seg))
    }

    fn is_file(&self, rel: &str) -> bool {
        self.files.contains(rel)
    }

    fn is_dir(&self, rel: &str) -> bool {
        rel == "." || rel.is_empty() || self.dirs.contains(rel)
    }

    fn excluded(&self, rel: &str) -> Option<&Pattern> {
        self.ignore.excluded_by(rel)
    }

    /// What the context holds at `rel`.
    fn lookup(&self, rel: &str) -> Found {
        if self.is_file(rel) {
            return match self.excluded(rel) {
                Some(p) => Found::Excluded(p.clone()),
                None => Found::File,
            };
        }
        if self.is_dir(rel) {
            if rel == "." || rel.is_empty() {
                return Found::Dir;
            }
            return match self.excluded(rel) {
                // A folder left out still reaches the build when an exception keeps a file below it.
                Some(p) => {
                    let prefix = format!("{rel}/");
                    let kept = self
                        .files
                        .range(prefix.clone()..)
                        .take_while(|f| f.starts_with(&prefix))
                        .any(|f| self.excluded(f).is_none());
                    if kept { Found::Dir } else { Found::Excluded(p.clone()) }
                }
                None => Found::Dir,
            };
        }
        Found::Missing
    }

    /// The context files and folders a glob source matches (not left out).
    fn glob(&self, pattern: &str) -> Vec<String> {
        let Ok(re) = Regex::new(&glob_regex(pattern)) else { return Vec::new() };
        self.files
            .iter()
            .chain(self.dirs.iter())
            .filter(|p| re.is_match(p) && self.excluded(p).is_none())
            .cloned()
            .collect()
    }

    fn ignore_words(&self, p: &Pattern) -> String {
        let file = self.ignore.file.as_deref().unwrap_or(".dockerignore");
        format!("{file} line {} (`{}`)", p.line, p.text)
    }
}

#[derive(Debug, Clone)]
enum Found {
    File,
    Dir,
    Excluded(Pattern),
    Missing,
}

// ---------------------------------------------------------------------------------------------
// Contexts named elsewhere

/// Dockerfile -> (context folder, the file that names it), from compose files and workflows.
fn named_contexts(repo: &Repo) -> HashMap<String, (String, String)> {
    let mut out: HashMap<String, (String, String)> = HashMap::new();
    let mut add = |dockerfile: String, context: String, by: &str| {
        if !dockerfile.contains('$') && !context.contains('$') {
            out.entry(dockerfile).or_insert((context, by.to_string()));
        }
    };
    for y in &repo.yaml {
        let name = base_of(&y.file);
        if !(name.starts_with("docker-compose") || name.starts_with("compose")) {
            continue;
        }
        let here = dir_of(&y.file);
        for svc in y.node.get("services").map(Node::entries).unwrap_or_default() {
            let Some(build) = svc.value.get("build") else { continue };
            let (ctx, file) = match build.as_str() {
                Some(ctx) => (ctx, "Dockerfile"),
                None => (
                    build.get("context").and_then(Node::as_str).unwrap_or("."),
                    build.get("dockerfile").and_then(Node::as_str).unwrap_or("Dockerfile"),
                ),
            };
            let context = join(here, ctx);
            add(join(&context, file), context, &y.file);
        }
    }
    for wf in &repo.workflows {
        let mut steps = Vec::new();
        collect_steps(&wf.node, &mut steps);
        for step in steps {
            let with = step.get("with");
            let arg = |k: &str| with.and_then(|w| w.get(k)).and_then(Node::as_str);
            if step.get("uses").and_then(Node::as_str).is_some_and(|u| u.starts_with("docker/build-push-action")) {
                let context = join("", arg("context").unwrap_or("."));
                let file = arg("file").map(|f| join("", f)).unwrap_or_else(|| join(&context, "Dockerfile"));
                add(file, context, &wf.file);
            }
            if let Some(run) = step.get("run").and_then(Node::as_str) {
                for (file, context) in docker_build_lines(run) {
                    add(file, context, &wf.file);
                }
            }
        }
    }
    out
}

/// Every mapping with `uses` or `run` under a workflow.
fn collect_steps<'n>(node: &'n Node, out: &mut Vec<&'n Node>) {
    if node.get("uses").is_some() || node.get("run").is_some() {
        out.push(node);
    }
    for e in node.entries() {
        collect_steps(&e.value, out);
    }
    for i in node.items() {
        collect_steps(i, out);
    }
}

/// `docker build` / `docker buildx build` / `podman build` lines of a script: (Dockerfile, context).
fn docker_build_lines(script: &str) -> Vec<(String, String)> {
    const SWITCHES: &[&str] = &["--push", "--load", "--no-cache", "--pull", "-q", "--quiet", "--rm", "--force-rm"];
    let joined = script.replace("\\\n", " ");
    let mut out = Vec::new();
    for line in joined.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(at) = words
            .windows(2)
            .position(|w| matches!(w, ["docker" | "podman", "build"]) || matches!(w, ["buildx", "build"]))
        else {
            continue;
        };
        let (mut file, mut context) = (None, None);
        let mut i = at + 2;
        while i < words.len() {
            let w = words[i].trim_matches(['"', '\'']);
            if matches!(w, "&&" | "||" | ";" | "|") {
                break;
            }
            if let Some(f) = w.strip_prefix("--file=") {
                file = Some(f.to_string());
            } else if w == "-f" || w == "--file" {
                file = words.get(i + 1).map(|f| f.trim_matches(['"', '\'']).to_string());
                i += 1;
            } else if w.starts_with('-') {
                if !w.contains('=') && !SWITCHES.contains(&w) {
                    i += 1;
                }
            } else {
                context = Some(w.to_string());
            }
            i += 1;
        }
        if let Some(ctx) = context.filter(|c| !c.contains("://")) {
            let context = join("", &ctx);
            let file = file.map(|f| join("", &f)).unwrap_or_else(|| join(&context, "Dockerfile"));
            out.push((file, context));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Reading the Dockerfile

/// Where a copy puts things in the image, and from where.
#[derive(Debug, Clone)]
struct Copied {
    line: u32,
    from: Source,
    /// Absolute image path of the destination.
    dest: String,
    /// The destination is a folder (ends in `/`, several sources, a glob or a folder source).
    into_dir: bool,
    /// The instruction as written (for fixes).
    text: String,
}

#[derive(Debug, Clone)]
enum Source {
    /// A context file.
    File(String),
    /// A context folder (its content lands in the destination).
    Dir(String),
    /// A glob over the context.
    Glob(String),
    /// A source already reported as missing or left out (not reported again by install steps).
    Reported(String),
    /// Another stage, a URL, a build variable: unknown content.
    Unknown,
}

/// What a stage's image holds as far as the Dockerfile says.
#[derive(Debug, Clone)]
struct Stage {
    name: Option<String>,
    /// The working folder (`None` after a WORKDIR with a build variable).
    workdir: Option<String>,
    copies: Vec<Copied>,
    /// Image folders known to exist (WORKDIRs and folder destinations, with their parents): a
    /// file copied to one of them without a trailing `/` lands inside it.
    dirs: BTreeSet<String>,
    /// Text of the commands run so far (a later step may use what they made).
    ran: String,
}

impl Stage {
    fn new(name: Option<String>) -> Stage {
        let dirs = BTreeSet::from(["/".to_string()]);
        Stage { name, workdir: Some("/".into()), copies: Vec::new(), dirs, ran: String::new() }
    }

    /// Notes an image folder and its parents as existing.
    fn has_dir(&mut self, dir: &str) {
        let mut d = dir.to_string();
        while d.len() > 1 && self.dirs.insert(d.clone()) {
            d = match d.rsplit_once('/') {
                Some(("", _)) | None => "/".into(),
                Some((up, _)) => up.to_string(),
            };
        }
    }
}

/// Splits `COPY`/`ADD` arguments: flags, sources, destination. `None` for heredocs and malformed lines.
fn copy_parts(args: &str) -> Option<(Vec<String>, Vec<String>, String)> {
    let mut flags = Vec::new();
    let mut rest = args.trim();
    while rest.starts_with("--") {
        let (flag, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        flags.push(flag.to_string());
        rest = tail.trim_start();
    }
    if rest.contains("<<") {
        return None;
    }
    let mut words: Vec<String> = if rest.starts_with('[') {
        serde_json::from_str(rest).ok()?
    } else {
        rest.split_whitespace().map(|w| w.trim_matches(['"', '\'']).to_string()).collect()
    };
    if words.len() < 2 {
        return None;
    }
    let dest = words.pop()?;
    Some((flags, words, dest))
}

/// Judges one Dockerfile against its context.
struct Judge<'r> {
    repo: &'r Repo,
    ctx: &'r Context,
    problems: Vec<Problem>,
    /// Files an install step was already reported to lack.
    reported: BTreeSet<String>,
}

impl<'r> Judge<'r> {
    fn new(repo: &'r Repo, ctx: &'r Context) -> Judge<'r> {
        Judge { repo, ctx, problems: Vec::new(), reported: BTreeSet::new() }
    }

    fn run(mut self, df: &Dockerfile) -> Vec<Problem> {
        let mut stages: Vec<Stage> = Vec::new();
        for ins in &df.instructions {
            match ins.keyword.as_str() {
                "FROM" => stages.push(self.from(ins, &stages)),
                "WORKDIR" => {
                    if let Some(st) = stages.last_mut() {
                        let dir = ins.args.trim().trim_matches(['"', '\'']);
                        st.workdir = match (&st.workdir, dir.contains('$')) {
                            (Some(cwd), false) => Some(abs(cwd, dir)),
                            _ => None,
                        };
                        if let Some(dir) = st.workdir.clone() {
                            st.has_dir(&dir);
                        }
                    }
                }
                "COPY" | "ADD" => {
                    if let Some(st) = stages.last_mut() {
                        let copies = self.copy(ins, st.workdir.as_deref(), &st.dirs);
                        for c in copies.iter().filter(|c| c.into_dir && !c.dest.is_empty()) {
                            st.has_dir(&c.dest);
                        }
                        st.copies.extend(copies);
                    }
                }
                "RUN" => {
                    if let Some(st) = stages.last_mut() {
                        self.run_step(ins, st);
                    }
                }
                _ => {}
            }
        }
        self.problems
    }

    fn from(&self, ins: &Instruction, stages: &[Stage]) -> Stage {
        let words: Vec<&str> = ins.args.split_whitespace().filter(|w| !w.starts_with("--")).collect();
        let name = match words.as_slice() {
            [_, as_, name, ..] if as_.eq_ignore_ascii_case("as") => Some(name.to_ascii_lowercase()),
            _ => None,
        };
        let base = words.first().map(|w| w.to_ascii_lowercase()).unwrap_or_default();
        // A stage built on an earlier one starts with its files.
        let earlier = stages.iter().rev().find(|s| s.name.as_deref() == Some(base.as_str())).or_else(|| {
            base.parse::<usize>().ok().and_then(|i| stages.get(i)).filter(|_| base.chars().all(|c| c.is_ascii_digit()))
        });
        match earlier {
            Some(s) => Stage { name, ..s.clone() },
            None => Stage::new(name),
        }
    }

    /// A COPY/ADD line: reports sources that are not in the context, and records where the rest go.
    fn copy(&mut self, ins: &Instruction, workdir: Option<&str>, dirs: &BTreeSet<String>) -> Vec<Copied> {
        let Some((flags, sources, dest)) = copy_parts(&ins.args) else { return Vec::new() };
        let text = format!("{} {}", ins.keyword, ins.args.trim());
        let dest_abs = match workdir {
            Some(cwd) if !dest.contains('$') => abs(cwd, &dest),
            _ => String::new(),
        };
        let from_elsewhere = flags.iter().any(|f| f.starts_with("--from"));
        let several = sources.len() > 1;
        let unknown = |dest: &str| Copied {
            line: ins.line,
            from: Source::Unknown,
            dest: dest.to_string(),
            into_dir: true,
            text: text.clone(),
        };
        if from_elsewhere {
            return vec![unknown(&dest_abs)];
        }
        let globs_match = sources.iter().any(|s| is_glob(s) && !self.ctx.glob(&clean_source(s)).is_empty());
        let mut out = Vec::new();
        for src in &sources {
            let is_url = src.contains("://") || src.starts_with("git@");
            if src.contains('$') || is_url {
                out.push(unknown(&dest_abs));
                continue;
            }
            let rel = clean_source(src);
            if self.ctx.unknown(&rel) {
                out.push(unknown(&dest_abs));
                continue;
            }
            let into_dir = several || dest.ends_with('/') || dirs.contains(&dest_abs) || is_glob(src);
            let from = if is_glob(src) {
                // `COPY package-lock.json* ./`: a glob that matches nothing is fine while another
                // source of the line copies something.
                if !globs_match && !sources.iter().any(|s| !is_glob(s) && self.ctx.lookup(&clean_source(s)).present()) {
                    self.missing_source(ins, &text, src, &rel, None);
                }
                Source::Glob(rel)
            } else {
                match self.ctx.lookup(&rel) {
                    Found::File => Source::File(rel),
                    Found::Dir => Source::Dir(rel),
                    Found::Excluded(p) => {
                        self.missing_source(ins, &text, src, &rel, Some(&p));
                        Source::Reported(rel)
                    }
                    Found::Missing => {
                        self.missing_source(ins, &text, src, &rel, None);
                        Source::Reported(rel)
                    }
                }
            };
            let into_dir = into_dir || matches!(from, Source::Dir(_));
            out.push(Copied { line: ins.line, from, dest: dest_abs.clone(), into_dir, text: text.clone() });
        }
        if workdir.is_none() || dest.contains('$') {
            // Where they land is not known: later install steps cannot be judged on them.
            return vec![unknown("")];
        }
        out
    }

    fn missing_source(&mut self, ins: &Instruction, text: &str, src: &str, rel: &str, left_out: Option<&Pattern>) {
        let path = self.ctx.repo_path(rel);
        let context = shown(&self.ctx.dir);
        if let Some(p) = left_out {
            let words = self.ctx.ignore_words(p);
            self.problems.push(Problem {
                line: ins.line,
                message: format!(
                    "`{text}` copies `{src}`, which {words} leaves out of the build context ({context}): `docker build` \
                     stops here"
                ),
                fix: format!(
                    "Keep `{rel}` in the build context: delete line {} of {} or add `!{rel}` below it.",
                    p.line,
                    self.ctx.ignore.file.as_deref().unwrap_or(".dockerignore")
                ),
                lockfile: None,
                creatable: false,
            });
            return;
        }
        let name = base_of(rel);
        let creatable = self.creatable_lockfile(&path).is_some();
        let lockfile = manifest_of_lockfile(name).map(|_| path.clone());
        let by_hand = lock_command(name);
        let fix = match by_hand {
            _ if creatable => format!("{} Then this line copies it.", create_words(&path)),
            Some(how) if !is_glob(src) && lockfile.is_some() => {
                format!("{how} in {} and commit `{name}`; then this line copies it.", shown(dir_of(&path)))
            }
            _ if is_glob(src) => format!("Add a file matching `{src}` to {context}, or remove `{src}` from this line."),
            _ => format!(
                "Add `{name}` to {context} (the build context), or remove `{src}` from this line; if the file is \
                 optional, write it as a glob (`{src}*`), which copies nothing when it is absent."
            ),
        };
        let what = if is_glob(src) {
            format!("matches nothing in the build context ({context})")
        } else {
            format!("is not in the build context ({context})")
        };
        self.problems.push(Problem {
            line: ins.line,
            message: format!("`{text}` copies `{src}`, which {what}: `docker build` stops here"),
            fix,
            lockfile,
            creatable,
        });
    }

    /// The repo path of a missing Node lockfile that a package manager can write: a package.json
    /// beside it and no other Node lockfile there.
    fn creatable_lockfile(&self, path: &str) -> Option<String> {
        let name = base_of(path);
        let dir = dir_of(path);
        let beside = |n: &str| self.repo.files.iter().any(|f| f == &join(dir, n));
        (NODE_LOCKFILES.contains(&name) && beside("package.json") && !NODE_LOCKFILES.iter().any(|l| beside(l)))
            .then(|| path.to_string())
    }

    fn run_step(&mut self, ins: &Instruction, st: &mut Stage) {
        let mut args = ins.args.trim();
        let mut mounted = false;
        while args.starts_with("--") {
            let (flag, tail) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
            mounted |= flag.starts_with("--mount") && flag.contains("type=bind");
            args = tail.trim_start();
        }
        let mut cwd = st.workdir.clone();
        for cmd in commands(args) {
            let words: Vec<&str> = cmd.iter().map(String::as_str).collect();
            if let ["cd", dir, ..] = words.as_slice() {
                cwd = cwd.filter(|_| !dir.contains('$')).map(|c| abs(&c, dir));
                continue;
            }
            if !mounted && let Some(cwd) = &cwd {
                for need in needs(&words) {
                    self.need(ins, st, cwd, &need, &cmd.join(" "));
                }
                self.executable(ins, st, cwd, &words);
            }
            st.ran.push_str(&cmd.join(" "));
            st.ran.push('\n');
        }
    }

    /// `./gradlew` runs only when the copied file is executable: a gradlew committed without its
    /// executable bit (from Windows, or a zip) stops the build with "Permission denied" unless the
    /// stage makes it executable first (`chmod +x`, `COPY --chmod`) or runs it through `sh`.
    fn executable(&mut self, ins: &Instruction, st: &Stage, cwd: &str, words: &[&str]) {
        let Some(program) = words.first().filter(|w| w.contains('/') && base_of(w) == "gradlew") else { return };
        let Some(repo_path) = self.in_image(st, &abs(cwd, program)) else { return };
        let made = st.ran.contains("chmod") && st.ran.contains("gradlew")
            || st.copies.iter().any(|c| c.text.contains("--chmod"));
        let mode = std::fs::metadata(self.repo.root.join(&repo_path)).map(|m| {
            use std::os::unix::fs::PermissionsExt;
            m.permissions().mode()
        });
        if made || !matches!(mode, Ok(m) if m & 0o111 == 0) || !self.reported.insert(format!("{repo_path} +x")) {
            return;
        }
        self.problems.push(Problem {
            line: ins.line,
            message: format!(
                "`{}` runs `{repo_path}`, which is not executable in the repo (no executable bit), so the build \
                 stops with \"Permission denied\"",
                words.join(" ")
            ),
            fix: format!(
                "Run `git update-index --chmod=+x {repo_path}` (or `chmod +x {repo_path}`) and commit it, or add \
                 `RUN chmod +x {program}` before line {}.",
                ins.line
            ),
            lockfile: None,
            creatable: false,
        });
    }

    /// One install step's need: reports it when the image certainly lacks the file.
    fn need(&mut self, ins: &Instruction, st: &Stage, cwd: &str, need: &Need, command: &str) {
        if let Some(manifest) = need.only_if {
            let Some(repo_manifest) = self.in_image(st, &abs(cwd, manifest)) else { return };
            if !(need.condition)(self.repo, &repo_manifest) {
                return;
            }
        }
        let mut verdicts = Vec::new();
        for n in &need.any_of {
            match self.present(st, &abs(cwd, n)) {
                Presence::Yes | Presence::Unknown => return,
                v => verdicts.push(v),
            }
        }
        let first = need.any_of[0].as_str();
        if need.creators.iter().any(|c| st.ran.contains(c)) || st.ran.contains(base_of(first)) {
            return;
        }
        // Where the creator's file is, or belongs: beside the manifest the image got, else where
        // a folder copy would have taken it from, else the context's top.
        let sibling = need.beside.and_then(|m| self.in_image(st, &abs(cwd, m)));
        let wanted = match (&sibling, verdicts.iter().find_map(Presence::candidate)) {
            (Some(manifest), _) => join(dir_of(manifest), first),
            (None, Some(c)) => c,
            (None, None) => self.ctx.repo_path(first),
        };
        let repo_dir = dir_of(&wanted).to_string();
        let name = base_of(&wanted).to_string();
        let names = need.any_of.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" or ");
        let rel = self.ctx.relative(&wanted);
        let beside_copy = st
            .copies
            .iter()
            .rev()
            .find(|c| matches!(&c.from, Source::File(f) if need.beside.is_some_and(|m| base_of(f) == base_of(m))));
        let copy_hint = match (beside_copy, &rel) {
            (Some(c), _) => format!("add `{name}` to line {} (`{}`)", c.line, c.text),
            (None, Some(rel)) => format!("copy it in before this line (`COPY {rel} {}`)", abs(cwd, first)),
            (None, None) => {
                format!("move it into the build context ({}) and copy it in before this line", shown(&self.ctx.dir))
            }
        };
        let found = rel.as_deref().map(|r| self.ctx.lookup(r)).unwrap_or(Found::Missing);
        let found_again = found.clone();
        let (message, fix, creatable) = match found {
            Found::File => (
                format!(
                    "`{command}` needs {names} in {cwd}, and the image has none when this line runs: `{wanted}` is \
                     in the repo but not copied in before it"
                ),
                format!("Copy it in first: {copy_hint}."),
                false,
            ),
            Found::Excluded(p) => (
                format!(
                    "`{command}` needs {names} in {cwd}, but {} leaves `{wanted}` out of the build context",
                    self.ctx.ignore_words(&p)
                ),
                format!(
                    "Delete line {} of {} (or add `!{}` below it).",
                    p.line,
                    self.ctx.ignore.file.as_deref().unwrap_or(".dockerignore"),
                    rel.unwrap_or_default()
                ),
                false,
            ),
            Found::Dir | Found::Missing => {
                let creatable = self.creatable_lockfile(&wanted).is_some();
                let create = match (creatable, lock_command(&name)) {
                    (true, _) => create_words(&wanted),
                    (false, Some(how)) => format!("{how} in {} and commit `{name}`.", shown(&repo_dir)),
                    (false, None) => format!("Add `{wanted}` to the repo."),
                };
                // Copied by a line already reported, or by a folder copy: creating it is enough.
                let copied = verdicts.iter().any(|v| matches!(v, Presence::Missing | Presence::No(Some(_))));
                (
                    format!(
                        "`{command}` needs {names} in {cwd}, and `{wanted}` is not in the repo: `docker build` stops here"
                    ),
                    if copied { create } else { format!("{create} Then {copy_hint}.") },
                    creatable,
                )
            }
        };
        // The line that copies a missing lockfile already says it, and a later step needing the
        // same file adds nothing: one finding per missing file.
        if verdicts.iter().any(|v| matches!(v, Presence::Missing)) || !self.reported.insert(wanted.clone()) {
            return;
        }
        let lockfile = (manifest_of_lockfile(&name).is_some()
            && !matches!(found_again, Found::File | Found::Excluded(_)))
        .then(|| wanted.clone());
        self.problems.push(Problem { line: ins.line, message, fix, lockfile, creatable });
    }

    /// The repo path a file of the image came from, when a copy of this stage put it there.
    fn in_image(&self, st: &Stage, path: &str) -> Option<String> {
        match self.present_from(st, path) {
            (Presence::Yes, repo) => repo,
            _ => None,
        }
    }

    fn present(&self, st: &Stage, path: &str) -> Presence {
        self.present_from(st, path).0
    }

    /// Whether the stage's copies put a file at the image path, and the repo file they copied.
    fn present_from(&self, st: &Stage, path: &str) -> (Presence, Option<String>) {
        let mut fallback = Presence::No(None);
        for c in st.copies.iter().rev() {
            let target = |f: &str| if c.into_dir { abs(&c.dest, base_of(f)) } else { c.dest.clone() };
            match &c.from {
                Source::Unknown if c.dest.is_empty() || path == c.dest || below(&c.dest, path).is_some() => {
                    return (Presence::Unknown, None);
                }
                Source::File(f) if target(f) == path => return (Presence::Yes, Some(self.ctx.repo_path(f))),
                Source::Reported(f) if target(f) == path => return (Presence::Missing, None),
                Source::Dir(d) => {
                    if let Some(rel) = below(&c.dest, path) {
                        let inner = join(d, rel);
                        match self.ctx.lookup(&inner) {
                            Found::File => return (Presence::Yes, Some(self.ctx.repo_path(&inner))),
                            _ => fallback = Presence::No(Some(self.ctx.repo_path(&inner))),
                        }
                    }
                }
                Source::Glob(g)
                    if dir_of(path) == c.dest.trim_end_matches('/') || (c.dest == "/" && dir_of(path).is_empty()) =>
                {
                    let inner = join(dir_of(g), base_of(path));
                    if self.ctx.glob(g).contains(&inner) && self.ctx.is_file(&inner) {
                        return (Presence::Yes, Some(self.ctx.repo_path(&inner)));
                    }
                }
                _ => {}
            }
        }
        (fallback, None)
    }
}

impl Found {
    fn present(&self) -> bool {
        matches!(self, Found::File | Found::Dir)
    }
}

/// Whether a file is in the image at a step.
#[derive(Debug, Clone)]
enum Presence {
    Yes,
    /// Not there; the repo path a folder copy would have taken it from.
    No(Option<String>),
    /// Its COPY line was reported: the file is not in the context.
    Missing,
    Unknown,
}

impl Presence {
    fn candidate(&self) -> Option<String> {
        match self {
            Presence::No(c) => c.clone(),
            _ => None,
        }
    }
}

/// A COPY source as a context path (`./a/` is `a`, `/a` is `a`, `..` stops at the top).
fn clean_source(src: &str) -> String {
    let j = join("", src);
    if j.is_empty() { ".".into() } else { j }
}

/// "Create it with npm: run `…` in `dir/` and commit …".
pub fn create_words(path: &str) -> String {
    let name = base_of(path);
    let dir = shown(dir_of(path));
    let how = creation_command(name).map(|argv| argv.join(" ")).unwrap_or_default();
    format!(
        "Create `{name}` with the app's package manager: run `{how}` in {dir} and commit it (`vibe review --fix` does this)."
    )
}

/// How to write a lockfile by hand ("Run `go mod tidy`"), for those vibe does not write.
fn lock_command(name: &str) -> Option<&'static str> {
    match name {
        "go.sum" => Some("Run `go mod tidy`"),
        "poetry.lock" => Some("Run `poetry lock`"),
        "uv.lock" => Some("Run `uv lock`"),
        "Pipfile.lock" => Some("Run `pipenv lock`"),
        "composer.lock" => Some("Run `composer update`"),
        "Cargo.lock" => Some("Run `cargo generate-lockfile`"),
        "package-lock.json" => Some("Run `npm install --package-lock-only --ignore-scripts`"),
        "yarn.lock" => Some("Run `yarn install`"),
        "pnpm-lock.yaml" => Some("Run `pnpm install --lockfile-only`"),
        _ => None,
    }
}

/// The command that writes a Node lockfile without installing anything or running scripts.
pub fn creation_command(lockfile: &str) -> Option<&'static [&'static str]> {
    match lockfile {
        "package-lock.json" => Some(&["npm", "install", "--package-lock-only", "--ignore-scripts"]),
        "yarn.lock" => Some(&["yarn", "install", "--mode", "update-lockfile"]),
        "pnpm-lock.yaml" => Some(&["pnpm", "install", "--lockfile-only", "--ignore-scripts"]),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Install steps

/// What one install command needs in its working folder.
struct Need {
    /// One of these files (relative to the working folder).
    any_of: Vec<String>,
    /// Only when this file is in the image and its repo text passes `condition` (go.mod with requires).
    only_if: Option<&'static str>,
    condition: fn(&Repo, &str) -> bool,
    /// The manifest it sits beside (where the creator's copy belongs).
    beside: Option<&'static str>,
    /// Commands that write it (an earlier step running one makes it).
    creators: &'static [&'static str],
}

fn always(_: &Repo, _: &str) -> bool {
    true
}

impl Need {
    fn file(any_of: &[&str], beside: Option<&'static str>) -> Need {
        let any_of = any_of.iter().map(|f| f.to_string()).collect();
        Need { any_of, only_if: None, condition: always, beside, creators: &[] }
    }
}

/// go.mod requires modules from outside the repo (then go.sum is needed); a module replaced by a
/// folder of the repo (`replace shop/observability => ./observability`) has no checksum to record.
fn go_mod_requires(repo: &Repo, go_mod: &str) -> bool {
    static LOCAL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^\s*(?:replace\s+)?(\S+)(?:\s+v\S+)?\s*=>\s*\.\.?(?:/\S*)?\s*$").expect("valid")
    });
    repo.dependency_files.iter().filter(|f| f.file == go_mod).any(|f| {
        let local: Vec<&str> = LOCAL.captures_iter(&f.text).filter_map(|c| c.get(1)).map(|m| m.as_str()).collect();
        Language::Go
            .support()
            .dependencies("go.mod", &f.text)
            .unwrap_or_default()
            .iter()
            .any(|(module, _)| !local.contains(&module.as_str()))
    })
}

/// composer.json requires packages (not only `php` and extensions).
fn composer_requires(repo: &Repo, composer_json: &str) -> bool {
    repo.dependency_files.iter().filter(|f| f.file == composer_json).any(|f| {
        serde_json::from_str::<serde_json::Value>(&f.text)
            .ok()
            .and_then(|j| j.get("require").and_then(|r| r.as_object()).cloned())
            .is_some_and(|req| req.keys().any(|k| k != "php" && !k.starts_with("ext-")))
    })
}

/// The files an install command needs.
fn needs(words: &[&str]) -> Vec<Need> {
    let words: Vec<&str> =
        words.iter().copied().skip_while(|w| w.contains('=') && !w.starts_with('-') || *w == "sudo").collect();
    let has = |flag: &str| words.contains(&flag);
    let (tool, sub) = (words.first().copied().unwrap_or(""), words.get(1).copied().unwrap_or(""));
    let tool = base_of(tool);
    let mut out = Vec::new();
    match tool {
        "npm" if matches!(sub, "ci" | "clean-install" | "install-clean" | "cit" | "install-ci-test") => {
            let mut n = Need::file(&["package-lock.json", "npm-shrinkwrap.json"], Some("package.json"));
            n.creators = &["npm install", "npm i "];
            out.push(Need::file(&["package.json"], None));
            out.push(n);
        }
        "yarn" if has("--frozen-lockfile") || has("--immutable") => {
            let mut n = Need::file(&["yarn.lock"], Some("package.json"));
            n.creators = &["yarn install --mode update-lockfile"];
            out.push(n);
        }
        "pnpm" if matches!(sub, "install" | "i") && has("--frozen-lockfile") => {
            let mut n = Need::file(&["pnpm-lock.yaml"], Some("package.json"));
            n.creators = &["pnpm install --lockfile-only"];
            out.push(n);
        }
        "pip" | "pip3" | "uv" | "python" | "python3" => {
            let rest: Vec<&str> = match (tool, sub) {
                ("python" | "python3", "-m") if words.get(2).is_some_and(|w| w.starts_with("pip")) => {
                    words[3..].to_vec()
                }
                ("uv", "pip") => words[2..].to_vec(),
                ("pip" | "pip3", _) => words[1..].to_vec(),
                _ => Vec::new(),
            };
            if rest.first() == Some(&"install") {
                for (i, w) in rest.iter().enumerate() {
                    let file = match *w {
                        "-r" | "--requirement" => rest.get(i + 1).copied(),
                        w => {
                            w.strip_prefix("--requirement=").or_else(|| w.strip_prefix("-r").filter(|f| !f.is_empty()))
                        }
                    };
                    if let Some(f) = file.filter(|f| !f.contains('$') && !f.contains("://")) {
                        out.push(Need::file(&[f], None));
                    }
                }
            }
        }
        "poetry" if sub == "install" => {
            let mut n = Need::file(&["poetry.lock"], Some("pyproject.toml"));
            n.creators = &["poetry lock"];
            out.push(n);
        }
        "pipenv" if sub == "install" && (has("--deploy") || has("--ignore-pipfile")) => {
            let mut n = Need::file(&["Pipfile.lock"], Some("Pipfile"));
            n.creators = &["pipenv lock"];
            out.push(n);
        }
        "go" if sub == "build" || (sub == "mod" && words.get(2) == Some(&"download")) => {
            let mut n = Need::file(&["go.sum"], Some("go.mod"));
            n.only_if = Some("go.mod");
            n.condition = go_mod_requires;
            n.creators = &["go mod tidy"];
            out.push(n);
        }
        "composer" if sub == "install" => {
            let mut n = Need::file(&["composer.lock"], Some("composer.json"));
            n.only_if = Some("composer.json");
            n.condition = composer_requires;
            n.creators = &["composer update"];
            out.push(n);
        }
        "cargo" if matches!(sub, "build" | "install" | "fetch") && (has("--locked") || has("--frozen")) => {
            let mut n = Need::file(&["Cargo.lock"], Some("Cargo.toml"));
            n.creators = &["cargo generate-lockfile", "cargo update"];
            out.push(n);
        }
        "mvn" | "mvnw" => out.push(Need::file(&["pom.xml"], None)),
        "gradle" | "gradlew" => {
            out.push(Need::file(&["build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts"], None))
        }
        _ => {}
    }
    if matches!(tool, "mvnw" | "gradlew") && words[0].contains('/') {
        let wrapper = if tool == "mvnw" {
            ".mvn/wrapper/maven-wrapper.properties"
        } else {
            "gradle/wrapper/gradle-wrapper.properties"
        };
        out.push(Need::file(&[wrapper], None));
        // `./gradlew` / `./mvnw`: the wrapper script itself must have been copied in too.
        if let Some(script) = words[0].strip_prefix("./") {
            out.push(Need::file(&[script], None));
        }
    }
    out
}

/// The commands of a RUN line (split on `&&`, `||`, `;`, `|`), each as words without quotes.
fn commands(script: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for raw in script.split_whitespace() {
        let mut w = raw;
        let mut ends = false;
        if matches!(w, "&&" | "||" | ";" | "|") {
            out.push(std::mem::take(&mut current));
            continue;
        }
        if let Some(stripped) = w.strip_suffix(';') {
            w = stripped;
            ends = true;
        }
        let w = w.trim_matches(['"', '\'', '(', ')']);
        if !w.is_empty() {
            current.push(w.to_string());
        }
        if ends {
            out.push(std::mem::take(&mut current));
        }
    }
    out.push(current);
    out.retain(|c| !c.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn problems(files: &[(&str, &str)]) -> Vec<Problem> {
        let repo = Repo::from_files(Path::new("/nowhere"), files);
        builds(&repo).into_iter().flat_map(|b| b.problems).collect()
    }

    const PKG: &str = "{\"name\": \"shop\", \"dependencies\": {\"express\": \"^4.19.2\"}}";

    #[test]
    fn a_copied_lockfile_that_is_not_there_is_one_finding_at_the_copy() {
        let df =
            "FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY . .\n";
        let p = problems(&[("Dockerfile", df), ("package.json", PKG)]);
        assert_eq!(p.len(), 1, "{p:#?}");
        assert_eq!(p[0].line, 3);
        assert!(p[0].message.contains("`package-lock.json`"), "{}", p[0].message);
        assert!(p[0].fix.contains("npm install --package-lock-only --ignore-scripts"), "{}", p[0].fix);
        assert_eq!((p[0].lockfile.as_deref(), p[0].creatable), (Some("package-lock.json"), true));
    }

    #[test]
    fn npm_ci_after_copying_everything_needs_the_lockfile_in_the_repo() {
        let df = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
        let p = problems(&[("web/Dockerfile", df), ("web/package.json", PKG)]);
        assert_eq!(p.len(), 1, "{p:#?}");
        assert_eq!((p[0].line, p[0].lockfile.as_deref()), (4, Some("web/package-lock.json")));
        assert!(
            p[0].message.contains("`npm ci` needs `package-lock.json` or `npm-shrinkwrap.json` in /app"),
            "{}",
            p[0].message
        );
        assert!(
            problems(&[("web/Dockerfile", df), ("web/package.json", PKG), ("web/package-lock.json", "{}")]).is_empty()
        );
    }

    #[test]
    fn a_lockfile_in_the_repo_but_not_copied_in_is_named_with_the_copy_to_change() {
        let df = "FROM node:22\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\nCOPY . .\n";
        let p = problems(&[("Dockerfile", df), ("package.json", PKG), ("package-lock.json", "{}")]);
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(p[0].fix.contains("add `package-lock.json` to line 3 (`COPY package.json ./`)"), "{}", p[0].fix);
        assert_eq!(p[0].lockfile, None, "the lockfile exists: S4 has nothing to leave to A7");
    }

    #[test]
    fn dockerignored_sources_name_the_ignore_line() {
        let df = "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt config.json ./\nRUN pip install -r requirements.txt\n";
        let files = [
            ("Dockerfile", df),
            ("requirements.txt", "flask==3.0.3\n"),
            ("config.json", "{}"),
            (".dockerignore", "# local\n*.json\n!package.json\n"),
        ];
        let p = problems(&files);
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(p[0].message.contains(".dockerignore line 2 (`*.json`)"), "{}", p[0].message);
        assert!(p[0].fix.contains("delete line 2 of .dockerignore or add `!config.json` below it"), "{}", p[0].fix);
    }

    #[test]
    fn other_stages_optional_globs_and_urls_are_not_context_files() {
        let df = "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app .\n\
                  FROM gcr.io/distroless/static\nCOPY --from=build /app /app\nCOPY package-lock.json* go.mod ./\n\
                  ADD https://example.com/x.tgz /x.tgz\n";
        let files = [("Dockerfile", df), ("go.mod", "module shop\n\ngo 1.23\n"), ("main.go", "package main\n")];
        assert!(problems(&files).is_empty(), "{:#?}", problems(&files));
    }

    #[test]
    fn go_sum_is_needed_only_when_go_mod_requires_modules() {
        let df = "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n";
        let go_mod = "module shop\n\ngo 1.23\n\nrequire github.com/go-chi/chi/v5 v5.1.0\n";
        let p = problems(&[("Dockerfile", df), ("go.mod", go_mod), ("main.go", "package main\n")]);
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(p[0].fix.contains("Run `go mod tidy` in the repo root and commit `go.sum`"), "{}", p[0].fix);
        assert_eq!(p[0].lockfile.as_deref(), Some("go.sum"));
        let tidy = "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go mod tidy && go build -o /app .\n";
        assert!(problems(&[("Dockerfile", tidy), ("go.mod", go_mod)]).is_empty(), "go mod tidy writes go.sum first");
        // A module replaced by a folder of the repo (the wired observability module) has no checksum.
        let local = "module shop\n\ngo 1.23\n\nrequire shop/observability v0.0.0\n\nreplace shop/observability => ./observability\n";
        assert!(problems(&[("Dockerfile", df), ("go.mod", local)]).is_empty(), "{:#?}", problems(&[("go.mod", local)]));
        let remote = "module shop\n\nrequire example.com/x v1.0.0\n\nreplace example.com/x => example.com/y v1.2.0\n";
        assert_eq!(
            problems(&[("Dockerfile", df), ("go.mod", remote)]).len(),
            1,
            "a module replaced by another needs go.sum"
        );
    }

    #[test]
    fn a_file_copied_onto_an_existing_folder_lands_inside_it() {
        let df = "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt /app\nRUN pip install -r requirements.txt\n";
        let p = problems(&[("Dockerfile", df), ("requirements.txt", "flask==3.0.3\n")]);
        assert!(p.is_empty(), "{p:#?}");
    }

    #[test]
    fn pip_requirements_must_be_copied_in_first() {
        let df = "FROM python:3.12\nWORKDIR /app\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n";
        let p = problems(&[("Dockerfile", df), ("requirements.txt", "flask==3.0.3\n")]);
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(p[0].fix.contains("`COPY requirements.txt /app/requirements.txt`"), "{}", p[0].fix);
    }

    #[test]
    fn a_compose_file_names_the_context() {
        let df = "FROM node:22\nWORKDIR /app\nCOPY web/package.json web/package-lock.json ./\nRUN npm ci\n";
        let compose = "services:\n  web:\n    build:\n      context: .\n      dockerfile: docker/web.Dockerfile\n";
        let files = [
            ("docker/web.Dockerfile", df),
            ("compose.yaml", compose),
            ("web/package.json", PKG),
            ("web/package-lock.json", "{}"),
        ];
        let repo = Repo::from_files(Path::new("/nowhere"), &files);
        let b = builds(&repo);
        assert_eq!((b[0].context.as_str(), b[0].named_in.as_deref()), ("", Some("compose.yaml")));
        assert!(b[0].problems.is_empty(), "{:#?}", b[0].problems);
    }

    #[test]
    fn workflow_build_lines_name_file_and_context() {
        assert_eq!(
            docker_build_lines("docker buildx build --platform linux/amd64 -t x:1 -f api/Dockerfile --push ."),
            vec![("api/Dockerfile".to_string(), "".to_string())]
        );
        assert_eq!(docker_build_lines("docker build api"), vec![("api/Dockerfile".to_string(), "api".to_string())]);
    }
}
