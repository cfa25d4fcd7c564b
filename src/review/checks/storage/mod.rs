//! Storage checks (D1–D6): volumes for the stores that keep data, safe rollouts, the app
//! waiting for its stores, no data kept in a container's own filesystem, backups off the cluster
//! and a restore drill.
//!
//! - Stores are recognised by image (`Workload::component`); the stateful ones, their ports and
//!   data directories come from `contract::COMPONENTS`. A postgres container that sets `PGDATA`
//!   keeps its data there instead of the image's default.
//! - "Applied before" (D1): files of one folder apply in name order (the numbered k8s/ files), and
//!   within one file an earlier document comes first; a claim in another folder is not held against
//!   the repo (its apply order is unknown). A StatefulSet's `volumeClaimTemplates` count as its PVC.
//! - Waiting (D3): an initContainer waits for a store when its command/args name one of the
//!   store's hosts: a Service selecting the store's pods, the store workload's name, or (when the
//!   repo has no store workload) the naming-rule Service `<slug>-<store>`; DNS forms
//!   (`name.namespace.svc...`) and `host:port` count. `$VAR`, `${VAR}` and `$(VAR)` are resolved
//!   from the initContainer's `env` values and its `envFrom` ConfigMaps first.
//! - Local database files (D4): application source and app config files that open SQLite
//!   (sqlite3.connect, SQLAlchemy/JDBC/PDO `sqlite:` URLs, better-sqlite3, go-sqlite3 / gorm's
//!   sqlite driver, rusqlite, Laravel's `DB_CONNECTION=sqlite`, Django's sqlite3 backend), once per
//!   file at the first use. In-memory databases (`:memory:`), comments and test files are ignored.

use crate::contract::CheckId;
use crate::contract::{self, STORAGE_FILE};
use crate::k8s::service_selects;
use crate::repo::Object;
use crate::review::check::{Check, Judged};
use crate::review::model::{Labels, labels_of, namespace_of};
use crate::review::workload::{self, Container, Workload};
use crate::review::{Finding, Remedy, Review};
use crate::yaml::Node;
use regex::Regex;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

mod backups;
mod claims;
mod container_data;
mod fix;
mod recreate;
mod upload_target;
mod wait_for_stores;
use backups::{d5, d6};
use claims::d1;
use container_data::d4;
use recreate::d2;
use wait_for_stores::d3;

/// The checks of this family, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::D1, run: d1, judged: Judged::Static, repo_only: false, fixer: None },
    Check { id: CheckId::D2, run: d2, judged: Judged::Static, repo_only: false, fixer: Some(fix::d2) },
    Check { id: CheckId::D3, run: d3, judged: Judged::Static, repo_only: false, fixer: Some(fix::d3) },
    Check { id: CheckId::D4, run: d4, judged: Judged::Static, repo_only: false, fixer: None },
    // The CronJobs are in the repo; `vibe review --cluster` adds how old their last success is.
    Check { id: CheckId::D5, run: d5, judged: Judged::LiveAdds, repo_only: false, fixer: None },
    Check { id: CheckId::D6, run: d6, judged: Judged::LiveAdds, repo_only: false, fixer: None },
];

/// A stateful platform store (postgres, mongo, rabbitmq), by component id.
fn stateful(id: &str) -> Option<&'static contract::Component> {
    contract::component(id).filter(|c| c.stateful)
}

/// Store workloads that keep data, with their component.
fn stateful_stores<'a>(r: &'a Review) -> Vec<(Workload<'a>, &'static contract::Component)> {
    r.model.workloads.iter().copied().filter_map(|w| Some((w, stateful(w.component?)?))).collect()
}

/// The store's own container: the first regular container whose image is the store.
fn store_container<'a>(w: &Workload<'a>, id: &str) -> Option<Container<'a>> {
    let mains = w.main_containers();
    mains.iter().find(|c| c.image.and_then(workload::component_of_image) == Some(id)).or(mains.first()).copied()
}

/// Where the store keeps its data: the contract's data dir, or `PGDATA` when a postgres container sets it.
fn data_dir(c: &Container, comp: &contract::Component) -> Option<String> {
    if comp.id == "postgres" {
        let pgdata = c
            .node
            .get("env")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .find(|e| e.get("name").and_then(Node::as_str) == Some("PGDATA"))
            .and_then(|e| e.get("value"))
            .and_then(Node::as_str);
        if let Some(p) = pgdata.filter(|p| p.starts_with('/')) {
            return Some(p.to_string());
        }
    }
    comp.data_dir.map(str::to_string)
}

/// The volumeMount holding `dir` (the deepest mount at or above it).
fn mount_for<'a>(c: &Container<'a>, dir: &str) -> Option<&'a Node> {
    let dir = dir.trim_end_matches('/');
    c.node
        .get("volumeMounts")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|m| {
            let path = m.get("mountPath").and_then(Node::as_str)?.trim_end_matches('/');
            let covers = path.is_empty() || dir == path || dir.starts_with(&format!("{path}/"));
            covers.then_some((path.len(), m))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, m)| m)
}

