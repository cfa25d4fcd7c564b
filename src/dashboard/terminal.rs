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

    /// Leaves the screen, runs `$VISUAL`/`$EDITOR` (else nano or micro) on the file at the line,
    /// and takes the screen back. The caller pauses the input thread around it and redraws after.
    /// With no editor at all the screen stays and the error says which `file:line` to open.
    pub fn edit(&self, file: &Path, line: Option<u32>) -> Result<(), String> {
        if editor_command(|v| std::env::var(v).ok(), std::env::var_os("PATH").as_deref()).is_none() {
            return run_editor(file, line);
        }
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
/// Editors tried, in order, when neither $VISUAL nor $EDITOR is set: the ones a newcomer can
/// use without instructions (nano shows its keys on screen). Never vi: it traps whoever does
/// not know it.
const FRIENDLY_EDITORS: &[&str] = &["nano", "micro"];

/// The editor command, split into program and arguments: $VISUAL or $EDITOR when set, else the
/// first friendly editor found on `path` (the `PATH` value); `None` when there is none.
fn editor_command(var: impl Fn(&str) -> Option<String>, path: Option<&std::ffi::OsStr>) -> Option<Vec<String>> {
    if let Some(set) = ["VISUAL", "EDITOR"].iter().filter_map(|v| var(v)).find(|v| !v.trim().is_empty()) {
        return Some(set.split_whitespace().map(str::to_string).collect());
    }
    let dirs: Vec<std::path::PathBuf> = path.map(|p| std::env::split_paths(p).collect()).unwrap_or_default();
    FRIENDLY_EDITORS
        .iter()
        .find(|name| dirs.iter().any(|d| is_executable(&d.join(name))))
        .map(|name| vec![name.to_string()])
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// `file:line`, as the creator would type it to open the file elsewhere.
fn place(file: &Path, line: Option<u32>) -> String {
    match line {
        Some(l) => format!("{}:{l}", file.display()),
        None => file.display().to_string(),
    }
}

fn run_editor(file: &Path, line: Option<u32>) -> Result<(), String> {
    let command = editor_command(|v| std::env::var(v).ok(), std::env::var_os("PATH").as_deref());
    let Some((program, args)) = command.as_deref().and_then(<[String]>::split_first) else {
        return Err(format!("No editor found (set $EDITOR, or install nano): open {} yourself.", place(file, line)));
    };
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
        Err(e) => Err(format!(
            "could not start the editor {program:?}: {e}. Open {} yourself, or set $EDITOR to your editor.",
            place(file, line)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bin_with(names: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for name in names {
            let p = dir.path().join(name);
            std::fs::write(&p, "#!/bin/sh\n").unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
        }
        dir
    }

    #[test]
    fn without_editor_variables_a_friendly_editor_is_chosen_never_vi() {
        let none = |_: &str| None;
        let both = bin_with(&["vi", "micro", "nano"]);
        assert_eq!(editor_command(none, Some(both.path().as_os_str())), Some(vec!["nano".to_string()]));
        let micro = bin_with(&["vi", "micro"]);
        assert_eq!(editor_command(none, Some(micro.path().as_os_str())), Some(vec!["micro".to_string()]));
        let vi_only = bin_with(&["vi", "vim"]);
        assert_eq!(editor_command(none, Some(vi_only.path().as_os_str())), None);
        // The creator's own choice wins, even vi.
        let set = |v: &str| (v == "EDITOR").then(|| "vim -p".to_string());
        assert_eq!(editor_command(set, Some(both.path().as_os_str())), Some(vec!["vim".into(), "-p".into()]));
    }

    #[test]
    fn no_editor_says_where_to_look() {
        assert_eq!(place(Path::new("/app/k8s/08-app.yaml"), Some(42)), "/app/k8s/08-app.yaml:42");
    }
}
