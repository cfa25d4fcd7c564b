//! `vibe init`: the answers (from flags, vibe.yaml, or the wizard), then generation.

use super::{Config, print_outcome};
use crate::cli::{AnswerFlags, InitArgs};
use crate::detect::Detected;
use crate::error::{Error, Exit, Problem};
use crate::generate::{Mode, write};
use crate::spec::{self, ANSWERS_FILE, Answers, AppSpec, Components, MetricAnswer};
use crate::workspace::{self, Workspace};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// The example app's own code: a typical first version, so the review has app fixes to show.
const DEMO_SOURCE: &[(&str, &str)] =
    &[("main.py", include_str!("demo/main.py")), ("requirements.txt", include_str!("demo/requirements.txt"))];

/// The tag the demo uses: its folder is not a git repository.
const DEMO_TAG: &str = "1a2b3c4";

/// `vibe` with no subcommand behaves like `vibe init` with no flags.
pub fn interactive_defaults() -> InitArgs {
    InitArgs { yes: false, demo: false, dry_run: false, answers: AnswerFlags::default() }
}

/// Runs `vibe init`.
pub fn run(config: &Config, args: InitArgs) -> Result<Exit, Error> {
    if args.demo {
        return demo(config, args.dry_run);
    }
    if !args.yes {
        return interactive(config, &args);
    }
    let path = config.root.join(ANSWERS_FILE);
    let existing = if path.exists() { Some(spec::load_answers(&path)?.0) } else { None };
    // As in the wizard, what the code shows fills the answers of a first run; a re-run starts
    // from vibe.yaml instead.
    let detected = existing.is_none().then(|| crate::detect::detect(&config.root));
    let (mut answers, notes) = answers_from_flags(existing, &args.answers, detected.as_ref())?;
    for note in notes {
        println!("{note}");
    }
    // A connection string vibe composes is never a secret to seal (detected or given).
    for note in spec::drop_provided_secrets(&mut answers) {
        println!("{note}.");
    }
    if let Some(p) = &config.platform_file {
        answers.platform = Some(relative_to(&config.root, p));
    }
    let platform = workspace::platform_for(&config.root, config.platform_file.as_deref(), Some(&answers))?;
    let tag = workspace::image_tag(args.answers.tag.clone(), &answers, || crate::git::short_sha(&config.root));
    let spec = AppSpec::resolve(answers, platform, tag).map_err(spec::locate_in_flags)?.read_repo(&config.root);
    // The wizard's path: store passwords generated and sealed when the certificate is at hand.
    let outcome = write_all(config, &spec, Vec::new(), args.dry_run)?;
    print_outcome(&spec, &outcome);
    Ok(Exit::Ok)
}

/// The wizard in a terminal: questions, summary, generation, then the review.
fn interactive(config: &Config, args: &InitArgs) -> Result<Exit, Error> {
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Err(Error::Usage(
            "there is no terminal to ask the questions in. Pass the answers as flags with \
             `vibe init --yes --name NAME --runtime RUNTIME ...` (see `vibe init --help`), or run `vibe generate` \
             if vibe.yaml already exists."
                .into(),
        ));
    }
    let path = config.root.join(ANSWERS_FILE);
    let existing = if path.exists() { Some(spec::load_answers(&path)?.0) } else { None };
    let rerun = existing.is_some();
    let mut current = existing.clone().unwrap_or_else(crate::wizard::blank);
    set(&mut current.tag, args.answers.tag.clone());
    if let Some(p) = &config.platform_file {
        current.platform = Some(relative_to(&config.root, p));
    }
    let platform = workspace::platform_for(&config.root, config.platform_file.as_deref(), Some(&current))?;
    // Ask for the tag problem before the questions, not after two minutes of answers.
    let tag = workspace::image_tag(args.answers.tag.clone(), &current, || crate::git::short_sha(&config.root));
    if tag.is_none() && current.tag.is_none() {
        return Err(Error::Usage(
            "this folder is not a git repository with a commit, and vibe tags the app image with the commit SHA. \
             Commit your code first (git init && git add -A && git commit -m \"first commit\"), or pass --tag <version>."
                .into(),
        ));
    }
    let detected = crate::detect::detect(&config.root);
    let mut terminal = crate::wizard::Terminal;
    let outcome = crate::wizard::run(&mut terminal, current, &detected, &platform)?;
    let spec = AppSpec::resolve(outcome.answers, platform, tag).map_err(spec::locate_in_flags)?.read_repo(&config.root);
    if rerun {
        let preview = crate::generate::generate(&config.root, &spec, true)?;
        println!("\nWhat regenerating changes:");
        print!("{}", crate::generate::summary(&preview));
        let go = inquire::Confirm::new("Write these changes?")
            .with_default(true)
            .with_help_message("Files you edited are backed up to .vibe/backup/ first.")
            .prompt()
            .map_err(|_| Error::Cancelled)?;
        if !go {
            return Err(Error::Cancelled);
        }
    }
    let outcome = write_all(config, &spec, outcome.secret_values, args.dry_run)?;
    print_outcome(&spec, &outcome);
    if args.dry_run {
        return Ok(Exit::Ok);
    }
    // The creator lives in the dashboard while making the app deployable; it shows the same
    // review and keeps it current as files change.
    crate::dashboard::run_dashboard(&config.workspace(&config.root))?;
    Ok(Exit::Ok)
}

