//! Observability checks (G1–G7): scrape annotations, the /metrics handler, JSON logs on stdout,
//! no log files, the time/level/msg fields, no credentials or PII in log calls, and alerts and a
//! dashboard that tell someone when the app breaks.
//!
//! G1 and the log-mount part of G4 read the manifests. The rest is about the running app; without
//! live evidence it is judged from source (the report says so): which libraries are declared and
//! how the code configures and calls its logger. G2–G6 only judge repos with application source.

use crate::contract;
use crate::contract::CheckId;
use crate::lang::{self, Dialect, Language, Lines, re};
use crate::repo::{Lang, Repo, TextFile};
use crate::review::check::{Check, Judged};
use crate::review::workload;
use crate::review::{Finding, Review};
use regex::Regex;
use std::sync::LazyLock;

/// The checks of this file, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::G1, run: g1, judged: Judged::Static, repo_only: false, fixer: Some(g1_fix) },
    Check { id: CheckId::G2, run: g2, judged: Judged::LiveReplaces, repo_only: false, fixer: Some(fix::g2) },
    Check { id: CheckId::G3, run: g3, judged: Judged::LiveReplaces, repo_only: false, fixer: None },
    Check { id: CheckId::G4, run: g4, judged: Judged::Static, repo_only: false, fixer: None },
    Check { id: CheckId::G5, run: g5, judged: Judged::LiveReplaces, repo_only: false, fixer: None },
    Check { id: CheckId::G6, run: g6, judged: Judged::StandInLiveAdds, repo_only: false, fixer: None },
    Check { id: CheckId::G7, run: g7, judged: Judged::Static, repo_only: false, fixer: None },
];

/// Path Prometheus scrapes (served on the traffic port).
const METRICS_PATH: &str = "/metrics";
/// Where the generated metrics/logging skeleton lives, for findings about something missing.
const OBSERVABILITY_DIR: &str = "observability/";

// ------------------------------------------------------------------------------------------------
// Which source is the running app's
// ------------------------------------------------------------------------------------------------

/// True for files that run inside the app's container: not tests, front-end bundles or helper scripts.
fn is_runtime_code(f: &TextFile) -> bool {
    f.lang != Lang::Config && crate::lang::is_runtime_path(&f.file)
}

fn runtime_sources(repo: &Repo) -> impl Iterator<Item = &TextFile> {
    repo.sources.iter().filter(|f| is_runtime_code(f))
}

/// The app's main language: the one most runtime files are written in (the skeleton aside).
fn main_lang(repo: &Repo) -> Option<Lang> {
    let mut counts: Vec<(Lang, usize, bool)> = Vec::new();
    for f in runtime_sources(repo) {
        let own = !f.file.starts_with(OBSERVABILITY_DIR);
        match counts.iter_mut().find(|(l, _, _)| *l == f.lang) {
            Some(c) => {
                c.1 += 1;
                c.2 |= own;
            }
            None => counts.push((f.lang, 1, own)),
        }
    }
    counts.sort_by_key(|(_, n, own)| (std::cmp::Reverse(*own), std::cmp::Reverse(*n)));
    counts.first().map(|(l, _, _)| *l)
}

/// The app's entry file (where setup code belongs), for findings about something missing.
fn main_source(repo: &Repo) -> String {
    const ENTRY: &[&str] = &["main", "app", "server", "index", "application", "wsgi", "asgi", "manage", "lib"];
    let lang = main_lang(repo);
    let mut best: Option<(usize, usize, &str)> = None;
    for f in runtime_sources(repo).filter(|f| Some(f.lang) == lang) {
        let stem = f.file.rsplit('/').next().unwrap_or("").split('.').next().unwrap_or("").to_ascii_lowercase();
        let rank = ENTRY.iter().position(|e| *e == stem).unwrap_or(ENTRY.len());
        let depth = f.file.matches('/').count() + usize::from(f.file.starts_with(OBSERVABILITY_DIR)) * 10;
        if best.is_none_or(|(d, r, _)| (depth, rank) < (d, r)) {
            best = Some((depth, rank, &f.file));
        }
    }
    best.map(|(_, _, f)| f.to_string()).unwrap_or_else(|| OBSERVABILITY_DIR.to_string())
}

