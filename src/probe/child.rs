//! The app as a child process: its own process group, every process it starts tracked (also
//! those that leave the group with `setsid`), its stdout/stderr captured line by line within
//! fixed bounds, and a stop that never leaves a process behind (SIGTERM to all of them, SIGKILL
//! after a grace period).

use super::procs::{self, Proc};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Lines kept per run: enough for a probe window, bounded against a chatty app.
const MAX_LINES: usize = 20_000;
/// Longer lines are cut (a log line is not a file dump); only this much of one is ever buffered.
pub const MAX_LINE: usize = 64 * 1024;
/// Bytes of output kept per run, all lines together.
pub const MAX_KEPT: usize = 16 * 1024 * 1024;
/// Ends a line that was cut at [`MAX_LINE`] bytes.
pub const CUT_MARKER: &str = " …[line cut: longer than 64 KiB]";
/// How often the app's process tree is recorded while it runs.
const TRACK_EVERY: Duration = Duration::from_millis(100);

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

/// What was captured of the app's output.
#[derive(Debug, Default)]
struct Captured {
    lines: Vec<Line>,
    /// Bytes of text in `lines`.
    bytes: usize,
    /// Lines not kept: past [`MAX_LINES`] or [`MAX_KEPT`].
    dropped: usize,
}

/// A running app.
pub struct App {
    child: Child,
    pgid: i32,
    /// The value of [`procs::MARKER_VAR`] in the environment of every process of this run.
    marker: String,
    /// The app's processes seen so far, recorded while it runs.
    seen: Arc<Mutex<BTreeSet<Proc>>>,
    /// Tells the recording thread to end.
    done: Arc<AtomicBool>,
    captured: Arc<Mutex<Captured>>,
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
    /// Starts `program args…` with extra environment variables, in a new process group, and
    /// records the processes it starts while it runs.
    pub fn start(command: &[String], env: &[(String, String)], cwd: Option<&std::path::Path>) -> std::io::Result<App> {
        let (program, args) = command
            .split_first()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no command given"))?;
        let marker = procs::new_marker();
        let mut cmd = Command::new(program);
        cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.env(procs::MARKER_VAR, &marker);
        if let Some(dir) = cwd {
            cmd.current_dir(dir);
        }
        let mut child = cmd.spawn()?;
        // process_group(0) makes the child's pid its group id.
        let pgid = i32::try_from(child.id()).unwrap_or(0);
        let captured = Arc::new(Mutex::new(Captured::default()));
        if let Some(out) = child.stdout.take() {
            capture(out, Stream::Stdout, Arc::clone(&captured));
        }
        if let Some(err) = child.stderr.take() {
            capture(err, Stream::Stderr, Arc::clone(&captured));
        }
        // The app itself, with its start time: its pid may be reused once it is reaped.
        let seen = Arc::new(Mutex::new(procs::get(pgid).into_iter().collect::<BTreeSet<_>>()));
        let done = Arc::new(AtomicBool::new(false));
        track(Arc::clone(&seen), Arc::clone(&done));
        Ok(App { child, pgid, marker, seen, done, captured, stopped: false })
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
        self.captured.lock().map(|c| c.lines.clone()).unwrap_or_default()
    }

    /// The TCP ports the app's processes listen on now.
    pub fn listening_ports(&self) -> Vec<u16> {
        let mut pids: Vec<i32> = self.members().iter().map(|p| p.pid).collect();
        pids.push(self.pgid);
        super::port::listened_by(&pids)
    }

    /// How many lines of output were not kept (beyond the bounds on lines and bytes).
    pub fn dropped(&self) -> usize {
        self.captured.lock().map(|c| c.dropped).unwrap_or_default()
    }

