//! The wizard: the questions (data, in `questions`) asked through a [`Prompter`], with
//! defaults from the current answers or from what the repo contains.
//!
//! The flow only builds `Answers`; validation is the same `spec::validate` that serves
//! flags and vibe.yaml, so every source refuses the same things with the same words.

mod line_prompt;
pub mod prompter;
pub mod questions;

pub use prompter::{Prompter, Script, Terminal};

use crate::contract::{self, catalogue};
use crate::detect::{Detected, Found};
use crate::error::Error;
use crate::lang::start::Start;
use crate::platform::Platform;
use crate::spec::{self, Answers, Components, MetricAnswer};
use questions as q;

/// What the wizard produced: the answers, and secret values typed (to seal, never to write).
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The answers to write to vibe.yaml.
    pub answers: Answers,
    /// Secret values typed by the creator, by key. Held in memory only, sealed right away.
    pub secret_values: Vec<(String, String)>,
}

/// An empty set of answers to start from.
pub fn blank() -> Answers {
    Answers {
        name: String::new(),
        slug: None,
        runtime: contract::DEFAULT_RUNTIME.into(),
        database: "none".into(),
        components: Components::default(),
        start: None,
        size: contract::DEFAULT_SIZE.into(),
        metrics: Vec::new(),
        secrets: Vec::new(),
        env: Default::default(),
        readiness_checks_database: false,
        tag: None,
        platform: None,
        review: Default::default(),
    }
}

/// The first problem `spec::validate` finds for `field` (or one of its sub-fields).
fn problem_for(answers: &Answers, platform: &Platform, field: &str) -> Option<String> {
    spec::validate(answers, platform)
        .into_iter()
        .find(|p| {
            p.field == field || p.field.starts_with(&format!("{field}[")) || p.field.starts_with(&format!("{field}."))
        })
        .map(|p| p.message)
}

/// Checks a typed answer by trying it in a copy of the draft: the problem `field` then has, if any.
fn check_in_draft(draft: &Answers, field: &str, edit: impl FnOnce(&mut Answers)) -> Result<(), String> {
    let mut a = draft.clone();
    edit(&mut a);
    problem_for(&a, &platform_of(draft), field).map_or(Ok(()), Err)
}

/// The same for the draft's last metric, the one being edited: `part` of it takes the typed value.
fn check_last_metric(draft: &Answers, part: &str, edit: impl FnOnce(&mut MetricAnswer)) -> Result<(), String> {
    let i = draft.metrics.len().saturating_sub(1);
    check_in_draft(draft, &format!("metrics[{i}].{part}"), |a| {
        if let Some(m) = a.metrics.last_mut() {
            edit(m);
        }
    })
}

fn check_name(s: &str, draft: &Answers) -> Result<(), String> {
    if s.trim().is_empty() {
        return Err("The app needs a name.".into());
    }
    check_in_draft(draft, "name", |a| a.name = s.to_string())
}

fn check_slug(s: &str, draft: &Answers) -> Result<(), String> {
    check_in_draft(draft, "slug", |a| a.slug = Some(s.trim().to_string()))
}

fn check_start(s: &str, draft: &Answers) -> Result<(), String> {
    check_in_draft(draft, "start", |a| a.start = Some(s.trim().to_string()))
}

fn check_metric_name(s: &str, draft: &Answers) -> Result<(), String> {
    check_last_metric(draft, "name", |m| m.name = s.trim().to_string())
}

fn check_labels(s: &str, draft: &Answers) -> Result<(), String> {
    check_last_metric(draft, "labels", |m| m.labels = split_list(s))
}

fn check_secret_names(s: &str, draft: &Answers) -> Result<(), String> {
    let (_, names) = secret_names(s);
    check_in_draft(draft, "secrets", |a| a.secrets.extend(names.into_iter().filter(|n| !draft.secrets.contains(n))))
}

/// Validators get the draft only; the platform prefix matters for slug length, so the
/// draft carries it in its `platform` field's place when the wizard runs (see `ask_all`).
fn platform_of(_draft: &Answers) -> Platform {
    PLATFORM.with(|p| p.borrow().clone())
}

thread_local! {
    static PLATFORM: std::cell::RefCell<Platform> = std::cell::RefCell::new(Platform::default());
}

