//! How the app starts in production: the command line each language module finds in the repo
//! (a package.json script, a Flask app object, a Go main package), and the rules every start
//! command meets, whoever wrote it (detection, `--start`, vibe.yaml's `start:`).
//!
//! A start command is shell-free: words, optionally quoted, with `$PORT`-style variables but no
//! pipes, `&&` or redirections, so the Dockerfile can run it in exec form (signals reach the app,
//! not a shell) and the review can read which file or module it names.

use super::Language;
use serde_json::Value;
use std::collections::BTreeMap;

/// The production start command found in a repo, and how sure detection is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    /// The command, word by word (`["gunicorn", "app:app"]`).
    pub argv: Vec<String>,
    /// True when the repo says it plainly (one app object, a `start` script); false for a best
    /// guess the wizard should confirm.
    pub sure: bool,
    /// Where it was found, in words for the creator (`src/server.py:4 (Flask app)`).
    pub source: String,
}

impl Start {
    /// A start command found at `source`.
    pub fn new(argv: &[&str], sure: bool, source: impl Into<String>) -> Start {
        Start { argv: argv.iter().map(|s| s.to_string()).collect(), sure, source: source.into() }
    }

    /// The command as one line, as vibe.yaml's `start:` keeps it.
    pub fn line(&self) -> String {
        line(&self.argv)
    }
}

/// Words as one command line: plain words as they are, others single-quoted, `$VARIABLE`s left
/// for the shell to expand.
pub fn line(argv: &[String]) -> String {
    argv.iter()
        .map(|w| if w.contains('$') { dollar_word(w) } else { crate::quote::shell_word(w) })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A word with a `$VARIABLE` in it: bare when that is safe, else double-quoted so the variable
/// is still expanded.
fn dollar_word(w: &str) -> String {
    let plain = w
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | ':' | '$' | '{' | '}' | '='));
    if plain { w.to_string() } else { format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\"")) }
}

/// Splits a shell-free command line into words: blanks separate them, single and double quotes
/// group them. Pipes, `&&`, `;`, redirections, backticks and `$(...)` are refused with what to
/// do instead, because the Dockerfile runs the command without a shell.
pub fn parse(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                in_word = true;
                let mut closed = false;
                for q in chars.by_ref() {
                    if q == c {
                        closed = true;
                        break;
                    }
                    word.push(q);
                }
                if !closed {
                    return Err(format!("a {c} quote is not closed"));
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '|' | ';' | '&' | '>' | '<' | '`' => {
                return Err(format!(
                    "`{c}` needs a shell: write one command (e.g. `gunicorn app:app`), or put the steps in a \
                     script and start that (e.g. `sh start.sh`)"
                ));
            }
            '$' if chars.peek() == Some(&'(') => {
                return Err("`$(...)` needs a shell: write the command itself, or put it in a script and start that \
                            (e.g. `sh start.sh`)"
                    .into());
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    if words.is_empty() {
        return Err("the start command is empty: write how the app starts, e.g. `gunicorn app:app`".into());
    }
    Ok(words)
}

/// Why a command is a development server, not a production one (None when it is not): it
/// reloads on change, serves unoptimised code or warns against production use itself.
pub fn dev_server(argv: &[String]) -> Option<&'static str> {
    let words: Vec<&str> = argv.iter().map(String::as_str).collect();
    let has = |w: &str| words.contains(&w);
    let pair = |a: &str, b: &str| words.windows(2).any(|p| p[0] == a && p[1] == b);
    let first = words.first().copied().unwrap_or_default();
    let tool = first.rsplit('/').next().unwrap_or(first);
    if matches!(tool, "nodemon" | "ts-node-dev" | "tsnd" | "webpack-dev-server" | "live-server") {
        return Some("it restarts the app on every file change (a development tool)");
    }
    if has("--reload") || has("--watch") || has("-w") && tool == "node" || pair("tsx", "watch") {
        return Some("it watches files and reloads (a development mode)");
    }
    if pair("next", "dev")
        || pair("nuxt", "dev")
        || pair("remix", "dev")
        || pair("astro", "dev")
        || tool == "vite" && !has("build")
    {
        return Some("it is the framework's development server");
    }
    if pair("react-scripts", "start")
        || pair("ng", "serve")
        || pair("webpack", "serve")
        || pair("vue-cli-service", "serve")
    {
        return Some("it is the front-end development server");
    }
    if ["npm", "yarn", "pnpm", "bun"].contains(&tool) && (pair("run", "dev") || words.get(1) == Some(&"dev")) {
        return Some("it runs the `dev` script, the development server");
    }
    if has("runserver") || pair("flask", "run") || (pair("-m", "flask") && has("run")) {
        return Some("it is the framework's development server (single-threaded, with debug pages)");
    }
    if has("--debug") && (tool == "flask" || pair("-m", "flask")) {
        return Some("it runs with the debugger on");
    }
    None
}

/// What the repo says about building the image, read once when the spec is made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildFacts {
    /// The start command the repo shows (None when it shows none or was not read).
    pub detected_start: Option<Start>,
    /// The repo's files, as far as the install steps care: lockfiles and dependency files.
    pub present: Vec<&'static str>,
    /// Node: the app uses Next.js but has no `build` script, so the image runs `next build` itself.
    pub next_build: bool,
    /// JVM: the Gradle wrapper's task that builds the jar (`bootJar` with Spring Boot's plugin,
    /// else `jar`), when the repo has `gradlew`; None: Maven builds it.
    pub gradle_task: Option<&'static str>,
}

