//! Command-line definitions (clap derive) and nothing else.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// vibe: deploy your app on the Vibe-Env platform.
///
/// vibe asks a few plain questions about your app, writes everything the platform needs to run it
/// (Kubernetes files, a Helm chart, a Dockerfile, CI/CD, monitoring code, notes for your AI
/// assistant), and then reviews the result: CRITICAL findings block deployment, each with the
/// exact fix.
///
/// Start here:  vibe init            (answer the questions)
///              vibe init --demo     (see it on an example app first)
#[derive(Debug, Parser)]
#[command(name = "vibe", version, propagate_version = true, max_term_width = 100)]
pub struct Arguments {
    /// The app's folder (default: the current folder).
    #[arg(short = 'C', long = "dir", global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Platform settings file from your platform team (overrides the built-in defaults).
    #[arg(long, global = true, value_name = "FILE", env = "VIBE_PLATFORM")]
    pub platform: Option<PathBuf>,

    /// What to do (default: init).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Answer the questions about your app and generate every file (writes vibe.yaml).
    ///
    /// Interactive in a terminal. For CI or an AI agent, pass --yes and the answers as flags:
    ///
    ///   vibe init --yes --name "Inventory Checker" --runtime python3.12 --db postgres \
    ///     --redis --nginx --ingress --size md \
    ///     --metric orders_processed_total:counter:status --secret API_KEY
    ///
    /// Run it again to change answers: every question starts from the current one.
    Init(InitArgs),

    /// Regenerate every file from vibe.yaml (after you edit it, or to update vibe's output).
    ///
    /// Files you edited are backed up to .vibe/backup/ before they are replaced; files vibe
    /// never wrote are left alone; files of components you turned off are removed.
    Generate(GenerateArgs),

    /// Print shell completions (bash, zsh, fish, powershell, elvish) to standard output.
    ///
    /// Example: vibe completions bash > ~/.local/share/bash-completion/completions/vibe
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Answers given as flags (every wizard question has one).
#[derive(Debug, Args, Default)]
pub struct AnswerFlags {
    /// 1. What is the app called? (e.g. "Inventory Checker")
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Short name used in addresses and the namespace (default: made from --name).
    #[arg(long, value_name = "SLUG")]
    pub slug: Option<String>,

    /// 2. Language/runtime: node22, node20, python3.12, python3.11, go1.23, jvm21, jvm17, rust1.78, php8.3.
    #[arg(long, value_name = "RUNTIME")]
    pub runtime: Option<String>,

    /// 3. Database: none, postgres or mongo.
    #[arg(long = "db", value_name = "DB")]
    pub database: Option<String>,

    /// 4. Uses Redis (a fast cache or job queue).
    #[arg(long)]
    pub redis: bool,

    /// 4. Uses RabbitMQ (a message queue).
    #[arg(long)]
    pub rabbitmq: bool,

    /// 4. Put an nginx front proxy before the app.
    #[arg(long)]
    pub nginx: bool,

    /// 4. Give the app a public URL with TLS.
    #[arg(long)]
    pub ingress: bool,

    /// 5. Size: xs, sm, md (default), lg, xl (`vibe checks --sizes` lists what each means).
    #[arg(long, value_name = "SIZE")]
    pub size: Option<String>,

    /// A number that tells your app works: NAME:TYPE[:LABEL,LABEL] (TYPE: counter, gauge, histogram).
    /// Repeat for each (three suggested), e.g. --metric orders_processed_total:counter:status
    #[arg(long = "metric", value_name = "METRIC")]
    pub metrics: Vec<String>,

    /// Name of a credential the app needs, e.g. API_KEY (repeat for each). Values are never passed
    /// here: seal them with `vibe seal NAME`.
    #[arg(long = "secret", value_name = "NAME")]
    pub secrets: Vec<String>,

    /// The readiness check also checks the database (gives probes 10 s instead of 5 s).
    #[arg(long)]
    pub readiness_checks_database: bool,

    /// Image tag (default: the repo's short commit SHA; `latest` is refused).
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
}

/// `vibe init` options.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Do not ask: take the answers from the flags (and vibe.yaml, if it exists).
    #[arg(short, long)]
    pub yes: bool,

    /// Generate the example app "Inventory Checker" and show its review (into --dir, or a new
    /// temporary folder).
    #[arg(long, conflicts_with = "yes")]
    pub demo: bool,

    /// Show what would change, as a diff, and write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// The answers.
    #[command(flatten)]
    pub answers: AnswerFlags,
}

/// `vibe generate` options.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Show what would change, as a diff, and write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Image tag (default: the repo's short commit SHA; `latest` is refused).
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
}

/// Report formats of the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Plain words, grouped by severity then area.
    #[default]
    Text,
    /// Machine-readable JSON.
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}
