//! The app's processes, from /proc: its process group is not enough, since a process can leave
//! it (`setsid`, a daemonising double fork). Every process the app starts inherits a marker in
//! its environment, and its descendants are recorded while it runs, so a process that escaped
//! the group and lost its parent is still found and stopped.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable that marks the app's processes; its value is unique per run.
pub const MARKER_VAR: &str = "VIBE_PROBE_RUN";

/// One process: its pid and its start time (clock ticks after boot), which together name it
/// even after the pid is reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Proc {
    /// Process id.
    pub pid: i32,
    /// Start time, from /proc/PID/stat.
    pub start: u64,
}

/// A line of /proc/PID/stat, the fields the tracking needs.
#[derive(Debug, Clone, Copy)]
struct Stat {
    ppid: i32,
    start: u64,
    zombie: bool,
}

fn stat(pid: i32) -> Option<Stat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    let fields: Vec<&str> = text.rsplit_once(") ")?.1.split_whitespace().collect();
    Some(Stat {
        ppid: fields.get(1)?.parse().ok()?,
        start: fields.get(19)?.parse().ok()?,
        zombie: fields.first()? == &"Z",
    })
}

/// Every live (not zombie) process: pid -> stat.
fn table() -> BTreeMap<i32, Stat> {
    let Ok(dir) = std::fs::read_dir("/proc") else { return BTreeMap::new() };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| stat(pid).filter(|s| !s.zombie).map(|s| (pid, s)))
        .collect()
}

/// A unique marker value for one run of an app.
pub fn new_marker() -> String {
    static RUNS: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{}-{}-{nanos}", std::process::id(), RUNS.fetch_add(1, Ordering::Relaxed))
}

/// The process `pid` as it is now (with its start time), if it runs.
pub fn get(pid: i32) -> Option<Proc> {
    stat(pid).filter(|s| !s.zombie).map(|s| Proc { pid, start: s.start })
}

/// The processes of one run: the `known` ones still alive (same start time, so a reused pid is
/// not mistaken for one of them), those whose environment holds `marker` (when given: reading
/// every process's environment costs more than the tree alone), and the descendants of all.
pub fn members(known: &BTreeSet<Proc>, marker: Option<&str>) -> BTreeSet<Proc> {
    let table = table();
    let me = i32::try_from(std::process::id()).unwrap_or(0);
    let needle = marker.map(|m| format!("{MARKER_VAR}={m}"));
    let marked =
        table.keys().copied().filter(|&pid| pid != me && needle.as_deref().is_some_and(|n| environ_has(pid, n)));
    let alive = known.iter().filter(|p| table.get(&p.pid).is_some_and(|s| s.start == p.start)).map(|p| p.pid);
    let mut found: BTreeSet<i32> = marked.chain(alive).collect();
    // Close over children: whatever a member started is a member.
    let mut children: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
    for (&pid, s) in &table {
        children.entry(s.ppid).or_default().push(pid);
    }
    let mut queue: Vec<i32> = found.iter().copied().collect();
    while let Some(pid) = queue.pop() {
        for &child in children.get(&pid).into_iter().flatten() {
            if found.insert(child) {
                queue.push(child);
            }
        }
    }
    found.remove(&me);
    found.into_iter().filter_map(|pid| table.get(&pid).map(|s| Proc { pid, start: s.start })).collect()
}

fn environ_has(pid: i32, needle: &str) -> bool {
    std::fs::read(format!("/proc/{pid}/environ"))
        .is_ok_and(|env| env.split(|b| *b == 0).any(|var| var == needle.as_bytes()))
}

/// Whether `p` is still running (a zombie runs nothing: it only waits to be reaped).
pub fn alive(p: Proc) -> bool {
    stat(p.pid).is_some_and(|s| !s.zombie && s.start == p.start)
}

/// Sends `signal` to `p` if it is still that process.
pub fn signal(p: Proc, signal: libc::c_int) {
    if p.pid > 1 && alive(p) {
        // SAFETY: kill(2) on one pid we just checked is the process we recorded.
        unsafe {
            libc::kill(p.pid, signal);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_marked_and_descendant_processes() {
        let marker = new_marker();
        let mut child = std::process::Command::new("sh")
            .args(["-c", "sleep 30 & sleep 30"])
            .env(MARKER_VAR, &marker)
            .spawn()
            .unwrap();
        let root = i32::try_from(child.id()).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let mut found = BTreeSet::new();
        while found.len() < 3 && std::time::Instant::now() < deadline {
            found = members(&BTreeSet::new(), Some(&marker));
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let by_tree = get(root).map(|p| members(&BTreeSet::from([p]), None)).unwrap_or_default();
        assert_eq!(by_tree, found, "the shell's descendants are the marked processes");
        assert_eq!(found.len(), 3, "sh and its two sleeps: {found:?}");
        assert!(!found.iter().any(|p| p.pid == i32::try_from(std::process::id()).unwrap()));
        for p in &found {
            signal(*p, libc::SIGKILL);
        }
        let _ = child.wait();
        assert!(!found.iter().any(|p| p.pid == root && alive(*p)));
    }
}
