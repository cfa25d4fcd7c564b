//! The Dockerfile that builds the app image, read for how the image starts: its last stage's
//! CMD/ENTRYPOINT and WORKDIR, where COPY puts the repo's files, and which build steps run.

use crate::repo::{Dockerfile, Repo};

use super::command::{self, Command};
use super::stages::{self, join};

/// How the app image starts, as its Dockerfile says.
pub struct Image<'a> {
    /// The Dockerfile that builds the app image.
    pub dockerfile: &'a Dockerfile,
    /// The CMD or ENTRYPOINT line that starts the app (the later of the two when both are set),
    /// None when the last stage sets neither.
    pub line: Option<u32>,
    /// The command the image runs, read.
    pub command: Command,
    /// The base image of the last stage, as written.
    pub base: String,
    /// The last stage's working directory (`/` when none is set).
    pub workdir: String,
    /// (container path, repo path) pairs from the COPY/ADD instructions copying from the build context.
    pub copies: Vec<(String, String)>,
    /// Every RUN line of every stage (build steps tell what exists in the image).
    pub runs: Vec<&'a str>,
}

/// The Dockerfile that builds the app image: the one at the shallowest folder, a plain
/// `Dockerfile` before variants, never one named for development (`Dockerfile.dev`).
pub fn app_dockerfile(repo: &Repo) -> Option<&Dockerfile> {
    repo.dockerfiles
        .iter()
        .filter(|d| {
            let name = d.file.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
            !(name.contains("dev") || name.contains("test") || d.file.starts_with("observability/"))
        })
        .min_by_key(|d| (d.file.matches('/').count(), d.file.rsplit('/').next() != Some("Dockerfile"), d.file.len()))
}

/// The folder a Dockerfile is in (its build context, as `docker build sub/` uses it), "" at the root.
pub fn context_dir(d: &Dockerfile) -> &str {
    d.file.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Reads how the app image starts.
pub fn read(repo: &Repo) -> Option<Image<'_>> {
    let dockerfile = app_dockerfile(repo)?;
    let ins = &dockerfile.instructions;
    let stages = stages::stages(ins);
    let base = stages.last()?.base.clone();
    let running = stages::running(&stages)?;
    let (entrypoint, cmd) = (running.entrypoint, running.cmd);
    let mut words = Vec::new();
    let mut line = None;
    for i in [entrypoint, cmd].into_iter().flatten() {
        words.extend(command::instruction_words(&i.args));
        line = line.max(Some(i.line));
    }
    // An entrypoint script that hands over to CMD (`exec "$@"`) runs the CMD: read that.
    if let (Some(e), Some(c)) = (entrypoint, cmd)
        && command::instruction_words(&e.args).iter().any(|w| w.ends_with(".sh"))
    {
        words = command::instruction_words(&c.args);
        line = Some(c.line);
    }
    Some(Image {
        dockerfile,
        line,
        command: command::read(words),
        base,
        workdir: running.workdir,
        copies: stages::copies(&stages),
        runs: ins.iter().filter(|i| i.keyword == "RUN").map(|i| i.args.as_str()).collect(),
    })
}

impl Image<'_> {
    /// The repo paths a path of the command (relative to the working directory) may come from,
    /// most likely first: where COPY put it, else the path under the build context.
    pub fn repo_paths(&self, written: &str) -> Vec<String> {
        let abs = join(&self.workdir, written);
        let ctx = context_dir(self.dockerfile);
        let mut out = Vec::new();
        for (dest, src) in self.copies.iter().rev() {
            let rest = if abs == *dest {
                Some("")
            } else {
                abs.strip_prefix(dest.as_str()).and_then(|r| r.strip_prefix('/')).or(if dest == "/" {
                    abs.strip_prefix('/')
                } else {
                    None
                })
            };
            if let Some(rest) = rest {
                let p =
                    [ctx, src.as_str(), rest].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join("/");
                push_unique(&mut out, p);
            }
        }
        // Copied from a build stage, or not copied as written: the path under the working directory.
        let under_workdir = abs.strip_prefix(self.workdir.as_str()).unwrap_or(&abs).trim_start_matches('/');
        let p = if ctx.is_empty() { under_workdir.to_string() } else { format!("{ctx}/{under_workdir}") };
        push_unique(&mut out, p);
        push_unique(&mut out, written.trim_start_matches("./").to_string());
        out
    }

    /// True when a build step produces `what` (a package.json build script, a compiler).
    pub fn builds(&self, tools: &[&str]) -> bool {
        self.runs.iter().any(|r| tools.iter().any(|t| r.contains(t)))
    }
}

fn push_unique(out: &mut Vec<String>, p: String) {
    if !p.is_empty() && !p.contains("..") && !out.contains(&p) {
        out.push(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn maps_container_paths_back_to_the_repo() {
        let repo = Repo::from_files(
            Path::new("/nonexistent"),
            &[(
                "Dockerfile",
                "FROM node:20 AS build\nWORKDIR /src\nCOPY . .\nRUN npm run build\nFROM node:20-slim\nWORKDIR /app\n\
                 COPY --from=build /src/dist ./dist\nCOPY package.json ./\nCOPY server/ ./server/\nCMD node server/index.js\n",
            )],
        );
        let image = read(&repo).unwrap();
        assert_eq!(image.line, Some(10));
        assert_eq!(image.workdir, "/app");
        assert_eq!(image.repo_paths("server/index.js")[0], "server/index.js");
        assert_eq!(image.repo_paths("package.json")[0], "package.json");
        assert!(image.builds(&["npm run build"]));
    }

    #[test]
    fn reads_the_stage_that_runs_as_docker_builds_it() {
        // A file copied onto the WORKDIR lands inside it: the command's file is that file.
        let repo = Repo::from_files(
            Path::new("/nonexistent"),
            &[("Dockerfile", "FROM python:3.12\nWORKDIR /app\nCOPY app.py /app\nCMD [\"python\", \"app.py\"]\n")],
        );
        assert_eq!(read(&repo).unwrap().repo_paths("app.py")[0], "app.py");
        // The last stage inherits the WORKDIR and CMD of the stage it is built FROM.
        let repo = Repo::from_files(
            Path::new("/nonexistent"),
            &[("Dockerfile", "FROM node:20 AS base\nENV APP=/srv\nWORKDIR $APP\nCMD node a.js\nFROM base\nRUN true\n")],
        );
        let image = read(&repo).unwrap();
        assert_eq!((image.workdir.as_str(), image.line), ("/srv", Some(4)));
    }
}
