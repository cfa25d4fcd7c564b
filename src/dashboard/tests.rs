//! Render tests (TestBackend + insta snapshots) and loop tests. States are built from
//! constructed reports, never from disk, so the screens are stable.

use super::state::{Excerpt, FixStage, Item, Overlay, ReviewOutcome};
use super::*;
use crate::contract::CheckId;
use crate::fix::FixPlan;
use crate::review::{Finding, Report};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::Color;
use std::sync::mpsc::channel;

fn app_lines() -> Vec<String> {
    [
        "      containers:",
        "        - name: app",
        "          image: harbor.internal.example.com/vibe/inventory-checker:latest",
        "          ports:",
        "            - containerPort: 8081",
        "              name: http",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn findings() -> Vec<Finding> {
    vec![
        Finding::new(CheckId::A1, "k8s/08-app.yaml", Some(42))
            .object("Deployment/inventory-checker-app")
            .message("The app image is tagged `latest`: nobody can tell which code runs.")
            .fix("Set the tag to the commit SHA: image: harbor.internal.example.com/vibe/inventory-checker:a1b2c3d"),
        Finding::new(CheckId::A3, "k8s/08-app.yaml", Some(30))
            .object("Deployment/inventory-checker-app")
            .message("The pod may run as root: securityContext.runAsNonRoot is not set."),
        Finding::new(CheckId::B5, "k8s/08-app.yaml", Some(61))
            .object("Deployment/inventory-checker-app")
            .message("readinessProbe timeoutSeconds is 1; the contract needs at least 5."),
        Finding::new(CheckId::C1, "k8s/05-network-policies.yaml", None)
            .message("No default-deny-ingress NetworkPolicy."),
        Finding::new(CheckId::F1, "k8s/08-app.yaml", Some(48))
            .object("Deployment/inventory-checker-app")
            .message("Container nginx declares no memory request."),
    ]
}

fn outcome(findings: Vec<Finding>) -> ReviewOutcome {
    let items = findings
        .iter()
        .map(|f| {
            let excerpt = (f.id == CheckId::A1).then(|| Excerpt { first_line: 40, lines: app_lines(), highlight: 42 });
            Item { finding: f.clone(), excerpt, fixable: matches!(f.id, CheckId::A1 | CheckId::A3 | CheckId::B5) }
        })
        .collect();
    let report = Report {
        findings,
        app: Some("Inventory Checker".into()),
        namespace: Some("platform-vibe-inventory-checker".into()),
        ..Report::default()
    };
    ReviewOutcome { report, items, finished_at: "14:03:27".into(), took: Duration::from_millis(42) }
}

fn state_with(findings: Vec<Finding>) -> State {
    let mut s = State::new("/home/me/inventory-checker");
    s.start();
    update(&mut s, Action::Reviewed(Box::new(outcome(findings))));
    s
}

fn draw(state: &State, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| view::render(f, state)).unwrap();
    t
}

fn key(c: KeyCode) -> Action {
    Action::Key(KeyEvent::from(c))
}

fn screen(t: &Terminal<TestBackend>) -> String {
    t.backend().to_string()
}

#[test]
fn blocked_repo() {
    let t = draw(&state_with(findings()), 120, 40);
    insta::assert_snapshot!("blocked", t.backend());
    // The gate badge is red.
    let cell = &t.backend().buffer()[(1, 0)];
    assert_eq!((cell.symbol(), cell.bg), ("B", Color::Red));
}

#[test]
fn passing_repo() {
    let t = draw(&state_with(Vec::new()), 120, 40);
    insta::assert_snapshot!("passing", t.backend());
    assert_eq!(t.backend().buffer()[(1, 0)].bg, Color::Green);
}

#[test]
fn a_pass_beside_skipped_templates_is_a_pass_and_an_unreadable_file_is_not() {
    let diagnostic = |file: &str, template: bool| crate::repo::Diagnostic {
        file: file.into(),
        line: Some(1),
        message: "skipped".into(),
        template,
        blocking: false,
    };
    let with = |diagnostics: Vec<crate::repo::Diagnostic>, subject: crate::review::Subject| {
        let mut o = outcome(Vec::new());
        o.report.diagnostics = diagnostics;
        o.report.subject = subject;
        let mut s = State::new("/home/me/inventory-checker");
        s.start();
        update(&mut s, Action::Reviewed(Box::new(o)));
        screen(&draw(&s, 120, 40))
    };
    let chart = vec![diagnostic("helm/vibe-stack/templates/app.yaml", true)];
    let text = with(chart.clone(), crate::review::Subject::Repo);
    assert!(text.contains("Every check passed.") && text.contains("Commit and push"), "{text}");
    assert!(text.contains("1 template file(s)"), "{text}");
    let text = with(chart.clone(), crate::review::Subject::Namespace);
    assert!(text.contains("The namespace runs what the repo says") && !text.contains("Commit and push"), "{text}");
    let text = with([chart, vec![diagnostic("k8s/broken.yaml", false)]].concat(), crate::review::Subject::Repo);
    assert!(!text.contains("Every check passed") && text.contains("Some files could not be read"), "{text}");
}

#[test]
fn a_file_the_gate_could_not_read_shows_blocked_with_its_reason() {
    let mut o = outcome(Vec::new());
    o.report.diagnostics = vec![crate::repo::Diagnostic::unreadable(
        "k8s/03-configmap.yaml",
        Some(12),
        "not valid YAML: did not find expected node content".into(),
        true,
    )];
    let mut s = State::new("/home/me/inventory-checker");
    s.start();
    update(&mut s, Action::Reviewed(Box::new(o)));
    let t = draw(&s, 120, 40);
    let text = screen(&t);
    assert!(text.contains("BLOCKED") && text.contains("1 file unreadable"), "{text}");
    assert!(text.contains("k8s/03-configmap.yaml:12") && text.contains("not valid YAML"), "{text}");
    assert!(!text.contains("No finding in the files reviewed") && !text.contains("passed"), "{text}");
    assert_eq!(t.backend().buffer()[(1, 0)].bg, Color::Red);
}

#[test]
fn detail_pane() {
    let mut s = state_with(findings());
    update(&mut s, key(KeyCode::Enter));
    let t = draw(&s, 80, 24);
    insta::assert_snapshot!("detail_80x24", t.backend());
    let text = screen(&t);
    assert!(text.contains("Problem") && text.contains("▶42 │"), "{text}");
    // The reasons are further down: j scrolls the pane.
    for _ in 0..8 {
        update(&mut s, key(KeyCode::Char('j')));
    }
    let text = screen(&draw(&s, 80, 24));
    assert!(text.contains("Why it matters"), "{text}");
}

#[test]
fn help_overlay() {
    let mut s = state_with(findings());
    update(&mut s, Action::Key(KeyEvent::from(KeyCode::Char('?'))));
    insta::assert_snapshot!("help", draw(&s, 120, 40).backend());
}

#[test]
fn small_terminal_list() {
    let mut s = state_with(findings());
    s.reviewing = true; // the spinner shows in the header
    insta::assert_snapshot!("list_80x24", draw(&s, 80, 24).backend());
}

#[test]
fn fix_preview_lists_what_cannot_be_fixed() {
    let mut s = state_with(findings());
    update(&mut s, Action::Key(KeyEvent::from(KeyCode::Char('F'))));
    let fs = findings();
    let plan = FixPlan {
        manual: vec![
            (fs[3].clone(), "Add the default-deny NetworkPolicy by hand.".into()),
            (fs[0].clone(), String::new()),
        ],
        ..FixPlan::default()
    };
    update(&mut s, Action::FixPlanned(Ok(plan)));
    assert!(matches!(s.overlay, Some(Overlay::Fix { stage: FixStage::Preview { .. }, .. })));
    let t = draw(&s, 100, 30);
    insta::assert_snapshot!("fix_preview_manual", t.backend());
}

#[test]
fn fix_preview_lists_every_finding_the_changes_fix() {
    let mut s = state_with(findings());
    update(&mut s, Action::Key(KeyEvent::from(KeyCode::Char('F'))));
    let fs = findings();
    let b5 = Finding::new(CheckId::B5, "k8s/08-app.yaml", Some(61)).message("The liveness probe waits only 1 second");
    let plan = FixPlan {
        changes: vec![crate::fix::FileChange {
            path: "k8s/08-app.yaml".into(),
            before: "a: 1\n".into(),
            after: "a: 2\n".into(),
        }],
        fixed: vec![fs[0].clone(), b5],
        ..FixPlan::default()
    };
    update(&mut s, Action::FixPlanned(Ok(plan)));
    let text = screen(&draw(&s, 140, 40));
    assert!(text.contains("These changes fix 2 findings in 1 file"), "{text}");
    assert!(text.contains("A1 k8s/08-app.yaml:42") && text.contains("B5 k8s/08-app.yaml:61"), "{text}");
    assert!(text.contains("The liveness probe waits only 1 second"), "{text}");
}

#[test]
fn stacked_and_filtered_layouts_render() {
    let mut s = state_with(findings());
    // 90 columns, 40 rows: the detail pane sits under the list.
    let text = screen(&draw(&s, 90, 40));
    assert!(text.contains("Findings (5)") && text.contains("Why it matters"), "{text}");
    for c in "/zzz".chars() {
        update(&mut s, Action::Key(KeyEvent::from(KeyCode::Char(c))));
    }
    let text = screen(&draw(&s, 80, 24));
    assert!(text.contains("No finding matches \"zzz\""), "{text}");
    // Tiny terminals do not panic.
    for (w, h) in [(20, 5), (1, 1), (0, 0), (200, 3)] {
        draw(&s, w, h);
    }
}

/// A host that answers jobs at once with scripted results and records editor calls.
struct Scripted {
    tx: Sender<Action>,
    reviews: Vec<ReviewOutcome>,
    jobs: Vec<String>,
    edits: Vec<(String, Option<u32>)>,
}

impl Host for Scripted {
    fn submit(&mut self, job: Job) -> Result<(), Error> {
        self.jobs.push(format!("{job:?}").chars().take(12).collect());
        if let Job::Review = job {
            let next = if self.reviews.is_empty() { outcome(Vec::new()) } else { self.reviews.remove(0) };
            self.tx.send(Action::Reviewed(Box::new(next))).unwrap();
        }
        Ok(())
    }

    fn edit(&mut self, file: &str, line: Option<u32>) -> Result<(), String> {
        self.edits.push((file.to_string(), line));
        Ok(())
    }
}

#[test]
fn loop_reviews_redraws_edits_and_quits() {
    let (tx, rx) = channel();
    let mut host = Scripted {
        tx: tx.clone(),
        reviews: vec![outcome(findings()), outcome(findings()[1..].to_vec())],
        jobs: vec![],
        edits: vec![],
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut state = State::new("/app");
    // Once the first report shows: open the editor on the selection, then a file change
    // (the second review has A1 fixed); when that shows, quit.
    let mut frames = Vec::new();
    let script = tx.clone();
    run_loop(&mut terminal, &mut state, &rx, &mut host, &mut |s| {
        let critical = s.report.as_ref().map(Report::critical);
        if frames.last() != Some(&critical) {
            match critical {
                Some(4) => {
                    script.send(Action::Key(KeyEvent::from(KeyCode::Char('e')))).unwrap();
                    script.send(Action::FilesChanged(1)).unwrap();
                }
                Some(3) => script.send(Action::Key(KeyEvent::from(KeyCode::Char('q')))).unwrap(),
                _ => {}
            }
        }
        // A bug must fail the test, not hang it.
        if frames.len() > 50 {
            script.send(Action::Key(KeyEvent::from(KeyCode::Char('q')))).unwrap();
        }
        frames.push(critical);
    })
    .unwrap();
    assert_eq!(host.edits, vec![("k8s/08-app.yaml".to_string(), Some(42))]);
    assert_eq!(host.jobs.iter().filter(|j| j.starts_with("Review")).count(), 2);
    assert_eq!(frames.first(), Some(&None), "the first frame shows the review running");
    assert!(frames.contains(&Some(4)));
    assert_eq!(frames.last(), Some(&Some(3)));
    let text = screen(&terminal);
    assert!(text.contains("BLOCKED") && !text.contains("A1 "), "{text}");
}

struct Silent;

impl Host for Silent {
    fn submit(&mut self, _job: Job) -> Result<(), Error> {
        Ok(())
    }

    fn edit(&mut self, _file: &str, _line: Option<u32>) -> Result<(), String> {
        Err("none".into())
    }
}

#[test]
fn loop_ends_when_every_sender_is_gone() {
    let (tx, rx) = channel::<Action>();
    drop(tx);
    let mut terminal = Terminal::new(TestBackend::new(40, 10)).unwrap();
    let mut state = State::new("/app");
    run_loop(&mut terminal, &mut state, &rx, &mut Silent, &mut |_| {}).unwrap();
    assert!(screen(&terminal).contains("REVIEWING"));
}

#[test]
fn control_characters_from_the_repo_are_spelt_out() {
    let hostile = Finding::new(CheckId::A3, "k8s/evil\u{1b}[31m.yaml", Some(7))
        .object("Deployment/p\u{1b}[2J\u{1b}]0;pwned\u{7}")
        .message("The pod of Deployment/p\u{1b}[2J may run as root.");
    let mut s = state_with(vec![hostile]);
    update(&mut s, key(KeyCode::Enter));
    let text = screen(&draw(&s, 160, 40));
    assert!(!text.contains(|c: char| c.is_control() && c != '\n'), "{text:?}");
    assert!(text.contains("k8s/evil\\x1b[31m.yaml:7"), "{text}");
    assert!(text.contains("Deployment/p\\x1b[2J\\x1b]0;pwned\\x07"), "{text}");
}

/// The findings of a generated repo, with the long file names real repos have.
fn long_path_findings() -> Vec<Finding> {
    let mut fs = findings();
    fs.push(
        Finding::new(CheckId::E4, "k8s/02-sealed-secrets.yaml", Some(32))
            .object("SealedSecret/inventory-checker-secrets")
            .message("The SealedSecret was sealed for another namespace: the controller cannot open it."),
    );
    fs
}

/// Rows of the screen, as text.
fn rows(t: &Terminal<TestBackend>) -> Vec<String> {
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>())
        .collect()
}

#[test]
fn every_size_keeps_the_app_name_the_keys_and_readable_messages() {
    for (w, h) in [(60, 20), (80, 24), (100, 30), (200, 50)] {
        let s = state_with(long_path_findings());
        let t = draw(&s, w, h);
        let text = screen(&t);
        let rows = rows(&t);
        assert!(rows[0].contains("Inventory Checker"), "{w}x{h}: the header lost the app name:\n{text}");
        let footer = rows[rows.len().saturating_sub(2)..].join("\n");
        for key in ["q quit", "? help", "f fix", "e edit"] {
            assert!(footer.contains(key), "{w}x{h}: the footer lost `{key}`:\n{text}");
        }
        // Every finding row shows the start of its message, not one letter of it.
        for f in long_path_findings() {
            let start: String = f.message.chars().take(18).collect();
            assert!(text.contains(&start), "{w}x{h}: `{start}` is not readable:\n{text}");
        }
        // And where it is in the file: the file name and line at least.
        let e4 = rows.iter().find(|r| r.contains(" E4 ")).expect("the E4 row");
        assert!(e4.contains("02-seal") && e4.contains(".yaml:32"), "{w}x{h}: {e4}");
        insta::assert_snapshot!(format!("sizes_{w}x{h}"), t.backend());
    }
}

#[test]
fn the_help_shows_every_key_at_every_size() {
    for (w, h) in [(60, 20), (80, 24), (100, 30)] {
        let mut s = state_with(findings());
        update(&mut s, key(KeyCode::Char('?')));
        let t = draw(&s, w, h);
        let text = screen(&t);
        for (k, what) in view::KEYS {
            let start: String = what.chars().take(20).collect();
            assert!(text.contains(k.trim()) && text.contains(&start), "{w}x{h}: help lost `{k}`:\n{text}");
        }
        assert!(text.contains("closes this help"), "{w}x{h}:\n{text}");
    }
    let mut s = state_with(findings());
    update(&mut s, key(KeyCode::Char('?')));
    insta::assert_snapshot!("help_60x20", draw(&s, 60, 20).backend());
}

#[test]
fn the_status_after_a_fix_is_shown_whole() {
    let mut s = state_with(findings());
    update(&mut s, key(KeyCode::Char('f')));
    update(&mut s, Action::FixPlanned(Ok(FixPlan::default())));
    let summary = "k8s/08-app.yaml (edited, +3 -1)".to_string();
    update(&mut s, Action::FixApplied(Ok(vec![summary, "k8s/05-network-policies.yaml (new file, +40 -0)".into()])));
    for (w, h) in [(60, 20), (80, 24), (100, 30)] {
        let text = screen(&draw(&s, w, h));
        let flat = text.split('\n').map(|l| l.trim_matches(['"', ' '])).collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("k8s/08-app.yaml (edited, +3 -1)") && flat.contains("Reviewing again…"),
            "{w}x{h}: the status line is cut:\n{text}"
        );
    }
}

