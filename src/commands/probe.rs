//! `vibe probe`: start the app (or reach a running one), check it live, report like a review.

use super::Config;
use crate::cli::ProbeArgs;
use crate::contract::Language;
use crate::contract::{PORT_HTTP, PORT_MGMT};
use crate::error::{Error, Exit};
use crate::probe::{self, http::Target};
use crate::report::Format;
use crate::review::{Report, Subject};
use crate::spec::{self, ANSWERS_FILE, Answers};
use std::path::Path;
use std::time::Duration;

/// Runs `vibe probe`.
pub fn run(config: &Config, args: ProbeArgs) -> Result<Exit, Error> {
    if args.install && !args.example && !args.app {
        return Err(Error::Usage(
            "--install installs what --example or --app starts: `vibe probe --app --install` installs your app's \
             dependencies the way its Dockerfile does, `vibe probe --example --install` the generated example's."
                .into(),
        ));
    }
    let engine = if args.docker { Some(reachable_engine()?) } else { None };
    let (http, mgmt) = targets(&args)?;
    if http == mgmt {
        return Err(Error::Usage(format!(
            "the traffic and management addresses are both {}: the contract puts the management endpoints on \
             their own port (8082), never the traffic port (8081).",
            http.url("")
        )));
    }
    let mut opts = options(args.command.clone(), http, mgmt);
    opts.ready_timeout = Duration::from_secs(args.timeout);
    opts.window = Duration::from_secs(args.window);
    opts.grace = Duration::from_secs(args.grace);
    let (answers, notes) = app_facts(config, &config.root, &mut opts)?;
    let human = args.format == Format::Text;
    let say = |text: &str| if human { println!("{text}") } else { eprintln!("{text}") };
    if args.example {
        let language = example_language(config, answers.as_ref())?;
        if args.install {
            say(&format!(
                "Installing the {} example's pinned dependencies into {} …",
                language.as_str(),
                crate::lang::example::EXAMPLE_ENV_DIR
            ));
        }
        let prepared = probe::example::prepare(&config.root, language, args.install, &mut |line| say(line))?;
        opts.command = prepared.command;
        opts.env = prepared.env;
        opts.cwd = Some(prepared.cwd);
    }
    let mut _cleanup = None;
    if let Some(engine) = engine {
        match container(config, engine, answers.as_ref(), &mut opts, &say)? {
            Ok(cleanup) => _cleanup = Some(cleanup),
            Err(report) => {
                print!("{}", crate::report::render(&report, args.format, crate::report::color_on_stdout(args.format)));
                return Ok(Exit::gate(report.blocked()));
            }
        }
    } else if args.app {
        let language = answers.as_ref().and_then(|a| crate::contract::runtime(&a.runtime)).map(|r| r.language);
        if args.install {
            say(&format!(
                "Installing the app's dependencies the way its Dockerfile does, into {} …",
                probe::app::APP_ENV_DIR
            ));
        }
        let generated = generated_dockerfile(config, answers.is_some())?;
        let prepared = probe::app::prepare(
            &config.root,
            language,
            generated.as_deref(),
            opts.slug.as_deref(),
            args.install,
            &mut |line| say(line),
        )?;
        for note in &prepared.notes {
            say(note);
        }
        opts.command = prepared.command;
        opts.env = prepared.env;
        opts.cwd = Some(prepared.cwd);
        // A fake secret value in the logs is a leaked secret, like a real one.
        opts.secrets.extend(prepared.secrets);
    }
    match opts.command.is_empty() {
        true => say(&format!("Probing {} and {} …", opts.http.url(""), opts.mgmt.url(""))),
        false => say(&format!(
            "Starting `{}` (PORT={}, MGMT_PORT={}) and probing it …",
            opts.command.join(" "),
            opts.http.port,
            opts.mgmt.port
        )),
    }
    let outcome = probe::run(&opts)?;
    let mut findings = outcome.findings;
    findings.sort_by_key(|f| f.sort_key());
    let app = answers.map(|a| a.name);
    let report = Report { findings, app, subject: Subject::RunningApp, ..Report::default() };
    let color = crate::report::color_on_stdout(args.format);
    for note in notes.iter().chain(&outcome.notes) {
        say(note);
    }
    if !opts.command.is_empty() {
        say(&format!("{} log line{} judged.", outcome.lines, crate::words::plural(outcome.lines)));
    }
    print!("{}", crate::report::render(&report, args.format, color));
    Ok(Exit::gate(report.blocked()))
}

/// The container engine --docker uses: docker or podman, answering `info`; else why not.
fn reachable_engine() -> Result<&'static str, Error> {
    match container_engine() {
        Some((tool, true)) => Ok(tool),
        other => Err(docker_unavailable(other)),
    }
}

