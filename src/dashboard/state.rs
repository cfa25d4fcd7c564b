//! The dashboard's one state struct and the pure `update` that applies every input to it.
//!
//! Everything that happens (a key, a mouse wheel, a resize, a file change, a review or fix
//! result, a clock tick) arrives as an [`Action`]; `update` changes the state and returns the
//! [`Effect`]s the loop must carry out (run a review, plan or apply a fix, open the editor,
//! quit). No I/O happens here, so every behaviour is unit-testable without a terminal.

use crate::contract::CheckId;
use crate::contract::catalogue::{Area, Severity};
use crate::fix::FixPlan;
use crate::review::{Finding, Report};
use crate::words::plural;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;

/// Lines of a file around a finding, read by the worker with the review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// Line number of `lines[0]` (1-based).
    pub first_line: u32,
    /// The lines, secrets masked, long lines cut.
    pub lines: Vec<String>,
    /// The finding's line (1-based), highlighted by the view.
    pub highlight: u32,
}

/// One finding as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The finding.
    pub finding: Finding,
    /// The file around its line, when it has one and the file could be read.
    pub excerpt: Option<Excerpt>,
    /// Whether `vibe` can fix it by itself (the `f` marker).
    pub fixable: bool,
}

/// A finished review, as the worker hands it over.
#[derive(Debug, Clone)]
pub struct ReviewOutcome {
    /// The report (its findings are also in `items`, with excerpts).
    pub report: Report,
    /// The findings with their excerpts, in report order.
    pub items: Vec<Item>,
    /// Wall-clock time the review finished, already formatted (`14:03:27`): the view does no clock I/O.
    pub finished_at: String,
    /// How long it took.
    pub took: Duration,
}

/// Everything that can happen to the dashboard.
#[derive(Debug, Clone)]
pub enum Action {
    /// A key was pressed.
    Key(KeyEvent),
    /// The mouse wheel turned (`true`: towards the user, i.e. down the list).
    Scroll(bool),
    /// The terminal was resized.
    Resize(u16, u16),
    /// Files changed in the repo (after debouncing): how many paths.
    FilesChanged(usize),
    /// The file watcher failed; the dashboard still works with `r`.
    WatchFailed(String),
    /// A review finished.
    Reviewed(Box<ReviewOutcome>),
    /// A review could not run (the folder went away, an internal error...).
    ReviewFailed(String),
    /// The fixes asked for are planned (or could not be).
    FixPlanned(Result<FixPlan, String>),
    /// A fix plan was applied: one summary line per file, or why it failed.
    FixApplied(Result<Vec<String>, String>),
    /// The editor closed (or could not start).
    EditorClosed(Result<(), String>),
    /// Time passed (animates the spinner while work runs).
    Tick,
}

/// What the loop must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Review the repo on the worker (the result comes back as `Reviewed`).
    Review,
    /// Plan fixes for these findings on the worker (`FixPlanned`).
    PlanFix(Vec<Finding>),
    /// Apply this plan on the worker (`FixApplied`).
    ApplyFix(Box<FixPlanBox>),
    /// Leave the screen, open the file at the line in $EDITOR, come back (`EditorClosed`).
    OpenEditor {
        /// Repo-relative file.
        file: String,
        /// Line, when known.
        line: Option<u32>,
    },
    /// Stop the dashboard.
    Quit,
}

/// A fix plan carried by an effect (FixPlan has no `PartialEq`; effects compare by the files they change).
#[derive(Debug, Clone)]
pub struct FixPlanBox(pub FixPlan);

impl PartialEq for FixPlanBox {
    fn eq(&self, other: &Self) -> bool {
        self.0.changes == other.0.changes
    }
}

/// Where the fix flow is.
#[derive(Debug, Clone)]
pub enum FixStage {
    /// The worker is planning.
    Planning,
    /// The plan is shown; `y` applies it.
    Preview {
        /// The plan.
        plan: FixPlan,
        /// First diff line shown.
        scroll: u16,
    },
    /// The worker is writing the files.
    Applying,
}

