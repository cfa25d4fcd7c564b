//! Writing a plan safely: atomic writes, a lock of what vibe wrote, backups of hand edits.
//!
//! Rules: a file whose content would not change is not touched (mtime kept); a file vibe
//! wrote and the creator edited is backed up before it is replaced or removed; a file
//! vibe never wrote is never touched (vibe's version goes to .vibe/proposed/ instead).

use super::plan::Plan;
use super::write_lock::WriteLock;
use crate::error::{Error, WriteError};
use crate::repo_path;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Where vibe keeps its own state inside the app repo.
pub const STATE_DIR: &str = ".vibe";
/// The lock file: what vibe wrote, with content hashes.
pub const LOCK_FILE: &str = ".vibe/lock.json";
/// Backups of edited files, one folder per run.
pub const BACKUP_DIR: &str = ".vibe/backup";
/// vibe's version of files it may not overwrite.
pub const PROPOSED_DIR: &str = ".vibe/proposed";
/// What temporary files of [`Writer::write`] have in their name (`.NAME.vibe-tmp-PID`).
const TEMP_MARK: &str = ".vibe-tmp-";

/// The lock: every file vibe wrote and the SHA-256 of what it wrote.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Lock {
    /// vibe version that wrote it.
    pub vibe: String,
    /// Path -> hex SHA-256 of the content vibe wrote.
    pub files: BTreeMap<String, String>,
    /// Files a run was about to write when it saved the lock (path -> hash). A run that is
    /// killed halfway leaves them here, so its files are still known as vibe's, not as edits.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pending: BTreeMap<String, String>,
}

impl Lock {
    /// Reads the lock of `root`; a missing lock is empty, an unreadable one an error, and a
    /// path leading outside the repo is refused (vibe removes the files its lock lists).
    pub fn load(root: &Path) -> Result<Lock, Error> {
        let path = root.join(LOCK_FILE);
        let lock: Lock = match read_existing(root, LOCK_FILE)? {
            Existing::File(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::Usage(format!(
                    "{}: not a vibe lock file ({e}). Delete it and run `vibe generate` again; vibe will then treat \
                     existing files as written by you and leave them alone.",
                    path.display()
                ))
            })?,
            Existing::Missing => return Ok(Lock::default()),
            Existing::Link(_) | Existing::Other(_) => {
                return Err(WriteError::NotWritable {
                    path: LOCK_FILE.into(),
                    why: "it is not a regular file (vibe never reads its lock through a link)".into(),
                }
                .into());
            }
        };
        for p in lock.files.keys().chain(lock.pending.keys()) {
            repo_path::check_relative(p, LOCK_FILE)?;
        }
        Ok(lock)
    }

    /// True when `content` at `path` is exactly what vibe wrote there (an interrupted run included).
    pub fn wrote(&self, path: &str, content: &[u8]) -> bool {
        let h = hash(content);
        self.files.get(path) == Some(&h) || self.pending.get(path) == Some(&h)
    }

    /// Writes the lock (stamped with this vibe's version) into the writer's repo.
    pub fn save(&mut self, writer: &Writer) -> Result<(), Error> {
        self.vibe = env!("CARGO_PKG_VERSION").to_string();
        let text = serde_json::to_string_pretty(self).expect("lock serialises") + "\n";
        writer.write(LOCK_FILE, text.as_bytes())
    }
}

