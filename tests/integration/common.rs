//! A small builder for running the real `vibe` binary in a temporary app folder.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A temporary app folder and the commands run in it.
pub struct App {
    pub dir: tempfile::TempDir,
}

impl App {
    /// An empty app folder.
    pub fn new() -> App {
        App { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the folder.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, content: &str) -> &App {
        let p = self.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
        self
    }

    /// Reads a file.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// `vibe ARGS` with `--dir` set to this folder, no platform file from the environment.
    pub fn vibe(&self, args: &[&str]) -> Command {
        let mut cmd = vibe();
        cmd.arg("--dir").arg(self.path()).args(args);
        cmd
    }

    /// Every file under the folder (relative paths), sorted.
    pub fn files(&self) -> Vec<String> {
        let mut out = Vec::new();
        collect(self.path(), self.path(), &mut out);
        out.sort();
        out
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(root, &p, out);
        } else {
            out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
}

/// The `vibe` binary with a clean environment for its own variables.
pub fn vibe() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("vibe"));
    cmd.env_remove("VIBE_PLATFORM").env("NO_COLOR", "1");
    cmd
}

/// The demo answers as flags, with a fixed tag.
pub const INVENTORY_FLAGS: &[&str] = &[
    "init", "--yes", "--name", "Inventory Checker", "--runtime", "python3.12", "--db", "postgres", "--redis", "--nginx",
    "--ingress", "--size", "md", "--metric", "orders_processed_total:counter:status", "--metric",
    "inventory_low_stock_items:gauge:category", "--secret", "API_KEY", "--tag", "a1b2c3d",
];

/// The repo's root (for fixtures and tools).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