/// `--docker`: builds the image with `engine` and makes `opts` run a container of it; the
/// container's [`probe::container::Cleanup`] (removed when dropped), or the report of a failed build (A7).
fn container(
    config: &Config,
    engine: &str,
    answers: Option<&Answers>,
    opts: &mut probe::Options,
    say: &dyn Fn(&str),
) -> Result<Result<probe::container::Cleanup, Report>, Error> {
    let ports = (opts.http.port, opts.mgmt.port);
    let language = answers.and_then(|a| crate::contract::runtime(&a.runtime)).map(|r| r.language);
    let built =
        probe::container::prepare(&config.root, engine, language, opts.slug.as_deref(), ports, &mut |l| say(l))?;
    let prepared = match built {
        probe::container::Built::Ready(p) => p,
        probe::container::Built::Failed(finding) => {
            let app = answers.map(|a| a.name.clone());
            return Ok(Err(Report { findings: vec![finding], app, subject: Subject::RunningApp, ..Report::default() }));
        }
    };
    for note in &prepared.notes {
        say(note);
    }
    // Removed whatever happens next: the probe's end, its errors, Ctrl-C.
    let cleanup = probe::container::Cleanup::new(engine, &prepared.name);
    opts.command = prepared.command;
    opts.secrets.extend(prepared.secrets);
    Ok(Ok(cleanup))
}