/// Hex SHA-256 of some content.
pub fn hash(content: &[u8]) -> String {
    Sha256::digest(content).iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

pub use crate::repo_path::{Existing, read_existing};

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
    /// A symbolic link stood where vibe writes: the link itself was replaced by vibe's file;
    /// what it pointed to was neither read nor changed.
    LinkReplaced,
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
    /// Where the replaced link pointed ([`Change::LinkReplaced`]).
    pub link: Option<String>,
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

/// Where [`apply`] works: a preview of a repo, or a repo held by a [`Writer`].
#[derive(Debug, Clone, Copy)]
pub enum Mode<'a> {
    /// Preview only: compute diffs, write nothing.
    Preview(&'a Path),
    /// Write, holding the repo's write lock.
    Write(&'a Writer),
}

impl Mode<'_> {
    /// The repo's root.
    pub fn root(&self) -> &Path {
        match self {
            Mode::Preview(root) => root,
            Mode::Write(w) => w.root(),
        }
    }
}

/// Writes `plan` following the rules in this module's docs (or previews it).
///
/// Everything is decided and every target checked before the first write, so a repo where
/// one file cannot be written is left exactly as it was.
pub fn apply(mode: Mode<'_>, plan: &Plan) -> Result<Outcome, Error> {
    let root = mode.root();
    let writer = match mode {
        Mode::Write(w) => Some(w),
        Mode::Preview(_) => None,
    };
    let dry_run = writer.is_none();
    let mut lock = Lock::load(root)?;
    // Shown in a preview; the real folder is made unique when the first backup is written.
    let stamp = writer.map(|w| w.stamp.clone()).unwrap_or_else(utc_stamp);
    let mut outcome = Outcome { files: Vec::new(), dry_run };
    let mut olds: BTreeMap<String, Vec<u8>> = BTreeMap::new();

    for file in &plan.files {
        let existing = read_existing(root, &file.path)?;
        let mut link = None;
        let change = match &existing {
            Existing::Missing => Change::Written,
            Existing::Link(target) => {
                link = Some(target.clone());
                Change::LinkReplaced
            }
            Existing::Other(what) => {
                return Err(WriteError::NotWritable {
                    path: file.path.clone(),
                    why: format!("it is {what}, not a regular file, where vibe writes a file"),
                }
                .into());
            }
            Existing::File(old) if old == file.content.as_bytes() => Change::Unchanged,
            Existing::File(old) if lock.wrote(&file.path, old) => Change::Updated,
            Existing::File(old) if lock.files.contains_key(&file.path) => {
                olds.insert(file.path.clone(), old.clone());
                Change::Updated
            }
            Existing::File(_) => Change::Kept,
        };
        let backup = olds.contains_key(&file.path).then(|| format!("{BACKUP_DIR}/{stamp}/{}", file.path));
        let old = match &existing {
            Existing::File(b) => Some(b.as_slice()),
            _ => None,
        };
        let diff = (dry_run && matches!(change, Change::Written | Change::Updated | Change::LinkReplaced))
            .then(|| unified_diff(&file.path, old, Some(&file.content)));
        outcome.files.push(FileOutcome { path: file.path.clone(), change, backup, diff, link });
    }

    // Files vibe wrote before that the plan no longer has: their component was turned off.
    let planned: BTreeSet<&str> = plan.files.iter().map(|f| f.path.as_str()).collect();
    let mut forget = Vec::new();
    for path in lock.files.keys().filter(|p| !planned.contains(p.as_str())) {
        match read_existing(root, path)? {
            Existing::File(old) => {
                let backup = (!lock.wrote(path, &old)).then(|| format!("{BACKUP_DIR}/{stamp}/{path}"));
                let diff = dry_run.then(|| unified_diff(path, Some(&old), None));
                if backup.is_some() {
                    olds.insert(path.clone(), old);
                }
                outcome.files.push(FileOutcome {
                    path: path.clone(),
                    change: Change::Removed,
                    backup,
                    diff,
                    link: None,
                });
            }
            // Gone, or no longer vibe's file (a link or a folder now): left alone, forgotten.
            _ => forget.push(path.clone()),
        }
    }

    if let Some(writer) = writer {
        commit(writer, plan, &mut lock, &mut outcome, &olds, &forget)?;
    }
    outcome.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(outcome)
}

/// Writes what [`apply`] decided: checks every target, records the files about to be written in
/// the lock, then backs up, writes, removes, and saves the final lock.
fn commit(
    writer: &Writer,
    plan: &Plan,
    lock: &mut Lock,
    outcome: &mut Outcome,
    olds: &BTreeMap<String, Vec<u8>>,
    forget: &[String],
) -> Result<(), Error> {
    let content: BTreeMap<&str, &str> = plan.files.iter().map(|f| (f.path.as_str(), f.content.as_str())).collect();
    let writes = |f: &&FileOutcome| matches!(f.change, Change::Written | Change::Updated | Change::LinkReplaced);
    let proposed = |p: &str| format!("{PROPOSED_DIR}/{p}");
    let mut targets: Vec<String> = vec![LOCK_FILE.into(), format!("{STATE_DIR}/.gitignore")];
    for f in &outcome.files {
        match f.change {
            Change::Kept => targets.push(proposed(&f.path)),
            Change::Unchanged => {}
            _ => targets.push(f.path.clone()),
        }
        if f.backup.is_some() {
            targets.push(format!("{BACKUP_DIR}/{}/{}", writer.stamp, f.path));
        }
    }
    writer.check_writable(targets.iter().map(String::as_str))?;
    writer.clean_temp(plan.files.iter().map(|f| f.path.as_str()).chain(lock.files.keys().map(String::as_str)))?;

    lock.pending = outcome
        .files
        .iter()
        .filter(writes)
        .map(|f| (f.path.clone(), hash(content[f.path.as_str()].as_bytes())))
        .collect();
    if !lock.pending.is_empty() {
        lock.save(writer)?;
    }
    for f in outcome.files.iter_mut() {
        if let Some(old) = olds.get(&f.path) {
            f.backup = Some(writer.backup(&f.path, old)?);
        }
        match f.change {
            Change::Written | Change::Updated | Change::LinkReplaced | Change::Unchanged => {
                let text = content[f.path.as_str()];
                if f.change != Change::Unchanged {
                    writer.write(&f.path, text.as_bytes())?;
                }
                lock.files.insert(f.path.clone(), hash(text.as_bytes()));
            }
            Change::Kept => writer.write(&proposed(&f.path), content[f.path.as_str()].as_bytes())?,
            Change::Removed => {
                writer.remove(&f.path)?;
                lock.files.remove(&f.path);
            }
        }
    }
    for path in forget {
        lock.files.remove(path);
    }
    lock.pending.clear();
    lock.save(writer)?;
    write_state_gitignore(writer)
}

/// Backups and proposed files are local; the lock is committed so teammates share it.
pub fn write_state_gitignore(writer: &Writer) -> Result<(), Error> {
    let rel = format!("{STATE_DIR}/.gitignore");
    let content =
        b"# vibe's local files: backups of your edits and proposed versions of your own files.\nbackup/\nproposed/\nwrite.lock\n";
    if read_existing(writer.root(), &rel)? != Existing::File(content.to_vec()) {
        writer.write(&rel, content)?;
    }
    Ok(())
}

/// The only way vibe changes a repo: holds the repo's write lock, and writes, backs up and
/// removes only repo-relative paths that stay inside the repo and go through no link.
#[derive(Debug)]
pub struct Writer {
    root: PathBuf,
    _lock: WriteLock,
    /// The preferred name of this run's backup folder (a UTC timestamp).
    stamp: String,
    /// This run's backup folder once made (unique: never shared with an earlier run).
    backup_dir: RefCell<Option<String>>,
}

impl Writer {
    /// Takes the write lock of the repo at `root` (waiting briefly for another vibe).
    pub fn lock(root: &Path) -> Result<Writer, Error> {
        let lock = WriteLock::acquire(root)?;
        Ok(Writer { root: root.to_path_buf(), _lock: lock, stamp: utc_stamp(), backup_dir: RefCell::new(None) })
    }

    /// The repo's root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Checks, before anything is written, that each of `rels` can be written: inside the repo,
    /// no link or file where a folder is needed, not a folder itself, the file and its folder
    /// writable. Fails naming the first that cannot.
    pub fn check_writable<'a>(&self, rels: impl IntoIterator<Item = &'a str>) -> Result<(), Error> {
        for rel in rels {
            let path = repo_path::resolve(&self.root, rel, "vibe")?;
            let refuse = |why: String| Err(WriteError::NotWritable { path: rel.to_string(), why }.into());
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => return refuse("it is a folder, where vibe writes a file".into()),
                // The link itself is replaced: only its folder has to be writable.
                Ok(m) if m.file_type().is_symlink() => {}
                Ok(m) if !m.is_file() => {
                    return refuse(format!("it is {}, not a regular file", crate::fsread::kind_of(m.file_type())));
                }
                Ok(_) if !access_ok(&path, libc::W_OK) => return refuse("the file is read-only".into()),
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&path, e)),
            }
            let folder = path.ancestors().skip(1).find(|d| d.exists()).unwrap_or(&self.root);
            if !access_ok(folder, libc::W_OK | libc::X_OK) {
                let shown = folder.strip_prefix(&self.root).unwrap_or(folder).display().to_string();
                let shown = if shown.is_empty() { "the repo's folder".to_string() } else { shown };
                return refuse(format!("the folder {shown} is read-only"));
            }
        }
        Ok(())
    }

    /// Writes `content` to repo-relative `rel` through a temporary file renamed into place, so a
    /// crash never leaves a half-written file. A link at `rel` is replaced, never followed.
    pub fn write(&self, rel: &str, content: &[u8]) -> Result<(), Error> {
        let path = repo_path::resolve(&self.root, rel, "vibe")?;
        write_atomic(&path, content)
    }

    /// Removes the file at repo-relative `rel` (a link is removed, not its target), then the
    /// folders it leaves empty.
    pub fn remove(&self, rel: &str) -> Result<(), Error> {
        let path = repo_path::resolve(&self.root, rel, "vibe")?;
        std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        remove_empty_parents(&self.root, &path);
        Ok(())
    }

    /// Saves the creator's version of `rel` in this run's backup folder; returns where (repo-relative).
    pub fn backup(&self, rel: &str, content: &[u8]) -> Result<String, Error> {
        let folder = self.backup_folder()?;
        let to = format!("{folder}/{rel}");
        self.write(&to, content)?;
        Ok(to)
    }

    /// This run's backup folder, made on first use. Two runs in the same second get two folders
    /// (`<stamp>`, `<stamp>-2`, ...): creating the folder claims the name, so none is reused.
    fn backup_folder(&self) -> Result<String, Error> {
        if let Some(dir) = self.backup_dir.borrow().as_ref() {
            return Ok(dir.clone());
        }
        let parent = repo_path::resolve(&self.root, &format!("{BACKUP_DIR}/x"), "vibe")?;
        let parent = parent.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        for n in 1u32.. {
            let name = if n == 1 { self.stamp.clone() } else { format!("{}-{n}", self.stamp) };
            let path = parent.join(&name);
            match std::fs::create_dir(&path) {
                Ok(()) => {
                    let rel = format!("{BACKUP_DIR}/{name}");
                    *self.backup_dir.borrow_mut() = Some(rel.clone());
                    return Ok(rel);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
        unreachable!("u32 runs out only after four billion backups in one second")
    }

    /// Removes temporary files that a killed vibe left next to `rels` (and in vibe's state
    /// folder): they are never the creator's, and must not linger in k8s/ or the chart.
    pub fn clean_temp<'a>(&self, rels: impl IntoIterator<Item = &'a str>) -> Result<(), Error> {
        let mut folders = BTreeSet::new();
        folders.insert(self.root.join(STATE_DIR));
        for rel in rels {
            // A path that cannot be resolved is refused where it is written; nothing to clean.
            if let Ok(path) = repo_path::resolve(&self.root, rel, "vibe") {
                folders.insert(path.parent().unwrap_or(&self.root).to_path_buf());
            }
        }
        for folder in folders {
            let Ok(entries) = std::fs::read_dir(&folder) else { continue };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let Some(pid) = temp_owner(&name) else { continue };
                let is_file = entry.file_type().is_ok_and(|t| t.is_file() || t.is_symlink());
                if is_file && pid != std::process::id() && !alive(pid) {
                    let path = entry.path();
                    std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                }
            }
        }
        Ok(())
    }
}

