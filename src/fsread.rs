//! The one way vibe reads a file from a repo or a path the user named.
//!
//! vibe runs in CI as a deploy gate and on creators' machines, over folders it does not control:
//! a FIFO, a device or a huge file there must not hang it or eat its memory, and a symlink must
//! not make it read (and quote) something outside the repo. So only regular files are opened,
//! with `O_NONBLOCK` (a FIFO swapped in after the check cannot block the open) and checked again
//! on the open handle, and no read takes more than its cap. Errors name the problem, never the
//! file's content.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The cap on any file vibe reads (no manifest, Dockerfile, source or settings file is this big).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A FIFO, device, socket or folder where a file was expected.
    #[error("{0}, not a regular file: vibe reads only regular files")]
    NotRegular(&'static str),
    /// Over the cap.
    #[error("larger than {}: not read", size(*limit))]
    TooLarge {
        /// The cap, in bytes.
        limit: u64,
    },
    /// Not UTF-8 text.
    #[error("not UTF-8 text (line {line}): not read")]
    NotUtf8 {
        /// Line of the first invalid byte.
        line: u32,
    },
    /// A symlink (or a path through one) that resolves outside the repo, or to nothing.
    #[error("a symlink leading outside the repo (or to nothing): not followed")]
    OutsideRepo,
    /// What the OS said.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl ReadError {
    /// True when the file does not exist (many callers treat that as "nothing yet").
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / 1024 / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// What a file that is not regular is, in words.
pub fn kind_of(ft: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() { "a folder" } else { "a special file" }
}

/// Opens `path` only if it is a regular file, without blocking, and checks the handle again.
/// With `no_follow`, a symlink swapped in for the file since it was checked fails the open.
fn open_regular(path: &Path, no_follow: bool) -> Result<(std::fs::File, std::fs::Metadata), ReadError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(meta.file_type())));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | if no_follow { libc::O_NOFOLLOW } else { 0 });
    }
    let file = options.open(path)?;
    // The path may have been swapped for a FIFO or a device between the check and the open.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(meta.file_type())));
    }
    Ok((file, meta))
}

/// Reads a regular file of at most `limit` bytes into `buf` (cleared first), never taking more
/// than `limit + 1` bytes from it.
pub fn read_into(path: &Path, limit: u64, buf: &mut Vec<u8>) -> Result<(), ReadError> {
    read_capped(path, limit, buf, false)
}

