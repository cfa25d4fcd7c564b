//! Typed errors at the library edge. Every message says what failed, where, and what to do;
//! the binary prints them and maps them to exit status 2.

use crate::yaml::Pos;
use std::fmt;
use std::path::{Path, PathBuf};

/// How a command ended, as the process exit status tells scripts and CI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success (0).
    Ok,
    /// The review gate is blocked: CRITICAL findings or unreadable files (1).
    Blocked,
    /// Bad input or usage; every [`Error`] but a stop ends so (2).
    Usage,
    /// The creator stopped (Esc / Ctrl-C), as shells report SIGINT (130).
    Interrupted,
}

impl Exit {
    /// The exit status number.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Blocked => 1,
            Exit::Usage => 2,
            Exit::Interrupted => 130,
        }
    }

    /// [`Exit::Blocked`] when `blocked`, else [`Exit::Ok`].
    pub fn gate(blocked: bool) -> Exit {
        if blocked { Exit::Blocked } else { Exit::Ok }
    }
}

/// Anything that stops a command before it can do its job.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file that is not valid YAML, or has unknown keys or wrong types.
    #[error("{0}")]
    Parse(Located),
    /// Answers that parsed but break a rule (one entry per problem).
    #[error("{0}")]
    Invalid(Invalid),
    /// A file or folder that could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A file that vibe would not or could not read: not a regular file, over the size cap, not
    /// UTF-8, or a symlink leaving the repo. The message never quotes the file.
    #[error("{}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why it was not read.
        source: crate::fsread::ReadError,
    },
    /// The command was called in a way that cannot work; the message says what to do instead.
    #[error("{0}")]
    Usage(String),
    /// The folder holds nothing to review or generate from: no vibe.yaml, manifests, Dockerfile
    /// or source code (a first-time user in the wrong folder, or before `vibe init`).
    #[error(
        "there is no app in {}: no vibe.yaml, no k8s/ files, no Dockerfile and no source code. \
         Run `vibe init` in your app's folder to answer a few questions and generate its files \
         (or `vibe init --demo` to see an example first), or pass the app's folder with --dir",
        root.display()
    )]
    NoApp {
        /// The folder that was looked at.
        root: PathBuf,
    },
    /// The creator stopped the wizard (Ctrl-C); nothing was written.
    #[error("stopped: nothing was written")]
    Cancelled,
    /// The creator pressed Esc at a question: the wizard goes back to the one before. Only
    /// the wizard's prompts return it and the wizard handles it; elsewhere it means stop.
    #[error("stopped at a question (Esc): nothing was written")]
    Back,
    /// Reading a live namespace failed (`vibe review --cluster`): one line saying what and what to do.
    #[error("{0}")]
    Cluster(#[from] ClusterError),
    /// vibe refused to write into the repo (outside it, through a link, not writable, busy).
    #[error("{0}")]
    Write(#[from] WriteError),
    /// A bug in a built-in template (never the user's fault).
    #[error("internal error in template {name}: {message} (please report this)")]
    Template {
        /// Template path.
        name: String,
        /// Tera's message.
        message: String,
    },
}

impl Error {
    /// [`Error::NoApp`] for `root`, named in full (a bare `.` tells a newcomer nothing).
    pub fn no_app(root: &Path) -> Error {
        Error::NoApp { root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()) }
    }

    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io { path: path.to_path_buf(), source }
    }

    /// A file on `path` that [`crate::fsread`] did not read.
    pub fn read(path: &Path, source: crate::fsread::ReadError) -> Error {
        Error::Read { path: path.to_path_buf(), source }
    }
}

/// Why a live namespace could not be read. Each message is one line: what failed, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    /// This binary was built without the `cluster` feature.
    #[error(
        "this vibe was built without cluster support: rebuild with the default features \
         (`cargo install --path .`, without --no-default-features) to use --cluster"
    )]
    NotBuilt,
    /// No usable kubeconfig, or the context asked for is not in it.
    #[error("{0}")]
    Kubeconfig(String),
    /// The API server could not be reached (connection refused, DNS, TLS, timeout).
    #[error(
        "cannot reach the Kubernetes API server at {server} (context {context}): {reason}. Check that the cluster \
         is up and reachable from here (VPN?), or choose another context with --context"
    )]
    Unreachable {
        /// The server URL from the kubeconfig.
        server: String,
        /// The kubeconfig context.
        context: String,
        /// The underlying cause, in one line.
        reason: String,
    },
    /// The API server rejected the credentials (HTTP 401) or they could not be obtained.
    #[error(
        "the Kubernetes API server at {server} rejected the credentials of context {context} ({reason}): they \
         are expired or revoked. Log in to the cluster again (refresh your kubeconfig) and retry"
    )]
    Unauthorized {
        /// The server URL.
        server: String,
        /// The kubeconfig context.
        context: String,
        /// What was said.
        reason: String,
    },
    /// The user may not do one of the reads (HTTP 403).
    #[error(
        "permission denied: cannot {verb} {resource} in namespace {namespace}. vibe only reads; ask the platform \
         team to bind the read-only Role printed by `vibe review --cluster --print-role --namespace {namespace}`"
    )]
    Forbidden {
        /// `get` or `list`.
        verb: String,
        /// The resource, with its subresource (`pods/log`).
        resource: String,
        /// The namespace.
        namespace: String,
    },
    /// The namespace does not exist in the cluster.
    #[error(
        "namespace {namespace} does not exist in the cluster of context {context}: has ArgoCD synced the app \
         yet? Otherwise pass the right one with --namespace (or --context)"
    )]
    NamespaceMissing {
        /// The namespace.
        namespace: String,
        /// The kubeconfig context.
        context: String,
    },
    /// Any other refusal by the API server.
    #[error("the Kubernetes API server refused to {verb} {resource} in namespace {namespace}: {code} {message}")]
    Api {
        /// `get` or `list`.
        verb: String,
        /// The resource.
        resource: String,
        /// The namespace.
        namespace: String,
        /// HTTP status.
        code: u16,
        /// The server's message.
        message: String,
    },
}

