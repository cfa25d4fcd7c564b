//! The app specification: answers (from vibe.yaml, flags or the wizard) checked against
//! the contract and combined with the platform settings and the image tag.
//!
//! One set of rules serves every source of answers, so the wizard, the flags and
//! vibe.yaml refuse the same things with the same words.

pub mod answers;
mod validate;

pub use answers::{Answers, Components, MetricAnswer, ReviewSettings, Suppression};
pub use validate::{
    FRAMEWORK_METRICS, check_tag as validate_tag, drop_provided_secrets, provided_by_vibe, provided_env_vars,
    reserved_secret_keys, suggest_slug, validate,
};

use crate::contract::{self, Runtime, Size};
use crate::error::{Error, Invalid, Located, Problem};
use crate::platform::Platform;
use std::path::Path;

pub use crate::contract::ANSWERS_FILE;

/// The app image's tag when no `--tag` is given: the commit SHA, else vibe.yaml's `tag:`.
///
/// CI tags every image it builds with the commit's short SHA, so once the code is committed
/// that is the only tag an image exists under; a `tag:` remembered from `vibe init --tag`
/// (given because there was no commit yet) would go stale with the first commit and point the
/// deployment at an image nobody built. It stays the tag of a folder without a commit.
pub fn app_image_tag(commit: Option<String>, stored: Option<&String>) -> Option<String> {
    commit.or_else(|| stored.cloned())
}

/// Validated answers, resolved against the contract and the platform.
#[derive(Debug, Clone)]
pub struct AppSpec {
    /// The answers, normalised (slug filled in).
    pub answers: Answers,
    /// Runtime from the contract.
    pub runtime: &'static Runtime,
    /// App size from the contract.
    pub size: &'static Size,
    /// `postgres`, `mongo`, or `None`.
    pub database: Option<&'static str>,
    /// Image tag (short commit SHA unless given).
    pub tag: String,
    /// Platform settings in force.
    pub platform: Platform,
    /// What the repo says about building and starting the image (empty until
    /// [`AppSpec::read_repo`]).
    pub build: crate::lang::start::BuildFacts,
}

impl AppSpec {
    /// Checks the answers and resolves them. `tag` is the image tag to use when the answers
    /// do not fix one. Problems name answer fields (`metrics[0].name`).
    pub fn resolve(mut answers: Answers, platform: Platform, tag: Option<String>) -> Result<AppSpec, Vec<Problem>> {
        if answers.slug.is_none() {
            answers.slug = Some(suggest_slug(&answers.name, &platform.prefix));
        }
        // /metrics shares the traffic port, so a public route straight to the app would
        // publish it (H3). The nginx front answers 404 for /metrics: a public URL brings it.
        if answers.components.ingress {
            answers.components.nginx = true;
        }
        let mut problems = validate(&answers, &platform);
        let tag = tag.or(answers.tag.clone());
        // A bad tag from vibe.yaml is already reported by `validate`; report a flag's here.
        if let Some(problem) = tag.as_deref().and_then(validate::check_tag).filter(|_| answers.tag != tag) {
            problems.push(Problem { field: "tag".into(), pos: None, message: problem });
        }
        if tag.is_none() {
            problems.push(Problem {
                field: "tag".into(),
                pos: None,
                message: "no image tag: this folder is not a git repository with a commit, so vibe cannot use the \
                          commit SHA. Commit your code first (git init && git add -A && git commit -m \"first commit\") \
                          or pass --tag <version> (never `latest`)."
                    .into(),
            });
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let runtime = contract::runtime(&answers.runtime).expect("validated");
        let size = contract::size(&answers.size).expect("validated");
        let database = contract::DATABASES.iter().copied().find(|d| *d == answers.database);
        Ok(AppSpec {
            answers,
            runtime,
            size,
            database,
            tag: tag.expect("checked above"),
            platform,
            build: Default::default(),
        })
    }

    /// Reads from the app's folder what the Dockerfile needs beyond the answers: the start
    /// command the code shows and which lockfile and dependency file the install steps use.
    pub fn read_repo(mut self, root: &Path) -> AppSpec {
        let files = crate::detect::repo_files(root);
        self.build = crate::lang::start::BuildFacts::read(self.runtime.language, &files);
        self
    }

    /// The display name.
    pub fn name(&self) -> &str {
        &self.answers.name
    }

    /// The slug (always set after [`AppSpec::resolve`]).
    pub fn slug(&self) -> &str {
        self.answers.slug.as_deref().unwrap_or_default()
    }

    /// The Kubernetes namespace.
    pub fn namespace(&self) -> String {
        self.platform.namespace(self.slug())
    }

    /// Enabled stores in the order files are generated: database, redis, rabbitmq.
    pub fn stores(&self) -> Vec<&'static str> {
        let c = &self.answers.components;
        let mut stores: Vec<&'static str> = self.database.into_iter().collect();
        if c.redis {
            stores.push("redis");
        }
        if c.rabbitmq {
            stores.push("rabbitmq");
        }
        stores
    }