/// The dependency manifest for a language: the shallowest one present, else its usual name.
fn manifest_for(repo: &Repo, lang: Option<Lang>) -> String {
    let Some(language) = lang.and_then(Lang::language) else {
        return OBSERVABILITY_DIR.to_string();
    };
    let names = language.support().manifests;
    repo.dependency_files
        .iter()
        .filter(|f| names.contains(&f.file.rsplit('/').next().unwrap_or("")))
        .min_by_key(|f| (f.file.starts_with(OBSERVABILITY_DIR), f.file.matches('/').count()))
        .map(|f| f.file.clone())
        .unwrap_or_else(|| names[0].to_string())
}

/// True for a file of the generated observability skeleton: it serves /metrics and logs JSON
/// only once the app's own code loads it, so on its own it is not the app.
fn is_skeleton(f: &TextFile) -> bool {
    f.file.starts_with(OBSERVABILITY_DIR)
}

/// The app's own runtime code: [`runtime_sources`] outside the generated skeleton.
fn app_sources(repo: &Repo) -> impl Iterator<Item = &TextFile> {
    runtime_sources(repo).filter(|f| !is_skeleton(f))
}

/// True when the repo holds code of the app itself (the skeleton alone is no app yet: the G
/// checks have nothing to judge statically and a live probe judges them).
fn has_app_source(repo: &Repo) -> bool {
    app_sources(repo).next().is_some()
}

/// The first file of the app's own code that imports the generated observability module.
fn skeleton_importer(repo: &Repo) -> Option<&TextFile> {
    app_sources(repo).find(|f| {
        f.lang.language().is_some_and(|l| {
            let p = &l.support().logs(lang::dialect(f)).skeleton_import;
            p.is_match(&f.text) && p.is_match(&lang::masked(f))
        })
    })
}

/// The files G2, G3 and G5 judge statically: the app's entry code (what the image starts and the
/// local files it imports; the generated module is among them only when the app imports it) when
/// the review found it, else every runtime file.
fn judged_sources<'a>(r: &Review<'a>) -> Vec<&'a TextFile> {
    let entry = &r.model.entry;
    if entry.started() {
        entry.files.iter().copied().filter(|f| f.lang != Lang::Config).collect()
    } else {
        runtime_sources(r.repo).collect()
    }
}

/// True when the app loads the generated observability module: it is part of the entry code (or,
/// where the entry code is not known, some file of the app imports it).
fn skeleton_wired(r: &Review) -> bool {
    let entry = &r.model.entry;
    if entry.started() { entry.files.iter().any(|f| is_skeleton(f)) } else { skeleton_importer(r.repo).is_some() }
}

/// The first file the app's start command runs, else its likely entry file, for findings about something missing.
fn entry_file(r: &Review) -> String {
    let entry = &r.model.entry;
    entry
        .root_files()
        .first()
        .filter(|_| entry.started())
        .map(|f| f.file.clone())
        .unwrap_or_else(|| main_source(r.repo))
}