fn split_list(s: &str) -> Vec<String> {
    s.split([',', ' ']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()
}

fn describe_metric(m: &MetricAnswer) -> String {
    let labels = if m.labels.is_empty() { String::new() } else { format!(", labels: {}", m.labels.join(", ")) };
    format!("{} ({}{labels})", m.name, m.kind)
}

/// Asks every question, then shows the summary until the creator confirms.
/// `current` holds the answers of an earlier run (re-run) or a blank set.
pub fn run(p: &mut dyn Prompter, current: Answers, detected: &Detected, platform: &Platform) -> Result<Outcome, Error> {
    PLATFORM.with(|cell| *cell.borrow_mut() = platform.clone());
    let rerun = !current.name.is_empty();
    let original = current.clone();
    let mut a = current;
    let mut secret_values = Vec::new();
    p.say(if rerun {
        "vibe init: every question starts from your current answer; Enter keeps it. Esc goes back one question; \
         Ctrl-C stops without writing anything."
    } else {
        "vibe init: a few questions about your app (about two minutes). Esc goes back one question; Ctrl-C stops \
         without writing anything."
    });
    // The questions in order; Esc on one goes back to the one before, which then starts from the
    // answer already given (as on a re-run) rather than from what the code suggests.
    let mut step = 0;
    let mut answered = [false; STEPS];
    loop {
        let mut came_back = false;
        while step < STEPS {
            let again = rerun || answered[step];
            let result = match step {
                0 => ask_name(p, &mut a, detected, again, came_back),
                1 => ask_runtime(p, &mut a, detected, again),
                2 => ask_database(p, &mut a, detected, again),
                3 => ask_components(p, &mut a, detected, again),
                4 => ask_size(p, &mut a),
                5 => ask_metrics(p, &mut a, again),
                _ => ask_secrets(p, &mut a, detected, &mut secret_values, platform),
            };
            match result {
                Ok(()) => {
                    answered[step] = true;
                    step += 1;
                    came_back = false;
                }
                Err(Error::Back) if step == 0 => {
                    p.say(FIRST_QUESTION);
                    came_back = false;
                }
                Err(Error::Back) => {
                    step -= 1;
                    came_back = true;
                }
                Err(e) => return Err(e),
            }
        }
        // A database or component chosen after the secrets can make one of them vibe's to provide.
        for note in spec::drop_provided_secrets(&mut a) {
            p.say(&format!("{note}: it is no longer among the secrets."));
        }
        secret_values.retain(|(k, _)| a.secrets.contains(k));
        p.say(&summary(&a, rerun.then_some(&original)));
        let mut options = vec!["Looks right: generate the files".to_string()];
        let sections = ["name", "language", "database", "other components", "size", "numbers (metrics)", "secrets"];
        options.extend(sections.iter().map(|s| format!("Change the {s}")));
        options.push("Stop without writing anything".into());
        let choice = match p.select("Ready?", "Nothing is written until you choose to generate.", &options, 0) {
            Err(Error::Back) => {
                // Back from the summary: the last question again.
                step = STEPS - 1;
                continue;
            }
            other => other?,
        };
        let changed = match choice {
            0 => break,
            1 => ask_name(p, &mut a, detected, true, false),
            2 => ask_runtime(p, &mut a, detected, true),
            3 => ask_database(p, &mut a, detected, true),
            4 => ask_components(p, &mut a, detected, true),
            5 => ask_size(p, &mut a),
            6 => {
                a.metrics.clear();
                ask_metrics(p, &mut a, false)
            }
            7 => ask_secrets(p, &mut a, detected, &mut secret_values, platform),
            _ => return Err(Error::Cancelled),
        };
        // Esc while changing an answer returns to the summary.
        match changed {
            Ok(()) | Err(Error::Back) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Outcome { answers: a, secret_values })
}

/// "Detected Python 3.12 from requirements.txt."
pub fn runtime_note(f: &Found<&'static str>) -> String {
    format!("Detected {} from {}.", contract::runtime(f.value).map(|r| r.label).unwrap_or(f.value), f.source)
}

/// "Your code uses postgres (seen in requirements.txt)." for a database or component.
pub fn uses_note(f: &Found<&'static str>) -> String {
    format!("Your code uses {} (seen in {}).", f.value, f.source)
}

/// The warning for data kept in a local SQLite file.
pub fn sqlite_note(f: &Found<()>) -> String {
    format!(
        "Careful: your app keeps data in a local file (sqlite, in {}) that is lost on restart. Pick a database.",
        f.source
    )
}

/// Credentials the code reads (env vars that look like secrets) not yet among the answers'
/// secrets, nor created by vibe for a store, nor a connection string vibe composes: the secrets
/// to suggest.
pub fn suggested_secrets(a: &Answers, d: &Detected) -> Vec<Found<String>> {
    let reserved = spec::reserved_secret_keys(a);
    let provided: Vec<&str> = spec::provided_env_vars(a).into_iter().map(|(_, name)| name).collect();
    let mut out: Vec<Found<String>> = Vec::new();
    for f in d.env_vars.iter().filter(|f| crate::credentials::secret_like(&f.value)) {
        if !a.secrets.contains(&f.value)
            && !reserved.contains(&f.value.as_str())
            && !provided.contains(&f.value.as_str())
            && !out.iter().any(|o| o.value == f.value)
        {
            out.push(f.clone());
        }
    }
    out
}

/// The wizard's steps before the summary: name, language, database, components, size, numbers, secrets.
const STEPS: usize = 7;

/// Said when Esc is pressed at the first question, where there is nothing to go back to.
const FIRST_QUESTION: &str = "This is the first question. Ctrl-C stops without writing anything.";

/// The name, then the short name; `at_slug`: coming back from the next question, which starts
/// at the short name (the question just before it).
fn ask_name(p: &mut dyn Prompter, a: &mut Answers, d: &Detected, rerun: bool, at_slug: bool) -> Result<(), Error> {
    let (default, from) = if rerun || !a.name.is_empty() {
        (a.name.clone(), None)
    } else {
        match &d.name {
            Some(f) => (f.value.clone(), Some(f.source.clone())),
            None => (String::new(), None),
        }
    };
    let help = match from {
        Some(src) => format!("{} Suggested from {src}.", q::NAME.help),
        None => q::NAME.help.to_string(),
    };
    let old_name = a.name.clone();
    let mut default = default;
    let mut ask_the_name = !at_slug || a.name.is_empty();
    loop {
        if ask_the_name {
            a.name = p.text(q::NAME.prompt, &help, &default, Some((check_name, a)))?;
        }
        ask_the_name = true;
        let suggestion = spec::suggest_slug(&a.name, &platform_of(a).prefix);
        let keep_old = a.slug.as_ref().is_some_and(|s| *s != spec::suggest_slug(&old_name, &platform_of(a).prefix));
        let default_slug = if keep_old { a.slug.clone().unwrap_or_default() } else { suggestion };
        let ns = platform_of(a).namespace("<slug>");
        let help = format!("{} Namespace: {ns}.", q::SLUG.help);
        match p.text(q::SLUG.prompt, &help, &default_slug, Some((check_slug, a))) {
            Ok(slug) => {
                a.slug = Some(slug);
                return Ok(());
            }
            // Back from the short name: the name again, as typed.
            Err(Error::Back) => default = a.name.clone(),
            Err(e) => return Err(e),
        }
    }
}

fn ask_runtime(p: &mut dyn Prompter, a: &mut Answers, d: &Detected, rerun: bool) -> Result<(), Error> {
    let mut start = contract::RUNTIMES.iter().position(|r| r.id == a.runtime).unwrap_or(0);
    if !rerun && let Some(f) = &d.runtime {
        p.say(&runtime_note(f));
        start = contract::RUNTIMES.iter().position(|r| r.id == f.value).unwrap_or(start);
    }
    let options: Vec<String> = contract::RUNTIMES.iter().map(|r| r.label.to_string()).collect();
    let i = p.select(q::RUNTIME.prompt, q::RUNTIME.help, &options, start)?;
    let changed = a.runtime != contract::RUNTIMES[i].id;
    a.runtime = contract::RUNTIMES[i].id.to_string();
    if changed && rerun {
        // Another language starts another way: the stored command no longer fits.
        a.start = None;
    }
    ask_start(p, a, d)
}

/// "Starts with `gunicorn app:app` (found in src/server.py:4 (Flask app `app`))."
pub fn start_note(s: &Start) -> String {
    format!("Starts with `{}` (found in {}).", s.line(), s.source)
}

/// How the app starts: what the code says when it says it plainly (no question), else one
/// question with the best guess as its default. A command already in vibe.yaml is kept.
fn ask_start(p: &mut dyn Prompter, a: &mut Answers, d: &Detected) -> Result<(), Error> {
    if a.start.is_some() {
        return Ok(());
    }
    let language = contract::runtime(&a.runtime).map(|r| r.language);
    let detected_language = d.runtime.as_ref().and_then(|r| contract::runtime(r.value)).map(|r| r.language);
    let found = d.start.as_ref().filter(|_| language.is_some() && language == detected_language);
    if let Some(s) = found.filter(|s| s.sure) {
        p.say(&start_note(s));
        a.start = Some(s.line());
        return Ok(());
    }
    let default = match (found, language) {
        (Some(s), _) => s.line(),
        (None, Some(l)) => crate::lang::start::line(&crate::lang::start::usual(l)),
        (None, None) => String::new(),
    };
    let help = match found {
        Some(s) => format!("{} Best guess from {}.", q::START.help, s.source),
        None => format!("{} vibe found no start command in the code.", q::START.help),
    };
    a.start = Some(p.text(q::START.prompt, &help, &default, Some((check_start, a)))?.trim().to_string());
    Ok(())
}

fn ask_database(p: &mut dyn Prompter, a: &mut Answers, d: &Detected, rerun: bool) -> Result<(), Error> {
    let mut start = q::DATABASE_CHOICES.iter().position(|(id, _)| *id == a.database).unwrap_or(0);
    if !rerun && let Some(f) = &d.database {
        p.say(&uses_note(f));
        start = q::DATABASE_CHOICES.iter().position(|(id, _)| *id == f.value).unwrap_or(start);
    }
    if let Some(f) = &d.sqlite {
        p.say(&sqlite_note(f));
        if start == 0 {
            start = 1;
        }
    }
    let options: Vec<String> = q::DATABASE_CHOICES.iter().map(|(_, label)| label.to_string()).collect();
    let i = p.select(q::DATABASE.prompt, q::DATABASE.help, &options, start)?;
    a.database = q::DATABASE_CHOICES[i].0.to_string();
    Ok(())
}

fn ask_components(p: &mut dyn Prompter, a: &mut Answers, d: &Detected, rerun: bool) -> Result<(), Error> {
    let mut defaults: Vec<usize> = contract::OPTIONAL_COMPONENTS
        .iter()
        .enumerate()
        .filter(|(_, (id, _))| a.components.is_on(id))
        .map(|(i, _)| i)
        .collect();
    if !rerun {
        for f in &d.components {
            p.say(&uses_note(f));
            if let Some(i) = contract::OPTIONAL_COMPONENTS.iter().position(|(id, _)| *id == f.value)
                && !defaults.contains(&i)
            {
                defaults.push(i);
            }
        }
    }
    let options: Vec<String> = contract::OPTIONAL_COMPONENTS.iter().map(|(_, l)| l.to_string()).collect();
    let chosen = p.multi_select(q::COMPONENTS.prompt, q::COMPONENTS.help, &options, &defaults)?;
    let has = |id: &str| chosen.iter().any(|&i| contract::OPTIONAL_COMPONENTS.get(i).is_some_and(|(c, _)| *c == id));
    a.components =
        Components { redis: has("redis"), rabbitmq: has("rabbitmq"), nginx: has("nginx"), ingress: has("ingress") };
    if a.components.ingress && !a.components.nginx {
        a.components.nginx = true;
        p.say("The public URL comes with the nginx front: it keeps your /metrics page off the internet.");
    }
    Ok(())
}

fn ask_size(p: &mut dyn Prompter, a: &mut Answers) -> Result<(), Error> {
    let start = contract::size_rank(&a.size).unwrap_or(2);
    let options: Vec<String> = contract::SIZES.iter().map(|s| format!("{}: {}", s.id, s.use_case)).collect();
    let i = p.select(q::SIZE.prompt, q::SIZE.help, &options, start)?;
    a.size = contract::SIZES[i].id.to_string();
    Ok(())
}

fn ask_metrics(p: &mut dyn Prompter, a: &mut Answers, rerun: bool) -> Result<(), Error> {
    if rerun && !a.metrics.is_empty() {
        let list: Vec<String> = a.metrics.iter().map(describe_metric).collect();
        p.say(&format!("Your numbers: {}", list.join("; ")));
        if p.confirm("Keep these numbers?", "Answer no to ask the questions again.", true)? {
            return Ok(());
        }
        a.metrics.clear();
    }
    p.say(q::METRICS.prompt);
    while a.metrics.len() < q::MAX_METRICS_ASKED {
        let n = a.metrics.len() + 1;
        let prompt = format!("Number {n}:");
        let help =
            if n == 1 { format!("{} At least one is needed.", q::METRICS.help) } else { q::METRICS.help.to_string() };
        let question = p.text(&prompt, &help, "", None)?;
        if question.trim().is_empty() {
            if a.metrics.is_empty() {
                p.say("At least one number is needed: it is how you (and the platform) know the app works.");
                continue;
            }
            break;
        }
        let mut m = crate::suggest::suggest_metric(&question);
        a.metrics.push(m.clone());
        // A suggestion can clash with an earlier metric (two similar questions): then the
        // creator edits it instead of accepting a name that validation would refuse.
        let clash = problem_for(a, &platform_of(a), &format!("metrics[{}]", a.metrics.len() - 1));
        let accepted = match &clash {
            Some(problem) => {
                p.say(&format!("The suggested {} cannot be used: {problem}", m.name));
                false
            }
            None => p.confirm(
                &format!("Measure it as {}?", describe_metric(&m)),
                "A counter only goes up (things that happened); a gauge goes up and down (how many now); a histogram times things.",
                true,
            )?,
        };
        if !accepted {
            m.name = p.text(
                "Metric name:",
                "Letters, digits and '_'. Counters end in _total.",
                &m.name.clone(),
                Some((check_metric_name, a)),
            )?;
            let kinds = ["counter", "gauge", "histogram"];
            let start = kinds.iter().position(|k| *k == m.kind).unwrap_or(0);
            let options: Vec<String> = vec![
                "counter: counts things that happened (orders, errors)".into(),
                "gauge: an amount right now (items in stock, people online)".into(),
                "histogram: how long or how big (response time, file size)".into(),
            ];
            m.kind = kinds[p.select("Kind of number:", "", &options, start)?].to_string();
            if let Some(last) = a.metrics.last_mut() {
                last.name = m.name.clone();
                last.kind = m.kind.clone();
            }
            let labels = p.text(
                "Break it down by (comma-separated labels, e.g. status):",
                "At most 3. Never by user, email or id: that creates millions of series.",
                &m.labels.join(", "),
                Some((check_labels, a)),
            )?;
            m.labels = split_list(&labels);
            if let Some(last) = a.metrics.last_mut() {
                *last = m.clone();
            }
            if let Some(problem) = problem_for(a, &platform_of(a), &format!("metrics[{}]", a.metrics.len() - 1)) {
                p.say(&format!("That metric cannot be used: {problem} Let's ask again."));
                a.metrics.pop();
            }
        }
    }
    Ok(())
}

fn ask_secrets(
    p: &mut dyn Prompter,
    a: &mut Answers,
    d: &Detected,
    values: &mut Vec<(String, String)>,
    platform: &Platform,
) -> Result<(), Error> {
    say_provided_secrets(p, a, d);
    let (names, labels) = secret_offers(a, d);
    let offers = !names.is_empty();
    let mut chosen: Vec<String> = Vec::new();
    // Esc goes back one question: the value asked before, the names, the choice, the step before.
    let mut stage = if offers { Stage::Choose } else { Stage::Type };
    loop {
        match stage {
            Stage::Choose => {
                let defaults: Vec<usize> = (0..names.len()).collect();
                let picked = p.multi_select(q::SECRETS.prompt, q::SECRETS.help, &labels, &defaults)?;
                chosen = picked.into_iter().filter_map(|i| names.get(i).cloned()).collect();
                stage = Stage::Type;
            }
            Stage::Type => {
                let typed = match ask_secret_names(p, a, &chosen) {
                    Err(Error::Back) if offers => {
                        stage = Stage::Choose;
                        continue;
                    }
                    other => other?,
                };
                let mut all = chosen.clone();
                all.extend(typed.into_iter().filter(|n| !chosen.contains(n)));
                a.secrets = all;
                if a.secrets.is_empty() || !can_seal(p, platform) {
                    return Ok(());
                }
                values.retain(|(k, _)| a.secrets.contains(k));
                stage = Stage::Values;
            }
            Stage::Values => {
                if ask_secret_values(p, a, values)? {
                    return Ok(());
                }
                stage = Stage::Type;
            }
        }
    }
}

/// Tells the creator which secrets vibe sets itself: the stores' connection strings (their
/// passwords are generated and never shown), rather than offer a value they could never write.
fn say_provided_secrets(p: &mut dyn Prompter, a: &mut Answers, d: &Detected) {
    for note in spec::drop_provided_secrets(a) {
        p.say(&format!("{note}: it is no longer among the secrets."));
    }
    let provided: Vec<&str> = spec::provided_env_vars(a).into_iter().map(|(_, name)| name).collect();
    let mut found_provided: Vec<&str> =
        d.env_vars.iter().map(|f| f.value.as_str()).filter(|n| provided.contains(n)).collect();
    found_provided.dedup();
    if !found_provided.is_empty() {
        p.say(&format!(
            "Found in your code and provided by vibe, nothing to seal: {}. These are the connection strings of the \
             stores vibe runs, made from each store's host, the app's user and its sealed password.",
            found_provided.join(", ")
        ));
    }
}

/// The secret names to offer and their labels: earlier answers first, then the names the code
/// really reads, each labelled with where.
fn secret_offers(a: &Answers, d: &Detected) -> (Vec<String>, Vec<String>) {
    let mut names: Vec<String> = a.secrets.clone();
    let mut labels: Vec<String> = names.clone();
    for f in suggested_secrets(a, d) {
        labels.push(format!("{} (found in your code: {})", f.value, f.source));
        names.push(f.value);
    }
    (names, labels)
}

/// Whether values can be sealed now; if not, says where the placeholders go and how to seal later.
fn can_seal(p: &mut dyn Prompter, platform: &Platform) -> bool {
    if platform.sealed_secrets_certificate.is_some() {
        return true;
    }
    let missing = match &platform.source {
        Some(f) => format!("{} has no sealed-secrets certificate", f.display()),
        None => "no sealed-secrets certificate is configured (vibe uses its built-in platform settings)".into(),
    };
    p.say(&format!(
        "Secret values: {missing}, so vibe writes placeholders in k8s/02-sealed-secrets.yaml with \
         the steps to seal them. Deployment stays blocked until they are sealed. To seal them: {}; \
         then run `vibe seal NAME`.",
        crate::seal::certificate_steps(platform.source.as_deref())
    ));
    false
}

/// Asks the value of each secret not given yet. False when the creator went back (Esc).
fn ask_secret_values(p: &mut dyn Prompter, a: &Answers, values: &mut Vec<(String, String)>) -> Result<bool, Error> {
    for name in a.secrets.clone() {
        if values.iter().any(|(k, _)| *k == name) {
            continue;
        }
        let v = p.secret(
            &format!("Value of {name}:"),
            "Hidden while you type. Sealed right away for this app only; never saved in plain text. \
             Empty: seal it later with `vibe seal`.",
        );
        match v {
            Ok(v) if !v.is_empty() => values.push((name, v)),
            Ok(_) => {}
            Err(Error::Back) => return Ok(false),
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// Where the secrets step is.
#[derive(Debug, Clone, Copy)]
enum Stage {
    Choose,
    Type,
    Values,
}

/// Asks for more secret names, typed comma-separated in the creator's words, and turns each
/// into the environment-variable name the app reads (`stripe key` -> `STRIPE_KEY`); when that
/// changed what was typed, shows the names and asks to confirm them.
fn ask_secret_names(p: &mut dyn Prompter, a: &Answers, chosen: &[String]) -> Result<Vec<String>, Error> {
    let mut draft = a.clone();
    draft.secrets = chosen.to_vec();
    loop {
        let typed = p.text(
            if chosen.is_empty() { q::SECRETS.prompt } else { "Any other secret names?" },
            "Comma-separated names like API_KEY, STRIPE_SECRET. Leave empty for none.",
            "",
            Some((check_secret_names, &draft)),
        )?;
        let (raw, names) = secret_names(&typed);
        if raw == names {
            return Ok(names);
        }
        p.say(&format!("As names your app reads: {}", names.join(", ")));
        match p.confirm("Use these names?", "Answer no to type them again.", true) {
            Ok(true) => return Ok(names),
            Ok(false) | Err(Error::Back) => continue,
            Err(e) => return Err(e),
        }
    }
}

/// The names typed (split on commas only: `stripe key` is one name) and their environment-
/// variable forms, without repeats.
fn secret_names(typed: &str) -> (Vec<String>, Vec<String>) {
    let raw: Vec<String> = typed.split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect();
    let mut names: Vec<String> = Vec::new();
    for n in raw.iter().map(|r| crate::review::env_name(r)).filter(|n| !n.is_empty()) {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    (raw, names)
}

/// The summary screen: every answer, and what changed since the last run.
pub fn summary(a: &Answers, before: Option<&Answers>) -> String {
    let db = q::DATABASE_CHOICES.iter().find(|(id, _)| *id == a.database).map(|(_, l)| *l).unwrap_or("none");
    let comps: Vec<&str> =
        contract::OPTIONAL_COMPONENTS.iter().filter(|(id, _)| a.components.is_on(id)).map(|(_, l)| *l).collect();
    let size = contract::size(&a.size).map(|s| format!("{}: {}", s.id, s.use_case)).unwrap_or_else(|| a.size.clone());
    let runtime = contract::runtime(&a.runtime).map(|r| r.label).unwrap_or(&a.runtime);
    let mut rows = vec![
        ("Name", format!("{} ({})", a.name, a.slug.clone().unwrap_or_default())),
        ("Language", runtime.to_string()),
        ("Start", a.start.clone().unwrap_or_else(|| "what the code shows (see the Dockerfile)".into())),
        ("Database", db.to_string()),
        ("Also uses", if comps.is_empty() { "nothing else".into() } else { comps.join("; ") }),
        ("Size", size),
    ];
    for (i, m) in a.metrics.iter().enumerate() {
        let question = m.question.clone().unwrap_or_default();
        rows.push((if i == 0 { "Numbers" } else { "" }, format!("{}  <- \"{question}\"", describe_metric(m))));
    }
    rows.push(("Secrets", if a.secrets.is_empty() { "none".into() } else { a.secrets.join(", ") }));
    let mut out = String::from("\nYour answers:\n");
    for (k, v) in rows {
        out.push_str(&format!("  {k:<10} {v}\n"));
    }
    if let Some(b) = before {
        let changes = changed_fields(b, a);
        out.push_str(&if changes.is_empty() {
            "  (nothing changed)\n".to_string()
        } else {
            format!("  Changed: {}\n", changes.join(", "))
        });
    }
    out.push_str(&format!(
        "Your numbers become a Grafana dashboard (\"{} ({})\" in your platform's Grafana) and alerts when the app is \
         down, failing, slow{}: k8s/14-monitoring.yaml.\n",
        a.name,
        a.slug.clone().unwrap_or_default(),
        if a.metrics.iter().any(|m| m.kind == "counter") { " or a counter stops going up" } else { "" }
    ));
    let critical = catalogue::CATALOGUE.iter().filter(|c| c.severity == catalogue::Severity::Critical).count();
    out.push_str(&format!("After generating, vibe reviews the result ({critical} checks that block deployment).\n"));
    out
}

fn changed_fields(b: &Answers, a: &Answers) -> Vec<&'static str> {
    [
        ("name", b.name != a.name || b.slug != a.slug),
        ("language", b.runtime != a.runtime),
        ("start command", b.start != a.start),
        ("database", b.database != a.database),
        ("other components", b.components != a.components),
        ("size", b.size != a.size),
        ("numbers", b.metrics != a.metrics),
        ("secrets", b.secrets != a.secrets),
    ]
    .into_iter()
    .filter(|(_, changed)| *changed)
    .map(|(label, _)| label)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_says_where_the_dashboard_and_alerts_are() {
        let mut a = blank();
        a.name = "Shop".into();
        a.slug = Some("shop".into());
        a.metrics = vec![crate::spec::MetricAnswer {
            question: Some("How many orders?".into()),
            name: "orders_total".into(),
            kind: "counter".into(),
            labels: vec![],
            help: None,
            stalled_after: None,
        }];
        let text = summary(&a, None);
        assert!(text.contains("Grafana dashboard (\"Shop (shop)\""), "{text}");
        assert!(text.contains("a counter stops going up: k8s/14-monitoring.yaml"), "{text}");
    }

    fn detected() -> Detected {
        Detected {
            name: Some(Found { value: "stock-app".into(), source: "package.json".into() }),
            runtime: Some(Found { value: "python3.12", source: "requirements.txt".into() }),
            database: Some(Found { value: "postgres", source: "requirements.txt (psycopg)".into() }),
            env_vars: vec![Found { value: "API_KEY".into(), source: "main.py:3".into() }],
            start: Some(Start::new(&["gunicorn", "main:app"], true, "main.py:5 (Flask app `app`)")),
            ..Detected::default()
        }
    }

    #[test]
    fn a_first_run_takes_detected_defaults_and_typed_answers() {
        let mut s = Script::new(&[
            "Stock Watcher", // name
            "",              // slug: the suggestion
            "",              // runtime: detected python3.12
            "",              // database: detected postgres
            "0,3",           // redis + public URL
            "",              // size: md
            "How many orders were processed today?",
            "y",            // accept the suggestion
            "",             // no second number
            "default",      // secrets found in the code: API_KEY
            "STRIPE_TOKEN", // one more
            "0",            // generate
        ]);
        let out = run(&mut s, blank(), &detected(), &Platform::default()).unwrap();
        let a = out.answers;
        assert_eq!(a.name, "Stock Watcher");
        assert_eq!(a.slug.as_deref(), Some("stock-watcher"));
        assert_eq!((a.runtime.as_str(), a.database.as_str(), a.size.as_str()), ("python3.12", "postgres", "md"));
        assert!(a.components.redis && a.components.ingress && a.components.nginx, "a public URL brings nginx");
        assert_eq!(a.metrics.len(), 1);
        assert_eq!(a.metrics[0].kind, "counter");
        assert!(a.metrics[0].name.ends_with("_total"));
        assert_eq!(a.secrets, vec!["API_KEY".to_string(), "STRIPE_TOKEN".to_string()]);
        assert!(spec::validate(&a, &Platform::default()).is_empty());
        assert!(s.transcript.iter().any(|l| l.contains("Detected Python 3.12 from requirements.txt")));
    }

    #[test]
    fn the_summary_can_go_back_and_change_an_answer() {
        let mut s = Script::new(&[
            "Shop",
            "",
            "0",
            "", // start: the usual command, as no start was found
            "0",
            "",
            "",
            "How many people signed up?",
            "y",
            "",
            "",
            "5", // change the size
            "3", // lg
            "0", // generate
        ]);
        let a = run(&mut s, blank(), &Detected::default(), &Platform::default()).unwrap().answers;
        assert_eq!(a.size, "lg");
        assert_eq!(a.runtime, "node22");
    }

    #[test]
    fn stopping_midway_is_a_cancellation() {
        let mut s = Script::new(&["Shop", ""]);
        assert!(matches!(run(&mut s, blank(), &Detected::default(), &Platform::default()), Err(Error::Cancelled)));
        let mut s = Script::new(&["Shop", "", "0", "", "0", "", "", "How many orders?", "y", "", "", "8"]);
        assert!(matches!(run(&mut s, blank(), &Detected::default(), &Platform::default()), Err(Error::Cancelled)));
    }

    #[test]
    fn a_rerun_starts_from_the_current_answers_and_shows_what_changed() {
        let mut current = blank();
        current.name = "Shop".into();
        current.slug = Some("shop".into());
        current.database = "mongo".into();
        current.metrics = vec![crate::suggest::suggest_metric("How many orders were processed?")];
        current.start = Some("gunicorn app:app".into());
        let mut s = Script::new(&["", "", "", "", "default", "", "y", "", "", "0"]);
        let a = run(&mut s, current, &detected(), &Platform::default()).unwrap().answers;
        assert_eq!(a.database, "mongo", "a re-run keeps the answer, not the detection");
        assert_eq!(a.start.as_deref(), Some("gunicorn app:app"), "a re-run keeps the start command");
        assert!(s.transcript.iter().any(|l| l.contains("(nothing changed)")), "{:?}", s.transcript);
    }

    #[test]
    fn esc_goes_back_one_question_and_keeps_the_answers_given() {
        use super::prompter::ESC;
        let mut s = Script::new(&[
            ESC,    // Esc at the first question: nothing before it, asked again
            "Shop", // name
            ESC,    // Esc at the short name: back to the name
            "Shoe Shop",
            "",  // slug: the suggestion for the new name
            "2", // runtime
            "",  // start: the usual command (no start was found)
            ESC, // Esc at the database: back to the runtime
            "1", // runtime, changed
            "",  // start: asked again for the other language
            "0", // database
            "",  // components
            "",  // size
            "How many orders were processed today?",
            "y",
            "",
            "",  // no secret names
            ESC, // Esc at the summary: back to the secrets
            "API_KEY",
            "0", // generate
        ]);
        let a = run(&mut s, blank(), &Detected::default(), &Platform::default()).unwrap().answers;
        assert_eq!((a.name.as_str(), a.slug.as_deref()), ("Shoe Shop", Some("shoe-shop")));
        assert_eq!(a.runtime, contract::RUNTIMES[1].id);
        assert_eq!(a.secrets, ["API_KEY"]);
        assert!(s.transcript.iter().any(|l| l == FIRST_QUESTION), "{:?}", s.transcript);
        // Ctrl-C (a script running out) still stops everything.
        let mut s = Script::new(&["Shop", ESC]);
        assert!(matches!(run(&mut s, blank(), &Detected::default(), &Platform::default()), Err(Error::Cancelled)));
    }

    #[test]
    fn typed_secret_names_split_on_commas_become_env_names_after_a_confirmation() {
        let start = ["Shop", "", "0", "", "0", "", "", "How many orders?", "y", ""];
        let mut s = Script::new(&[&start[..], &["stripe key, my-token", "y", "0"]].concat());
        let a = run(&mut s, blank(), &Detected::default(), &Platform::default()).unwrap().answers;
        assert_eq!(a.secrets, ["STRIPE_KEY", "MY_TOKEN"]);
        assert!(
            s.transcript.iter().any(|l| l == "As names your app reads: STRIPE_KEY, MY_TOKEN"),
            "{:?}",
            s.transcript
        );
        // No: type them again.
        let mut s = Script::new(&[&start[..], &["stripe key", "n", "STRIPE_SECRET", "0"]].concat());
        let a = run(&mut s, blank(), &Detected::default(), &Platform::default()).unwrap().answers;
        assert_eq!(a.secrets, ["STRIPE_SECRET"]);
        assert_eq!(secret_names("apiKey,, db password ").1, ["API_KEY", "DB_PASSWORD"]);
    }

    #[test]
    fn only_names_read_by_the_code_are_said_to_be_found_there() {
        let mut current = blank();
        current.name = "Shop".into();
        current.slug = Some("shop".into());
        current.secrets = vec!["OLD_TOKEN".into()];
        current.metrics = vec![crate::suggest::suggest_metric("How many orders were processed?")];
        current.start = Some("npm start".into());
        let mut s = Script::new(&["", "", "", "", "default", "", "y", "default", "", "0"]);
        let a = run(&mut s, current, &detected(), &Platform::default()).unwrap().answers;
        assert_eq!(a.secrets, ["OLD_TOKEN", "API_KEY"]);
        assert!(s.transcript.iter().any(|l| l == "  - OLD_TOKEN"), "{:?}", s.transcript);
        assert!(s.transcript.iter().any(|l| l == "  - API_KEY (found in your code: main.py:3)"), "{:?}", s.transcript);
        assert!(!s.transcript.iter().any(|l| l.contains("OLD_TOKEN (found")), "{:?}", s.transcript);
    }

    #[test]
    fn a_rerun_drops_a_connection_string_listed_as_a_secret_and_says_why() {
        let mut current = blank();
        current.name = "Shop".into();
        current.slug = Some("shop".into());
        current.database = "postgres".into();
        current.secrets = vec!["DATABASE_URL".into(), "API_KEY".into()];
        current.metrics = vec![crate::suggest::suggest_metric("How many orders were processed?")];
        let mut s = Script::new(&["", "", "", "", "", "default", "", "y", "default", "", "0"]);
        let a = run(&mut s, current, &Detected::default(), &Platform::default()).unwrap().answers;
        assert_eq!(a.secrets, vec!["API_KEY".to_string()]);
        assert!(
            s.transcript.iter().any(|l| l.contains("DATABASE_URL is provided by vibe") && l.contains("no longer")),
            "{:?}",
            s.transcript
        );
    }

    /// The scripted answers of a first run on `detected()` up to the secrets, then `secrets`.
    fn first_run_with_secrets(secrets: &[&str]) -> Vec<String> {
        let mut answers = vec!["Stock Watcher", "", "", "", "", "", "How many orders were processed today?", "y", ""];
        answers.extend_from_slice(secrets);
        answers.push("0");
        answers.into_iter().map(String::from).collect()
    }

    #[test]
    fn without_a_certificate_the_warning_says_where_it_comes_from_and_names_no_file_never_given() {
        let script = first_run_with_secrets(&["default", ""]);
        let script: Vec<&str> = script.iter().map(String::as_str).collect();
        let warning = |platform: &Platform| {
            let mut s = Script::new(&script);
            run(&mut s, blank(), &detected(), platform).unwrap();
            s.transcript.into_iter().find(|l| l.contains("certificate")).expect("a certificate warning")
        };
        let built_in = warning(&Platform::default());
        assert!(!built_in.contains("the platform file"), "no platform file was given: {built_in}");
        assert!(built_in.contains("kubeseal --fetch-cert") && built_in.contains("platform team"), "{built_in}");
        assert!(built_in.contains("sealedSecrets") && built_in.contains("vibe seal"), "{built_in}");
        let given = warning(&Platform { source: Some("ops/platform.yaml".into()), ..Platform::default() });
        assert!(given.contains("ops/platform.yaml has no sealed-secrets certificate"), "{given}");
    }

    #[test]
    fn connection_strings_of_the_stores_vibe_runs_are_shown_as_provided_not_offered_to_seal() {
        let mut d = detected();
        d.env_vars.insert(0, Found { value: "DATABASE_URL".into(), source: "main.py:2".into() });
        let script = first_run_with_secrets(&["default", ""]);
        let script: Vec<&str> = script.iter().map(String::as_str).collect();
        let mut s = Script::new(&script);
        let a = run(&mut s, blank(), &d, &Platform::default()).unwrap().answers;
        assert_eq!(a.database, "postgres");
        assert_eq!(a.secrets, vec!["API_KEY".to_string()], "{:?}", s.transcript);
        // The secrets question listed its options (one `  - ` line each): API_KEY, never DATABASE_URL.
        let offered: Vec<&String> = s.transcript.iter().filter(|l| l.starts_with("  - ")).collect();
        assert!(offered.iter().any(|l| l.contains("API_KEY")), "{offered:?}");
        assert!(!offered.iter().any(|l| l.contains("DATABASE_URL")), "{offered:?}");
        assert!(
            s.transcript.iter().any(|l| l.contains("DATABASE_URL") && l.contains("provided by vibe")),
            "{:?}",
            s.transcript
        );
    }

    #[test]
    fn a_slug_that_breaks_the_rules_is_refused_with_the_same_words_as_vibe_yaml() {
        let a = blank();
        let err = check_slug("Bad_Slug", &a).unwrap_err();
        assert!(err.contains("lower-case letters"), "{err}");
        assert!(check_slug("good-slug", &a).is_ok());
    }
}

#[cfg(test)]
mod start_tests {
    use super::*;

    fn first_run(detected: &Detected, script: &[&str]) -> (Answers, Vec<String>) {
        let mut s = Script::new(script);
        let a = run(&mut s, blank(), detected, &Platform::default()).unwrap().answers;
        (a, s.transcript)
    }

    fn python_app(start: Start) -> Detected {
        Detected {
            runtime: Some(Found { value: "python3.12", source: "requirements.txt".into() }),
            start: Some(start),
            ..Detected::default()
        }
    }

    #[test]
    fn a_sure_start_command_is_taken_without_a_question_and_shown_in_the_summary() {
        let d = python_app(Start::new(
            &["gunicorn", "--chdir", "src", "server:app"],
            true,
            "src/server.py:3 (Flask app `app`)",
        ));
        let (a, transcript) = first_run(&d, &["Shop", "", "", "0", "", "", "How many orders?", "y", "", "", "0"]);
        assert_eq!(a.start.as_deref(), Some("gunicorn --chdir src server:app"));
        assert!(!transcript.iter().any(|l| l.contains(q::START.prompt)), "{transcript:?}");
        assert!(
            transcript
                .iter()
                .any(|l| l.contains("Starts with `gunicorn --chdir src server:app` (found in src/server.py:3"))
        );
        assert!(transcript.iter().any(|l| l.contains("Start      gunicorn --chdir src server:app")), "{transcript:?}");
    }

    #[test]
    fn an_unsure_guess_is_asked_once_with_the_guess_as_default_and_a_dev_server_is_refused() {
        let d = python_app(Start::new(&["python", "bot.py"], false, "bot.py:9 (runs as a script)"));
        let script = ["Shop", "", "", "", "0", "", "", "How many orders?", "y", "", "", "0"];
        let (a, transcript) = first_run(&d, &script);
        assert_eq!(a.start.as_deref(), Some("python bot.py"), "Enter takes the guess");
        assert_eq!(transcript.iter().filter(|l| l.contains(q::START.prompt)).count(), 1, "{transcript:?}");
        // A typed development server is refused with the reason.
        let mut s = Script::new(&["Shop", "", "", "flask run --debug"]);
        let err = run(&mut s, blank(), &d, &Platform::default()).unwrap_err().to_string();
        assert!(err.contains("development server"), "{err}");
    }
}