/// A window over the screen.
#[derive(Debug, Clone)]
pub enum Overlay {
    /// The keys.
    Help,
    /// The fix flow.
    Fix {
        /// What is being fixed, for the title ("A1 in k8s/08-app.yaml", "3 CRITICAL findings").
        title: String,
        /// Where the flow is.
        stage: FixStage,
    },
}

/// How a status line should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Neutral news.
    Info,
    /// Something worked.
    Good,
    /// Something failed.
    Bad,
}

/// What identifies a finding across reviews, so the selection follows it when the list changes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Identity {
    id: CheckId,
    file: String,
    object: Option<String>,
    line: Option<u32>,
    message: String,
}

impl Identity {
    fn of(f: &Finding) -> Identity {
        Identity { id: f.id, file: f.file.clone(), object: f.object.clone(), line: f.line, message: f.message.clone() }
    }

    /// Same finding, possibly moved: lines shift when someone edits above it, messages
    /// quote values that change.
    fn loosely(&self, f: &Finding) -> bool {
        self.id == f.id && self.file == f.file && self.object == f.object
    }
}

/// The dashboard's whole state. The view renders only from this.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// What is watched, as shown in the header.
    pub watched: String,
    /// The last report (`None` until the first review finishes).
    pub report: Option<Report>,
    /// Findings in display order: grouped by area, CRITICAL first within an area.
    pub items: Vec<Item>,
    /// Indices into `items` that pass the filter, in display order.
    pub visible: Vec<usize>,
    /// Position in `visible` of the selected finding.
    pub selected: usize,
    /// When the last review finished and how long it took.
    pub last_review: Option<(String, Duration)>,
    /// A review is running on the worker.
    pub reviewing: bool,
    /// Files changed while a review ran: exactly one more review follows it.
    pub pending_review: bool,
    /// Spinner frame.
    pub spinner: usize,
    /// The filter text (matches id, file, object, area and message, ignoring case).
    pub filter: String,
    /// The filter is being typed.
    pub filter_editing: bool,
    /// The detail pane has the focus (on narrow screens: is shown instead of the list).
    pub detail_open: bool,
    /// First line of the detail pane shown.
    pub detail_scroll: u16,
    /// A window over the screen, if any.
    pub overlay: Option<Overlay>,
    /// The message of the status line.
    pub status: Option<(String, Tone)>,
    /// Why the last review failed, until one succeeds.
    pub review_error: Option<String>,
    /// The file watcher is not running (why).
    pub watch_error: Option<String>,
    /// The screen must be drawn again.
    pub dirty: bool,
    /// The dashboard is stopping.
    pub quit: bool,
}

impl State {
    /// A dashboard over `watched`, waiting for its first review.
    pub fn new(watched: impl Into<String>) -> State {
        State { watched: watched.into(), dirty: true, ..State::default() }
    }

    /// The selected finding, if the list is not empty.
    pub fn selected_item(&self) -> Option<&Item> {
        self.visible.get(self.selected).and_then(|&i| self.items.get(i))
    }

    /// Findings that match the filter.
    pub fn visible_items(&self) -> impl Iterator<Item = &Item> {
        self.visible.iter().filter_map(|&i| self.items.get(i))
    }

    /// Starts the first review.
    pub fn start(&mut self) -> Vec<Effect> {
        request_review(self)
    }

    /// Sets the report and its findings, keeping the selection on the same finding when it is
    /// still there, else on the one that took its place (a fixed finding disappears and the
    /// next one moves under the cursor, like ticking a checklist).
    pub fn set_report(&mut self, report: Report, mut items: Vec<Item>) {
        let previous = self.selected_item().map(|it| Identity::of(&it.finding));
        items.sort_by_key(|it| display_key(&it.finding));
        self.items = items;
        self.report = Some(report);
        self.refilter(previous);
    }

