//! A finding: one problem, where it is, and the exact fix.

use crate::contract::catalogue::{Area, CheckId, Severity};
use serde::Serialize;

/// Where the evidence for a finding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Evidence {
    /// Read from files in the repo.
    #[default]
    Repo,
    /// Observed on a running app or a live namespace.
    Live,
}

/// One problem found by a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Check id, e.g. `A1`.
    pub id: CheckId,
    /// From the catalogue.
    pub severity: Severity,
    /// From the catalogue.
    #[serde(skip)]
    pub area: Area,
    /// Repo-relative file (where it is, or where the missing thing belongs).
    pub file: String,
    /// Line, or `None` when the finding is about something missing from the whole repo.
    pub line: Option<u32>,
    /// `Kind/name` of the object concerned, if any.
    pub object: Option<String>,
    /// The problem, in plain words.
    pub message: String,
    /// What to change, with the exact value where known.
    pub fix: String,
    /// Repo or live evidence.
    #[serde(skip_serializing_if = "is_repo")]
    pub evidence: Evidence,
    /// Why it is suppressed (warnings listed in vibe.yaml's review.ignore).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<String>,
    /// The plain secret values the finding is about (a hardcoded token, a ConfigMap password),
    /// so a screen showing the file around it masks exactly those and leaves the code readable.
    /// Never serialized: reports carry the masked message only.
    #[serde(skip)]
    pub secrets: Vec<String>,
    /// What an automatic fix should do, in facts the check knew when it found the problem, so a
    /// fixer never reads them back out of the message. Never serialized.
    #[serde(skip)]
    pub remedy: Option<Remedy>,
}

/// The change a finding asks for, as facts a fixer interprets (the message says it in words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// A NetworkPolicy (or an egress rule) letting `from` reach the finding's pods on `port`.
    AllowTraffic {
        /// Who sends.
        from: Sender,
        /// The receiving pods' port.
        port: i64,
        /// Which side's policy refuses it: the receiver's ingress or the sender's egress.
        direction: Direction,
    },
    /// An initContainer that waits until the store answers at `host:port` before the app starts.
    AddWaitInit {
        /// The store's component id (`postgres`, `redis`, ...).
        store: String,
        /// The name the app reaches the store by (a Service's name when one is known).
        host: String,
        /// The store's port.
        port: u16,
    },
    /// A pinned requirement (`gunicorn==27.0.1`) the start command needs, added to `manifest`.
    AddDependency {
        /// The dependency file (requirements.txt or pyproject.toml).
        manifest: String,
        /// The requirement line, pinned.
        requirement: String,
    },
    /// The Dockerfile instruction on the finding's line replaced by `instruction` (a production
    /// server's CMD in place of a development server's).
    ReplaceStart {
        /// The whole new instruction, e.g. `CMD ["gunicorn", "app:app"]`.
        instruction: String,
        /// The server's requirement (manifest, pinned line) when no dependency file has it.
        dependency: Option<(String, String)>,
    },
    /// A Node lockfile an install step of the Dockerfile needs, written with the app's own package
    /// manager (the file's name says which).
    CreateLockfile {
        /// Its repo-relative path (beside the package.json).
        path: String,
    },
    /// The finding is in a file vibe writes from vibe.yaml (its chart, as ArgoCD deploys it):
    /// writing vibe's version back fixes it, whichever check found it.
    RestoreGenerated,
}

impl Remedy {
    /// True when the fix edits a file other than the finding's (a dependency file, a new
    /// lockfile): regenerating the finding's file (vibe's own Dockerfile) cannot fix it, its
    /// fixer must run.
    pub fn edits_another_file(&self) -> bool {
        matches!(self, Remedy::AddDependency { .. } | Remedy::CreateLockfile { .. })
    }
}

/// Who sends the traffic a NetworkPolicy must allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// The platform's ingress controller (the public URL).
    IngressController,
    /// The platform's Prometheus (the observability namespace).
    Observability,
    /// Pods of the repo (the app or its nginx front).
    Pods,
}

/// Which policy refuses a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The receiving pods' ingress rules.
    Ingress,
    /// The sending pods' egress rules.
    Egress,
}

fn is_repo(e: &Evidence) -> bool {
    *e == Evidence::Repo
}

impl Finding {
    /// A finding of check `id` in `file` at `line`; severity and area come from the catalogue.
    pub fn new(id: CheckId, file: impl Into<String>, line: Option<u32>) -> Finding {
        let info = id.info();
        Finding {
            id: info.id,
            severity: info.severity,
            area: info.area,
            file: file.into(),
            line,
            object: None,
            message: String::new(),
            fix: info.fix.to_string(),
            evidence: Evidence::Repo,
            suppressed: None,
            secrets: Vec::new(),
            remedy: None,
        }
    }

    /// Names the object concerned (`Kind/name`).
    pub fn object(mut self, object: impl Into<String>) -> Finding {
        self.object = Some(object.into());
        self
    }

    /// Sets the problem text.
    pub fn message(mut self, message: impl Into<String>) -> Finding {
        self.message = message.into();
        self
    }

    /// Sets the exact fix (replacing the catalogue's general one).
    pub fn fix(mut self, fix: impl Into<String>) -> Finding {
        self.fix = fix.into();
        self
    }

    /// Sets what an automatic fix should do (see [`Finding::remedy`]).
    pub fn remedy(mut self, remedy: Remedy) -> Finding {
        self.remedy = Some(remedy);
        self
    }

    /// Records a plain secret value the finding is about (see [`Finding::secrets`]).
    pub fn secret(mut self, value: &str) -> Finding {
        let value = value.trim();
        if !value.is_empty() && !self.secrets.iter().any(|s| s == value) {
            self.secrets.push(value.to_string());
        }
        self
    }

    /// Marks the finding as observed live.
    pub fn live(mut self) -> Finding {
        self.evidence = Evidence::Live;
        self
    }

    /// Order in reports: severity, area, check id (numerically), file, line.
    pub fn sort_key(&self) -> (Severity, Area, u32, String, u32, String) {
        let num = self.id.as_str()[1..].parse().unwrap_or(0);
        (
            self.severity,
            self.area,
            num,
            self.file.clone(),
            self.line.unwrap_or(0),
            self.object.clone().unwrap_or_default(),
        )
    }
}
