//! The app as a child process: its own process group (so stopping it stops everything it
//! started), its stdout/stderr captured line by line, and a stop that never leaves a process
//! behind (SIGTERM to the group, SIGKILL after a grace period).

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Lines kept per run: enough for a probe window, bounded against a chatty app.
const MAX_LINES: usize = 20_000;
/// Longer lines are cut (a log line is not a file dump).
const MAX_LINE: usize = 64 * 1024;

/// Which stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

impl Stream {
    /// `stdout` / `stderr`.
    pub fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

/// One captured line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Where it came from.
    pub stream: Stream,
    /// 1-based line number within its stream.
    pub number: u32,
    /// The text, without the line ending.
    pub text: String,
}

/// How the app ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// It had already exited by itself.
    Exited(ExitStatus),
    /// It exited after SIGTERM.
    Terminated,
    /// It ignored SIGTERM for the whole grace period and was killed.
    Killed,
}

/// A running app.
pub struct App {
    child: Child,
    pgid: i32,
    lines: Arc<Mutex<Vec<Line>>>,
    stopped: bool,
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Catches Ctrl-C and SIGTERM so the probe can stop the app before it ends: the app runs in its
/// own process group, so the terminal's SIGINT does not reach it.
pub fn catch_interrupts() {
    let handler = on_signal as extern "C" fn(libc::c_int);
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, handler as libc::sighandler_t);
        libc::signal(libc::SIGTERM, handler as libc::sighandler_t);
    }
}

/// True once Ctrl-C (or SIGTERM) reached vibe.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

impl App {
    /// Starts `program args…` with extra environment variables, in a new process group.
    pub fn start(command: &[String], env: &[(String, String)], cwd: Option<&std::path::Path>) -> std::io::Result<App> {
        let (program, args) = command
            .split_first()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no command given"))?;
        let mut cmd = Command::new(program);
        cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Some(dir) = cwd {
            cmd.current_dir(dir);
        }
        let mut child = cmd.spawn()?;
        // process_group(0) makes the child's pid its group id.
        let pgid = i32::try_from(child.id()).unwrap_or(0);
        let lines = Arc::new(Mutex::new(Vec::new()));
        if let Some(out) = child.stdout.take() {
            capture(out, Stream::Stdout, Arc::clone(&lines));
        }
        if let Some(err) = child.stderr.take() {
            capture(err, Stream::Stderr, Arc::clone(&lines));
        }
        Ok(App { child, pgid, lines, stopped: false })
    }

    /// The app's pid (also its process group id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its exit status, if it has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The lines captured so far.
    pub fn lines(&self) -> Vec<Line> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Stops the app and everything in its process group: SIGTERM, then SIGKILL once `grace`
    /// has passed. Waits until the app is reaped.
    pub fn stop(&mut self, grace: Duration) -> Stopped {
        self.stopped = true;
        if let Some(status) = self.exited() {
            // The app is gone, but a process it started may still hold the group.
            self.signal_group(libc::SIGKILL);
            self.wait_group_gone();
            return Stopped::Exited(status);
        }
        self.signal_group(libc::SIGTERM);
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if self.exited().is_some() && !self.group_alive() {
                return Stopped::Terminated;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        self.signal_group(libc::SIGKILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.wait_group_gone();
        Stopped::Killed
    }

    /// Waits (briefly) until no process of the group is left. SIGKILL is delivered
    /// asynchronously, and a grandchild orphaned by the app is reaped by init, not by us:
    /// until then it still counts as a member.
    fn wait_group_gone(&self) {
        let deadline = Instant::now() + Duration::from_secs(2);
        while self.group_alive() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn signal_group(&self, signal: libc::c_int) {
        if self.pgid > 1 {
            // SAFETY: kill(2) with a negative pid signals our child's process group only.
            unsafe {
                libc::kill(-self.pgid, signal);
            }
        }
    }

    fn group_alive(&self) -> bool {
        // SAFETY: signal 0 only checks whether the group exists.
        self.pgid > 1 && unsafe { libc::kill(-self.pgid, 0) } == 0
    }
}

impl Drop for App {
    /// Whatever happened (an error, a panic), the app does not outlive the probe.
    fn drop(&mut self) {
        if !self.stopped {
            self.stop(Duration::ZERO);
        }
    }
}

fn capture(stream: impl Read + Send + 'static, which: Stream, lines: Arc<Mutex<Vec<Line>>>) {
    // Detached: a grandchild may keep the pipe open after the group is killed, and the probe
    // must not wait for it.
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut buf = Vec::new();
        let mut number = 0u32;
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            number += 1;
            while matches!(buf.last(), Some(b'\n' | b'\r')) {
                buf.pop();
            }
            buf.truncate(MAX_LINE);
            let text = String::from_utf8_lossy(&buf).into_owned();
            if let Ok(mut l) = lines.lock()
                && l.len() < MAX_LINES
            {
                l.push(Line { stream: which, number, text });
            }
        }
    });
}
