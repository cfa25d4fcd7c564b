//! Backup and restore-drill CronJobs: what their containers run. D5 and D6 judge them in the
//! repo; `vibe review --cluster` reads the live CronJobs' last runs with the same recognition.
//!
//! A CronJob backs a database up when a container runs that database's dump tool (postgres:
//! pg_dump, pg_dumpall, pg_basebackup; mongo: mongodump), and is a restore drill when one runs
//! its restore tool (pg_restore, mongorestore).

use crate::contract;
use crate::review::workload::{Container, Workload};
use crate::yaml::Node;

/// What a CronJob does for a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Dumps the database (D5).
    Backup,
    /// Restores a dump to check it (D6).
    Drill,
}

/// The dump and restore tools of a database, as whole words.
pub fn tools(store: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match store {
        "postgres" => (&["pg_dump", "pg_dumpall", "pg_basebackup"], &["pg_restore"]),
        _ => (&["mongodump"], &["mongorestore"]),
    }
}

/// True when `text` runs `tool` (as a whole word: `pg_restore_helper` is not pg_restore).
pub fn runs(text: &str, tool: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).any(|t| t == tool)
}

/// A container's command and args as one text, shell comments left out: "pg_restore can read
/// this" in a comment is no restore.
pub fn script(c: &Container) -> String {
    let mut text = String::new();
    for key in ["command", "args"] {
        let Some(n) = c.node.get(key) else { continue };
        let items = n.items();
        let parts: Vec<&str> = if items.is_empty() {
            n.as_str().into_iter().collect()
        } else {
            items.iter().filter_map(Node::as_str).collect()
        };
        for line in parts.iter().flat_map(|p| p.lines()) {
            let code = if line.trim_start().starts_with('#') { "" } else { line };
            text.push_str(code.split(" #").next().unwrap_or(code));
            text.push('\n');
        }
    }
    text
}

/// Every container's script of a workload, as one text.
pub fn scripts(w: &Workload) -> String {
    w.containers().iter().map(script).collect()
}

/// What a CronJob does for which database, if anything (a job that dumps counts as a backup
/// even when it also restores).
pub fn role(w: &Workload) -> Option<(Role, &'static str)> {
    if w.obj.kind != "CronJob" {
        return None;
    }
    let text = scripts(w);
    let runs_any = |tools: &[&str]| tools.iter().any(|t| runs(&text, t));
    let dumps = contract::DATABASES.iter().copied().find(|db| runs_any(tools(db).0));
    let restores = contract::DATABASES.iter().copied().find(|db| runs_any(tools(db).1));
    dumps.map(|db| (Role::Backup, db)).or_else(|| restores.map(|db| (Role::Drill, db)))
}
