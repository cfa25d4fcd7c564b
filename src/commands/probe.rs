//! `vibe probe`: start the app (or reach a running one), check it live, report like a review.

use super::{Config, EXIT_BLOCKED, EXIT_OK};
use crate::cli::{Format, ProbeArgs};
use crate::contract::{PORT_HTTP, PORT_MGMT};
use crate::error::Error;
use crate::probe::{self, ProbeError, http::Target};
use crate::review::Report;
use crate::spec::{self, ANSWERS_FILE};
use std::io::IsTerminal;
use std::time::Duration;

/// Runs `vibe probe`.
pub fn run(config: &Config, args: ProbeArgs) -> Result<i32, Error> {
    let (http, mgmt) = targets(&args)?;
    if http == mgmt {
        return Err(Error::Usage(format!(
            "the traffic and management addresses are both {}: the contract puts the management endpoints on \
             their own port (8082), never the traffic port (8081).",
            http.url("")
        )));
    }
    let mut opts = probe::Options {
        command: args.command.clone(),
        http,
        mgmt,
        ready_timeout: Duration::from_secs(args.timeout),
        window: Duration::from_secs(args.window),
        grace: Duration::from_secs(args.grace),
        requests: 5,
        slug: None,
        metrics: Vec::new(),
        secrets: Vec::new(),
    };
    let mut app_name = None;
    let mut notes = Vec::new();
    let answers_path = config.root.join(ANSWERS_FILE);
    if answers_path.exists() {
        let (answers, _) = spec::load_answers(&answers_path)?;
        let prefix = super::load_platform(config, Some(&answers)).map(|p| p.prefix).unwrap_or_default();
        opts.slug = Some(answers.slug.clone().unwrap_or_else(|| spec::suggest_slug(&answers.name, &prefix)));
        opts.metrics = answers.metrics.iter().map(|m| m.name.clone()).collect();
        // The values of known secrets, when the environment has them (the app reads them there too).
        let names =
            answers.secrets.iter().cloned().chain(spec::reserved_secret_keys(&answers).into_iter().map(String::from));
        opts.secrets = names.filter_map(|n| std::env::var(&n).ok().map(|v| (n, v))).collect();
        app_name = Some(answers.name.clone());
    } else {
        notes.push(format!(
            "No {ANSWERS_FILE} in {}: business metrics and the /info slug were not checked.",
            config.root.display()
        ));
    }
    let human = args.format == Format::Text;
    let say = |text: &str| if human { println!("{text}") } else { eprintln!("{text}") };
    match opts.command.is_empty() {
        true => say(&format!("Probing {} and {} …", opts.http.url(""), opts.mgmt.url(""))),
        false => say(&format!(
            "Starting `{}` (PORT={}, MGMT_PORT={}) and probing it …",
            opts.command.join(" "),
            opts.http.port,
            opts.mgmt.port
        )),
    }
    let outcome = match probe::run(&opts) {
        Ok(o) => o,
        Err(ProbeError::Start(message)) => return Err(Error::Usage(message)),
        Err(ProbeError::Interrupted) => return Err(Error::Cancelled),
    };
    let mut findings = outcome.findings;
    findings.sort_by_key(|f| f.sort_key());
    let report = Report { findings, app: app_name, ..Report::default() };
    let color = human && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    for note in notes.iter().chain(&outcome.notes) {
        say(note);
    }
    if !opts.command.is_empty() {
        say(&format!("{} log line{} judged.", outcome.lines, if outcome.lines == 1 { "" } else { "s" }));
    }
    print!("{}", crate::report::render(&report, args.format, color));
    Ok(if report.blocked() { EXIT_BLOCKED } else { EXIT_OK })
}

/// The traffic and management addresses from --url/--mgmt-url or --port/--mgmt-port.
fn targets(args: &ProbeArgs) -> Result<(Target, Target), Error> {
    if args.command.is_empty() && args.url.is_none() {
        return Err(Error::Usage(
            "tell vibe probe which app to check: `vibe probe -- python3 app.py` starts it, or \
             `vibe probe --url http://127.0.0.1:8081 --mgmt-url http://127.0.0.1:8082` checks one already running."
                .into(),
        ));
    }
    let http = match &args.url {
        Some(url) => Target::parse(url).map_err(Error::Usage)?,
        None => Target { host: "127.0.0.1".into(), port: args.port.unwrap_or(PORT_HTTP) },
    };
    let mgmt = match &args.mgmt_url {
        Some(url) => Target::parse(url).map_err(Error::Usage)?,
        None => Target { host: http.host.clone(), port: args.mgmt_port.unwrap_or(PORT_MGMT) },
    };
    Ok((http, mgmt))
}
