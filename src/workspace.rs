//! The app's workspace, loaded once per command (or per dashboard job): the repo folder, the
//! `--platform` file, the answers in vibe.yaml, the platform settings in force and what could
//! not be read. Commands, the review, the fixes, the dashboard and the cluster review all take
//! it, so they judge and fix an app with the same settings.
//!
//! This module holds THE platform rule: `--platform`, else vibe.yaml's `platform:`, else the
//! built-in defaults ([`platform_path`]).

use crate::error::Error;
use crate::fsread::RepoRoot;
use crate::platform::Platform;
use crate::repo::{Diagnostic, Repo};
use crate::spec::{self, ANSWERS_FILE, Answers, AppSpec};
use crate::yaml::Node;
use std::path::{Path, PathBuf};

/// The app repo and the settings it is judged and generated with.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The app repo.
    pub root: PathBuf,
    /// `--platform`, if given.
    pub platform_file: Option<PathBuf>,
    /// The answers, when the repo has a readable, valid vibe.yaml inside the repo.
    pub answers: Option<Answers>,
    /// The platform settings in force (the defaults when the platform file could not be used).
    pub platform: Platform,
    /// The repo's short commit SHA, when it is a git repo with a commit.
    pub commit: Option<String>,
    /// Problems reading vibe.yaml or the platform file, as the review reports them.
    pub diagnostics: Vec<Diagnostic>,
    /// vibe.yaml's tree, for placing the problems [`Workspace::spec`] finds at their line.
    answers_tree: Option<Node>,
    /// The platform file named by the rule could not be loaded.
    platform_failed: bool,
}

impl Workspace {
    /// Loads the workspace at `root` with the `--platform` file `platform_file`. Never fails:
    /// what could not be read becomes a diagnostic (the review reports it and blocks) and
    /// [`Workspace::spec`] reports it as an error.
    pub fn load(root: &Path, platform_file: Option<&Path>) -> Workspace {
        let mut ws = Workspace {
            root: root.to_path_buf(),
            platform_file: platform_file.map(Path::to_path_buf),
            answers: None,
            platform: Platform::default(),
            commit: crate::git::short_sha(root),
            diagnostics: Vec::new(),
            answers_tree: None,
            platform_failed: false,
        };
        let answers_path = root.join(ANSWERS_FILE);
        // A broken link or a FIFO "exists" too: anything at the path is read, or blocks.
        if answers_path.symlink_metadata().is_ok() {
            let read = RepoRoot::new(root)
                .and_then(|r| r.check_inside(&answers_path))
                .map_err(|e| Error::read(&answers_path, e))
                .and_then(|()| spec::load_answers(&answers_path));
            match read {
                Ok((answers, tree)) => {
                    ws.answers = Some(answers);
                    ws.answers_tree = Some(tree);
                }
                Err(e) => ws.diagnostics.push(Diagnostic::unreadable(
                    ANSWERS_FILE,
                    None,
                    format!("not used for the review: {e}"),
                    true,
                )),
            }
        }
        if let Some(path) = platform_path(root, platform_file, ws.answers.as_ref()) {
            match Platform::load(&path) {
                Ok(p) => ws.platform = p,
                // The gate was told which platform to judge against: judging against the
                // defaults instead could pass what that platform refuses.
                Err(e) => {
                    ws.platform_failed = true;
                    ws.diagnostics.push(Diagnostic::unreadable(
                        path.display().to_string(),
                        None,
                        format!("platform settings could not be used: {e}"),
                        true,
                    ));
                }
            }
        }
        ws
    }

    /// The app's spec from vibe.yaml and the platform settings, with the image tag `tag_flag`
    /// (`--tag`), else the commit SHA, else vibe.yaml's `tag:`. Unlike the review, generating
    /// needs every answer: what could not be read is an error saying what to do.
    pub fn spec(&self, tag_flag: Option<String>) -> Result<AppSpec, Error> {
        let path = self.root.join(ANSWERS_FILE);
        if !path.exists() {
            if !Repo::load(&self.root)?.holds_an_app() {
                return Err(Error::no_app(&self.root));
            }
            return Err(Error::Usage(format!(
                "{} not found: this folder has no answers yet. Run `vibe init` first (or `vibe init --yes` with flags; \
                 see `vibe init --help`).",
                path.display()
            )));
        }
        // Read again only when the load did not give answers: the error is then the one a
        // creator needs (and a vibe.yaml linked from outside the repo is still generated from).
        let (answers, tree, platform) = match (&self.answers, &self.answers_tree) {
            (Some(answers), Some(tree)) if !self.platform_failed => {
                (answers.clone(), tree.clone(), self.platform.clone())
            }
            _ => {
                let (answers, tree) = spec::load_answers(&path)?;
                let platform = platform_for(&self.root, self.platform_file.as_deref(), Some(&answers))?;
                (answers, tree, platform)
            }
        };
        let tag = self.image_tag(tag_flag, &answers);
        let spec = AppSpec::resolve(answers, platform, tag).map_err(|p| spec::locate_in_file(p, &path, &tree))?;
        Ok(spec.read_repo(&self.root))
    }