    /// One line describing the app, for summaries.
    pub fn describe(&self) -> String {
        let mut parts = vec![self.runtime.id.to_string()];
        parts.extend(self.stores().iter().map(|s| s.to_string()));
        let c = &self.answers.components;
        if c.nginx {
            parts.push("nginx".into());
        }
        if c.ingress {
            parts.push("public URL".into());
        }
        parts.push(format!("size {}", self.size.id));
        format!("{} ({})", self.name(), parts.join(", "))
    }
}

/// Reads vibe.yaml: unknown keys and wrong types are refused with file:line:column.
/// Returns the answers and the positioned tree, used to place later validation problems.
pub fn load_answers(path: &Path) -> Result<(Answers, crate::yaml::Node), Error> {
    let text = crate::fsread::read_text(path).map_err(|e| Error::read(path, e))?;
    let answers: Answers = serde_saphyr::from_str(&text).map_err(|e| Error::Parse(Located::from_saphyr(path, &e)))?;
    let tree = crate::yaml::parse_one(&text).ok().flatten().unwrap_or_else(|| crate::yaml::Node::scalar("", false));
    Ok((answers, tree))
}

/// Places problems found in vibe.yaml at their line and column.
pub fn locate_in_file(problems: Vec<Problem>, file: &Path, tree: &crate::yaml::Node) -> Error {
    let problems = problems
        .into_iter()
        .map(|mut p| {
            p.pos = position_of(tree, &p.field);
            p
        })
        .collect();
    Error::Invalid(Invalid { source: file.display().to_string(), problems })
}

/// Names problems found in command-line answers by their flag.
pub fn locate_in_flags(problems: Vec<Problem>) -> Error {
    let problems = problems
        .into_iter()
        .map(|mut p| {
            p.field = flag_for(&p.field).to_string();
            p
        })
        .collect();
    Error::Invalid(Invalid { source: "the command line".into(), problems })
}

/// `metrics[1].name` -> the node at metrics.1.name, or the nearest parent that exists.
fn position_of(tree: &crate::yaml::Node, field: &str) -> Option<crate::yaml::Pos> {
    let path = field.replace('[', ".").replace(']', "");
    let parts: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
    (0..=parts.len()).rev().find_map(|n| {
        let node = tree.path(&parts[..n].join("."))?;
        // Point at the value; for the document root there is no useful place.
        if n == 0 { None } else { node.pos }
    })
}

fn flag_for(field: &str) -> &'static str {
    let head = field.split(['.', '[']).next().unwrap_or(field);
    match head {
        "name" => "--name",
        "slug" => "--slug",
        "runtime" => "--runtime",
        "database" => "--db",
        "size" => "--size",
        "metrics" => "--metric",
        "secrets" => "--secret",
        "tag" => "--tag",
        "start" => "--start",
        "components" => "--redis/--rabbitmq/--nginx/--ingress",
        _ => "vibe.yaml",
    }
}