    /// Recomputes `visible` from the filter and re-finds the selected finding.
    fn refilter(&mut self, previous: Option<Identity>) {
        let old_position = self.selected;
        let needle = self.filter.to_lowercase();
        self.visible = self
            .items
            .iter()
            .enumerate()
            .filter(|(_, it)| needle.is_empty() || matches(&it.finding, &needle))
            .map(|(i, _)| i)
            .collect();
        let position = previous.and_then(|id| {
            let exact = self.visible.iter().position(|&i| Identity::of(&self.items[i].finding) == id);
            exact.or_else(|| self.visible.iter().position(|&i| id.loosely(&self.items[i].finding)))
        });
        self.selected = position.unwrap_or(old_position).min(self.visible.len().saturating_sub(1));
        self.detail_scroll = 0;
    }

    fn move_selection(&mut self, delta: isize) {
        if self.visible.is_empty() {
            return;
        }
        let last = self.visible.len() - 1;
        let next = (self.selected as isize + delta).clamp(0, last as isize) as usize;
        if next != self.selected {
            self.selected = next;
            self.detail_scroll = 0;
        }
    }

    fn scroll_detail(&mut self, delta: i32) {
        self.detail_scroll = (i32::from(self.detail_scroll) + delta).clamp(0, i32::from(u16::MAX)) as u16;
    }

    fn set_status(&mut self, text: impl Into<String>, tone: Tone) {
        self.status = Some((text.into(), tone));
    }
}

/// Display order: area (the groups), then CRITICAL before WARNING, then check number, file, line.
fn display_key(f: &Finding) -> (Area, Severity, u32, String, u32) {
    let (severity, area, num, file, line, _) = f.sort_key();
    (area, severity, num, file, line)
}

/// Whether a finding matches a lower-cased filter.
fn matches(f: &Finding, needle: &str) -> bool {
    [f.id.as_str(), f.file.as_str(), f.area.name(), f.message.as_str(), f.object.as_deref().unwrap_or("")]
        .iter()
        .any(|field| field.to_lowercase().contains(needle))
}

/// Asks for a review, unless one is running: then exactly one more follows it, however many
/// changes arrive meanwhile (a burst of saves costs at most one extra review).
fn request_review(state: &mut State) -> Vec<Effect> {
    state.dirty = true;
    if state.reviewing {
        state.pending_review = true;
        Vec::new()
    } else {
        state.reviewing = true;
        vec![Effect::Review]
    }
}