    /// The image tag: `--tag`, else the one [`spec::app_image_tag`] chooses (the commit SHA, else
    /// vibe.yaml's `tag:`). Checked with the other answers in `AppSpec::resolve`, so every
    /// problem shows at once.
    pub fn image_tag(&self, flag: Option<String>, answers: &Answers) -> Option<String> {
        image_tag(flag, answers, || self.commit.clone())
    }

    /// The workspace loaded again from disk (the files may have changed since).
    pub fn reload(&self) -> Workspace {
        Workspace::load(&self.root, self.platform_file.as_deref())
    }
}

/// The image tag rule of [`Workspace::image_tag`] for answers not (yet) in vibe.yaml; `commit`
/// is asked only when there is no flag.
pub fn image_tag(flag: Option<String>, answers: &Answers, commit: impl FnOnce() -> Option<String>) -> Option<String> {
    flag.or_else(|| spec::app_image_tag(commit(), answers.tag.as_ref()))
}

/// THE platform rule: the platform file for an app is `--platform`, else vibe.yaml's
/// `platform:` (relative to the repo), else none (the built-in defaults).
pub fn platform_path(root: &Path, platform_file: Option<&Path>, answers: Option<&Answers>) -> Option<PathBuf> {
    platform_file.map(Path::to_path_buf).or_else(|| answers.and_then(|a| a.platform.as_ref()).map(|p| root.join(p)))
}

/// The platform settings by [`platform_path`]'s rule, for answers not (yet) in vibe.yaml.
pub fn platform_for(root: &Path, platform_file: Option<&Path>, answers: Option<&Answers>) -> Result<Platform, Error> {
    match platform_path(root, platform_file, answers) {
        Some(path) => Platform::load(&path),
        None => Ok(Platform::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            std::fs::write(dir.path().join(path), text).unwrap();
        }
        dir
    }

    const ANSWERS: &str = "name: Shop\nslug: shop\nruntime: python3.12\ndatabase: postgres\n";

    #[test]
    fn the_platform_flag_wins_over_vibe_yaml_and_vibe_yaml_over_the_defaults() {
        let with_platform = format!("{ANSWERS}platform: team.yaml\n");
        let dir = repo(&[
            ("vibe.yaml", &with_platform),
            ("team.yaml", "observabilityNamespace: team-a\n"),
            ("other.yaml", "observabilityNamespace: team-b\n"),
        ]);
        let ws = Workspace::load(dir.path(), None);
        assert_eq!(ws.platform.observability_namespace, "team-a");
        assert_eq!(ws.spec(Some("a1b2c3d".into())).unwrap().platform.observability_namespace, "team-a");
        let ws = Workspace::load(dir.path(), Some(&dir.path().join("other.yaml")));
        assert_eq!(ws.platform.observability_namespace, "team-b");
        assert_eq!(ws.spec(Some("a1b2c3d".into())).unwrap().platform.observability_namespace, "team-b");
        let plain = repo(&[("vibe.yaml", ANSWERS)]);
        let ws = Workspace::load(plain.path(), None);
        assert_eq!(ws.platform.observability_namespace, Platform::default().observability_namespace);
        assert!(ws.diagnostics.is_empty());
    }

    #[test]
    fn an_unusable_platform_file_blocks_the_review_and_stops_generation() {
        let dir = repo(&[("vibe.yaml", ANSWERS)]);
        let missing = dir.path().join("nowhere.yaml");
        let ws = Workspace::load(dir.path(), Some(&missing));
        assert_eq!(ws.diagnostics.len(), 1);
        assert!(
            ws.diagnostics[0].blocking && ws.diagnostics[0].message.contains("platform settings could not be used")
        );
        let err = ws.spec(Some("a1b2c3d".into())).unwrap_err().to_string();
        assert!(err.contains("nowhere.yaml"), "{err}");
    }
}