/// A pod volume by name.
fn volume<'a>(w: &Workload<'a>, name: &str) -> Option<&'a Node> {
    w.pod
        .get("volumes")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .find(|v| v.get("name").and_then(Node::as_str) == Some(name))
}

/// Names of a StatefulSet's volumeClaimTemplates.
fn claim_templates<'a>(w: &Workload<'a>) -> Vec<&'a str> {
    if w.obj.kind != "StatefulSet" {
        return Vec::new();
    }
    w.obj
        .node
        .path("spec.volumeClaimTemplates")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|t| t.path("metadata.name").and_then(Node::as_str))
        .collect()
}

/// How the store's data directory is stored.
enum DataMount<'a> {
    /// On a PVC named here (the claimName node), or a volumeClaimTemplate (`None`).
    Claim(Option<&'a Node>),
    /// On another kind of volume: the volume (or the mount, when the volume is not defined).
    Other(&'a Node),
    /// Not mounted at all: in the container's own filesystem.
    Unmounted,
}

fn data_mount<'a>(w: &Workload<'a>, c: &Container<'a>, dir: &str) -> DataMount<'a> {
    let Some(mount) = mount_for(c, dir) else { return DataMount::Unmounted };
    let name = mount.get("name").and_then(Node::as_str).unwrap_or("");
    if claim_templates(w).contains(&name) {
        return DataMount::Claim(None);
    }
    match volume(w, name) {
        Some(v) => match v.path("persistentVolumeClaim.claimName") {
            Some(claim) => DataMount::Claim(Some(claim)),
            None => DataMount::Other(v),
        },
        None => DataMount::Other(mount),
    }
}

/// The claim name the naming rules give a store: `<store workload>-data`, else `<slug>-<store>-data`.
fn pvc_name(r: &Review, store: &str, workload: Option<&str>) -> String {
    match (workload, &r.ctx.slug) {
        (Some(w), _) if !w.is_empty() => format!("{w}-data"),
        (_, Some(slug)) => format!("{slug}-{store}-data"),
        _ => format!("{store}-data"),
    }
}

/// True when `text` names `host` as a whole word (also `host.ns.svc...` and `host:port`).
fn names_host(text: &str, host: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .any(|t| t == host || t.strip_prefix(host).is_some_and(|rest| rest.starts_with('.')))
}

static SQLITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?x)
        sqlite3\.connect\s*\( | aiosqlite\.connect\s*\( | SqliteDatabase\s*\(
        | \bsqlite(?:\+[a-z]+)?:///? | jdbc:sqlite: | django\.db\.backends\.sqlite3
        | (?:require\s*\(\s*|from\s+|import\s+)['"](?:better-sqlite3|sqlite3|sqlite)['"]
        | dialect\s*:\s*['"]sqlite['"]
        | gorm\.io/driver/sqlite | github\.com/mattn/go-sqlite3 | modernc\.org/sqlite | glebarez/sqlite
        | sql\.Open\s*\(\s*"sqlite3?"
        | \brusqlite\b | sqlx::sqlite | \bSqlitePool\b
        | new\s+PDO\s*\(\s*['"]sqlite: | new\s+SQLite3\s*\(
        | \bDB_CONNECTION\s*=\s*sqlite\b
        "#,
    )
    .unwrap()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_whole_words() {
        assert!(names_host("until nc -z shop-postgres 5432; do sleep 2; done", "shop-postgres"));
        assert!(names_host("pg_isready -h shop-postgres.ns.svc.cluster.local", "shop-postgres"));
        assert!(names_host("wait-for shop-redis:6379", "shop-redis"));
        assert!(!names_host("nc -z shop-postgres-exporter 9187", "shop-postgres"));
        assert!(!names_host("sleep 30", "postgres"));
    }

    #[test]
    fn sqlite_uses_are_recognised() {
        for yes in [
            "conn = sqlite3.connect('app.db')",
            "engine = create_engine('sqlite:///data.db')",
            "const Database = require('better-sqlite3')",
            "import Database from \"better-sqlite3\"",
            "\t_ \"github.com/mattn/go-sqlite3\"",
            "db, err := gorm.Open(sqlite.Open(\"x.db\")) // gorm.io/driver/sqlite",
            "String url = \"jdbc:sqlite:app.db\";",
            "$db = new PDO('sqlite:/var/data/app.sqlite');",
            "DB_CONNECTION=sqlite",
            "use rusqlite::Connection;",
        ] {
            assert!(SQLITE.is_match(yes), "{yes}");
        }
        for no in ["import psycopg", "DB_CONNECTION=pgsql", "postgres://u@h/db"] {
            assert!(!SQLITE.is_match(no), "{no}");
        }
    }
}
