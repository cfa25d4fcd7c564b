//! Event sources: the terminal (keys, mouse wheel, resize) and the file watcher. Each runs on
//! its own thread and turns what it sees into [`Action`]s on the loop's channel.

use super::state::Action;
use crate::repo::SKIPPED_DIRS;
use notify::RecursiveMode;
use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
use notify_debouncer_full::{DebounceEventResult, DebouncedEvent, new_debouncer};
use ratatui::crossterm::event::{self as term, Event, KeyEventKind, MouseEventKind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

/// Quiet time after the last change to a file before the review runs. Editors save in bursts
/// (write a temporary file, rename it, set attributes); this turns each burst into one review.
/// Short enough that the screen follows a save in about a tenth of a second.
pub const DEBOUNCE: Duration = Duration::from_millis(60);

/// How often the input thread looks at its pause flag while waiting for a key.
const INPUT_POLL: Duration = Duration::from_millis(50);

/// The terminal reader. Paused while $EDITOR owns the terminal: otherwise both would read the
/// same keystrokes.
pub struct Input {
    paused: Arc<AtomicBool>,
    /// True while the thread is not inside a poll (it has seen the pause).
    idle: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Input {
    /// Starts reading the terminal.
    pub fn spawn(tx: Sender<Action>) -> std::io::Result<Input> {
        let paused = Arc::new(AtomicBool::new(false));
        let idle = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let (p, i, s) = (paused.clone(), idle.clone(), stop.clone());
        let thread = std::thread::Builder::new().name("vibe-dashboard-input".into()).spawn(move || {
            while !s.load(Ordering::Acquire) {
                if p.load(Ordering::Acquire) {
                    i.store(true, Ordering::Release);
                    std::thread::sleep(INPUT_POLL / 2);
                    continue;
                }
                i.store(false, Ordering::Release);
                match term::poll(INPUT_POLL) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(_) => return,
                }
                // Paused during the poll: leave the key to the editor.
                if p.load(Ordering::Acquire) {
                    continue;
                }
                let action = match term::read() {
                    Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => Action::Key(k),
                    Ok(Event::Mouse(m)) => match m.kind {
                        MouseEventKind::ScrollDown => Action::Scroll(true),
                        MouseEventKind::ScrollUp => Action::Scroll(false),
                        _ => continue,
                    },
                    Ok(Event::Resize(w, h)) => Action::Resize(w, h),
                    Ok(_) => continue,
                    Err(_) => return,
                };
                if tx.send(action).is_err() {
                    return;
                }
            }
        })?;
        Ok(Input { paused, idle, stop, thread: Some(thread) })
    }

    /// Stops reading until [`Input::resume`]; returns once the thread is out of its poll.
    pub fn pause(&self) {
        self.paused.store(true, Ordering::Release);
        for _ in 0..40 {
            if self.idle.load(Ordering::Acquire) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Reads the terminal again.
    pub fn resume(&self) {
        self.paused.store(false, Ordering::Release);
    }
}

impl Drop for Input {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Whether a change at this repo-relative path can change the review: not inside folders the
/// review never reads (`.git`, `target`, `node_modules`, `.vibe` with its backups and proposals...)
/// and not an editor's swap or backup file.
pub fn is_ignored(rel: &Path) -> bool {
    if rel.components().any(|c| SKIPPED_DIRS.iter().any(|d| c.as_os_str() == *d)) {
        return true;
    }
    let Some(name) = rel.file_name().and_then(|n| n.to_str()) else { return false };
    name.ends_with(".swp")
        || name.ends_with(".swo")
        || name.ends_with(".swx")
        || name.ends_with(".swpx")
        || name.ends_with('~')
        || name.ends_with(".kate-swp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.starts_with(".goutputstream-")
        // vim writes this file to test whether it may create files in the folder.
        || name == "4913"
}

/// Whether an event says content changed (opening or reading a file, as the review itself
/// does, is not a change; nor is a `touch`).
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

/// The repo-relative paths of a debounced batch that can change the review.
pub fn relevant(root: &Path, events: &[DebouncedEvent]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in events {
        // The kernel dropped events: anything may have changed.
        if e.need_rescan() {
            out.push(PathBuf::new());
            continue;
        }
        if !is_change(&e.kind) {
            continue;
        }
        for p in &e.paths {
            let rel = p.strip_prefix(root).unwrap_or(p);
            if !is_ignored(rel) && !out.iter().any(|o| o == rel) {
                out.push(rel.to_path_buf());
            }
        }
    }
    out
}

/// The file watcher. Dropping it stops watching.
pub struct FileWatcher {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for FileWatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl FileWatcher {
    /// Watches the repo at `root` and sends `FilesChanged` after each debounced burst of changes.
    ///
    /// Every folder is watched on its own, skipping the ignored ones, so a big `node_modules`
    /// or `target` costs nothing; folders created later are added as they appear.
    pub fn spawn(root: &Path, debounce: Duration, tx: Sender<Action>) -> Result<FileWatcher, String> {
        let root = root.canonicalize().map_err(|e| format!("{}: {e}", root.display()))?;
        let (events_tx, events) = channel::<DebounceEventResult>();
        let tick = (debounce / 4).max(Duration::from_millis(5));
        let mut debouncer = new_debouncer(debounce, Some(tick), events_tx).map_err(|e| e.to_string())?;
        watch_tree(&mut |d| debouncer.watch(d, RecursiveMode::NonRecursive), &root, &root)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let thread = std::thread::Builder::new()
            .name("vibe-dashboard-watch".into())
            .spawn(move || {
                while !s.load(Ordering::Acquire) {
                    let batch = match events.recv_timeout(Duration::from_millis(100)) {
                        Ok(b) => b,
                        Err(RecvTimeoutError::Timeout) => continue,
                        Err(RecvTimeoutError::Disconnected) => return,
                    };
                    let mut changed = Vec::new();
                    let mut batch = Some(batch);
                    // Paths of one burst expire from the debouncer a tick or two apart: gather
                    // what arrives within one more tick so the burst makes one review.
                    while let Some(b) = batch.take() {
                        match b {
                            Ok(evs) => {
                                for e in evs.iter().filter(|e| matches!(e.kind, EventKind::Create(_))) {
                                    for p in &e.paths {
                                        let rel = p.strip_prefix(&root).unwrap_or(p);
                                        if p.is_dir() && !is_ignored(rel) {
                                            // Best effort: a folder that vanished again needs no watch.
                                            let _ = watch_tree(
                                                &mut |d| debouncer.watch(d, RecursiveMode::NonRecursive),
                                                &root,
                                                p,
                                            );
                                        }
                                    }
                                }
                                changed.extend(relevant(&root, &evs));
                            }
                            Err(errors) => {
                                let why = errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ");
                                if tx.send(Action::WatchFailed(why)).is_err() {
                                    return;
                                }
                            }
                        }
                        batch = events.recv_timeout(tick).ok();
                    }
                    if !changed.is_empty() && tx.send(Action::FilesChanged(changed.len())).is_err() {
                        return;
                    }
                }
            })
            .map_err(|e| e.to_string())?;
        Ok(FileWatcher { stop, thread: Some(thread) })
    }
}

/// Watches `dir` and every folder under it that is not ignored, each non-recursively.
fn watch_tree(watch: &mut dyn FnMut(&Path) -> notify::Result<()>, root: &Path, dir: &Path) -> notify::Result<()> {
    watch(dir)?;
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(()) };
    for entry in entries.flatten() {
        // Symlinks are not followed, as the review does not follow them.
        let Ok(ft) = entry.file_type() else { continue };
        let path = entry.path();
        if ft.is_dir() && !is_ignored(path.strip_prefix(root).unwrap_or(&path)) {
            // A folder removed meanwhile is no reason to stop.
            let _ = watch_tree(watch, root, &path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::Event;
    use notify::event::{CreateKind, DataChange};
    use std::time::Instant;

    #[test]
    fn ignored_paths() {
        for p in [
            ".git/index",
            "target/debug/x",
            "web/node_modules/a/b.js",
            ".vibe/backup/20260101/k8s/a.yaml",
            ".vibe/proposed/k8s/a.yaml",
            "k8s/.08-app.yaml.swp",
            "k8s/08-app.yaml~",
            "k8s/4913",
            "src/.#main.py",
            "src/#main.py#",
        ] {
            assert!(is_ignored(Path::new(p)), "{p}");
        }
        for p in ["k8s/08-app.yaml", "Dockerfile", "vibe.yaml", "src/targets.py", ".github/workflows/ci.yaml"] {
            assert!(!is_ignored(Path::new(p)), "{p}");
        }
    }

    fn event(kind: EventKind, path: &str) -> DebouncedEvent {
        DebouncedEvent::new(Event::new(kind).add_path(PathBuf::from(path)), Instant::now())
    }

    #[test]
    fn reads_are_not_changes_and_paths_are_deduplicated() {
        let root = Path::new("/repo");
        let events = [
            event(EventKind::Access(AccessKind::Open(AccessMode::Read)), "/repo/k8s/a.yaml"),
            event(EventKind::Modify(ModifyKind::Data(DataChange::Content)), "/repo/k8s/a.yaml"),
            event(EventKind::Access(AccessKind::Close(AccessMode::Write)), "/repo/k8s/a.yaml"),
            event(EventKind::Create(CreateKind::File), "/repo/k8s/.a.yaml.swp"),
            event(EventKind::Create(CreateKind::File), "/repo/.git/index.lock"),
        ];
        assert_eq!(relevant(root, &events), vec![PathBuf::from("k8s/a.yaml")]);
        assert!(relevant(root, &events[..1]).is_empty());
    }
}