fn read_capped(path: &Path, limit: u64, buf: &mut Vec<u8>, no_follow: bool) -> Result<(), ReadError> {
    buf.clear();
    let (file, meta) = open_regular(path, no_follow)?;
    if meta.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    // The file may grow while it is read: the cap holds whatever its size said.
    file.take(limit.saturating_add(1)).read_to_end(buf)?;
    if buf.len() as u64 > limit {
        buf.clear();
        return Err(ReadError::TooLarge { limit });
    }
    Ok(())
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`].
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    let mut buf = Vec::new();
    read_into(path, MAX_FILE_BYTES, &mut buf)?;
    Ok(buf)
}

/// [`read_bytes`] of a path that must not be a symlink (a generated path: vibe replaces links
/// there and never reads through them); a link swapped in since the caller's check fails the open.
pub fn read_bytes_no_follow(path: &Path) -> Result<Vec<u8>, ReadError> {
    let mut buf = Vec::new();
    read_capped(path, MAX_FILE_BYTES, &mut buf, true)?;
    Ok(buf)
}

/// Checks that bytes are UTF-8, naming the line of the first bad byte otherwise.
pub fn utf8(bytes: &[u8]) -> Result<&str, ReadError> {
    std::str::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        line: 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() as u32,
    })
}

/// Reads a regular UTF-8 text file of at most [`MAX_FILE_BYTES`].
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = read_bytes(path)?;
    utf8(&bytes)?;
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

/// [`read_text`], with a missing file as `None`.
pub fn read_text_if_exists(path: &Path) -> Result<Option<String>, ReadError> {
    match read_text(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// [`read_bytes`], with a missing file as `None`.
pub fn read_bytes_if_exists(path: &Path) -> Result<Option<Vec<u8>>, ReadError> {
    match read_bytes(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// [`read_bytes_if_exists`] for `path` under the repo `root`, refusing symlinks that lead outside it.
pub fn read_bytes_in_repo_if_exists(root: &Path, path: &Path) -> Result<Option<Vec<u8>>, ReadError> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        _ => {
            RepoRoot::new(root)?.check_inside(path)?;
            read_bytes_if_exists(path)
        }
    }
}

/// A repo's root, resolved once, against which files are checked to stay inside it.
#[derive(Debug, Clone)]
pub struct RepoRoot {
    /// The root as given (files are joined to it).
    given: PathBuf,
    /// The root with symlinks resolved.
    real: PathBuf,
}

impl RepoRoot {
    /// Resolves `root` (which must exist).
    pub fn new(root: &Path) -> Result<RepoRoot, ReadError> {
        Ok(RepoRoot { given: root.to_path_buf(), real: std::fs::canonicalize(root)? })
    }

    /// Checks that `path` (a file under the root) is not a symlink leading outside the repo. A
    /// path that is no symlink costs one `lstat`; a symlink is resolved.
    pub fn check_inside(&self, path: &Path) -> Result<(), ReadError> {
        let link = std::fs::symlink_metadata(path)?;
        if !link.file_type().is_symlink() && path.parent().is_some_and(|p| p == self.given) {
            return Ok(());
        }
        if self.contains(path) { Ok(()) } else { Err(ReadError::OutsideRepo) }
    }

    /// True when `path` resolves inside the repo.
    pub fn contains(&self, path: &Path) -> bool {
        std::fs::canonicalize(path).is_ok_and(|real| real.starts_with(&self.real))
    }

    /// [`read_into`] for a file found by walking the repo's real folders (so only its last
    /// component can be a symlink): a symlink is followed only when it stays inside the repo.
    pub fn read_walked(&self, path: &Path, limit: u64, buf: &mut Vec<u8>) -> Result<(), ReadError> {
        let link = std::fs::symlink_metadata(path)?.file_type().is_symlink();
        if link && !self.contains(path) {
            return Err(ReadError::OutsideRepo);
        }
        read_capped(path, limit, buf, !link)
    }

    /// The text of `rel` (a repo-relative path), `None` when it does not exist.
    pub fn read_text_if_exists(&self, rel: &str) -> Result<Option<String>, ReadError> {
        let path = self.given.join(rel);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            _ => self.check_inside(&path)?,
        }
        read_text_if_exists(&path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_cap_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "0123456789").unwrap();
        let mut buf = Vec::new();
        read_into(&file, 10, &mut buf).unwrap();
        assert_eq!(buf, b"0123456789");
        assert!(matches!(read_into(&file, 9, &mut buf), Err(ReadError::TooLarge { limit: 9 })));
        assert!(matches!(read_text(dir.path()), Err(ReadError::NotRegular("a folder"))));
        // A device is refused before it is opened: /dev/zero would never end.
        let zero = read_bytes(Path::new("/dev/zero")).unwrap_err();
        assert!(matches!(zero, ReadError::NotRegular("a device")), "{zero}");
        std::fs::write(&file, [b'a', b'\n', 0xff]).unwrap();
        assert!(matches!(read_text(&file), Err(ReadError::NotUtf8 { line: 2 })));
        assert_eq!(read_text_if_exists(&dir.path().join("none")).unwrap(), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking_and_symlinks_stay_inside_the_repo() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo only reads the NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(read_text(&fifo), Err(ReadError::NotRegular("a FIFO (named pipe)"))));

        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s3cr3t").unwrap();
        std::fs::write(dir.path().join("real.yaml"), "a: 1").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("out.yaml")).unwrap();
        std::os::unix::fs::symlink("real.yaml", dir.path().join("in.yaml")).unwrap();
        std::os::unix::fs::symlink("missing", dir.path().join("dangling.yaml")).unwrap();
        let root = RepoRoot::new(dir.path()).unwrap();
        assert_eq!(root.read_text_if_exists("in.yaml").unwrap().as_deref(), Some("a: 1"));
        assert!(matches!(root.read_text_if_exists("out.yaml"), Err(ReadError::OutsideRepo)));
        assert!(matches!(root.read_text_if_exists("dangling.yaml"), Err(ReadError::OutsideRepo)));
        assert_eq!(root.read_text_if_exists("none.yaml").unwrap(), None);
    }
}
