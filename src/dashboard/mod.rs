//! `vibe watch`: a live review dashboard over a repo.
//!
//! The shape follows bacon's: one [`State`]; every input (key, mouse wheel, resize, file
//! change, review or fix result, tick) is an [`Action`] applied by the pure
//! [`update`](state::update), which returns [`Effect`]s; this module's loop carries the
//! effects out (jobs for the worker thread, the editor, quitting) and draws with
//! [`view::render`], which reads nothing but the state.
//!
//! ```text
//!  terminal thread ─┐                     ┌─> worker thread (review, fix plan, fix write)
//!  file watcher   ──┼─> Action channel ─> loop: update(state) -> effects ─┤
//!  worker results ──┘                     └─> draw(view(state))
//! ```
//!
//! The loop is generic over the ratatui backend, so tests drive it with `TestBackend`.

pub mod event;
pub mod state;
pub mod terminal;
pub mod view;
pub mod worker;

pub use state::{Action, Effect, State, update};
pub use worker::Job;

use crate::error::{Error, Exit};
use crate::workspace::Workspace;
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::collections::VecDeque;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

/// Spinner frame time while something runs.
const BUSY_TICK: Duration = Duration::from_millis(80);
/// Wake-up when idle (nothing moves then; this only bounds how long a lost wake-up could last).
const IDLE_TICK: Duration = Duration::from_secs(1);
/// Actions handled before drawing again, so a held key or a burst of results draws once.
const MAX_BATCH: usize = 64;

/// What the loop needs from the world beyond the state: a worker for jobs and an editor.
pub trait Host {
    /// Hands a job to the worker; its result comes back as an action.
    fn submit(&mut self, job: Job) -> Result<(), Error>;
    /// Opens the repo-relative `file` at `line` in the creator's editor and waits for it to close.
    fn edit(&mut self, file: &str, line: Option<u32>) -> Result<(), String>;
}

/// A host that sends jobs to a worker thread and has no editor (benchmarks, tests).
pub struct ChannelHost {
    /// The worker's job queue.
    pub jobs: Sender<Job>,
}

impl Host for ChannelHost {
    fn submit(&mut self, job: Job) -> Result<(), Error> {
        self.jobs
            .send(job)
            .map_err(|_| Error::Usage("the review worker stopped unexpectedly (please report this)".into()))
    }

    fn edit(&mut self, _file: &str, _line: Option<u32>) -> Result<(), String> {
        Err("no editor in this mode".into())
    }
}

/// The host of the real dashboard: the worker, plus the editor run on the real terminal with
/// the keyboard reader paused.
struct TerminalHost<'a> {
    channel: ChannelHost,
    input: &'a event::Input,
    session: &'a terminal::Session,
    root: PathBuf,
}

impl Host for TerminalHost<'_> {
    fn submit(&mut self, job: Job) -> Result<(), Error> {
        self.channel.submit(job)
    }

    fn edit(&mut self, file: &str, line: Option<u32>) -> Result<(), String> {
        self.input.pause();
        let result = self.session.edit(&self.root.join(file), line);
        self.input.resume();
        result
    }
}

fn terminal_error(e: impl std::fmt::Display) -> Error {
    Error::io(Path::new("the terminal"), std::io::Error::other(e.to_string()))
}

/// Runs the dashboard until it quits: starts the first review, then applies every action,
/// carries out the effects and redraws when the state changed. `on_draw` sees the state after
/// each frame (the latency benchmark uses it; pass `|_| {}` otherwise).
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    actions: &Receiver<Action>,
    host: &mut dyn Host,
    on_draw: &mut dyn FnMut(&State),
) -> Result<(), Error> {
    let mut effects: VecDeque<Effect> = state.start().into();
    loop {
        while let Some(effect) = effects.pop_front() {
            match effect {
                Effect::Quit => return Ok(()),
                Effect::Review => host.submit(Job::Review)?,
                Effect::PlanFix(findings) => host.submit(Job::PlanFix(findings))?,
                Effect::ApplyFix(plan) => host.submit(Job::ApplyFix(plan.0))?,
                Effect::OpenEditor { file, line } => {
                    let result = host.edit(&file, line);
                    // The editor drew over the screen: draw everything again, not just the changes.
                    terminal.clear().map_err(terminal_error)?;
                    state.dirty = true;
                    effects.extend(update(state, Action::EditorClosed(result)));
                }
            }
        }
        if state.dirty {
            terminal.draw(|frame| view::render(frame, state)).map_err(terminal_error)?;
            state.dirty = false;
            on_draw(state);
        }
        let busy = state.reviewing || matches!(state.overlay, Some(state::Overlay::Fix { .. }));
        let first = match actions.recv_timeout(if busy { BUSY_TICK } else { IDLE_TICK }) {
            Ok(action) => action,
            Err(RecvTimeoutError::Timeout) => Action::Tick,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        effects.extend(update(state, first));
        for action in actions.try_iter().take(MAX_BATCH) {
            effects.extend(update(state, action));
        }
    }
}

/// Opens the dashboard over the workspace's repo and returns the exit status when the creator
/// quits ([`Exit::Ok`]). `vibe watch` and, on a terminal, `vibe init` call it.
pub fn run_dashboard(ws: &Workspace) -> Result<Exit, Error> {
    run_dashboard_from(ws, worker::Source::Repo, None)
}

/// [`run_dashboard`] over the objects of `source`, reviewed again every `refresh` as well as on
/// repo changes (`vibe watch --cluster`: the namespace changes without any file changing).
pub fn run_dashboard_from(ws: &Workspace, source: worker::Source, refresh: Option<Duration>) -> Result<Exit, Error> {
    let root = ws.root.as_path();
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Error::Usage(
            "vibe watch needs a terminal (it draws a live screen). In scripts and CI use `vibe review`.".into(),
        ));
    }
    let meta = std::fs::metadata(root).map_err(|e| Error::io(root, e))?;
    if !meta.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a folder: give the app's folder (default: the current one)",
            root.display()
        )));
    }
    let watched = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let shown = match &source {
        worker::Source::Cluster(opts) => {
            format!("{} + live namespace {}", watched.display(), opts.namespace.as_deref().unwrap_or("?"))
        }
        worker::Source::Repo => watched.display().to_string(),
    };
    let mut state = State::new(shown);

    let (tx, rx) = channel();
    let jobs = worker::spawn_from(ws.clone(), source, tx.clone()).map_err(|e| Error::io(root, e))?;
    if let Some(every) = refresh {
        // A timer that asks for a review as a file change does; it ends with the dashboard.
        let timer = tx.clone();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(every);
                if timer.send(Action::FilesChanged(0)).is_err() {
                    break;
                }
            }
        });
    }
    // Without a watcher the dashboard still works: `r` reviews, and the header says why.
    let _watcher = match event::FileWatcher::spawn(root, event::DEBOUNCE, tx.clone()) {
        Ok(w) => Some(w),
        Err(why) => {
            state.watch_error = Some(why);
            None
        }
    };

    let session = terminal::Session::start().map_err(terminal_error)?;
    let mut term = session.terminal().map_err(terminal_error)?;
    let input = event::Input::spawn(tx).map_err(terminal_error)?;
    let mut host =
        TerminalHost { channel: ChannelHost { jobs }, input: &input, session: &session, root: root.to_path_buf() };
    let result = run_loop(&mut term, &mut state, &rx, &mut host, &mut |_| {});
    // Give the terminal back before anything is printed.
    drop(input);
    drop(session);
    result?;
    if let Some(report) = &state.report {
        println!("{}: {}. `vibe review` prints the full report.", state.watched, crate::report::gate_line(report));
    }
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests;
