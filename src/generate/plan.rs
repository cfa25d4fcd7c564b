//! AppSpec -> Plan: every file vibe writes for an app, with its full content.

use super::context::{self, SealedValues};
use super::render::{self, Renderer, SKILLS_PREFIX};
use crate::contract::{self, When};
use crate::error::Error;
use crate::spec::AppSpec;

/// One file of the plan: repo-relative path (with `/`) and complete content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// Path relative to the app repo.
    pub path: String,
    /// Full content, header included.
    pub content: String,
}

/// Every file vibe writes for one app, in a stable order.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The files.
    pub files: Vec<PlannedFile>,
}

/// The root-level assistant context file (source: skills/AGENTS.md).
const ASSISTANT_FILE: &str = "AGENTS.md";

fn wanted(when: When, spec: &AppSpec, ctx: &serde_json::Value) -> bool {
    let c = &spec.answers.components;
    match when {
        When::Always => true,
        When::AnySecret => ctx["app"]["secret_keys"].as_array().is_some_and(|k| !k.is_empty()),
        When::AnyStatefulStore => ctx["app"]["has_stateful_store"] == true,
        When::Database => spec.database.is_some(),
        When::Redis => c.redis,
        When::Rabbitmq => c.rabbitmq,
        When::Nginx => c.nginx,
        When::Ingress => c.ingress,
        When::AnyExporter => ctx["app"]["has_exporter"] == true,
    }
}

/// The k8s/ files vibe writes for the app, in order (each is also its template's name; the
/// chart's templates are their twins).
pub fn k8s_files(spec: &AppSpec, ctx: &serde_json::Value) -> Vec<&'static str> {
    contract::K8S_FILES.iter().filter(|(_, when, _)| wanted(*when, spec, ctx)).map(|(path, _, _)| *path).collect()
}

/// (template name, output path) for every file of the app, before rendering.
fn sources(spec: &AppSpec, ctx: &serde_json::Value) -> Vec<(String, String)> {
    let lang = spec.runtime.language.as_str();
    let mut out: Vec<(String, String)> = k8s_files(spec, ctx).into_iter().map(|p| (p.into(), p.into())).collect();
    let embedded = render::embedded();
    let chart_prefix = format!("{}/", contract::CHART_DIR);
    let obs_prefix = format!("observability/{lang}/");
    for (name, _) in &embedded {
        if name.starts_with(&chart_prefix) {
            out.push((name.clone(), name.clone()));
        } else if let Some(rest) = name.strip_prefix(&obs_prefix) {
            out.push((name.clone(), format!("observability/{rest}")));
        } else if let Some(rest) = name.strip_prefix(SKILLS_PREFIX) {
            let path = if rest == ASSISTANT_FILE { rest.to_string() } else { name.clone() };
            out.push((name.clone(), path));
        }
    }
    out.push((format!("docker/{lang}.Dockerfile"), "Dockerfile".into()));
    out.push((format!("docker/{lang}.dockerignore"), ".dockerignore".into()));
    out.push(("ci/ci.yml".into(), contract::CI_FILE.into()));
    out.push(("ci/cd-argocd.yml".into(), contract::CD_FILE.into()));
    out.push(("argocd/application.yaml".into(), contract::ARGOCD_FILE.into()));
    out.push(("argocd/previews.yaml".into(), contract::PREVIEWS_FILE.into()));
    out
}

/// The pull-request generator of argocd/previews.yaml needs the repository's owner and name.
fn check_previews_repo(spec: &AppSpec, ctx: &serde_json::Value) -> Result<(), Error> {
    if ctx["previews"]["owner"].is_string() {
        return Ok(());
    }
    let source = spec.platform.source.as_ref().map_or("the platform settings".to_string(), |p| p.display().to_string());
    Err(Error::Invalid(crate::error::Invalid {
        source,
        problems: vec![crate::error::Problem {
            field: "argocd.repoURL".into(),
            pos: None,
            message: format!(
                "`{}` does not name a repository as OWNER/NAME, which argocd/previews.yaml needs to find the pull \
                 requests; set argocd.repoURL in the platform file to the repository's URL, like \
                 https://github.com/OWNER/NAME.git or git@github.com:OWNER/NAME.git",
                ctx["app"]["git_repo_url"].as_str().unwrap_or_default()
            ),
        }],
    }))
}

impl Plan {
    /// Renders every file for the app. `sealed` carries ciphertexts over from the last run.
    pub fn build(spec: &AppSpec, sealed: &SealedValues) -> Result<Plan, Error> {
        let ctx = context::build(spec, sealed);
        check_previews_repo(spec, &ctx)?;
        let header = context::header_text();
        let tera_ctx = tera::Context::from_serialize(&ctx)
            .map_err(|e| Error::Template { name: "(context)".into(), message: e.to_string() })?;
        let renderer = Renderer::shared()?;
        let known: std::collections::HashSet<String> = render::embedded().into_iter().map(|(n, _)| n).collect();
        let mut files = Vec::new();
        for (template, path) in sources(spec, &ctx) {
            if !known.contains(&template) {
                return Err(Error::Template { name: template, message: "template missing from the build".into() });
            }
            let body = renderer.render(&template, &tera_ctx)?;
            files.push(PlannedFile { content: render::with_header(&path, &body, &header), path });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Plan { files })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Node, parse_documents};

    /// Every name vibe sets in the app's environment is one a plain setting may not take, so
    /// `env:` in vibe.yaml can never write a duplicate key into the ConfigMap or the Deployment.
    #[test]
    fn the_names_plain_settings_may_not_take_cover_everything_vibe_sets() {
        for database in ["postgres", "mongo"] {
            let mut answers = crate::wizard::blank();
            answers.name = "Shop".into();
            answers.runtime = "python3.12".into();
            answers.database = database.into();
            answers.components = crate::spec::Components { redis: true, rabbitmq: true, nginx: true, ingress: true };
            answers.secrets = vec!["API_KEY".into()];
            let spec = AppSpec::resolve(answers, crate::platform::Platform::default(), Some("abc1234".into())).unwrap();
            let plan = Plan::build(&spec, &SealedValues::new()).unwrap();
            let text = |path: &str| &plan.files.iter().find(|f| f.path == path).unwrap().content;
            let mut names: Vec<String> = Vec::new();
            for doc in parse_documents(text("k8s/03-configmap.yaml")).unwrap() {
                names.extend(doc.root.get("data").unwrap().entries().iter().map(|e| e.key.clone()));
            }
            for doc in parse_documents(text("k8s/08-app.yaml")).unwrap() {
                for c in doc.root.path("spec.template.spec.containers").map(Node::items).unwrap_or_default() {
                    let env = c.get("env").map(Node::items).unwrap_or_default();
                    names.extend(env.iter().filter_map(|e| e.get("name").and_then(Node::as_str)).map(String::from));
                }
            }
            assert!(names.len() > 20, "{names:?}");
            for name in names {
                let mut a = spec.answers.clone();
                a.secrets.retain(|s| *s != name);
                a.env = [(name.clone(), "x".to_string())].into();
                let problems = crate::spec::validate(&a, &spec.platform);
                assert!(
                    problems.iter().any(|p| p.field == format!("env.{name}")),
                    "{database}: env.{name} is accepted"
                );
            }
        }
    }
}
