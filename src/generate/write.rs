//! Writing a plan safely: atomic writes, a lock of what vibe wrote, backups of hand edits.
//!
//! Rules: a file whose content would not change is not touched (mtime kept); a file vibe
//! wrote and the creator edited is backed up before it is replaced or removed; a file
//! vibe never wrote is never touched (vibe's version goes to .vibe/proposed/ instead).

use super::plan::Plan;
use crate::error::Error;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Where vibe keeps its own state inside the app repo.
pub const STATE_DIR: &str = ".vibe";
/// The lock file: what vibe wrote, with content hashes.
pub const LOCK_FILE: &str = ".vibe/lock.json";
/// Backups of edited files, one folder per run.
pub const BACKUP_DIR: &str = ".vibe/backup";
/// vibe's version of files it may not overwrite.
pub const PROPOSED_DIR: &str = ".vibe/proposed";

/// The lock: every file vibe wrote and the SHA-256 of what it wrote.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Lock {
    /// vibe version that wrote it.
    pub vibe: String,
    /// Path -> hex SHA-256 of the content vibe wrote.
    pub files: BTreeMap<String, String>,
}

impl Lock {
    /// Reads the lock of `root`; a missing lock is empty, an unreadable one an error.
    pub fn load(root: &Path) -> Result<Lock, Error> {
        let path = root.join(LOCK_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                Error::Usage(format!(
                    "{}: not a vibe lock file ({e}). Delete it and run `vibe generate` again; vibe will then treat \
                     existing files as written by you and leave them alone.",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lock::default()),
            Err(e) => Err(Error::io(&path, e)),
        }
    }
}

impl Lock {
    /// Writes the lock (stamped with this vibe's version) into `root`.
    pub fn save(&mut self, root: &Path) -> Result<(), Error> {
        self.vibe = env!("CARGO_PKG_VERSION").to_string();
        let text = serde_json::to_string_pretty(self).expect("lock serialises") + "\n";
        write_atomic(&root.join(LOCK_FILE), text.as_bytes())
    }
}

/// Hex SHA-256 of some content.
pub fn hash(content: &[u8]) -> String {
    Sha256::digest(content).iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// What happened (or would happen) to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// New file.
    Written,
    /// Replaced a file vibe wrote earlier.
    Updated,
    /// Same content already on disk.
    Unchanged,
    /// Removed: its component was turned off.
    Removed,
    /// The creator's own file; left alone, vibe's version saved aside.
    Kept,
}

/// One line of the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOutcome {
    /// Repo-relative path.
    pub path: String,
    /// What happened.
    pub change: Change,
    /// Where the creator's edited version was saved, if it was.
    pub backup: Option<String>,
    /// Unified diff (dry runs only).
    pub diff: Option<String>,
}

/// The result of writing (or previewing) a plan.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Every file concerned, in path order.
    pub files: Vec<FileOutcome>,
    /// True when nothing was written.
    pub dry_run: bool,
}

impl Outcome {
    /// Files with the given change.
    pub fn with(&self, change: Change) -> impl Iterator<Item = &FileOutcome> {
        self.files.iter().filter(move |f| f.change == change)
    }

    /// Files that were backed up.
    pub fn backed_up(&self) -> impl Iterator<Item = &FileOutcome> {
        self.files.iter().filter(|f| f.backup.is_some())
    }
}

/// Options for [`apply`].
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// Preview only: compute diffs, write nothing.
    pub dry_run: bool,
    /// Folder name for this run's backups (a UTC timestamp).
    pub stamp: String,
}

