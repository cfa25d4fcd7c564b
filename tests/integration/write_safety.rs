//! Writing into a creator's repo safely: only inside the repo, never through a link, one
//! writer at a time, unique backups, no leftovers of a killed run, all or nothing.

use crate::common::{App, INVENTORY_FLAGS};
use std::process::Stdio;

const TAG_A: &str = "aaaa111";
const TAG_B: &str = "bbbb222";

fn inventory() -> App {
    let app = App::new();
    app.vibe(INVENTORY_FLAGS).assert().success();
    app
}

/// Every file under the repo but vibe's own state, with its bytes.
fn snapshot(app: &App) -> Vec<(String, Vec<u8>)> {
    app.files()
        .into_iter()
        .filter(|f| !f.starts_with(".vibe/"))
        .map(|f| {
            let bytes = std::fs::read(app.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

/// Asserts no file under the repo (vibe's state and backups included) contains `marker`.
fn assert_nowhere(app: &App, marker: &str) {
    for f in app.files() {
        let bytes = std::fs::read(app.join(&f)).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&bytes).contains(marker), "{f} holds content from outside the repo");
    }
}

fn add_to_lock(app: &App, path: &str) {
    let lock = app.read(".vibe/lock.json");
    let mut json: serde_json::Value = serde_json::from_str(&lock).unwrap();
    json["files"][path] = serde_json::Value::String("0".repeat(64));
    app.write(".vibe/lock.json", &serde_json::to_string_pretty(&json).unwrap());
}

#[test]
fn lock_entries_outside_the_repo_are_refused_and_nothing_is_removed() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    for entry in [victim.to_string_lossy().into_owned(), "../victim.txt".to_string()] {
        let app = inventory();
        std::fs::write(&victim, "precious").unwrap();
        // `../victim.txt` seen from the repo: a sibling of the app folder.
        let sibling = app.path().parent().unwrap().join("victim.txt");
        let sibling_existed = sibling.exists();
        if !sibling_existed {
            std::fs::write(&sibling, "precious").unwrap();
        }
        add_to_lock(&app, &entry);
        let out = app.vibe(&["generate", "--tag", TAG_A]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
        assert!(stderr.contains(&entry) && stderr.contains("outside the repo"), "{stderr}");
        assert!(!stdout.contains("removed"), "{stdout}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(sibling.exists(), "../victim.txt was removed");
        if !sibling_existed {
            std::fs::remove_file(&sibling).unwrap();
        }
    }
}

#[test]
fn backups_made_in_the_same_second_keep_every_edit() {
    let app = inventory();
    let edits = ["# first edit", "# second edit", "# third edit"];
    for edit in edits {
        let text = app.read("k8s/08-app.yaml");
        app.write("k8s/08-app.yaml", &format!("{text}{edit}\n"));
        app.vibe(&["generate", "--tag", TAG_A]).assert().success();
    }
    let backups: Vec<String> =
        app.files().into_iter().filter(|f| f.starts_with(".vibe/backup/") && f.ends_with("k8s/08-app.yaml")).collect();
    assert_eq!(backups.len(), edits.len(), "{backups:?}");
    for edit in edits {
        assert!(backups.iter().any(|b| app.read(b).contains(edit)), "{edit} was lost: {backups:?}");
    }
}

#[test]
fn a_fix_and_a_generate_in_the_same_second_keep_both_edits() {
    let app = inventory();
    let pristine = app.read("k8s/08-app.yaml");
    // An edit --fix regenerates away (A4), then an edit generate replaces.
    let first = pristine.replacen("            allowPrivilegeEscalation: false\n", "", 1) + "# fixed away\n";
    app.write("k8s/08-app.yaml", &first);
    // Start at the beginning of a second, so both runs are likely to share it.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    std::thread::sleep(std::time::Duration::from_nanos(1_000_000_000 - u64::from(now.subsec_nanos())));
    let fix = app.vibe(&["review", "--fix"]).output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&fix.stdout), String::from_utf8_lossy(&fix.stderr));
    assert!(said.contains("regenerated k8s/08-app.yaml"), "{said}");
    app.write("k8s/08-app.yaml", &format!("{pristine}# generated away\n"));
    app.vibe(&["generate", "--tag", "a1b2c3d"]).assert().success();
    let backups: Vec<String> =
        app.files().into_iter().filter(|f| f.starts_with(".vibe/backup/") && f.ends_with("k8s/08-app.yaml")).collect();
    for edit in ["# fixed away", "# generated away"] {
        assert!(backups.iter().any(|b| app.read(b).contains(edit)), "{edit} was lost: {backups:?}");
    }
}

/// The image tags that appear in the generated files.
fn tags_in(app: &App) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for (f, bytes) in snapshot(app) {
        let text = String::from_utf8_lossy(&bytes);
        for tag in [TAG_A, TAG_B] {
            if text.contains(tag) {
                out.push((f.clone(), tag));
            }
        }
    }
    out
}

