//! Paths vibe reads back, writes or removes: always inside the repo, never through a linked folder.
//!
//! Paths come from the lock, from vibe.yaml and from findings; any of them may have been edited
//! by hand. A path is accepted only when it is relative, has no `..`, and every folder on the
//! way that already exists is a real folder (not a symbolic link, not a file).

use crate::error::{Error, WriteError};
use std::path::{Component, Path, PathBuf};

/// Checks that `rel` stays inside the repo by its spelling alone (relative, no `..`).
/// `origin` says where the path came from, for the message.
pub fn check_relative(rel: &str, origin: &str) -> Result<(), Error> {
    let path = Path::new(rel);
    let inside = !rel.is_empty()
        && path.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        && path.components().any(|c| matches!(c, Component::Normal(_)));
    if inside { Ok(()) } else { Err(WriteError::Outside { path: rel.to_string(), origin: origin.to_string() }.into()) }
}

/// The absolute path of `rel` under `root`, once it is known to stay inside the repo: every
/// existing folder on the way is a real folder. The file itself may be anything (the caller
/// decides what to do with a link or a folder there).
pub fn resolve(root: &Path, rel: &str, origin: &str) -> Result<PathBuf, Error> {
    check_relative(rel, origin)?;
    let mut dir = root.to_path_buf();
    let parts: Vec<&std::ffi::OsStr> = Path::new(rel)
        .components()
        .filter_map(|c| match c {
            Component::Normal(p) => Some(p),
            _ => None,
        })
        .collect();
    let Some((file, folders)) = parts.split_last() else {
        return Err(WriteError::Outside { path: rel.to_string(), origin: origin.to_string() }.into());
    };
    for (i, part) in folders.iter().enumerate() {
        dir.push(part);
        let shown = || folders[..=i].iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>().join("/");
        match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&dir).map(|t| t.display().to_string()).unwrap_or_default();
                return Err(WriteError::LinkedFolder { path: shown(), target }.into());
            }
            Ok(meta) if !meta.is_dir() => {
                return Err(WriteError::NotWritable {
                    path: rel.to_string(),
                    why: format!("{} is a file, where vibe needs a folder", shown()),
                }
                .into());
            }
            Ok(_) => {}
            // The rest of the way does not exist yet: vibe creates real folders there.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                dir.extend(&folders[i + 1..]);
                break;
            }
            Err(e) => return Err(Error::io(&dir, e)),
        }
    }
    dir.push(file);
    Ok(dir)
}

/// What is at a path vibe generates, found without following a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Existing {
    /// Nothing yet.
    Missing,
    /// A regular file and its content.
    File(Vec<u8>),
    /// A symbolic link (where it points): never read, it may lead anywhere.
    Link(String),
    /// A folder, device, pipe or socket (what it is).
    Other(&'static str),
}

/// Reads what is at repo-relative `rel`: the one way vibe reads a path it writes. A link is
/// reported, not followed (its target could be /proc/self/environ or a file outside the repo),
/// and a folder on the way that is a link or leaves the repo is refused.
pub fn read_existing(root: &Path, rel: &str) -> Result<Existing, Error> {
    let path = resolve(root, rel, "vibe")?;
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Missing),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        let target = std::fs::read_link(&path).map(|t| t.display().to_string()).unwrap_or_default();
        return Ok(Existing::Link(target));
    }
    if !kind.is_file() {
        return Ok(Existing::Other(crate::fsread::kind_of(kind)));
    }
    // Regular files only, capped, never blocking on a FIFO swapped in since the check above.
    crate::fsread::read_bytes_no_follow(&path).map(Existing::File).map_err(|e| Error::read(&path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_leaving_the_repo_are_refused() {
        for p in ["../victim.txt", "/etc/passwd", "k8s/../../x", "", ".", "a/../../b"] {
            let err = check_relative(p, ".vibe/lock.json").unwrap_err().to_string();
            assert!(err.contains("outside the repo") && err.contains(".vibe/lock.json"), "{p}: {err}");
        }
        for p in ["k8s/01-network-policies.yaml", "./AGENTS.md", ".vibe/backup/x/y"] {
            check_relative(p, "test").unwrap();
        }
    }

    #[test]
    fn linked_and_file_folders_on_the_way_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("k8s")).unwrap();
        std::fs::write(dir.path().join("skills"), "a file").unwrap();
        let err = resolve(dir.path(), "k8s/00-namespace.yaml", "plan").unwrap_err().to_string();
        assert!(err.contains("k8s is a symbolic link"), "{err}");
        let err = resolve(dir.path(), "skills/platform.md", "plan").unwrap_err().to_string();
        assert!(err.contains("skills is a file"), "{err}");
        let ok = resolve(dir.path(), "helm/vibe-stack/values.yaml", "plan").unwrap();
        assert_eq!(ok, dir.path().join("helm/vibe-stack/values.yaml"));
    }
}