/// Why vibe wrote nothing into the repo. Each message names the path and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// A path (from the lock, vibe.yaml or the command line) that leaves the repo.
    #[error(
        "{origin} names {path}, which is outside the repo: vibe only writes and removes files inside it. \
         Remove that entry (or correct the path) and run again; nothing was written"
    )]
    Outside {
        /// The path as it was given.
        path: String,
        /// Where it came from (a file, or "the command line").
        origin: String,
    },
    /// A folder on the way to a file vibe writes is a symbolic link.
    #[error(
        "{path} is a symbolic link (to {target}): vibe never writes through a link, which could lead outside the \
         repo. Replace the link with a real folder and run again; nothing was written"
    )]
    LinkedFolder {
        /// Repo-relative path of the link.
        path: String,
        /// Where it points.
        target: String,
    },
    /// A file or folder that cannot be written (checked before anything is written).
    #[error("cannot write {path}: {why}. Fix that and run again; nothing was written")]
    NotWritable {
        /// Repo-relative path.
        path: String,
        /// What is in the way.
        why: String,
    },
    /// Another vibe holds the repo's write lock.
    #[error(
        "another vibe is writing this repo{}; try again when it finishes (nothing was written)",
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
    )]
    Busy {
        /// The process holding the lock, when it recorded itself.
        pid: Option<u32>,
    },
}

/// A message tied to a place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The file, as the user named it.
    pub file: PathBuf,
    /// Where in the file, if known.
    pub pos: Option<Pos>,
    /// What is wrong and what to write instead.
    pub message: String,
    /// The offending lines, when the parser gives them.
    pub snippet: Option<String>,
}

impl Located {
    /// Converts a serde-saphyr error (which carries a 1-based location and a snippet).
    pub fn from_saphyr(file: &Path, err: &serde_saphyr::Error) -> Located {
        let text = err.to_string();
        let mut lines = text.lines();
        let first = lines.next().unwrap_or_default();
        // serde-saphyr says "error: line L column C: message"; keep only the message.
        let message = first
            .strip_prefix("error: ")
            .map(|rest| match rest.split_once(": ") {
                Some((loc, msg)) if loc.starts_with("line ") => msg,
                _ => rest,
            })
            .unwrap_or(first)
            .to_string();
        let snippet: Vec<&str> = lines.filter(|l| !l.trim_start().starts_with("-->")).collect();
        let pos = err.location().map(|l| Pos { line: l.line() as u32, col: l.column() as u32 });
        Located { file: file.to_path_buf(), pos, message, snippet: (!snippet.is_empty()).then(|| snippet.join("\n")) }
    }

    /// [`Located::from_saphyr`] for a file vibe does not own (a platform file can be any path,
    /// `~/.docker/config.json` included): the place and the problem, without the offending
    /// lines and with the keys and values the parser quoted left out.
    pub fn from_saphyr_without_content(file: &Path, err: &serde_saphyr::Error) -> Located {
        let located = Located::from_saphyr(file, err);
        Located { message: without_quoted(&located.message), snippet: None, ..located }
    }
}

/// The message with every `` `quoted` `` or `"quoted"` part replaced by `…`: parsers quote the
/// file's own keys and values there.
fn without_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut open: Option<char> = None;
    for c in message.chars() {
        match open {
            Some(q) if c == q => open = None,
            Some(_) => {}
            None if c == '`' || c == '"' => {
                open = Some(c);
                out.push('…');
            }
            None => out.push(c),
        }
    }
    out
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}: {}", self.file.display(), p, self.message)?,
            None => write!(f, "{}: {}", self.file.display(), self.message)?,
        }
        if let Some(s) = &self.snippet {
            write!(f, "\n{s}")?;
        }
        Ok(())
    }
}

/// One broken rule in the answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The answer concerned: a vibe.yaml path (`metrics[1].name`) or a flag (`--slug`).
    pub field: String,
    /// Where it is in vibe.yaml, when it came from there.
    pub pos: Option<Pos>,
    /// What is wrong and what to write instead.
    pub message: String,
}

/// Every broken rule found in one set of answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Where the answers came from: a file path, or "the command line".
    pub source: String,
    /// The problems, in the order of the answers.
    pub problems: Vec<Problem>,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(f, "{} has {} problem{}:", self.source, n, crate::words::plural(n))?;
        for p in &self.problems {
            match p.pos {
                Some(pos) => write!(f, "\n  {}:{}: {}: {}", self.source, pos, p.field, p.message)?,
                None => write!(f, "\n  {}: {}", p.field, p.message)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Exit;

    #[test]
    fn exit_statuses_keep_the_numbers_scripts_rely_on() {
        let codes: Vec<u8> = [Exit::Ok, Exit::Blocked, Exit::Usage, Exit::Interrupted].map(Exit::code).to_vec();
        assert_eq!(codes, [0, 1, 2, 130]);
        assert_eq!((Exit::gate(true), Exit::gate(false)), (Exit::Blocked, Exit::Ok));
    }
}