/// The process that made a temporary file named `.NAME.vibe-tmp-PID`.
fn temp_owner(name: &str) -> Option<u32> {
    let (head, pid) = name.rsplit_once(TEMP_MARK)?;
    (head.starts_with('.') && head.len() > 1).then_some(())?;
    pid.parse().ok()
}

/// Whether process `pid` still runs (signal 0 only checks; EPERM means it exists).
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    // SAFETY: kill with signal 0 sends nothing; it only reports whether the process exists.
    unsafe { libc::kill(pid, 0) == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM) }
}

/// access(2) for the real user: root passes every permission check but a read-only mount.
fn access_ok(path: &Path, mode: libc::c_int) -> bool {
    use std::os::unix::ffi::OsStrExt as _;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else { return false };
    // SAFETY: a valid NUL-terminated path; access only reads it.
    unsafe { libc::access(c.as_ptr(), mode) == 0 }
}

/// Writes through a new temporary file in the same folder (created exclusively, never through
/// a link planted at its name) and renames it into place.
fn write_atomic(path: &Path, content: &[u8]) -> Result<(), Error> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}{TEMP_MARK}{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .mode(0o666)
        .open(&tmp)
        .and_then(|mut f| f.write_all(content));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(&tmp, e));
    }
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

    fn write(root: &Path, files: &[(&str, &str)]) -> Outcome {
        let writer = Writer::lock(root).unwrap();
        apply(Mode::Write(&writer), &plan(files)).unwrap()
    }

    #[test]
    fn edits_are_backed_up_and_foreign_files_kept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("mine.txt"), "hand written").unwrap();
        write(root, &[("a.yaml", "one"), ("b/c.yaml", "two")]);
        std::fs::write(root.join("a.yaml"), "edited").unwrap();
        let out = write(root, &[("a.yaml", "three"), ("mine.txt", "vibe's")]);
        let by_path = |p: &str| out.files.iter().find(|f| f.path == p).unwrap().clone();
        assert_eq!(by_path("a.yaml").change, Change::Updated);
        let backup = by_path("a.yaml").backup.unwrap();
        assert!(backup.starts_with(".vibe/backup/") && backup.ends_with("/a.yaml"), "{backup}");
        assert_eq!(std::fs::read_to_string(root.join(&backup)).unwrap(), "edited");
        assert_eq!(by_path("b/c.yaml").change, Change::Removed);
        assert!(!root.join("b").exists(), "empty folders of removed files go too");
        assert_eq!(by_path("mine.txt").change, Change::Kept);
        assert_eq!(std::fs::read_to_string(root.join("mine.txt")).unwrap(), "hand written");
        assert_eq!(std::fs::read_to_string(root.join(".vibe/proposed/mine.txt")).unwrap(), "vibe's");
    }

    #[test]
    fn dry_runs_write_nothing_and_show_diffs() {
        let dir = tempfile::tempdir().unwrap();
        let out = apply(Mode::Preview(dir.path()), &plan(&[("a.yaml", "x: 1\n")])).unwrap();
        assert!(out.files[0].diff.as_deref().unwrap().contains("+x: 1"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn backup_folders_of_one_second_are_distinct() {
        let dir = tempfile::tempdir().unwrap();
        let a = Writer::lock(dir.path()).unwrap().backup("x", b"1").unwrap();
        let w = Writer::lock(dir.path()).unwrap();
        // Same stamp as the first run: the folder name must still be new.
        let w = Writer { stamp: a_stamp(dir.path()), ..w };
        let b = w.backup("x", b"2").unwrap();
        assert_ne!(a, b);
        assert_eq!(std::fs::read_to_string(dir.path().join(&a)).unwrap(), "1");
        assert_eq!(std::fs::read_to_string(dir.path().join(&b)).unwrap(), "2");
    }

    /// The name of the (only) backup folder already made under `root`.
    fn a_stamp(root: &Path) -> String {
        let entry = std::fs::read_dir(root.join(BACKUP_DIR)).unwrap().next().unwrap().unwrap();
        entry.file_name().to_string_lossy().into_owned()
    }

    #[test]
    fn an_interrupted_run_s_files_are_not_taken_for_edits() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, &[("a.yaml", "one")]);
        // A run killed after writing a.yaml and b.yaml but before saving its final lock.
        let writer = Writer::lock(root).unwrap();
        let mut lock = Lock::load(root).unwrap();
        lock.pending =
            [("a.yaml", "two"), ("b.yaml", "new")].iter().map(|(p, c)| (p.to_string(), hash(c.as_bytes()))).collect();
        lock.save(&writer).unwrap();
        writer.write("a.yaml", b"two").unwrap();
        writer.write("b.yaml", b"new").unwrap();
        drop(writer);
        let out = write(root, &[("a.yaml", "three"), ("b.yaml", "newer")]);
        assert!(out.backed_up().next().is_none(), "{:?}", out.files);
        assert!(out.with(Change::Updated).count() == 2, "{:?}", out.files);
        assert!(Lock::load(root).unwrap().pending.is_empty());
    }

    #[test]
    fn temp_files_are_told_by_name() {
        assert_eq!(temp_owner(".08-app.yaml.vibe-tmp-4242"), Some(4242));
        assert_eq!(temp_owner("08-app.yaml.vibe-tmp-4242"), None);
        assert_eq!(temp_owner(".x.vibe-tmp-abc"), None);
        assert!(alive(std::process::id()));
    }

    #[test]
    fn stamps_are_utc_calendar_dates() {
        let s = utc_stamp();
        assert_eq!(s.len(), 16);
        assert!(s.starts_with("20"), "{s}");
    }
}
