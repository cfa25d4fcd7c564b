//! What vibe asks git: the short commit SHA used as the image tag.

use crate::contract::SHORT_SHA_LEN;
use std::path::Path;
use std::process::Command;

/// The short SHA of HEAD in `dir`, or `None` outside a git repository or before the first commit.
pub fn short_sha(dir: &Path) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(dir).args(["rev-parse", "HEAD"]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    // Cut the full SHA rather than asking git for a short one: git lengthens short SHAs
    // when they are ambiguous, and CI cuts `${GITHUB_SHA::7}`; both must agree.
    let sha = String::from_utf8(out.stdout).ok()?;
    let sha = sha.trim();
    (sha.len() >= SHORT_SHA_LEN).then(|| sha[..SHORT_SHA_LEN].to_string())
}
