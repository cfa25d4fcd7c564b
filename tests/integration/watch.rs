//! `vibe watch` in a real terminal: tmux runs the binary in a detached 120×40 session, the
//! test reads the screen with `capture-pane`, edits files from outside and presses keys (Esc,
//! Ctrl-U/Ctrl-W in the filter, `e` with no editor installed).

use crate::common::{App, INVENTORY_FLAGS, Tmux};
use std::path::Path;
use std::time::Duration;

fn replace(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// The number in the header's "N critical".
fn critical(screen: &str) -> Option<usize> {
    let first = screen.lines().next()?;
    let before = first.split(" critical").next()?;
    before.split_whitespace().last()?.parse().ok()
}

#[test]
fn watch_follows_edits_fixes_and_restores_the_terminal() {
    // A plain shell with a known prompt, so "back at the shell" is recognisable.
    let tmux = Tmux::start(120, 40, "env PS1='shell$ ' sh");
    // A generated app (blocked by its two unsealed secrets, E4), broken twice more:
    // the app image tagged latest (A1) and a probe timeout too short (B5).
    let app = App::new();
    app.vibe(INVENTORY_FLAGS).assert().success();
    let manifest = app.join("k8s/08-app.yaml");
    replace(&manifest, "inventory-checker:a1b2c3d", "inventory-checker:latest");
    replace(&manifest, "timeoutSeconds: 5", "timeoutSeconds: 1");

    let vibe = assert_cmd::cargo::cargo_bin!("vibe");
    let command = format!("{} watch {}; echo EXITED:$?", vibe.display(), app.path().display());
    tmux.keys(&[&command, "Enter"]);
    let (screen, _) =
        tmux.wait("the blocked gate", Duration::from_secs(20), |s| s.contains("BLOCKED") && critical(s).is_some());
    let before = critical(&screen).unwrap();
    assert!(before >= 4, "A1, B5 and the E4s should block:\n{screen}");
    assert!(screen.contains("A1") && screen.contains("Findings ("), "{screen}");

    // An edit from outside fixes A1: the screen follows within a second.
    replace(&manifest, "inventory-checker:latest", "inventory-checker:a1b2c3d");
    let (screen, took) =
        tmux.wait("the review after the edit", Duration::from_secs(5), |s| critical(s) == Some(before - 1));
    assert!(took < Duration::from_secs(1), "the screen took {took:?} to follow the edit:\n{screen}");
    assert!(!screen.contains(" A1 "), "A1 is fixed and must be gone:\n{screen}");

    // F: one preview for every CRITICAL finding; y applies what can be fixed.
    tmux.keys(&["F"]);
    let (screen, _) =
        tmux.wait("the fix preview", Duration::from_secs(10), |s| s.contains("y apply") || s.contains("n/Esc close"));
    assert!(screen.contains("Cannot be fixed automatically"), "the unsealed secrets need `vibe seal`:\n{screen}");
    if screen.contains("y apply") {
        assert!(screen.contains("timeoutSeconds"), "the preview shows the change:\n{screen}");
        tmux.keys(&["y"]);
        let (screen, _) = tmux.wait("fewer CRITICAL after the fix", Duration::from_secs(10), |s| {
            critical(s).is_some_and(|n| n < before - 1) && !s.contains("y apply")
        });
        assert!(screen.contains("Fixed:"), "{screen}");
    } else {
        // A fix engine that cannot fix B5 yet still says what to do by hand.
        assert!(screen.contains("B5"), "{screen}");
        tmux.keys(&["n"]);
    }

    // q: the process ends and the shell is back, out of the alternate screen.
    tmux.keys(&["q"]);
    let (screen, _) = tmux.wait("the shell", Duration::from_secs(5), |s| s.contains("EXITED:0"));
    assert!(screen.contains("shell$"), "{screen}");
    assert!(!screen.contains("Findings ("), "the dashboard is still on screen:\n{screen}");
    assert_eq!(tmux.run(&["display-message", "-p", "-t", "t", "#{alternate_on}"]).trim(), "0");
    // Raw mode is off: typed text echoes and runs.
    tmux.keys(&["echo restored-$((40+2))", "Enter"]);
    tmux.wait("the shell to echo", Duration::from_secs(5), |s| s.contains("restored-42"));
}

#[test]
fn esc_never_quits_ctrl_u_clears_the_filter_and_e_without_an_editor_says_where() {
    // No $EDITOR, and a PATH with git but neither nano nor micro: `e` must not fall back to vi.
    let bin = tempfile::tempdir().unwrap();
    let git = std::process::Command::new("sh").args(["-c", "command -v git"]).output().unwrap();
    let git = String::from_utf8_lossy(&git.stdout).trim().to_string();
    std::os::unix::fs::symlink(&git, bin.path().join("git")).unwrap();
    let tmux = Tmux::start(100, 30, "env PS1='shell$ ' sh");
    let app = App::new();
    app.vibe(INVENTORY_FLAGS).assert().success();
    let vibe = assert_cmd::cargo::cargo_bin!("vibe");
    let command = format!(
        "env -u VISUAL -u EDITOR PATH={} {} watch {}; echo EXITED:$?",
        bin.path().display(),
        vibe.display(),
        app.path().display()
    );
    tmux.keys(&[&command, "Enter"]);
    tmux.wait("the review", Duration::from_secs(20), |s| s.contains("BLOCKED") || s.contains("PASS"));

    tmux.keys(&["Escape"]);
    let screen = tmux.wait_for("q quits");
    assert!(!screen.contains("EXITED"), "Esc quit the dashboard:\n{screen}");

    tmux.keys(&["/"]);
    tmux.keys(&["-l", "no such thing"]);
    tmux.wait_for("No finding matches");
    tmux.keys(&["C-w"]);
    let screen = tmux.wait_for("\"no such \"");
    assert!(!screen.contains("thingw"), "Ctrl-W typed a w:\n{screen}");
    tmux.keys(&["C-u"]);
    let (screen, _) = tmux.wait("the whole list back", Duration::from_secs(5), |s| !s.contains("No finding matches"));
    assert!(!screen.contains("no such") && !screen.contains("/u"), "Ctrl-U did not clear the filter:\n{screen}");
    tmux.keys(&["Enter"]);

    tmux.keys(&["e"]);
    let screen = tmux.wait_for("No editor found");
    assert!(screen.contains(".yaml:") && screen.contains("yourself"), "no file:line to open:\n{screen}");
    assert_eq!(tmux.run(&["display-message", "-p", "-t", "t", "#{alternate_on}"]).trim(), "1", "still on screen");

    tmux.keys(&["q"]);
    tmux.wait("the shell", Duration::from_secs(5), |s| s.contains("EXITED:0"));
}
