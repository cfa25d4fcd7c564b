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

/// A repository on a GitHub-style host, as a git remote URL names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteRepo {
    /// Host name (no port, no user).
    pub host: String,
    /// The organisation or user.
    pub owner: String,
    /// The repository's name, without `.git`.
    pub name: String,
}

/// Owner and name of the repository a remote URL points to: `https://host/owner/name(.git)`,
/// `ssh://git@host[:port]/owner/name.git` or `git@host:owner/name.git`. `None` when the URL
/// has another shape (a GitLab subgroup, a local path): a pull-request generator needs exactly
/// an owner and a name.
pub fn remote_repo(url: &str) -> Option<RemoteRepo> {
    let url = url.trim();
    let (authority, path) = if let Some((scheme, rest)) = url.split_once("://") {
        if !["https", "http", "ssh", "git"].contains(&scheme.to_ascii_lowercase().as_str()) {
            return None;
        }
        rest.split_once('/')?
    } else {
        // scp-like syntax: user@host:owner/name.git
        let (authority, path) = url.split_once(':')?;
        if !authority.contains('@') || path.starts_with('/') {
            return None;
        }
        (authority, path)
    };
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?.to_ascii_lowercase();
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let (owner, name) = path.split_once('/')?;
    let word = |s: &str, extra: &[char]| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || extra.contains(&c))
    };
    let host_ok = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    (host_ok && word(owner, &[]) && word(name, &['_', '.']) && name != "." && name != "..").then(|| RemoteRepo {
        host,
        owner: owner.to_string(),
        name: name.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_and_name_come_from_https_and_ssh_remotes() {
        let want = |host: &str| Some(RemoteRepo { host: host.into(), owner: "acme".into(), name: "shop-app".into() });
        assert_eq!(remote_repo("https://github.com/acme/shop-app.git"), want("github.com"));
        assert_eq!(remote_repo("https://github.com/acme/shop-app"), want("github.com"));
        assert_eq!(remote_repo("https://token@git.acme.test:8443/acme/shop-app/"), want("git.acme.test"));
        assert_eq!(remote_repo("git@github.com:acme/shop-app.git"), want("github.com"));
        assert_eq!(remote_repo("ssh://git@git.acme.test:2222/acme/shop-app.git"), want("git.acme.test"));
        for bad in [
            "https://gitlab.acme.test/group/sub/shop-app.git",
            "https://github.com/acme",
            "/srv/git/shop.git",
            "file:///srv/git/acme/shop.git",
            "https://github.com/acme/{slug}.git",
            "",
        ] {
            assert_eq!(remote_repo(bad), None, "{bad}");
        }
    }
}