/// Seals the values typed in the wizard (in memory only) and adds them to those already sealed.
fn seal_typed_values(
    root: &Path,
    spec: &AppSpec,
    typed: Vec<(String, String)>,
) -> Result<crate::generate::SealedValues, Error> {
    let mut sealed = crate::generate::sealed_on_disk(root, spec);
    // Store passwords are vibe's to choose: with the certificate at hand they are generated
    // and sealed at once, unseen, so a creator never has to invent a database password.
    let missing_generated: Vec<&str> =
        spec::reserved_secret_keys(&spec.answers).into_iter().filter(|k| !sealed.contains_key(*k)).collect();
    if typed.is_empty() && (missing_generated.is_empty() || spec.platform.sealed_secrets_certificate.is_none()) {
        return Ok(sealed);
    }
    let cert = match crate::seal::load_certificate(&spec.platform) {
        Ok(cert) => cert,
        // Only passwords vibe would make up are at stake: generate with placeholders (check E4
        // then says how to seal them) rather than refuse to write anything.
        Err(e) if typed.is_empty() => {
            eprintln!("warning: the store passwords were not sealed: {e}");
            return Ok(sealed);
        }
        Err(e) => return Err(e.into()),
    };
    let (namespace, secret) = (spec.namespace(), format!("{}-secrets", spec.slug()));
    let seal = |value: &[u8]| crate::seal::seal(value, &namespace, &secret, crate::seal::Scope::Strict, &cert);
    for (key, value) in typed {
        let ciphertext = seal(value.as_bytes())?;
        sealed.insert(key, ciphertext);
    }
    for key in missing_generated {
        let ciphertext = seal(&super::seal::random_value())?;
        sealed.insert(key.to_string(), ciphertext);
    }
    sealed.fingerprint = Some(cert.fingerprint.clone());
    Ok(sealed)
}

/// Reviews the freshly generated repo and prints the report.
fn show_review(ws: &Workspace) -> Result<crate::review::Report, Error> {
    use crate::report::Format;
    let report = crate::review::review_dir(ws)?;
    let color = crate::report::color_on_stdout(Format::Text);
    println!("\nReview of the result (`vibe review` runs it again):\n");
    print!("{}", crate::report::render(&report, Format::Text, color));
    Ok(report)
}

/// Generates every file and writes vibe.yaml (or previews them), with `typed` secret values and the
/// store passwords sealed under the same write lock (another run may have just sealed a value).
fn write_all(
    config: &Config,
    spec: &AppSpec,
    typed: Vec<(String, String)>,
    dry_run: bool,
) -> Result<crate::generate::write::Outcome, Error> {
    let writer = if dry_run { None } else { Some(write::Writer::lock(&config.root)?) };
    let sealed = seal_typed_values(&config.root, spec, typed)?;
    match &writer {
        Some(w) => {
            let outcome = crate::generate::generate_with(Mode::Write(w), spec, &sealed)?;
            w.write(ANSWERS_FILE, spec.answers.to_yaml().as_bytes())?;
            Ok(outcome)
        }
        None => crate::generate::generate_with(Mode::Preview(&config.root), spec, &sealed),
    }
}

