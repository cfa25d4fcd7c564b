//! `vibe init` in a real terminal (tmux): every question answered by keys, one metric typed,
//! one secret typed hidden and sealed; Ctrl-C midway writing nothing; Esc going back one
//! question; the shell's Ctrl-U/Ctrl-W in typed answers; explanations wrapped at words.

use crate::common::{App, Tmux};
use std::time::Duration;

const SECRET: &str = "s3cret-Value-that-must-never-appear-9f8e7d";

/// A small git-committed app with a platform file holding a sealed-secrets certificate.
fn sample_app() -> App {
    let app = App::new();
    app.write("requirements.txt", "fastapi==0.115.0\npsycopg[binary]==3.2.1\n");
    app.write("main.py", "import os\nAPI_KEY = os.environ[\"API_KEY\"]\n");
    crate::common::git_commit_all(&app);
    crate::common::sealing_platform(&app);
    app
}

fn start(app: &App) -> Tmux {
    start_at(app, 110, 40)
}

fn start_at(app: &App, width: u16, height: u16) -> Tmux {
    let vibe = assert_cmd::cargo::cargo_bin!("vibe");
    Tmux::start(
        width,
        height,
        &format!(
            "cd '{}' && '{}' --platform platform.yaml init; echo EXIT=$?; sleep 60",
            app.path().display(),
            vibe.display()
        ),
    )
}

