//! The real terminal: raw mode, alternate screen and mouse capture on the way in, and the
//! guarantee that all three are undone on the way out, whether the dashboard quits, fails
//! or panics. Also the trip out to $EDITOR and back.

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::crossterm::{cursor, execute};
use std::io::{Stdout, stdout};
use std::panic::PanicHookInfo;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The terminal the dashboard draws on.
pub type RealTerminal = Terminal<CrosstermBackend<Stdout>>;

/// Whether the screen is currently taken over (so restoring twice is harmless).
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Takes the terminal over: raw mode, alternate screen, mouse wheel.
fn enter() -> std::io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(stdout(), EnterAlternateScreen, EnableMouseCapture, cursor::Hide)
}

/// Gives the terminal back as it was. Safe to call any number of times, from any thread.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        // Each step is tried even if one fails: a half-restored terminal is worse than an error.
        let _ = execute!(stdout(), DisableMouseCapture, LeaveAlternateScreen, cursor::Show);
        let _ = disable_raw_mode();
    }
}

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Holds the terminal while the dashboard runs; dropping it restores the terminal and the
/// previous panic hook.
pub struct Session {
    previous_hook: Option<Arc<Hook>>,
}

impl Session {
    /// Takes the terminal over and installs a panic hook that restores it before the panic
    /// message is printed (otherwise the message lands in the alternate screen and vanishes,
    /// and the shell is left in raw mode).
    pub fn start() -> std::io::Result<Session> {
        let previous: Arc<Hook> = Arc::new(std::panic::take_hook());
        let chained = previous.clone();
        std::panic::set_hook(Box::new(move |info| {
            // The worker catches its own panics and shows them on the dashboard; only a panic
            // anywhere else ends the dashboard, so only then is the screen given back.
            let worker = std::thread::current().name() == Some(super::worker::THREAD_NAME);
            if !worker {
                restore();
                chained(info);
            }
        }));
        let mut session = Session { previous_hook: Some(previous) };
        if let Err(e) = enter() {
            restore();
            session.unhook();
            return Err(e);
        }
        Ok(session)
    }

    /// A terminal to draw on (cleared).
    pub fn terminal(&self) -> std::io::Result<RealTerminal> {
        let mut t = Terminal::new(CrosstermBackend::new(stdout()))?;
        t.clear()?;
        Ok(t)
    }

    fn unhook(&mut self) {
        // take_hook/set_hook panic while a panic unwinds; then our hook (which chains to the
        // previous one) simply stays, which is harmless.
        if std::thread::panicking() {
            return;
        }
        if let Some(previous) = self.previous_hook.take() {
            let _ = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| previous(info)));
        }
    }

    /// Leaves the screen, runs `$VISUAL`/`$EDITOR` (else `vi`) on the file at the line, and takes
    /// the screen back. The caller pauses the input thread around it and redraws after.
    pub fn edit(&self, file: &Path, line: Option<u32>) -> Result<(), String> {
        restore();
        let result = run_editor(file, line);
        match (result, enter()) {
            (_, Err(e)) => Err(format!("could not take the terminal back: {e}")),
            (r, Ok(())) => r,
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        restore();
        self.unhook();
    }
}
/// The editor command from the environment, split into program and arguments.
fn editor_command() -> Vec<String> {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".into())
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

fn run_editor(file: &Path, line: Option<u32>) -> Result<(), String> {
    let command = editor_command();
    let Some((program, args)) = command.split_first() else { return Err("no editor set: export EDITOR".into()) };
    let mut cmd = std::process::Command::new(program);
    cmd.args(args);
    // `+LINE FILE` is understood by vi, vim, nvim, nano, emacs, micro, kak and helix.
    if let Some(line) = line {
        cmd.arg(format!("+{line}"));
    }
    cmd.arg(file);
    match cmd.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("{program} ended with {s}")),
        Err(e) => Err(format!("could not start the editor {program:?}: {e}. Set $EDITOR to your editor.")),
    }
}