#[test]
fn concurrent_generates_never_mix_tags_or_lose_an_edit() {
    for round in 0..4 {
        let app = inventory();
        let text = app.read("k8s/08-app.yaml");
        let edit = format!("# hand edit {round}");
        app.write("k8s/08-app.yaml", &format!("{text}{edit}\n"));
        let spawn = |tag: &str| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin!("vibe"))
                .env("NO_COLOR", "1")
                .env_remove("VIBE_PLATFORM")
                .arg("--dir")
                .arg(app.path())
                .args(["generate", "--tag", tag])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(TAG_A), spawn(TAG_B));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        for out in [&a, &b] {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() || (out.status.code() == Some(2) && stderr.contains("another vibe is writing")),
                "{stderr}"
            );
        }
        assert!(a.status.success() || b.status.success(), "neither run wrote");
        let tags = tags_in(&app);
        let distinct: std::collections::BTreeSet<&str> = tags.iter().map(|(_, t)| *t).collect();
        assert_eq!(distinct.len(), 1, "round {round}: files carry both tags: {tags:?}");
        let kept = app
            .files()
            .into_iter()
            .filter(|f| f.starts_with(".vibe/backup/") && f.ends_with("k8s/08-app.yaml"))
            .any(|f| app.read(&f).contains(&edit));
        assert!(kept, "round {round}: the hand edit was lost");
    }
}

#[test]
fn a_second_writer_waits_then_says_who_holds_the_repo() {
    let app = inventory();
    // Hold the writing lock the way a running vibe does (flock on the lock file).
    let mut holder = std::process::Command::new("flock")
        .arg(app.join(".vibe/write.lock"))
        .args(["sleep", "30"])
        .spawn()
        .expect("flock (util-linux) is installed");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let before = snapshot(&app);
    let started = std::time::Instant::now();
    let out = app.vibe(&["generate", "--tag", TAG_B]).output().unwrap();
    let _ = holder.kill();
    let _ = holder.wait();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("another vibe is writing this repo"), "{stderr}");
    assert!(started.elapsed() >= std::time::Duration::from_secs(1), "it did not wait at all");
    assert_eq!(snapshot(&app), before, "a refused run changed files");
}

#[test]
fn temp_files_of_a_dead_run_are_removed_and_never_called_edits() {
    let app = inventory();
    let dead = {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    };
    let leftovers =
        [format!("k8s/.08-app.yaml.vibe-tmp-{dead}"), format!("helm/vibe-stack/templates/.app.yaml.vibe-tmp-{dead}")];
    for l in &leftovers {
        app.write(l, "half written");
    }
    let out = app.vibe(&["generate", "--tag", TAG_B]).assert().success().get_output().stdout.clone();
    let stdout = String::from_utf8_lossy(&out);
    assert!(!stdout.contains("you had edited it"), "{stdout}");
    for l in &leftovers {
        assert!(!app.join(l).exists(), "{l} is still there");
    }
}

#[test]
fn a_killed_run_leaves_no_temp_files_and_no_false_edits() {
    let app = inventory();
    // Kills spread over a whole run, so some land between writing the files and the lock.
    let started = std::time::Instant::now();
    app.vibe(&["generate", "--tag", TAG_A]).assert().success();
    let full = started.elapsed().as_millis() as u64;
    for (i, delay_ms) in (0..50).map(|n| full * n / 40).enumerate() {
        let tag = format!("dead{i:03}");
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("vibe"))
            .env("NO_COLOR", "1")
            .env_remove("VIBE_PLATFORM")
            .arg("--dir")
            .arg(app.path())
            .args(["generate", "--tag", &tag])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let out = app.vibe(&["generate", "--tag", &format!("next{i:03}")]).assert().success().get_output().clone();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains("you had edited it"), "after a kill at {delay_ms} ms: {stdout}");
        let tmp: Vec<String> = app.files().into_iter().filter(|f| f.contains(".vibe-tmp-")).collect();
        assert!(tmp.is_empty(), "after a kill at {delay_ms} ms: {tmp:?}");
    }
}