    /// Stops the app and every process it started (its group, and those that left the group):
    /// SIGTERM, then SIGKILL once `grace` has passed. Waits until the app is reaped.
    pub fn stop(&mut self, grace: Duration) -> Stopped {
        self.stopped = true;
        self.done.store(true, Ordering::SeqCst);
        if let Some(status) = self.exited() {
            // The app is gone, but a process it started may still run.
            self.signal_all(libc::SIGKILL);
            self.wait_all_gone();
            return Stopped::Exited(status);
        }
        self.signal_all(libc::SIGTERM);
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if self.exited().is_some() && !self.group_alive() && self.members().is_empty() {
                return Stopped::Terminated;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        self.signal_all(libc::SIGKILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.wait_all_gone();
        Stopped::Killed
    }

    /// Every live process of the app, in its process group or not: found by the environment
    /// marker, by descent, or recorded while it ran.
    fn members(&self) -> BTreeSet<Proc> {
        let seen = self.seen.lock().map(|s| s.clone()).unwrap_or_default();
        procs::members(&seen, Some(&self.marker))
    }

    /// Signals the process group and every process of the app that left it.
    fn signal_all(&self, signal: libc::c_int) {
        self.signal_group(signal);
        for p in self.members() {
            procs::signal(p, signal);
        }
    }

    /// Waits (briefly) until no process of the app is left. SIGKILL is delivered
    /// asynchronously, and a grandchild orphaned by the app is reaped by init, not by us:
    /// until then it still counts as a member of the group.
    fn wait_all_gone(&self) {
        let deadline = Instant::now() + Duration::from_secs(2);
        while (self.group_alive() || !self.members().is_empty()) && Instant::now() < deadline {
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

/// Adds the processes descending from those in `seen` (the app, at first) to it every
/// [`TRACK_EVERY`] until `done`: one that escapes with `setsid` and whose parent then exits is
/// reparented away from the app's tree, and would otherwise be lost.
fn track(seen: Arc<Mutex<BTreeSet<Proc>>>, done: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        while !done.load(Ordering::SeqCst) {
            let known = seen.lock().map(|s| s.clone()).unwrap_or_default();
            let now = procs::members(&known, None);
            if let Ok(mut s) = seen.lock() {
                s.extend(now);
            }
            std::thread::sleep(TRACK_EVERY);
        }
    });
}

/// One line being read: at most [`MAX_LINE`] bytes of it are buffered, whatever its length.
#[derive(Default)]
struct Partial {
    bytes: Vec<u8>,
    /// The line was cut and already kept: the rest of it, up to the newline, is skipped.
    skipping: bool,
}

fn capture(stream: impl Read + Send + 'static, which: Stream, captured: Arc<Mutex<Captured>>) {
    // Detached: a grandchild may keep the pipe open after the group is killed, and the probe
    // must not wait for it.
    std::thread::spawn(move || {
        let mut reader = BufReader::with_capacity(64 * 1024, stream);
        let mut line = Partial::default();
        let mut number = 0u32;
        let mut keep = |text: Vec<u8>, cut: bool| {
            number += 1;
            keep_line(&captured, which, number, &text, cut);
        };
        loop {
            let buf = match reader.fill_buf() {
                Ok([]) | Err(_) => break,
                Ok(buf) => buf,
            };
            let (piece, newline) = match buf.iter().position(|b| *b == b'\n') {
                Some(i) => (&buf[..i], true),
                None => (buf, false),
            };
            let used = piece.len() + usize::from(newline);
            if !line.skipping {
                let room = MAX_LINE - line.bytes.len();
                line.bytes.extend_from_slice(&piece[..piece.len().min(room)]);
                if piece.len() > room {
                    // Kept now, cut: the app may never end this line.
                    keep(std::mem::take(&mut line.bytes), true);
                    line.skipping = true;
                } else if newline {
                    keep(std::mem::take(&mut line.bytes), false);
                }
            }
            if newline {
                line.skipping = false;
            }
            reader.consume(used);
        }
        if !line.bytes.is_empty() {
            keep(line.bytes, false);
        }
    });
}

/// Adds a line to what was captured, within [`MAX_LINES`] and [`MAX_KEPT`].
fn keep_line(captured: &Mutex<Captured>, stream: Stream, number: u32, bytes: &[u8], cut: bool) {
    let mut bytes = bytes;
    while let [rest @ .., b'\r'] = bytes {
        bytes = rest;
    }
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    if cut {
        text.push_str(CUT_MARKER);
    }
    let Ok(mut c) = captured.lock() else { return };
    if c.lines.len() >= MAX_LINES || c.bytes + text.len() > MAX_KEPT {
        c.dropped += 1;
        return;
    }
    c.bytes += text.len();
    c.lines.push(Line { stream, number, text });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> App {
        App::start(&["sh".to_string(), "-c".to_string(), script.to_string()], &[], None).unwrap()
    }

    /// Polls until `ok` holds for the captured lines (or 60 s pass).
    fn wait_for(app: &App, ok: impl Fn(&[Line]) -> bool) -> Vec<Line> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let lines = app.lines();
            if ok(&lines) || Instant::now() > deadline {
                return lines;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn a_line_without_newline_is_cut_not_buffered_whole() {
        // 50 MB on one line the app never ends: only the first 64 KiB are kept, with a marker,
        // and while the app still runs.
        let mut app = sh("head -c 50000000 /dev/zero | tr '\\0' x; echo written >&2; sleep 30");
        let lines = wait_for(&app, |l| l.iter().any(|l| l.stream == Stream::Stderr));
        let out: Vec<&Line> = lines.iter().filter(|l| l.stream == Stream::Stdout).collect();
        app.stop(Duration::ZERO);
        assert_eq!(out.len(), 1, "one cut line on stdout, kept before the app ends it");
        assert_eq!(out[0].text.len(), MAX_LINE + CUT_MARKER.len());
        assert!(out[0].text.ends_with(CUT_MARKER));
    }

    #[test]
    fn the_output_kept_is_bounded() {
        let mut app = sh("yes \"$(head -c 100000 /dev/zero | tr '\\0' y)\" | head -n 300");
        let deadline = Instant::now() + Duration::from_secs(60);
        while app.lines().len() + app.dropped() < 300 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        app.stop(Duration::ZERO);
        let lines = app.lines();
        let kept: usize = lines.iter().map(|l| l.text.len()).sum();
        assert_eq!(lines.len() + app.dropped(), 300);
        assert!(kept <= MAX_KEPT, "{kept} bytes kept");
        assert!(app.dropped() > 0 && lines.len() > 200, "{} kept, {} dropped", lines.len(), app.dropped());
        assert_eq!(lines.last().map(|l| l.number), Some(u32::try_from(lines.len()).unwrap()));
    }

    #[test]
    fn lines_keep_their_numbers_and_lose_their_line_endings() {
        let mut app = sh("printf 'one\\r\\ntwo\\n\\nlast'");
        let lines = wait_for(&app, |l| l.len() == 4);
        app.stop(Duration::ZERO);
        let texts: Vec<(u32, &str)> = lines.iter().map(|l| (l.number, l.text.as_str())).collect();
        assert_eq!(texts, [(1, "one"), (2, "two"), (3, ""), (4, "last")]);
    }

    #[test]
    fn a_process_that_left_the_group_is_stopped_too() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("escaped.pid");
        let script = format!("setsid sh -c 'echo $$ > \"{}\"; exec sleep 300' & sleep 300", pid_file.display());
        let mut app = sh(&script);
        let deadline = Instant::now() + Duration::from_secs(20);
        let pid = loop {
            if let Some(pid) = std::fs::read_to_string(&pid_file).ok().and_then(|p| p.trim().parse::<i32>().ok()) {
                break pid;
            }
            assert!(Instant::now() < deadline, "the escaped process never started");
            std::thread::sleep(Duration::from_millis(20));
        };
        app.stop(Duration::from_secs(1));
        let gone = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| s.rsplit_once(") ").is_some_and(|(_, rest)| rest.starts_with('Z')))
            .unwrap_or(true);
        if !gone {
            // SAFETY: the test's own escaped sleep, so a failure leaves nothing behind.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        assert!(gone, "the setsid process {pid} outlived the stop");
    }
}
