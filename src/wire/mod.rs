//! Wiring the generated observability module (`observability/`, written by `vibe generate`) into
//! the creator's own app: the fix of G2. One module per language finds the app object of its
//! frameworks (`express()`, `Fastify(`, `Flask(__name__)`, `FastAPI(`, Django's wsgi module,
//! `http.ListenAndServe`) and edits that file so the app imports the module, serves `/metrics` on
//! the traffic port and the management endpoints on the management port, reads `PORT` instead of
//! a hard-coded port, and logs through the module's JSON logger; the module's own dependencies
//! are added to the app's dependency files.
//!
//! Everything is a text edit of [`Files`] (the fix machinery shows it as one diff and backs the
//! files up first). Where the app's shape is not one the wiring knows, the error says which file
//! and line to change and the exact lines to add, and nothing is edited.

mod go;
mod node;
mod npm_deps;
mod python;

use crate::edit::Files;
use crate::lang::{self, Dialect, Language};
use crate::repo::{Repo, TextFile};

/// The folder `vibe generate` writes the module to, relative to the repo.
pub(crate) const OBSERVABILITY_DIR: &str = "observability";

/// Where an app object is (`app = express()`, `app = Flask(__name__)`): the file, the framework
/// that made it, its name and where its statement starts.
struct AppObject<'a, F> {
    file: &'a TextFile,
    framework: F,
    name: String,
    at: usize,
}

/// Wires the generated module into the app of `repo`, editing `files`; errs (editing nothing
/// worth keeping: the caller drops a failed plan) with what to do by hand.
pub(crate) fn wire(repo: &Repo, files: &mut Files) -> Result<(), String> {
    let app = app_files(repo);
    let language = main_language(&app).ok_or_else(|| {
        "no application source was found to wire the observability module into; wire it as \
         observability/README.md shows under \"Wire it in\""
            .to_string()
    })?;
    let module = module_file(language);
    if files.text_or_empty(&module).is_empty() {
        return Err(format!(
            "the generated module {module} is not in the repo yet: run `vibe generate` (it writes observability/), \
             then `vibe review --fix` again"
        ));
    }
    // G2, B7 and G3 share this fix: the first of them wired the app in the plan.
    if already_wired(&app, language, files) {
        return Ok(());
    }
    match language {
        Language::Node => node::wire(repo, &app, files),
        Language::Python => python::wire(repo, &app, files),
        Language::Go => go::wire(&app, files),
        other => Err(format!(
            "vibe wires the module into Express, Fastify, Flask, FastAPI, Django and Go net/http apps; for {} \
             follow observability/README.md, \"Wire it in\", in the file that starts the app's HTTP server",
            other.as_str()
        )),
    }
}

/// True when the planned text of an app file imports the module and the reviewed one did not.
fn already_wired(app: &[&TextFile], language: Language, files: &mut Files) -> bool {
    let name = module_file(language);
    let stem = name.rsplit('/').next().unwrap_or(&name).split('.').next().unwrap_or("").to_string();
    app.iter().any(|f| !f.text.contains(&stem) && files.text_or_empty(&f.file).contains(&stem))
}

/// True when the app's own code already serves `/metrics` (its own Prometheus client): the
/// wiring then adds the management server, the port and the JSON logs, and leaves its metrics
/// route alone.
fn serves_own_metrics(app: &[&TextFile]) -> bool {
    app.iter().any(|f| {
        let masked = lang::mask(&f.text, lang::dialect(f));
        ["'/metrics'", "\"/metrics\"", "`/metrics`", "'/metrics/'", "\"/metrics/\""].iter().any(|r| masked.contains(r))
    })
}

/// The module's main file for a language, relative to the repo.
fn module_file(language: Language) -> String {
    let name = match language {
        Language::Node => "vibe-observability.js",
        Language::Python => "vibe_observability.py",
        Language::Go => "observability.go",
        _ => "README.md",
    };
    format!("{OBSERVABILITY_DIR}/{name}")
}