/// Writes `plan` under `root` following the rules in this module's docs.
pub fn apply(root: &Path, plan: &Plan, opts: &WriteOptions) -> Result<Outcome, Error> {
    let mut lock = Lock::load(root)?;
    let mut outcome = Outcome { files: Vec::new(), dry_run: opts.dry_run };
    let backup_root = root.join(BACKUP_DIR).join(&opts.stamp);

    for file in &plan.files {
        let target = root.join(&file.path);
        let existing = read_optional(&target)?;
        let planned_hash = hash(file.content.as_bytes());
        let (change, backup) = match &existing {
            None => (Change::Written, None),
            Some(old) if old == file.content.as_bytes() => (Change::Unchanged, None),
            Some(old) => match lock.files.get(&file.path) {
                Some(locked) if *locked == hash(old) => (Change::Updated, None),
                Some(_) => (Change::Updated, Some(format!("{BACKUP_DIR}/{}/{}", opts.stamp, file.path))),
                None => (Change::Kept, None),
            },
        };
        let diff = opts
            .dry_run
            .then(|| match change {
                Change::Written | Change::Updated => {
                    Some(unified_diff(&file.path, existing.as_deref(), Some(&file.content)))
                }
                _ => None,
            })
            .flatten();
        if !opts.dry_run {
            match change {
                Change::Written | Change::Updated => {
                    if let (Some(old), Some(_)) = (&existing, &backup) {
                        write_atomic(&backup_root.join(&file.path), old)?;
                    }
                    write_atomic(&target, file.content.as_bytes())?;
                    lock.files.insert(file.path.clone(), planned_hash);
                }
                Change::Unchanged => {
                    lock.files.insert(file.path.clone(), planned_hash);
                }
                Change::Kept => {
                    write_atomic(&root.join(PROPOSED_DIR).join(&file.path), file.content.as_bytes())?;
                }
                Change::Removed => {}
            }
        }
        outcome.files.push(FileOutcome { path: file.path.clone(), change, backup, diff });
    }

    // Files vibe wrote before that the plan no longer has: their component was turned off.
    let planned: std::collections::HashSet<&str> = plan.files.iter().map(|f| f.path.as_str()).collect();
    let stale: Vec<(String, String)> =
        lock.files.iter().filter(|(p, _)| !planned.contains(p.as_str())).map(|(p, h)| (p.clone(), h.clone())).collect();
    for (path, locked) in stale {
        let target = root.join(&path);
        let Some(old) = read_optional(&target)? else {
            if !opts.dry_run {
                lock.files.remove(&path);
            }
            continue;
        };
        let backup = (hash(&old) != locked).then(|| format!("{BACKUP_DIR}/{}/{path}", opts.stamp));
        let diff = opts.dry_run.then(|| unified_diff(&path, Some(&old), None));
        if !opts.dry_run {
            if backup.is_some() {
                write_atomic(&backup_root.join(&path), &old)?;
            }
            std::fs::remove_file(&target).map_err(|e| Error::io(&target, e))?;
            remove_empty_parents(root, &target);
            lock.files.remove(&path);
        }
        outcome.files.push(FileOutcome { path, change: Change::Removed, backup, diff });
    }

    if !opts.dry_run {
        lock.save(root)?;
        write_state_gitignore(root)?;
    }
    outcome.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(outcome)
}

/// Backups and proposed files are local; the lock is committed so teammates share it.
pub fn write_state_gitignore(root: &Path) -> Result<(), Error> {
    let path = root.join(STATE_DIR).join(".gitignore");
    let content =
        b"# vibe's local files: backups of your edits and proposed versions of your own files.\nbackup/\nproposed/\n";
    if read_optional(&path)?.as_deref() != Some(content.as_slice()) {
        write_atomic(&path, content)?;
    }
    Ok(())
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Writes through a temporary file in the same folder and renames it into place,
/// so a crash never leaves a half-written file.
pub fn write_atomic(path: &Path, content: &[u8]) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}.vibe-tmp-{}", std::process::id()));
    std::fs::write(&tmp, content).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

fn unified_diff(path: &str, old: Option<&[u8]>, new: Option<&str>) -> String {
    let old_text = old.map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
    let new_text = new.unwrap_or_default();
    let (a, b) = (
        if old.is_some() { format!("a/{path}") } else { "/dev/null".into() },
        if new.is_some() { format!("b/{path}") } else { "/dev/null".into() },
    );
    crate::diff::unified(&a, &b, &old_text, new_text, &[])
}

/// A UTC timestamp such as `20261123T105900Z`, for backup folders.
pub fn utc_stamp() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil-from-days (Howard Hinnant's algorithm): no date crate needed for one timestamp.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::plan::PlannedFile;

    fn plan(files: &[(&str, &str)]) -> Plan {
        Plan { files: files.iter().map(|(p, c)| PlannedFile { path: p.to_string(), content: c.to_string() }).collect() }
    }

    fn opts(dry_run: bool) -> WriteOptions {
        WriteOptions { dry_run, stamp: "20260101T000000Z".into() }
    }

    #[test]
    fn edits_are_backed_up_and_foreign_files_kept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("mine.txt"), "hand written").unwrap();
        apply(root, &plan(&[("a.yaml", "one"), ("b/c.yaml", "two")]), &opts(false)).unwrap();
        std::fs::write(root.join("a.yaml"), "edited").unwrap();
        let out = apply(root, &plan(&[("a.yaml", "three"), ("mine.txt", "vibe's")]), &opts(false)).unwrap();
        let by_path = |p: &str| out.files.iter().find(|f| f.path == p).unwrap().clone();
        assert_eq!(by_path("a.yaml").change, Change::Updated);
        assert_eq!(std::fs::read_to_string(root.join(".vibe/backup/20260101T000000Z/a.yaml")).unwrap(), "edited");
        assert_eq!(by_path("b/c.yaml").change, Change::Removed);
        assert!(!root.join("b").exists(), "empty folders of removed files go too");
        assert_eq!(by_path("mine.txt").change, Change::Kept);
        assert_eq!(std::fs::read_to_string(root.join("mine.txt")).unwrap(), "hand written");
        assert_eq!(std::fs::read_to_string(root.join(".vibe/proposed/mine.txt")).unwrap(), "vibe's");
    }

    #[test]
    fn dry_runs_write_nothing_and_show_diffs() {
        let dir = tempfile::tempdir().unwrap();
        let out = apply(dir.path(), &plan(&[("a.yaml", "x: 1\n")]), &opts(true)).unwrap();
        assert!(out.files[0].diff.as_deref().unwrap().contains("+x: 1"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn stamps_are_utc_calendar_dates() {
        let s = utc_stamp();
        assert_eq!(s.len(), 16);
        assert!(s.starts_with("20"), "{s}");
    }
}
