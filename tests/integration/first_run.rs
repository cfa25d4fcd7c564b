//! A new user's first day: commands run in a folder with no app, and `vibe init --demo`.

use crate::common::App;

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn review_watch_and_generate_in_a_folder_with_no_app_point_at_vibe_init() {
    let app = App::new();
    // A README is not an app: nothing to deploy, nothing to review.
    app.write("README.md", "# notes\n");
    for command in [&["review"][..], &["watch"], &["generate"]] {
        let out = app.vibe(command).output().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), stderr_of(&out));
        assert_eq!(out.status.code(), Some(2), "vibe {command:?}: {stdout}{stderr}");
        assert!(stderr.contains("there is no app in"), "vibe {command:?}: {stderr}");
        assert!(stderr.contains("Run `vibe init`"), "vibe {command:?}: {stderr}");
        assert!(!stdout.contains("BLOCKED") && !stderr.contains("vibe generate"), "vibe {command:?}: {stdout}{stderr}");
    }
}

#[test]
fn review_of_a_folder_with_only_source_code_still_runs() {
    let app = App::new();
    app.write("main.py", "print('hello')\n");
    let out = app.vibe(&["review"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("BLOCKED"));
}

#[test]
fn the_demo_warns_of_its_mistakes_first_and_ends_with_a_next_step_that_works_as_typed() {
    let parent = App::new();
    let dir = parent.join("my demo");
    let out = crate::common::vibe().arg("--dir").arg(&dir).args(["init", "--demo"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap_or_default();
    assert!(first.contains("deliberate mistakes"), "the first line must say the example is flawed on purpose: {first}");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(3)..].join("\n");
    assert!(!tail.contains("skipped"), "the last lines must not be jargon: {tail}");
    // The next step names the folder, quoted for the shell, and runs as typed from anywhere.
    let next = lines.iter().map(|l| l.trim()).find(|l| l.starts_with("cd ")).expect("a `cd <folder> && ...` line");
    assert!(next.ends_with(" review --fix"), "{next}");
    // Run as typed: after `cargo run` no `vibe` is on PATH, so the line names this very program.
    let run = std::process::Command::new("sh").arg("-c").arg(next).current_dir("/").output().unwrap();
    assert_eq!(run.status.code(), Some(1), "`{next}` should fix and review the demo (blocked): {}", stderr_of(&run));
    assert!(String::from_utf8_lossy(&run.stdout).contains("Inventory Checker"));
}