/// Files whose presence changes the install steps.
const INSTALL_FILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "requirements.txt",
    "pyproject.toml",
    "Pipfile",
    "Pipfile.lock",
    "go.sum",
];

impl BuildFacts {
    /// Reads what the repo says for an app in `language`.
    pub fn read(language: Language, repo: &RepoFiles) -> BuildFacts {
        let pkg: Option<Value> = repo.text("package.json").and_then(|t| serde_json::from_str(t).ok());
        let next_build = language == Language::Node
            && pkg.as_ref().is_some_and(|p| {
                let dep =
                    ["dependencies", "devDependencies"].iter().any(|s| p.get(*s).and_then(|d| d.get("next")).is_some());
                dep && p.get("scripts").and_then(|s| s.get("build")).is_none()
            });
        let gradle = ["build.gradle.kts", "build.gradle"].iter().find_map(|f| repo.text(f));
        let gradle_task = (language == Language::Jvm && repo.has("gradlew"))
            .then(|| if gradle.is_some_and(|g| g.contains("org.springframework.boot")) { "bootJar" } else { "jar" });
        BuildFacts {
            detected_start: language.support().start(repo),
            present: INSTALL_FILES.iter().copied().filter(|f| repo.has(f)).collect(),
            next_build,
            gradle_task,
        }
    }

    /// Whether the repo has this install file (a lockfile, a dependency file).
    pub fn has(&self, file: &str) -> bool {
        self.present.contains(&file)
    }
}

/// The usual start command of a language, for a repo that shows none.
pub fn usual(language: Language) -> Vec<String> {
    let usual: &[&str] = match language {
        Language::Node => &["npm", "start"],
        Language::Python => &["python", "-m", "app"],
        Language::Go => &["go", "run", "."],
        Language::Jvm => &["java", "-jar", "target/app.jar"],
        Language::Rust => &["cargo", "run", "--release"],
        Language::Php => &["php", "-S", "0.0.0.0:$PORT", "-t", "public"],
    };
    usual.iter().map(|s| s.to_string()).collect()
}

/// A file of the repo that start detection reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoFile {
    /// Repo-relative path with `/`.
    pub path: String,
    /// Its text (empty for lockfiles, whose presence is what counts).
    pub text: String,
}

/// The repo's source, manifests and lockfiles (tests left out), as start detection and the
/// Dockerfile's install steps read them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepoFiles {
    files: BTreeMap<String, String>,
}

impl RepoFiles {
    /// The files, by path.
    pub fn new(files: impl IntoIterator<Item = RepoFile>) -> RepoFiles {
        RepoFiles { files: files.into_iter().map(|f| (f.path, f.text)).collect() }
    }

    /// From (path, text) pairs.
    pub fn from_pairs(files: &[(&str, &str)]) -> RepoFiles {
        RepoFiles { files: files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect() }
    }

    /// Whether the file is there.
    pub fn has(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// A file's text.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Every file whose name ends with one of `suffixes`, shallowest first, then by path.
    pub fn ending_with<'a>(&'a self, suffixes: &'a [&str]) -> Vec<(&'a str, &'a str)> {
        let mut out: Vec<(&str, &str)> = self
            .files
            .iter()
            .filter(|(p, _)| suffixes.iter().any(|s| p.ends_with(s)))
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        out.sort_by_key(|(p, _)| p.matches('/').count());
        out
    }
}

/// The 1-based line of a byte offset.
pub(crate) fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        parse(s).unwrap()
    }

    #[test]
    fn command_lines_split_into_words_and_shell_syntax_is_refused() {
        assert_eq!(words("gunicorn  app:app"), ["gunicorn", "app:app"]);
        assert_eq!(words("node 'my server.js' --port \"$PORT\""), ["node", "my server.js", "--port", "$PORT"]);
        for bad in [
            "npm run build && npm start",
            "node a.js | tee log",
            "node a.js > out",
            "python $(which app)",
            "'open",
            "  ",
        ] {
            assert!(parse(bad).is_err(), "{bad} accepted");
        }
        // What vibe.yaml keeps reads back as the same words.
        for argv in [words("uvicorn main:app --host 0.0.0.0 --port $PORT"), vec!["node".into(), "my server.js".into()]]
        {
            assert_eq!(parse(&line(&argv)).unwrap(), argv);
        }
    }

    #[test]
    fn development_servers_are_told_from_production_ones() {
        for dev in [
            "nodemon server.js",
            "next dev",
            "npm run dev",
            "uvicorn main:app --reload",
            "flask run",
            "python manage.py runserver",
            "vite",
            "ts-node-dev src/index.ts",
            "node --watch index.js",
        ] {
            assert!(dev_server(&words(dev)).is_some(), "{dev} taken for production");
        }
        for prod in [
            "node server.js",
            "next start",
            "gunicorn app:app",
            "uvicorn main:app --host 0.0.0.0 --port $PORT",
            "npm start",
        ] {
            assert!(dev_server(&words(prod)).is_none(), "{prod} taken for a dev server");
        }
    }
}
