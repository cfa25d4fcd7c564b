//! How the app's image installs, builds and starts it: the start command (vibe.yaml's `start:`,
//! else what the repo says) and the install steps the repo's files call for (which lockfile,
//! which dependency file), as values the Dockerfile templates read (`app.build`).

use crate::contract::Language;
pub use crate::lang::start::BuildFacts;
use crate::lang::start::{self};
use serde_json::{Value, json};

/// The command the image starts with: vibe.yaml's `start:` (checked when the answers were),
/// else the one the repo shows, else the language's usual one.
pub fn start_argv(language: Language, answer: Option<&str>, facts: &BuildFacts) -> Vec<String> {
    if let Some(argv) = answer.and_then(|a| start::parse(a).ok()) {
        return argv;
    }
    if let Some(s) = &facts.detected_start {
        return s.argv.clone();
    }
    start::usual(language)
}

/// Words as a Dockerfile exec-form array (`["gunicorn", "app:app"]`).
fn exec_form(argv: &[String]) -> String {
    format!("[{}]", argv.iter().map(|w| crate::quote::json_str(w)).collect::<Vec<_>>().join(", "))
}

/// The CMD for an image with a shell: the words themselves, or, when a word reads a variable
/// (`--port $PORT`), `sh -c "exec ..."` so the variable is expanded and the app still gets the signals.
fn cmd(argv: &[String]) -> String {
    if argv.iter().any(|w| w.contains('$')) {
        exec_form(&["sh".into(), "-c".into(), format!("exec {}", start::line(argv))])
    } else {
        exec_form(argv)
    }
}

/// Text for a one-line comment: a line break or control character in a script would end it.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if crate::quote::forbidden_char(&c.to_string()).is_some() { ' ' } else { c }).collect()
}

/// The words after `flag` (`--bin NAME` -> NAME).
fn after<'a>(argv: &'a [String], flag: &str) -> Option<&'a str> {
    argv.iter().position(|w| w == flag).and_then(|i| argv.get(i + 1)).map(String::as_str)
}

/// The `app.build` values of the Dockerfile templates.
pub fn context(language: Language, answer: Option<&str>, facts: &BuildFacts) -> Value {
    let argv = start_argv(language, answer, facts);
    let node_pm = if facts.has("yarn.lock") {
        "yarn"
    } else if facts.has("pnpm-lock.yaml") {
        "pnpm"
    } else {
        "npm"
    };
    let node_lock = match node_pm {
        "yarn" => "yarn.lock",
        "pnpm" => "pnpm-lock.yaml",
        _ if facts.has("npm-shrinkwrap.json") && !facts.has("package-lock.json") => "npm-shrinkwrap.json",
        _ => "package-lock.json",
    };
    let python_deps = if facts.has("requirements.txt") {
        "requirements.txt"
    } else if facts.has("Pipfile") {
        "Pipfile"
    } else if facts.has("pyproject.toml") {
        "pyproject.toml"
    } else {
        "requirements.txt"
    };
    // Compiled languages: the start command says what to build; the image runs the result.
    let (go_package, go_args) = match argv.as_slice() {
        [go, run, package, args @ ..] if go == "go" && run == "run" => (package.clone(), args.to_vec()),
        _ => (".".to_string(), Vec::new()),
    };
    let program_args: Vec<String> =
        argv.iter().position(|w| w == "--").map(|i| argv[i + 1..].to_vec()).unwrap_or_default();
    let mut go_entry = vec!["/app".to_string()];
    go_entry.extend(go_args);
    let mut rust_entry = vec!["/app".to_string()];
    rust_entry.extend(program_args);
    let jvm_entry = {
        let jar = argv.iter().position(|w| w == "-jar");
        let mut entry = vec!["java".to_string(), "-XX:MaxRAMPercentage=75.0".to_string()];
        if let Some(j) = jar {
            entry.extend(argv[1..j].iter().filter(|w| !w.starts_with("-XX:MaxRAMPercentage")).cloned());
        }
        entry.extend(["-jar".to_string(), "/app/app.jar".to_string()]);
        if let Some(j) = jar {
            entry.extend(argv.iter().skip(j + 2).cloned());
        }
        entry
    };
    let detected = facts.detected_start.as_ref();
    let start_source =
        if let Some(s) = detected.filter(|s| answer.is_some_and(|a| start::parse(a).ok() == Some(s.argv.clone()))) {
            format!("found in {}; kept in vibe.yaml's start:", s.source)
        } else if answer.is_some() {
            "from vibe.yaml's start:".to_string()
        } else if let Some(s) = detected {
            format!("found in {}", s.source)
        } else {
            format!("vibe found no start command in the repo: the usual one for {}", language.as_str())
        };
    json!({
        "start": one_line(&start::line(&argv)),
        "start_source": one_line(&start_source),
        "cmd": cmd(&argv),
        "node_pm": node_pm,
        "node_lock": node_lock,
        "node_lock_present": facts.has(node_lock),
        "next_build": facts.next_build,
        "python_deps": python_deps,
        "python_lock_present": facts.has("Pipfile.lock"),
        "go_sum": facts.has("go.sum"),
        "go_package": go_package,
        "go_entry": exec_form(&go_entry),
        "rust_bin": after(&argv, "--bin"),
        "rust_entry": exec_form(&rust_entry),
        "jvm_entry": exec_form(&jvm_entry),
        "gradle_task": facts.gradle_task,
        "php_docroot": after(&argv, "-t").unwrap_or("."),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::start::Start;

    #[test]
    fn a_start_command_reading_port_runs_through_sh_with_exec() {
        let argv = start::parse("uvicorn main:app --host 0.0.0.0 --port $PORT").unwrap();
        assert_eq!(cmd(&argv), r#"["sh", "-c", "exec uvicorn main:app --host 0.0.0.0 --port $PORT"]"#);
        assert_eq!(cmd(&start::parse("gunicorn app:app").unwrap()), r#"["gunicorn", "app:app"]"#);
    }

    #[test]
    fn the_answer_wins_over_what_the_repo_shows() {
        let facts = BuildFacts {
            detected_start: Some(Start::new(&["node", "index.js"], true, "package.json")),
            ..BuildFacts::default()
        };
        assert_eq!(start_argv(Language::Node, Some("node server.js"), &facts), ["node", "server.js"]);
        assert_eq!(start_argv(Language::Node, None, &facts), ["node", "index.js"]);
        assert_eq!(start_argv(Language::Node, None, &BuildFacts::default()), ["npm", "start"]);
    }
}
