//! `vibe review`, `vibe checks`, `vibe explain`.

use super::Config;
use crate::cli::ReviewArgs;
use crate::contract::catalogue::{self, CATALOGUE};
use crate::error::{Error, Exit};
use crate::report::Format;
use crate::review;

/// Runs `vibe review [PATH]`.
pub fn run(config: &Config, args: ReviewArgs) -> Result<Exit, Error> {
    let root = args.path.clone().unwrap_or_else(|| config.root.clone());
    if args.cluster {
        return cluster(config, &root, &args);
    }
    let ws = config.workspace(&root);
    let mut report = review::review_dir(&ws)?;
    let color = crate::report::color_on_stdout(args.format);
    // --fix: plan -> show the changes -> apply -> review again. Its own text goes to stderr
    // when stdout carries a machine-readable report.
    let fixed = if args.fix { Some(crate::fix::run(&ws, &report.findings, args.dry_run)?) } else { None };
    // The fix texts quote file names and findings from the repo: escaped like the report.
    let say = |text: String| {
        let text = crate::report::escape::text(&text);
        if args.format == Format::Text { print!("{text}") } else { eprint!("{text}") }
    };
    if let Some(run) = &fixed {
        say(run.changes_text());
        if !run.written.is_empty() {
            // The files changed: read the workspace again, as a new `vibe review` would.
            report = review::review_dir(&config.workspace(&root))?;
        }
    }
    // --probe: the running app's evidence, merged by the probe module's rules.
    if let Some(command) = &args.probe {
        let outcome = super::probe::live_evidence(config, &root, command)?;
        crate::probe::merge::merge(&mut report, &outcome.evidence, outcome.findings);
    }
    print!("{}", crate::report::render(&report, args.format, color));
    if let Some(run) = &fixed {
        say(run.outcome_text());
    }
    Ok(Exit::gate(report.blocked()))
}

/// `vibe review --cluster`: the live namespace (orchestrated by `crate::cluster`), or its Role.
fn cluster(config: &Config, root: &std::path::Path, args: &ReviewArgs) -> Result<Exit, Error> {
    let ws = config.workspace(root);
    if args.print_role {
        let ns = crate::cluster::namespace(&ws, args.namespace.as_deref())?;
        print!("{}", crate::cluster::role::manifest(&ns, &format!("{ns}-reviewers")));
        return Ok(Exit::Ok);
    }
    let opts = crate::cluster::Options {
        context: args.context.clone(),
        namespace: args.namespace.clone(),
        tail_lines: args.log_lines,
    };
    let outcome = crate::cluster::review(&ws, &opts)?;
    // The header says what was read; it goes to stderr when stdout carries a machine-readable report.
    for note in &outcome.notes {
        let note = crate::report::escape::text(note);
        if args.format == Format::Text { println!("{note}") } else { eprintln!("{note}") }
    }
    if args.format == Format::Text {
        println!();
    }
    let color = crate::report::color_on_stdout(args.format);
    print!("{}", crate::report::render(&outcome.report, args.format, color));
    Ok(Exit::gate(outcome.report.blocked()))
}

/// Prints the catalogue: id, severity, title.
pub fn list() -> Result<Exit, Error> {
    let critical = CATALOGUE.iter().filter(|c| c.severity == catalogue::Severity::Critical).count();
    println!(
        "{} checks ({} CRITICAL: they block deployment; {} WARNING). `vibe explain ID` tells why and how to fix.\n",
        CATALOGUE.len(),
        critical,
        CATALOGUE.len() - critical
    );
    let mut area = None;
    for c in CATALOGUE {
        if area != Some(c.area) {
            println!("{}", c.area.name());
            area = Some(c.area);
        }
        println!("  {:<3} {:<8} {}", c.id, c.severity.label(), c.title);
    }
    println!("\nSizes (requests / limits):");
    for s in crate::contract::SIZES {
        println!(
            "  {:<2}  cpu {:>5} / {:<5}  memory {:>5} / {:<5}  {}",
            s.id, s.cpu_request, s.cpu_limit, s.memory_request, s.memory_limit, s.use_case
        );
    }
    Ok(Exit::Ok)
}

/// Prints why a check exists and how to fix its findings.
pub fn explain(id: &str) -> Result<Exit, Error> {
    let c = catalogue::check(id)
        .ok_or_else(|| Error::Usage(format!("\"{id}\" is not a check id. `vibe checks` lists them (A1 to P5).")))?;
    println!("{} ({}, {}): {}\n", c.id, c.severity.label(), c.area.name(), c.title);
    println!("Why: {}\n", c.rationale);
    println!("Fix: {}", c.fix);
    if crate::fix::check_is_fixable(c.id) {
        println!(
            "\n`vibe review --fix` makes this change for you in the files (files you wrote are backed up to \
             .vibe/backup/ first); `vibe review --fix --dry-run` shows the diff without writing."
        );
    }
    if c.severity == catalogue::Severity::Critical {
        println!("\nThis check is CRITICAL: a finding blocks deployment and cannot be suppressed.");
    } else {
        println!(
            "\nThis check is a WARNING: it does not block. To accept it for one object, add to vibe.yaml:\n  review:\n    ignore:\n      - check: {}\n        object: Kind/name\n        reason: why it is fine here",
            c.id
        );
    }
    Ok(Exit::Ok)
}