/// Applies one action to the state and returns what the loop must do.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(key) => {
            state.dirty = true;
            on_key(state, key)
        }
        Action::Scroll(down) => {
            state.dirty = true;
            let delta = if down { 1 } else { -1 };
            match &mut state.overlay {
                Some(Overlay::Fix { stage: FixStage::Preview { scroll, .. }, .. }) => {
                    *scroll = (i32::from(*scroll) + delta).max(0) as u16;
                }
                Some(_) => {}
                None if state.detail_open => state.scroll_detail(delta),
                None => state.move_selection(delta as isize),
            }
            Vec::new()
        }
        Action::Resize(..) => {
            state.dirty = true;
            Vec::new()
        }
        Action::FilesChanged(_) => request_review(state),
        Action::WatchFailed(why) => {
            state.watch_error = Some(why);
            state.dirty = true;
            Vec::new()
        }
        Action::Reviewed(outcome) => {
            let ReviewOutcome { report, items, finished_at, took } = *outcome;
            state.set_report(report, items);
            state.last_review = Some((finished_at, took));
            state.review_error = None;
            finish_review(state)
        }
        Action::ReviewFailed(why) => {
            state.review_error = Some(why);
            finish_review(state)
        }
        Action::FixPlanned(result) => {
            state.dirty = true;
            // The creator may have closed the window while the worker planned: drop the result.
            let Some(Overlay::Fix { stage, .. }) = &mut state.overlay else { return Vec::new() };
            match result {
                Ok(plan) => *stage = FixStage::Preview { plan, scroll: 0 },
                Err(why) => {
                    state.overlay = None;
                    state.set_status(format!("Could not plan the fix: {why}"), Tone::Bad);
                }
            }
            Vec::new()
        }
        Action::FixApplied(result) => {
            state.overlay = None;
            match result {
                Ok(lines) if lines.is_empty() => state.set_status("Nothing was changed.", Tone::Info),
                Ok(lines) => {
                    let files = lines.len();
                    let first = lines.into_iter().next().unwrap_or_default();
                    let more = if files > 1 {
                        format!(" (and {} more file{})", files - 1, plural(files - 1))
                    } else {
                        String::new()
                    };
                    state.set_status(format!("Fixed: {first}{more}. Reviewing again…"), Tone::Good);
                }
                Err(why) => state.set_status(format!("The fix was not applied: {why}"), Tone::Bad),
            }
            // The watcher also sees the writes; the review coalescing keeps that to one more review at most.
            request_review(state)
        }
        Action::EditorClosed(result) => {
            state.dirty = true;
            if let Err(why) = result {
                state.set_status(why, Tone::Bad);
            }
            Vec::new()
        }
        Action::Tick => {
            let busy = state.reviewing
                || matches!(&state.overlay, Some(Overlay::Fix { stage: FixStage::Planning | FixStage::Applying, .. }));
            if busy {
                state.spinner = state.spinner.wrapping_add(1);
                state.dirty = true;
            }
            Vec::new()
        }
    }
}

fn finish_review(state: &mut State) -> Vec<Effect> {
    state.reviewing = false;
    state.dirty = true;
    if state.pending_review {
        state.pending_review = false;
        request_review(state)
    } else {
        Vec::new()
    }
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c' | 'C')) {
        state.quit = true;
        return vec![Effect::Quit];
    }
    if state.overlay.is_some() {
        return on_overlay_key(state, key);
    }
    if state.filter_editing {
        return on_filter_key(state, key);
    }
    // A status line is news about the last action; the next key makes it old.
    state.status = None;
    match key.code {
        KeyCode::Char('q') => {
            state.quit = true;
            return vec![Effect::Quit];
        }
        KeyCode::Esc => {
            // Esc backs out one level: detail, then filter; only q quits.
            if state.detail_open {
                state.detail_open = false;
            } else if !state.filter.is_empty() {
                state.filter.clear();
                let previous = state.selected_item().map(|it| Identity::of(&it.finding));
                state.refilter(previous);
            } else {
                // Esc is for closing things; quitting by reflex would lose the screen.
                state.set_status("Nothing to close: q quits.", Tone::Info);
            }
        }
        KeyCode::Up | KeyCode::Char('k') if state.detail_open => state.scroll_detail(-1),
        KeyCode::Down | KeyCode::Char('j') if state.detail_open => state.scroll_detail(1),
        KeyCode::Up | KeyCode::Char('k') => state.move_selection(-1),
        KeyCode::Down | KeyCode::Char('j') => state.move_selection(1),
        KeyCode::PageUp => state.move_selection(-10),
        KeyCode::PageDown => state.move_selection(10),
        KeyCode::Home | KeyCode::Char('g') => state.move_selection(isize::MIN / 2),
        KeyCode::End | KeyCode::Char('G') => state.move_selection(isize::MAX / 2),
        KeyCode::Enter | KeyCode::Right | KeyCode::Char('l') if state.selected_item().is_some() => {
            state.detail_open = true
        }
        KeyCode::Left | KeyCode::Char('h') => state.detail_open = false,
        KeyCode::Char('?') => state.overlay = Some(Overlay::Help),
        KeyCode::Char('/') => state.filter_editing = true,
        KeyCode::Char('r') => return request_review(state),
        KeyCode::Char('e') => {
            return match state.selected_item() {
                Some(it) => vec![Effect::OpenEditor { file: it.finding.file.clone(), line: it.finding.line }],
                None => Vec::new(),
            };
        }
        KeyCode::Char('f') => {
            let Some(it) = state.selected_item() else { return Vec::new() };
            let f = it.finding.clone();
            let title = match f.line {
                Some(l) => format!("{} in {}:{l}", f.id, f.file),
                None => format!("{} in {}", f.id, f.file),
            };
            state.overlay = Some(Overlay::Fix { title, stage: FixStage::Planning });
            return vec![Effect::PlanFix(vec![f])];
        }
        KeyCode::Char('F') => {
            // Every CRITICAL finding, fixable or not: the preview then also says which ones are
            // left to do by hand, and why.
            let critical: Vec<Finding> = state
                .items
                .iter()
                .filter(|it| it.finding.severity == Severity::Critical)
                .map(|it| it.finding.clone())
                .collect();
            if critical.is_empty() {
                state.set_status("No CRITICAL finding to fix.", Tone::Info);
                return Vec::new();
            }
            let title = format!("{} CRITICAL finding{}", critical.len(), plural(critical.len()));
            state.overlay = Some(Overlay::Fix { title, stage: FixStage::Planning });
            return vec![Effect::PlanFix(critical)];
        }
        _ => {}
    }
    Vec::new()
}