fn all_text_under(app: &App) -> String {
    app.files()
        .iter()
        .filter_map(|f| std::fs::read(app.join(f)).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_wizard_answers_every_question_and_seals_the_secret() {
    let app = sample_app();
    let before = app.files();
    let t = start(&app);
    t.wait_for("What is the app called?");
    t.keys(&["Inventory Checker", "Enter"]);
    t.wait_for("Short name");
    t.keys(&["Enter"]);
    t.wait_for("Detected Python 3.12");
    t.keys(&["Enter"]); // runtime: detected
    // main.py shows no app object or script entry: the one start question, with a guess to edit.
    t.wait_for("How do you start your app?");
    t.keys(&["C-u", "uvicorn main:app --host 0.0.0.0 --port $PORT", "Enter"]);
    t.wait_for("keep data in a database");
    t.keys(&["Enter"]); // postgres: detected from psycopg
    t.wait_for("What else");
    t.keys(&["Down", "Down", "Down", "Space", "Enter"]); // a public URL
    t.wait_for("How big");
    t.keys(&["Enter"]);
    t.wait_for("Number 1");
    t.keys(&["How many orders were processed today?", "Enter"]);
    let screen = t.wait_for("Measure it as");
    assert!(screen.contains("orders_processed_total"), "no suggestion shown:\n{screen}");
    t.keys(&["Enter"]);
    t.wait_for("Number 2");
    t.keys(&["Enter"]);
    t.wait_for("passwords, keys or tokens");
    t.keys(&["Enter"]); // API_KEY, found in main.py
    t.wait_for("Any other secret names");
    t.keys(&["Enter"]);
    t.wait_for("Value of API_KEY");
    t.keys(&["-l", SECRET]);
    t.keys(&["Enter"]);
    let summary = t.wait_for("Ready?");
    assert!(summary.contains("orders_processed_total") && summary.contains("API_KEY"), "{summary}");
    t.keys(&["Enter"]);
    // Then the live dashboard opens on the generated repo with its review.
    let (dashboard, _) =
        t.wait("the dashboard", Duration::from_secs(30), |s| s.contains("PASS") || s.contains("BLOCKED"));
    assert!(!dashboard.contains(SECRET), "the secret appeared on screen");
    t.keys(&["q"]);
    let (screen, _) = t.wait("exit", Duration::from_secs(10), |s| s.contains("EXIT="));
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(!t.history().contains(SECRET), "the secret appeared on screen");

    let answers = app.read("vibe.yaml");
    for needle in [
        "name: Inventory Checker",
        "runtime: python3.12",
        "database: postgres",
        "ingress: true",
        "orders_processed_total",
        "API_KEY",
        "start: uvicorn main:app --host 0.0.0.0 --port $PORT",
    ] {
        assert!(answers.contains(needle), "vibe.yaml lacks {needle}:\n{answers}");
    }
    assert!(
        app.read("Dockerfile").contains(r#"CMD ["sh", "-c", "exec uvicorn main:app --host 0.0.0.0 --port $PORT"]"#)
    );
    assert!(app.files().len() > before.len() + 30, "files were not generated");
    let sealed = app.read("k8s/02-sealed-secrets.yaml");
    assert!(!sealed.contains("REPLACE_ME"), "typed and store secrets are sealed:\n{sealed}");
    assert!(!all_text_under(&app).contains(SECRET), "the secret value is on disk in plain text");
}

#[test]
fn ctrl_c_midway_writes_nothing() {
    let app = sample_app();
    let before = app.files();
    let t = start(&app);
    t.wait_for("What is the app called?");
    t.keys(&["Shop", "Enter"]);
    t.wait_for("Short name");
    t.keys(&["Enter"]);
    t.wait_for("What language");
    t.keys(&["C-c"]);
    let (screen, _) = t.wait("exit", Duration::from_secs(10), |s| s.contains("EXIT="));
    assert!(screen.contains("EXIT=130"), "{screen}");
    assert!(screen.contains("nothing was written"), "{screen}");
    assert_eq!(app.files(), before, "Ctrl-C left files behind");
}

#[test]
fn esc_goes_back_one_question_and_ctrl_u_ctrl_w_edit_the_answer() {
    let app = sample_app();
    let before = app.files();
    let t = start(&app);
    t.wait_for("What is the app called?");
    // Ctrl-W deletes the misspelt word, Ctrl-U the whole line: no stray `w` or `u` is typed.
    t.keys(&["-l", "Inventory Chekcer"]);
    t.keys(&["C-w"]);
    t.keys(&["-l", "Checker"]);
    t.keys(&["Enter"]);
    let screen = t.wait_for("Short name");
    assert!(screen.contains("What is the app called? Inventory Checker\n"), "{screen}");
    t.keys(&["-l", "oops typed"]);
    t.keys(&["C-u"]);
    t.keys(&["Enter"]);
    let screen = t.wait_for("What language");
    assert!(screen.contains("Short name for addresses: inventory-checker\n"), "{screen}");
    // Esc at the language: back to the short name, not out of the wizard.
    t.keys(&["Escape"]);
    let screen = t.wait_for("? Short name for addresses:");
    assert!(screen.contains("(inventory-checker)"), "the answer given is the default:\n{screen}");
    assert!(!screen.contains("EXIT=") && screen.contains("<back>"), "Esc left the wizard:\n{screen}");
    // Esc again: the name, with the name typed.
    t.keys(&["Escape"]);
    let screen = t.wait_for("? What is the app called? (Inventory Checker)");
    assert!(!screen.contains("EXIT="), "{screen}");
    t.keys(&["Enter"]);
    t.wait_for("? Short name for addresses:");
    t.keys(&["Enter"]);
    t.wait_for("What language");
    t.keys(&["C-c"]);
    let (screen, _) = t.wait("exit", Duration::from_secs(10), |s| s.contains("EXIT="));
    assert!(screen.contains("EXIT=130"), "{screen}");
    assert_eq!(app.files(), before, "Ctrl-C left files behind");
}

#[test]
fn explanations_wrap_at_word_boundaries_on_narrow_terminals() {
    for width in [60, 100] {
        let app = sample_app();
        let t = start_at(&app, width, 40);
        t.wait_for("What is the app called?");
        t.keys(&["Shop", "Enter"]);
        t.wait_for("Short name");
        t.keys(&["Enter"]);
        t.wait_for("What language");
        t.keys(&["Enter"]);
        t.wait_for("How do you start your app?");
        t.keys(&["Enter"]);
        t.wait_for("keep data in a database");
        t.keys(&["Enter"]);
        t.wait_for("What else");
        let screen = t.history();
        let words: Vec<&str> = screen.split_whitespace().map(|w| w.trim_matches(['[', ']'])).collect();
        // The intro, a question's help and a choice's help: every word whole on the screen.
        for text in [
            "Esc goes back one question; Ctrl-C stops without writing anything.",
            "Pick only what the app really uses; each one is run for you.",
            "A public URL with TLS (people reach the app from their browser)",
            "Does the app keep data in a database? PostgreSQL",
        ] {
            for w in text.split(' ') {
                assert!(words.contains(&w), "{width} columns: `{w}` is broken across lines:\n{screen}");
            }
        }
        t.keys(&["C-c"]);
        t.wait("exit", Duration::from_secs(10), |s| s.contains("EXIT="));
    }
}