/// A generated repo with a changed chart value: the review (the worker's job) places the finding
/// at the values line, and `f` on it previews restoring the values file vibe writes.
#[test]
fn f_on_a_chart_finding_previews_restoring_the_chart_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), "print('hi')\n").unwrap();
    let mut answers = crate::wizard::blank();
    answers.name = "Shop".into();
    answers.runtime = "python3.12".into();
    answers.tag = Some("a1b2c3d".into());
    std::fs::write(dir.path().join("vibe.yaml"), answers.to_yaml()).unwrap();
    let ws = crate::workspace::Workspace::load(dir.path(), None);
    crate::generate::generate(dir.path(), &ws.spec(None).unwrap(), false).unwrap();
    let values = dir.path().join("helm/vibe-stack/values.yaml");
    let text = std::fs::read_to_string(&values).unwrap();
    std::fs::write(&values, text.replace("\n  min: 1\n", "\n  min: 0\n")).unwrap();

    let ws = ws.reload();
    let Action::Reviewed(outcome) = worker::run(&ws, &worker::Source::Repo, worker::Job::Review) else {
        panic!("the review failed")
    };
    let chart: Vec<Finding> =
        outcome.report.findings.iter().filter(|f| f.file == "helm/vibe-stack/values.yaml").cloned().collect();
    assert_eq!(chart.len(), 1, "{:#?}", outcome.report.findings);
    let mut s = State::new("/app");
    s.start();
    update(&mut s, Action::Reviewed(outcome));
    for _ in 0..10 {
        if s.selected_item().is_some_and(|i| i.finding.file == chart[0].file) {
            break;
        }
        update(&mut s, key(KeyCode::Down));
    }
    assert!(s.selected_item().is_some_and(|i| i.fixable), "a chart finding shows the fix hint");
    let text = screen(&draw(&s, 140, 40));
    assert!(text.contains("helm/vibe-stack/values.yaml"), "{text}");
    update(&mut s, key(KeyCode::Char('f')));
    let Action::FixPlanned(Ok(plan)) = worker::run(&ws, &worker::Source::Repo, worker::Job::PlanFix(chart.clone()))
    else {
        panic!("no fix plan")
    };
    assert!(plan.diff().contains("+  min: 1"), "{}", plan.diff());
    assert!(plan.fixed.iter().any(|f| f.file == chart[0].file), "{:?}", plan.manual);
    update(&mut s, Action::FixPlanned(Ok(plan)));
    let text = screen(&draw(&s, 140, 40));
    assert!(text.contains("helm/vibe-stack/values.yaml"), "{text}");
}