/// The app's own source files: code that is not the generated module, tests or tooling.
fn app_files(repo: &Repo) -> Vec<&TextFile> {
    repo.sources
        .iter()
        .filter(|f| f.lang.language().is_some() && !f.file.starts_with(&format!("{OBSERVABILITY_DIR}/")))
        .filter(|f| crate::lang::is_runtime_path(&f.file))
        .collect()
}

fn main_language(app: &[&TextFile]) -> Option<Language> {
    let mut counts: Vec<(Language, usize)> = Vec::new();
    for l in app.iter().filter_map(|f| f.lang.language()) {
        match counts.iter_mut().find(|(k, _)| *k == l) {
            Some(c) => c.1 += 1,
            None => counts.push((l, 1)),
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(l, _)| l)
}

// ---------------------------------------------------------------------------------------------
// Text edits shared by the languages

/// Edits of one file's text: (start, end, replacement) on the original text.
#[derive(Default)]
pub(crate) struct Edits(Vec<(usize, usize, String)>);

impl Edits {
    /// Replaces `start..end`.
    fn replace(&mut self, start: usize, end: usize, with: impl Into<String>) {
        self.0.push((start, end, with.into()));
    }

    /// Inserts text at `at`.
    fn insert(&mut self, at: usize, text: impl Into<String>) {
        self.0.push((at, at, text.into()));
    }

    /// True when nothing is edited.
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The edited text; overlapping edits keep the first one made.
    fn apply(mut self, text: &str) -> String {
        // Stable sort: insertions at one offset stay in the order they were made.
        self.0.sort_by_key(|(s, e, _)| (*s, *e));
        let mut out = String::with_capacity(text.len() + 512);
        let mut at = 0;
        for (s, e, with) in self.0 {
            if s < at {
                continue;
            }
            out.push_str(&text[at..s]);
            out.push_str(&with);
            at = e;
        }
        out.push_str(&text[at..]);
        out
    }
}

/// Offset of the start of the line holding `offset`.
fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// Offset just past the line holding `offset` (after its `\n`).
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1)
}

/// The indentation of the line holding `offset`.
fn indent_at(text: &str, offset: usize) -> &str {
    let start = line_start(text, offset);
    let line = &text[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// 1-based line of an offset.
fn line_of(text: &str, offset: usize) -> u32 {
    lang::Lines::new(text).line(offset)
}

/// True when `offset` in `masked` (comments blanked) is code, not inside a string literal.
fn in_code(masked: &str, offset: usize, d: Dialect) -> bool {
    let b = masked.as_bytes();
    let mut i = line_start(masked, offset);
    // Strings rarely span lines in the places the wiring looks at (calls on one line).
    while i < offset {
        match lang::lex_string(b, i, d) {
            Some(l) if l.end > offset => return false,
            Some(l) => i = l.end.max(i + 1),
            None => i += 1,
        }
    }
    true
}

/// The arguments of the call whose `(` is at `open` in `masked`: (one past `)`, argument ranges).
fn call(masked: &str, open: usize, d: Dialect) -> Option<(usize, Vec<(usize, usize)>)> {
    lang::call_args(masked.as_bytes(), open, d)
}

/// An integer port literal (`3000`), as written.
fn port_literal(text: &str) -> Option<u16> {
    let t = text.trim();
    (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok()).flatten()
}

/// Stores an edited file, erring when it does not exist.
fn put_edited(files: &mut Files, path: &str, edits: Edits) -> Result<(), String> {
    let text = files.text(path)?;
    let after = edits.apply(&text);
    if after != text {
        files.put(path, after);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_offset_order_and_keep_the_rest() {
        let mut e = Edits::default();
        e.insert(6, "big ");
        e.replace(0, 5, "HELLO");
        e.insert(11, "!");
        assert_eq!(e.apply("hello world"), "HELLO big world!");
    }

    #[test]
    fn code_is_told_from_strings() {
        let t = "x = 'app.run(port=1)'; app.run(port=2)";
        assert!(!in_code(t, t.find("app.run").unwrap(), Dialect::Python));
        assert!(in_code(t, t.rfind("app.run").unwrap(), Dialect::Python));
    }
}