/// The article's example app, generated into --dir or a fresh temporary folder.
fn demo(config: &Config, dry_run: bool) -> Result<Exit, Error> {
    let root = if config.root != Path::new(".") {
        config.root.clone()
    } else {
        std::env::temp_dir().join(format!("vibe-demo-{}", write::utc_stamp()))
    };
    std::fs::create_dir_all(&root).map_err(|e| Error::io(&root, e))?;
    if !dry_run {
        let writer = write::Writer::lock(&root)?;
        for (name, content) in DEMO_SOURCE {
            // The demo never overwrites: a second run keeps the creator's edits to the example.
            if write::read_existing(&root, name)? == write::Existing::Missing {
                writer.write(name, content.as_bytes())?;
            }
        }
    }
    let answers = demo_answers();
    let demo_config = Config { root: root.clone(), platform_file: config.platform_file.clone() };
    let platform = workspace::platform_for(&root, config.platform_file.as_deref(), Some(&answers))?;
    let spec =
        AppSpec::resolve(answers, platform, Some(DEMO_TAG.into())).map_err(spec::locate_in_flags)?.read_repo(&root);
    println!(
        "Demo: the example app \"{}\" is a typical first version with deliberate mistakes (a key written in \
         the code, plain-text logs, SQL built from strings), so the review has something to show.",
        spec.name()
    );
    println!("Generating it into {}\n", root.display());
    let outcome = write_all(&demo_config, &spec, Vec::new(), dry_run)?;
    if dry_run {
        print_outcome(&spec, &outcome);
        return Ok(Exit::Ok);
    }
    println!("{}", spec.describe());
    print!("{}", crate::generate::summary(&outcome));
    let report = show_review(&demo_config.workspace(&root))?;
    if report.diagnostics.iter().any(|d| d.template) {
        println!(
            "\n(The files skipped as templates are the Helm chart's: it holds the same objects as k8s/, which \
             the review read.)"
        );
    }
    let cd = format!("cd {}", crate::quote::shell_word(&root.display().to_string()));
    println!(
        "\nThat was the review of the example: the CRITICAL findings above are what keeps it from deploying, \
         each with the exact fix."
    );
    let vibe = this_program();
    println!("Next: let vibe fix what it can, and see what is left for you:\n  {cd} && {vibe} review --fix");
    println!("Or start with your own app: go to its folder and run `{vibe} init`.");
    Ok(Exit::Ok)
}

/// How to call this vibe from a shell: `vibe` where that is what PATH finds, else its full path
/// (after `cargo run`, nothing named vibe is on PATH, and the demo's next step must work as typed).
fn this_program() -> String {
    let Ok(me) = std::env::current_exe() else { return "vibe".into() };
    let on_path = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths)
            .any(|dir| dir.join("vibe").canonicalize().ok().zip(me.canonicalize().ok()).is_some_and(|(a, b)| a == b))
    });
    if on_path { "vibe".into() } else { crate::quote::shell_word(&me.display().to_string()) }
}

/// Inventory Checker: the platform article's example.
pub fn demo_answers() -> Answers {
    let metric = |q: &str, name: &str, kind: &str, label: &str, help: &str| MetricAnswer {
        question: Some(q.into()),
        name: name.into(),
        kind: kind.into(),
        labels: vec![label.into()],
        help: Some(help.into()),
        stalled_after: None,
    };
    Answers {
        name: "Inventory Checker".into(),
        slug: Some("inventory-checker".into()),
        runtime: "python3.12".into(),
        database: "postgres".into(),
        components: Components { redis: true, rabbitmq: false, nginx: true, ingress: true },
        start: None,
        size: "md".into(),
        metrics: vec![
            metric(
                "How many orders were processed today?",
                "orders_processed_total",
                "counter",
                "status",
                "Orders processed, by outcome",
            ),
            metric(
                "How many items are low on stock?",
                "inventory_low_stock_items",
                "gauge",
                "category",
                "Items below their reorder level",
            ),
            metric(
                "How long does a stock check take?",
                "stock_check_duration_seconds",
                "histogram",
                "warehouse",
                "Time to check stock for one order",
            ),
        ],
        secrets: vec!["API_KEY".into()],
        env: Default::default(),
        readiness_checks_database: false,
        tag: None,
        platform: None,
        review: Default::default(),
    }
}

