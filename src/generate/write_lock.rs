//! One writer per repo at a time: an exclusive `flock` on `.vibe/write.lock`.
//!
//! Two runs writing at once would mix their files (one tag in some, the other in the rest) and
//! could lose a hand edit between one run's backup and the other's write. The OS releases the
//! lock when the process ends, even when it is killed, so a stale lock never blocks anyone.

use crate::error::{Error, WriteError};
use crate::repo_path;
use std::io::{Read as _, Seek as _, Write as _};
use std::os::fd::AsRawFd as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::Path;
use std::time::{Duration, Instant};

/// The lock file, inside vibe's state folder.
pub const WRITE_LOCK_FILE: &str = ".vibe/write.lock";

/// How long a second writer waits for the first before giving up: long enough for a normal
/// `vibe generate` to finish, short enough that nobody wonders whether vibe hangs.
const WAIT: Duration = Duration::from_secs(3);
const POLL: Duration = Duration::from_millis(50);

/// The held lock; dropping it (or the process ending) releases it.
#[derive(Debug)]
pub struct WriteLock {
    file: std::fs::File,
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        // Still holding the lock: nobody else writes the pid meanwhile. The file stays (removing
        // it would let two runs lock two different files of the same name).
        let _ = self.file.set_len(0);
    }
}

impl WriteLock {
    /// Takes the repo's write lock, waiting up to a few seconds for another vibe to finish.
    pub fn acquire(root: &Path) -> Result<WriteLock, Error> {
        let path = repo_path::resolve(root, WRITE_LOCK_FILE, "vibe")?;
        let dir = path.parent().unwrap_or(root);
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            // A link planted here must not make vibe open (and truncate) a file elsewhere.
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .mode(0o644)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        let started = Instant::now();
        loop {
            // SAFETY: flock on a file descriptor this function owns for the call's duration.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
                break;
            }
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() != Some(libc::EWOULDBLOCK) {
                return Err(Error::io(&path, err));
            }
            if started.elapsed() >= WAIT {
                return Err(WriteError::Busy { pid: holder(&mut file) }.into());
            }
            std::thread::sleep(POLL);
        }
        // Who holds it, for the message a second writer prints.
        let _ = file.set_len(0).and_then(|_| file.rewind()).and_then(|_| writeln!(file, "{}", std::process::id()));
        Ok(WriteLock { file })
    }
}

fn holder(file: &mut std::fs::File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_then_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let first = WriteLock::acquire(dir.path()).unwrap();
        let started = Instant::now();
        let err = WriteLock::acquire(dir.path()).unwrap_err().to_string();
        assert!(started.elapsed() >= WAIT, "it did not wait");
        assert!(err.contains(&format!("another vibe is writing this repo (pid {})", std::process::id())), "{err}");
        drop(first);
        WriteLock::acquire(dir.path()).unwrap();
    }
}