mod alerting;
mod fix;
mod json_logs;
mod log_fields;
mod log_files;
mod metrics;
mod scrape;
mod sensitive_logs;
use alerting::*;
use json_logs::*;
use log_fields::*;
use log_files::*;
use metrics::*;
use scrape::*;
use sensitive_logs::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;

    fn file(name: &str, lang: Lang, text: &str) -> TextFile {
        TextFile { file: name.into(), lang, text: text.into() }
    }

    fn g6_names(name: &str, lang: Lang, src: &str) -> Vec<(usize, Vec<String>)> {
        let f = file(name, lang, src);
        let d = lang::dialect(&f);
        let masked = lang::mask(src, d);
        let b = masked.as_bytes();
        let lines = Lines::new(&masked);
        let mut out = Vec::new();
        for (start, open, _) in log_calls(&masked, lang.language(), d) {
            let (_, args) = lang::call_args(b, open, d).unwrap();
            let mut found = Vec::new();
            if let (Some(first), Some(last)) = (args.first(), args.last()) {
                sensitive_refs(b, (first.0, last.1), d, first.1, &mut found);
            }
            if !found.is_empty() {
                out.push((lines.line(start) as usize, found));
            }
        }
        out.sort();
        out
    }

    #[test]
    fn g6_sees_values_not_words() {
        let py = "logger.info('login', password=pw)\n\
                  log.info(f'sent to {user.email}')\n\
                  logger.info('wrong password for %s', user_id)\n\
                  logger.info('tokens', extra={'max_tokens': n, 'token_count': c})\n\
                  logger.info('x %s', mask_email(user.email))\n\
                  print(request.headers['Authorization'])\n\
                  logger.warning('x', extra={'email': e})\n";
        let got = g6_names("app.py", Lang::Code(Language::Python), py);
        assert_eq!(got.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [1, 2, 6, 7], "{got:?}");
        let js = "console.log(req.body.password);\nlogger.info({ email }, 'signup');\nlogger.info({ port }, 'listening');\nconsole.log(`user ${user.name}`);\n";
        let got = g6_names("a.js", Lang::Code(Language::Node), js);
        assert_eq!(got.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [1, 2], "{got:?}");
        let go = "logger.Info(\"x\", \"token\", tok)\nslog.Info(\"listening\", \"port\", p)\n";
        let got = g6_names("m.go", Lang::Code(Language::Go), go);
        assert_eq!(got.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [1], "{got:?}");
    }

    #[test]
    fn python_json_logger_fields() {
        let ok = "JsonFormatter(\"%(levelname)s %(message)s %(name)s\", rename_fields={\"levelname\": \"level\", \"message\": \"msg\"}, timestamp=\"time\")";
        assert_eq!(python_json_fields(ok, ok.find('(').unwrap()).unwrap(), ["level", "msg", "name", "time"]);
        let bare = "JsonFormatter()";
        assert_eq!(python_json_fields(bare, bare.find('(').unwrap()).unwrap(), ["message"]);
        let var = "JsonFormatter(FMT, rename_fields=RENAMES)";
        assert!(python_json_fields(var, var.find('(').unwrap()).is_none());
    }

    #[test]
    fn app_code_importing_the_generated_module_is_told_from_code_that_does_not() {
        let imports = |name: &str, lang: Lang, text: &str| {
            let mut repo = Repo::default();
            repo.sources.push(file(name, lang, text));
            skeleton_importer(&repo).is_some()
        };
        for (name, lang, text) in [
            ("app.py", Lang::Code(Language::Python), "from observability import vibe_observability as obs\n"),
            ("shop/main.py", Lang::Code(Language::Python), "import observability.vibe_observability\n"),
            (
                "src/server.js",
                Lang::Code(Language::Node),
                "const obs = require('../observability/vibe-observability');\n",
            ),
            (
                "src/index.ts",
                Lang::Code(Language::Node),
                "import * as obs from \"./observability/vibe-observability\";\n",
            ),
            ("main.go", Lang::Code(Language::Go), "import (\n\t\"net/http\"\n\t\"shop/observability\"\n)\n"),
            (
                "src/main/java/shop/App.java",
                Lang::Code(Language::Jvm),
                "import vibe.observability.VibeObservability;\n",
            ),
            ("src/main.rs", Lang::Code(Language::Rust), "fn main() { vibe_observability::init(); }\n"),
            (
                "src/bootstrap.php",
                Lang::Code(Language::Php),
                "<?php\nuse Vibe\\Observability\\VibeObservability as Obs;\n",
            ),
        ] {
            assert!(imports(name, lang, text), "{name}: {text}");
        }
        for (name, lang, text) in [
            (
                "app.py",
                Lang::Code(Language::Python),
                "# from observability import vibe_observability\nimport logging\n",
            ),
            (
                "src/server.js",
                Lang::Code(Language::Node),
                "const express = require('express'); // see observability/README.md\n",
            ),
            ("main.go", Lang::Code(Language::Go), "import \"net/http\"\n"),
            (
                "observability/example-app.js",
                Lang::Code(Language::Node),
                "const obs = require('./vibe-observability');\n",
            ),
            ("test/app.test.js", Lang::Code(Language::Node), "require('../observability/vibe-observability');\n"),
        ] {
            assert!(!imports(name, lang, text), "{name}: {text}");
        }
    }

    #[test]
    fn runtime_code_excludes_tests_and_front_ends() {
        assert!(is_runtime_code(&file("app/main.py", Lang::Code(Language::Python), "")));
        assert!(!is_runtime_code(&file("tests/test_api.py", Lang::Code(Language::Python), "")));
        assert!(!is_runtime_code(&file("src/App.tsx", Lang::Code(Language::Node), "")));
        assert!(!is_runtime_code(&file("api/handler_test.go", Lang::Code(Language::Go), "")));
    }
}