/// Combines flags over existing answers (flags win). Without vibe.yaml, what `detected` found
/// fills the answers the flags leave out, as the wizard suggests it; only what neither says is
/// asked for. Returns the answers and one line per detected answer taken (or left out).
fn answers_from_flags(
    existing: Option<Answers>,
    f: &AnswerFlags,
    detected: Option<&Detected>,
) -> Result<(Answers, Vec<String>), Error> {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let mut a = match existing {
        Some(a) => a,
        None => first_run_answers(f, detected, &mut problems, &mut notes),
    };
    apply_flags(&mut a, f, &mut problems);
    if problems.is_empty() {
        Ok((a, notes))
    } else {
        Err(Error::Invalid(crate::error::Invalid { source: "the command line".into(), problems }))
    }
}

/// The answers of a first run: the flags, with what the code shows filling what they leave out
/// (each taken answer gets a note); a name or runtime that neither says is a problem.
fn first_run_answers(
    f: &AnswerFlags,
    detected: Option<&Detected>,
    problems: &mut Vec<Problem>,
    notes: &mut Vec<String>,
) -> Answers {
    let d = detected.cloned().unwrap_or_default();
    let mut a = crate::wizard::blank();
    match (&f.name, &d.name) {
        (Some(name), _) => a.name = name.clone(),
        (None, Some(found)) => {
            notes.push(format!("Name: {} (from {}; --name sets another).", found.value, found.source));
            a.name = found.value.clone();
        }
        (None, None) => problems.push(Problem {
            field: "--name".into(),
            pos: None,
            message: "what is the app called? e.g. --name \"Inventory Checker\"".into(),
        }),
    }
    match (&f.runtime, &d.runtime) {
        (Some(r), _) => a.runtime = r.clone(),
        (None, Some(found)) => {
            notes.push(crate::wizard::runtime_note(found));
            a.runtime = found.value.to_string();
        }
        (None, None) => {
            let ids: Vec<&str> = crate::contract::RUNTIMES.iter().map(|r| r.id).collect();
            problems.push(Problem {
                field: "--runtime".into(),
                pos: None,
                message: format!(
                    "no dependency file here tells the language; which runtime is it? one of: {}",
                    ids.join(", ")
                ),
            });
        }
    }
    if f.database.is_none()
        && let Some(found) = &d.database
    {
        notes.push(crate::wizard::uses_note(found));
        a.database = found.value.to_string();
    }
    if let Some(found) = &d.sqlite {
        notes.push(format!("{} (--db postgres or --db mongo)", crate::wizard::sqlite_note(found)));
    }
    let component_flags = f.redis || f.rabbitmq || f.nginx || f.ingress;
    for found in &d.components {
        if component_flags {
            notes.push(format!(
                "Your code uses {} (seen in {}), but component flags were given without it: add --{} to \
                 include it.",
                found.value, found.source, found.value
            ));
        } else {
            notes.push(crate::wizard::uses_note(found));
            a.components.redis |= found.value == "redis";
            a.components.rabbitmq |= found.value == "rabbitmq";
        }
    }
    if f.start.is_none()
        && let Some(found) = &d.start
        && same_language(&a.runtime, d.runtime.as_ref().map(|r| r.value))
    {
        notes.push(crate::wizard::start_note(found) + " --start sets another.");
        a.start = Some(found.line());
    }
    if f.secrets.is_empty() {
        a.database = f.database.clone().unwrap_or(a.database);
        for found in crate::wizard::suggested_secrets(&a, &d) {
            notes.push(format!(
                "Secret {} (your code reads it, {}); seal its value with `vibe seal {}`.",
                found.value, found.source, found.value
            ));
            a.secrets.push(found.value);
        }
    }
    a
}