/// The traffic and management addresses from --url/--mgmt-url or --port/--mgmt-port.
fn targets(args: &ProbeArgs) -> Result<(Target, Target), Error> {
    if args.command.is_empty() && args.url.is_none() && !args.example && !args.app {
        return Err(Error::Usage(
            "tell vibe probe which app to check: `vibe probe -- python3 app.py` starts it, \
             `vibe probe --app --install` installs and starts your app the way its Dockerfile does, \
             `vibe probe --url http://127.0.0.1:8081 --mgmt-url http://127.0.0.1:8082` checks one already running, \
             `vibe probe --example --install` runs the generated skeleton's example app."
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

/// A container engine on PATH: (its name, whether it answers). Docker needs its daemon; Podman
/// runs without one.
fn container_engine() -> Option<(&'static str, bool)> {
    ["docker", "podman"].into_iter().find(|tool| crate::programs::which(tool).is_some()).map(|tool| {
        let child = std::process::Command::new(tool)
            .arg("info")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        // A daemon that does not answer must not hang the command.
        let answers = child.is_ok_and(|mut child| {
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            loop {
                match child.try_wait() {
                    Ok(Some(status)) => break status.success(),
                    Ok(None) if std::time::Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                    _ => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break false;
                    }
                }
            }
        });
        (tool, answers)
    })
}

/// Why --docker does not run here, and what to do instead.
fn docker_unavailable(engine: Option<(&str, bool)>) -> Error {
    let instead = "Meanwhile `vibe probe --app --install` installs and starts the app the way its Dockerfile does, \
                   without a container.";
    Error::Usage(match engine {
        None => format!(
            "--docker builds and runs the app's image, which needs Docker or Podman, and neither is installed \
             here: install Docker Engine (with its daemon running) or Podman, then run the command again. {instead}"
        ),
        Some(("docker", false)) => format!(
            "--docker builds and runs the app's image, but the docker command cannot reach a Docker daemon here \
             (`docker info` fails): start the daemon (e.g. `sudo systemctl start docker`) or install Podman, which \
             needs none, then run the command again. {instead}"
        ),
        Some((tool, false)) => format!(
            "--docker builds and runs the app's image, but `{tool} info` fails here: fix {tool} first. {instead}"
        ),
        Some((tool, true)) => format!("`{tool} info` answers, so --docker should run: report this. {instead}"),
    })
}

/// Probe options with the defaults of `vibe probe`.
fn options(command: Vec<String>, http: Target, mgmt: Target) -> probe::Options {
    probe::Options {
        command,
        env: Vec::new(),
        cwd: None,
        http,
        mgmt,
        ready_timeout: Duration::from_secs(probe::DEFAULT_READY_TIMEOUT_SECS),
        window: Duration::from_secs(probe::DEFAULT_WINDOW_SECS),
        grace: Duration::from_secs(probe::DEFAULT_GRACE_SECS),
        requests: 5,
        slug: None,
        metrics: Vec::new(),
        secrets: Vec::new(),
    }
}

/// What vibe.yaml in `root` tells the probe (slug, business metrics, known secret values);
/// returns the answers, if there is a vibe.yaml, and notes on what could not be checked.
fn app_facts(config: &Config, root: &Path, opts: &mut probe::Options) -> Result<(Option<Answers>, Vec<String>), Error> {
    let answers_path = root.join(ANSWERS_FILE);
    if !answers_path.exists() {
        return Ok((
            None,
            vec![format!(
                "No {ANSWERS_FILE} in {}: business metrics and the /info slug were not checked.",
                root.display()
            )],
        ));
    }
    let (answers, _) = spec::load_answers(&answers_path)?;
    // vibe.yaml's `platform:` is relative to the folder it is in, as in the review of that folder.
    let prefix = crate::workspace::platform_for(root, config.platform_file.as_deref(), Some(&answers))
        .map(|p| p.prefix)
        .unwrap_or_default();
    opts.slug = Some(answers.slug.clone().unwrap_or_else(|| spec::suggest_slug(&answers.name, &prefix)));
    opts.metrics = answers.metrics.iter().map(|m| m.name.clone()).collect();
    // The values of known secrets, when the environment has them (the app reads them there too).
    // The database servers' own superuser passwords are not the app's: it never receives them.
    let app_keys = spec::reserved_secret_keys(&answers)
        .into_iter()
        .filter(|k| !crate::contract::SERVER_ONLY_PASSWORD_KEYS.contains(k))
        .map(String::from);
    let names = answers.secrets.iter().cloned().chain(app_keys);
    opts.secrets = names.filter_map(|n| std::env::var(&n).ok().map(|v| (n, v))).collect();
    Ok((Some(answers), Vec::new()))
}

/// The language of the repo's runtime (vibe.yaml, already read by [`app_facts`]), for --example.
fn example_language(config: &Config, answers: Option<&Answers>) -> Result<Language, Error> {
    let Some(answers) = answers else {
        return Err(Error::Usage(format!(
            "--example runs the example app vibe generated for this repo, but {} has no {ANSWERS_FILE}: run \
             `vibe init` first.",
            config.root.display()
        )));
    };
    crate::contract::runtime(&answers.runtime).map(|r| r.language).ok_or_else(|| {
        Error::Usage(format!(
            "{ANSWERS_FILE}: unknown runtime \"{}\" (`vibe init --help` lists them).",
            answers.runtime
        ))
    })
}

/// `vibe review --probe CMD`: starts CMD through `sh -c` in `root` on the contract's ports,
/// probes it and returns the outcome (the app is stopped when this returns). Progress goes to stderr.
pub fn live_evidence(config: &Config, root: &Path, command: &str) -> Result<probe::Outcome, Error> {
    let http = Target { host: "127.0.0.1".into(), port: PORT_HTTP };
    let mgmt = Target { host: "127.0.0.1".into(), port: PORT_MGMT };
    let mut opts = options(vec!["sh".into(), "-c".into(), command.to_string()], http, mgmt);
    opts.cwd = Some(root.to_path_buf());
    let (_, notes) = app_facts(config, root, &mut opts)?;
    eprintln!("Starting `{command}` (PORT={PORT_HTTP}, MGMT_PORT={PORT_MGMT}) and probing it …");
    let outcome = probe::run(&opts)?;
    for note in notes.iter().chain(&outcome.notes) {
        eprintln!("{note}");
    }
    Ok(outcome)
}

/// The Dockerfile `vibe generate` would write for this repo (start command and install steps
/// read from its code), for `--app` on a repo that has vibe.yaml but no Dockerfile yet.
fn generated_dockerfile(config: &Config, has_answers: bool) -> Result<Option<String>, Error> {
    if !has_answers {
        return Ok(None);
    }
    let ws = config.workspace(&config.root);
    // The image tag does not reach the Dockerfile: outside Git (no commit, no `tag:`) any valid one does.
    let spec = ws.spec(None).or_else(|_| ws.spec(Some("0000000".into())))?;
    let plan = crate::generate::Plan::build(&spec, &Default::default())?;
    Ok(plan.files.into_iter().find(|f| f.path == "Dockerfile").map(|f| f.content))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_reads_the_platform_of_the_reviewed_folder_as_the_review_does() {
        // `vibe review APP --probe CMD` run from another folder: vibe.yaml's `platform:` is
        // relative to APP, so the /info slug the probe expects carries that platform's prefix.
        let app = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(
            app.path().join(ANSWERS_FILE),
            "name: Shop for the spare parts of the northern region warehouses\nruntime: python3.12\ndatabase: postgres\nplatform: team.yaml\n",
        )
        .unwrap();
        // A long prefix leaves less room for the slug in the namespace name.
        std::fs::write(app.path().join("team.yaml"), "prefix: team-of-the-northern-region\n").unwrap();
        let config = Config { root: elsewhere.path().to_path_buf(), platform_file: None };
        let local = |port| Target { host: "127.0.0.1".into(), port };
        let mut opts = options(Vec::new(), local(PORT_HTTP), local(PORT_MGMT));
        app_facts(&config, app.path(), &mut opts).unwrap();
        let review = crate::review::ReviewContext::for_repo(&crate::repo::Repo::default(), app.path(), None);
        assert_eq!(opts.slug, review.slug);
        assert!(review.namespace.as_deref().is_some_and(|ns| ns.starts_with("team-of-the-northern-region")));
    }
}