fn on_overlay_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(overlay) = &mut state.overlay else { return Vec::new() };
    match overlay {
        // Any key closes the help.
        Overlay::Help => state.overlay = None,
        Overlay::Fix { stage, .. } => match stage {
            FixStage::Preview { plan, scroll } => match key.code {
                KeyCode::Char('y' | 'Y') if !plan.is_empty() => {
                    let plan = std::mem::take(plan);
                    *stage = FixStage::Applying;
                    return vec![Effect::ApplyFix(Box::new(FixPlanBox(plan)))];
                }
                KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => state.overlay = None,
                KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
                KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
                KeyCode::PageDown | KeyCode::Char(' ') => *scroll = scroll.saturating_add(10),
                _ => {}
            },
            // While the worker plans, Esc gives up waiting (the result is then dropped).
            FixStage::Planning => {
                if matches!(key.code, KeyCode::Esc | KeyCode::Char('n' | 'q')) {
                    state.overlay = None;
                }
            }
            // Files are being written: nothing to cancel.
            FixStage::Applying => {}
        },
    }
    Vec::new()
}

fn on_filter_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let previous = state.selected_item().map(|it| Identity::of(&it.finding));
    match key.code {
        KeyCode::Enter => state.filter_editing = false,
        KeyCode::Esc => {
            state.filter_editing = false;
            state.filter.clear();
        }
        KeyCode::Up => {
            state.move_selection(-1);
            return Vec::new();
        }
        KeyCode::Down => {
            state.move_selection(1);
            return Vec::new();
        }
        _ => {
            // The filter is typed at its end (there is no cursor to move on screen).
            let mut line = crate::line_edit::LineBuffer::new(&state.filter);
            if !line.apply(key) {
                return Vec::new();
            }
            state.filter = line.text();
        }
    }
    state.refilter(previous);
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::FileChange;

    fn finding(id: CheckId, file: &str, line: u32, message: &str) -> Finding {
        Finding::new(id, file, Some(line)).message(message)
    }

    fn outcome(findings: Vec<Finding>) -> Action {
        let items = findings.iter().map(|f| Item { finding: f.clone(), excerpt: None, fixable: false }).collect();
        Action::Reviewed(Box::new(ReviewOutcome {
            report: Report { findings, ..Report::default() },
            items,
            finished_at: "12:00:00".into(),
            took: Duration::from_millis(12),
        }))
    }

    fn key(c: char) -> Action {
        Action::Key(KeyEvent::from(KeyCode::Char(c)))
    }

    fn code(c: KeyCode) -> Action {
        Action::Key(KeyEvent::from(c))
    }

    fn selected_id(s: &State) -> Option<(CheckId, String)> {
        s.selected_item().map(|it| (it.finding.id, it.finding.file.clone()))
    }

    fn three() -> Vec<Finding> {
        vec![
            finding(CheckId::A1, "k8s/08-app.yaml", 10, "tag latest"),
            finding(CheckId::B3, "k8s/08-app.yaml", 30, "liveness"),
            finding(CheckId::C1, "k8s/05-network.yaml", 1, "no default deny"),
        ]
    }

    #[test]
    fn first_review_is_requested_once_and_grouped_by_area() {
        let mut s = State::new("/app");
        assert_eq!(s.start(), vec![Effect::Review]);
        assert!(s.reviewing);
        // Out of order on purpose: the state groups by area.
        let mut fs = three();
        fs.reverse();
        assert!(update(&mut s, outcome(fs)).is_empty());
        assert!(!s.reviewing);
        let ids: Vec<_> = s.visible_items().map(|it| it.finding.id).collect();
        assert_eq!(ids, [CheckId::A1, CheckId::B3, CheckId::C1]);
        assert_eq!(s.last_review.as_ref().map(|(at, _)| at.as_str()), Some("12:00:00"));
    }

    #[test]
    fn selection_follows_the_finding_when_others_come_and_go() {
        let mut s = State::new("/app");
        s.start();
        update(&mut s, outcome(three()));
        update(&mut s, key('j'));
        assert_eq!(selected_id(&s), Some((CheckId::B3, "k8s/08-app.yaml".into())));
        // A new finding appears above, and B3 moved two lines down: the selection stays on B3.
        let mut fs = three();
        fs.insert(0, finding(CheckId::A3, "k8s/08-app.yaml", 5, "root"));
        fs[2].line = Some(32);
        update(&mut s, outcome(fs));
        assert_eq!(selected_id(&s), Some((CheckId::B3, "k8s/08-app.yaml".into())));
        assert_eq!(s.selected, 2);
    }

    #[test]
    fn a_fixed_finding_disappears_and_the_next_takes_its_place() {
        let mut s = State::new("/app");
        s.start();
        update(&mut s, outcome(three()));
        update(&mut s, key('j'));
        let mut fs = three();
        fs.remove(1);
        update(&mut s, outcome(fs));
        assert_eq!(selected_id(&s).map(|x| x.0), Some(CheckId::C1));
        // The last one fixed: the selection moves up rather than off the end.
        update(&mut s, outcome(vec![three().remove(0)]));
        assert_eq!(selected_id(&s).map(|x| x.0), Some(CheckId::A1));
        update(&mut s, outcome(Vec::new()));
        assert_eq!(s.selected_item(), None);
        // Moving in an empty list is harmless.
        update(&mut s, key('j'));
        update(&mut s, key('k'));
        assert_eq!(s.selected, 0);
    }

    #[test]
    fn selection_stays_in_bounds() {
        let mut s = State::new("/app");
        update(&mut s, outcome(three()));
        for _ in 0..10 {
            update(&mut s, code(KeyCode::Down));
        }
        assert_eq!(s.selected, 2);
        update(&mut s, key('g'));
        assert_eq!(s.selected, 0);
        update(&mut s, key('G'));
        assert_eq!(s.selected, 2);
        update(&mut s, Action::Scroll(false));
        assert_eq!(s.selected, 1);
        update(&mut s, Action::Scroll(true));
        assert_eq!(s.selected, 2);
    }

    #[test]
    fn filter_matches_id_file_and_text_and_keeps_the_selection() {
        let mut s = State::new("/app");
        update(&mut s, outcome(three()));
        update(&mut s, key('j')); // B3
        update(&mut s, key('/'));
        assert!(s.filter_editing);
        for c in "08-APP".chars() {
            update(&mut s, key(c));
        }
        assert_eq!(s.visible.len(), 2);
        assert_eq!(selected_id(&s).map(|x| x.0), Some(CheckId::B3));
        update(&mut s, code(KeyCode::Enter));
        assert!(!s.filter_editing);
        // While not editing, letters are commands again: `q` would quit, so use j.
        update(&mut s, key('k'));
        assert_eq!(selected_id(&s).map(|x| x.0), Some(CheckId::A1));
        // By text.
        update(&mut s, key('/'));
        for _ in 0..6 {
            update(&mut s, code(KeyCode::Backspace));
        }
        for c in "deny".chars() {
            update(&mut s, key(c));
        }
        assert_eq!(s.visible_items().map(|it| it.finding.id).collect::<Vec<_>>(), [CheckId::C1]);
        // By id; and Esc while typing clears the filter.
        update(&mut s, code(KeyCode::Esc));
        assert_eq!(s.visible.len(), 3);
        assert_eq!(s.filter, "");
        // A filter that matches nothing leaves an empty selection, not a panic.
        update(&mut s, key('/'));
        update(&mut s, key('z'));
        update(&mut s, key('z'));
        assert!(s.selected_item().is_none());
        update(&mut s, code(KeyCode::Enter));
        // Esc backs out: first the filter; at the top it never quits (q does), it says so.
        assert!(update(&mut s, code(KeyCode::Esc)).is_empty());
        assert_eq!(s.visible.len(), 3);
        assert!(update(&mut s, code(KeyCode::Esc)).is_empty());
        assert!(!s.quit);
        assert!(matches!(&s.status, Some((t, Tone::Info)) if t.contains("q quits")), "{:?}", s.status);
        assert_eq!(update(&mut s, key('q')), vec![Effect::Quit]);
    }

    #[test]
    fn ctrl_u_and_ctrl_w_edit_the_filter_as_in_a_shell() {
        let ctrl = |c: char| Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        let mut s = State::new("/app");
        update(&mut s, outcome(three()));
        update(&mut s, key('/'));
        for c in "08-app tag".chars() {
            update(&mut s, key(c));
        }
        update(&mut s, ctrl('w'));
        assert_eq!(s.filter, "08-app ");
        update(&mut s, ctrl('w'));
        assert_eq!(s.filter, "");
        for c in "no default".chars() {
            update(&mut s, key(c));
        }
        update(&mut s, ctrl('u'));
        assert_eq!(s.filter, "");
        assert_eq!(s.visible.len(), 3, "the list follows the emptied filter");
        assert!(s.filter_editing);
    }

    #[test]
    fn a_burst_of_changes_during_a_review_causes_exactly_one_more() {
        let mut s = State::new("/app");
        assert_eq!(s.start(), vec![Effect::Review]);
        for _ in 0..10 {
            assert!(update(&mut s, Action::FilesChanged(1)).is_empty());
        }
        assert_eq!(update(&mut s, key('r')), Vec::new());
        assert!(s.pending_review);
        // The running review ends: exactly one follows.
        assert_eq!(update(&mut s, outcome(three())), vec![Effect::Review]);
        assert!(s.reviewing && !s.pending_review);
        // It ends with nothing new: quiet.
        assert!(update(&mut s, outcome(three())).is_empty());
        assert!(!s.reviewing);
        // Idle: a change starts one at once.
        assert_eq!(update(&mut s, Action::FilesChanged(3)), vec![Effect::Review]);
        // A failed review also releases the pending one.
        update(&mut s, Action::FilesChanged(1));
        assert_eq!(update(&mut s, Action::ReviewFailed("gone".into())), vec![Effect::Review]);
        assert_eq!(s.review_error.as_deref(), Some("gone"));
    }

    #[test]
    fn detail_opens_scrolls_and_closes() {
        let mut s = State::new("/app");
        update(&mut s, outcome(three()));
        update(&mut s, code(KeyCode::Enter));
        assert!(s.detail_open);
        update(&mut s, key('j'));
        update(&mut s, Action::Scroll(true));
        assert_eq!((s.selected, s.detail_scroll), (0, 2));
        update(&mut s, code(KeyCode::Left));
        assert!(!s.detail_open);
        update(&mut s, code(KeyCode::Right));
        update(&mut s, code(KeyCode::Esc));
        assert!(!s.detail_open && !s.quit);
    }

    #[test]
    fn fix_flow_previews_then_applies_and_reviews_again() {
        let mut s = State::new("/app");
        update(&mut s, outcome(three()));
        let effects = update(&mut s, key('f'));
        assert!(matches!(&effects[..], [Effect::PlanFix(fs)] if fs.len() == 1 && fs[0].id == CheckId::A1));
        // Keys other than Esc do nothing while planning.
        update(&mut s, key('j'));
        let change = FileChange { path: "k8s/08-app.yaml".into(), before: "a".into(), after: "b".into() };
        let plan = FixPlan { changes: vec![change], ..FixPlan::default() };
        update(&mut s, Action::FixPlanned(Ok(plan)));
        assert!(matches!(&s.overlay, Some(Overlay::Fix { stage: FixStage::Preview { .. }, .. })));
        let effects = update(&mut s, key('y'));
        assert!(matches!(&effects[..], [Effect::ApplyFix(p)] if p.0.changes.len() == 1));
        let effects = update(&mut s, Action::FixApplied(Ok(vec!["k8s/08-app.yaml: tag set".into()])));
        assert_eq!(effects, vec![Effect::Review]);
        assert!(s.overlay.is_none());
        assert!(matches!(&s.status, Some((t, Tone::Good)) if t.contains("tag set")));
    }

    #[test]
    fn fix_all_takes_every_critical_and_an_empty_plan_cannot_be_applied() {
        let mut s = State::new("/app");
        let mut fs = three();
        fs.push(finding(CheckId::F1, "k8s/08-app.yaml", 3, "no memory request")); // a warning
        update(&mut s, outcome(fs));
        let effects = update(&mut s, key('F'));
        assert!(matches!(&effects[..], [Effect::PlanFix(fs)] if fs.len() == 3));
        update(&mut s, Action::FixPlanned(Ok(FixPlan::default())));
        assert!(update(&mut s, key('y')).is_empty());
        update(&mut s, key('n'));
        assert!(s.overlay.is_none());
        // A late plan after the window was closed is dropped.
        update(&mut s, key('F'));
        update(&mut s, code(KeyCode::Esc));
        update(&mut s, Action::FixPlanned(Ok(FixPlan::default())));
        assert!(s.overlay.is_none());
    }

    #[test]
    fn help_editor_and_quit() {
        let mut s = State::new("/app");
        update(&mut s, outcome(three()));
        update(&mut s, key('?'));
        assert!(matches!(s.overlay, Some(Overlay::Help)));
        // `q` in the help closes the help, not the dashboard.
        assert!(update(&mut s, key('q')).is_empty());
        assert!(s.overlay.is_none());
        assert_eq!(
            update(&mut s, key('e')),
            vec![Effect::OpenEditor { file: "k8s/08-app.yaml".into(), line: Some(10) }]
        );
        update(&mut s, Action::EditorClosed(Err("no editor".into())));
        assert!(matches!(&s.status, Some((t, Tone::Bad)) if t == "no editor"));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(update(&mut s, Action::Key(ctrl_c)), vec![Effect::Quit]);
        assert!(s.quit);
    }

    #[test]
    fn tick_animates_only_while_busy() {
        let mut s = State::new("/app");
        s.dirty = false;
        update(&mut s, Action::Tick);
        assert!(!s.dirty);
        s.start();
        s.dirty = false;
        update(&mut s, Action::Tick);
        assert!(s.dirty);
        assert_eq!(s.spinner, 1);
    }
}