/// Whether `runtime` is of the language of the detected runtime (whose code the start command was found in).
fn same_language(runtime: &str, detected: Option<&str>) -> bool {
    let language = |id: &str| crate::contract::runtime(id).map(|r| r.language);
    detected.is_some_and(|d| language(d).is_some() && language(d) == language(runtime))
}

/// Sets the answers the flags give over `a`; a malformed or missing metric is a problem.
fn apply_flags(a: &mut Answers, f: &AnswerFlags, problems: &mut Vec<Problem>) {
    if let Some(name) = &f.name {
        if a.slug.is_some() && f.slug.is_none() && *name != a.name {
            // A new name suggests a new slug only when the old slug was the suggestion.
            let old_suggestion = spec::suggest_slug(&a.name, crate::contract::platform_defaults::PREFIX);
            if a.slug.as_deref() == Some(old_suggestion.as_str()) {
                a.slug = None;
            }
        }
        a.name = name.clone();
    }
    set(&mut a.slug, f.slug.clone());
    set(&mut a.start, f.start.clone());
    if let Some(r) = &f.runtime {
        a.runtime = r.clone();
    }
    if let Some(d) = &f.database {
        a.database = d.clone();
    }
    if let Some(s) = &f.size {
        a.size = s.clone();
    }
    a.components.redis |= f.redis;
    a.components.rabbitmq |= f.rabbitmq;
    a.components.nginx |= f.nginx;
    a.components.ingress |= f.ingress;
    a.readiness_checks_database |= f.readiness_checks_database;
    if !f.metrics.is_empty() {
        a.metrics.clear();
        for m in &f.metrics {
            match parse_metric_flag(m) {
                Ok(metric) => a.metrics.push(metric),
                Err(message) => problems.push(Problem { field: "--metric".into(), pos: None, message }),
            }
        }
    }
    if a.metrics.is_empty() && f.metrics.is_empty() {
        // The wizard insists on one too: it is how the creator and the platform know the app works.
        problems.push(Problem {
            field: "--metric".into(),
            pos: None,
            message: "at least one business metric is needed: a number that tells the app works, written \
                      NAME:TYPE[:LABEL,LABEL] (TYPE: counter, gauge or histogram), e.g. --metric \
                      orders_processed_total:counter:status (repeat --metric for more; `vibe init` in a terminal \
                      suggests one from a question)"
                .into(),
        });
    }
    if !f.secrets.is_empty() {
        a.secrets = f.secrets.clone();
    }
    // Remembered, so `vibe seal` and `vibe generate` work later in a folder without a commit.
    set(&mut a.tag, f.tag.clone());
}

fn set(target: &mut Option<String>, value: Option<String>) {
    if value.is_some() {
        *target = value;
    }
}

/// `NAME:TYPE[:LABEL,LABEL]`; without a type, `_total` names are counters and others gauges.
pub fn parse_metric_flag(text: &str) -> Result<MetricAnswer, String> {
    let mut parts = text.splitn(3, ':');
    let name = parts.next().unwrap_or_default().trim().to_string();
    if name.is_empty() {
        return Err(format!("\"{text}\": write NAME:TYPE[:LABEL,LABEL], e.g. orders_processed_total:counter:status"));
    }
    let kind = match parts.next().map(str::trim) {
        Some(k) if !k.is_empty() => k.to_string(),
        _ if name.ends_with("_total") => "counter".into(),
        _ => "gauge".into(),
    };
    let labels = parts
        .next()
        .map(|l| l.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    Ok(MetricAnswer { question: None, name, kind, labels, help: None, stalled_after: None })
}

/// Stores the platform file path relative to the repo when it is inside it.
fn relative_to(root: &Path, file: &Path) -> String {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (root_abs, file_abs): (PathBuf, PathBuf) = (abs(root), abs(file));
    file_abs
        .strip_prefix(&root_abs)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| file_abs.to_string_lossy().into_owned())
}