#[test]
fn a_target_that_cannot_be_written_fails_before_anything_changes() {
    // Tests run as root, where permission bits never stop a write: a file where vibe needs a
    // folder fails for root too, and `skills/` comes after AGENTS.md, helm/ and k8s/ in the plan.
    let app = inventory();
    std::fs::remove_dir_all(app.join("skills")).unwrap();
    app.write("skills", "not a folder");
    let before = snapshot(&app);
    let lock_before = app.read(".vibe/lock.json");
    let out = app.vibe(&["generate", "--tag", TAG_B]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("skills") && stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(snapshot(&app), before, "some files were rewritten before the failure");
    assert_eq!(app.read(".vibe/lock.json"), lock_before);
}

const MARKER: &str = "OUTSIDE_MARKER_7f3a";

#[test]
fn a_link_to_proc_environ_is_never_read() {
    let app = inventory();
    std::fs::remove_file(app.join("k8s/03-configmap.yaml")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", app.join("k8s/03-configmap.yaml")).unwrap();
    let out = app.vibe(&["generate", "--dry-run", "--tag", TAG_A]).env("VIBE_TEST_SECRET", MARKER).output().unwrap();
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{all}");
    assert!(!all.contains(MARKER), "the environment was printed:\n{all}");
    let out = app.vibe(&["generate", "--tag", TAG_A]).env("VIBE_TEST_SECRET", MARKER).output().unwrap();
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{all}");
    assert!(!all.contains(MARKER), "{all}");
    assert!(all.contains("k8s/03-configmap.yaml") && all.contains("link"), "the output does not say: {all}");
    assert!(!app.join("k8s/03-configmap.yaml").is_symlink(), "the link is still there");
    assert_nowhere(&app, MARKER);
}

#[test]
fn a_link_to_an_outside_file_is_replaced_not_read_or_written_through() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("config.yaml");
    let content = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  K: {MARKER}\n");
    std::fs::write(&target, &content).unwrap();
    let app = inventory();
    for f in ["k8s/03-configmap.yaml", "k8s/08-app.yaml"] {
        std::fs::remove_file(app.join(f)).unwrap();
        std::os::unix::fs::symlink(&target, app.join(f)).unwrap();
    }
    let out = app.vibe(&["generate", "--tag", TAG_B]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(!stdout.contains(MARKER), "{stdout}");
    assert!(stdout.contains("link"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), content, "the link's target was changed");
    assert_nowhere(&app, MARKER);
}

#[test]
fn fix_never_copies_a_linked_file_into_the_repo() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("policies.yaml");
    let content = format!(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {MARKER}\n  namespace: x\nspec:\n  \
         podSelector: {{}}\n  policyTypes: [Ingress]\n"
    );
    std::fs::write(&target, &content).unwrap();
    let app = inventory();
    std::fs::remove_file(app.join("k8s/01-network-policies.yaml")).unwrap();
    std::os::unix::fs::symlink(&target, app.join("k8s/01-network-policies.yaml")).unwrap();
    let out = app.vibe(&["review", "--fix"]).output().unwrap();
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), content, "the link's target was changed");
    for f in app.files() {
        if f == "k8s/01-network-policies.yaml" && app.join(&f).is_symlink() {
            continue;
        }
        let bytes = std::fs::read(app.join(&f)).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&bytes).contains(MARKER), "{f} holds content from outside the repo:\n{all}");
    }
}

#[test]
fn a_linked_folder_never_makes_vibe_write_outside() {
    let outside = tempfile::tempdir().unwrap();
    let app = inventory();
    std::fs::remove_dir_all(app.join("k8s")).unwrap();
    std::os::unix::fs::symlink(outside.path(), app.join("k8s")).unwrap();
    let out = app.vibe(&["generate", "--tag", TAG_B]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "vibe wrote outside the repo: {stderr}");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("k8s") && stderr.contains("link"), "{stderr}");
}
