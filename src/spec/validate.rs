//! The rules every set of answers must meet, whatever asked for them.

use super::answers::Answers;
use crate::contract::{self, catalogue};
use crate::error::Problem;
use crate::platform::Platform;
use regex::Regex;
use std::sync::LazyLock;

/// Metrics every skeleton already exposes; business metrics may not reuse these names.
pub const FRAMEWORK_METRICS: &[&str] =
    &["http_requests_total", "http_request_duration_seconds", "http_active_connections"];

/// Prefixes the client libraries use for their own runtime metrics.
const RESERVED_METRIC_PREFIXES: &[&str] =
    &["process_", "go_", "jvm_", "nodejs_", "python_", "php_", "rust_", "promhttp_"];

/// Label names the Prometheus data model reserves (histogram buckets, summary quantiles).
const RESERVED_LABELS: &[&str] = &["le", "quantile"];

static DNS_LABEL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").unwrap());
static METRIC_NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-zA-Z_][a-zA-Z0-9_]*$").unwrap());
static LABEL_NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-zA-Z_][a-zA-Z0-9_]*$").unwrap());
/// A business counter's "stalled" window: whole minutes, hours or days (Prometheus durations vibe.yaml allows).
static STALL_WINDOW: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[1-9][0-9]{0,3}[mhd]$").unwrap());
static ENV_NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*$").unwrap());
static IMAGE_TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$").unwrap());

/// Whether these answers run `store` (a database, redis or rabbitmq).
fn runs_store(answers: &Answers, store: &str) -> bool {
    answers.database == store
        || (store == "redis" && answers.components.redis)
        || (store == "rabbitmq" && answers.components.rabbitmq)
}

/// Secret keys vibe itself puts in the app's SealedSecret for the enabled stores.
pub fn reserved_secret_keys(answers: &Answers) -> Vec<&'static str> {
    contract::STORE_PASSWORD_KEYS.iter().filter(|(store, _)| runs_store(answers, store)).map(|(_, key)| *key).collect()
}

/// The connection strings vibe sets in the app's environment for the stores these answers run,
/// as (store, variable name): the app reads them, the creator never seals them.
pub fn provided_env_vars(answers: &Answers) -> Vec<(&'static str, &'static str)> {
    contract::STORE_URL_VARS.iter().filter(|(store, _)| runs_store(answers, store)).copied().collect()
}

/// What to tell a creator who named `name` as a secret when vibe provides it (None otherwise).
pub fn provided_by_vibe(answers: &Answers, name: &str) -> Option<String> {
    let (store, _) = provided_env_vars(answers).into_iter().find(|(_, n)| *n == name)?;
    Some(format!(
        "{name} is provided by vibe: the {store} store's connection string, made from its host, the app's user \
         and its sealed password, so there is nothing to seal"
    ))
}

/// Takes out of `answers.secrets` the names vibe sets itself for the stores it runs (a
/// `DATABASE_URL` beside vibe's postgres), returning what to tell the creator about each: the
/// store's password is generated and never shown, so a value they sealed could never be right.
pub fn drop_provided_secrets(answers: &mut Answers) -> Vec<String> {
    let probe = answers.clone();
    let notes: Vec<String> = answers.secrets.iter().filter_map(|s| provided_by_vibe(&probe, s)).collect();
    answers.secrets.retain(|s| provided_by_vibe(&probe, s).is_none());
    notes
}

/// Suggests a slug from a display name: lower case, dashes, short enough for the namespace.
pub fn suggest_slug(name: &str, prefix: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let max = max_slug_len(prefix);
    slug.truncate(max);
    slug.trim_matches('-').to_string()
}

fn max_slug_len(prefix: &str) -> usize {
    let overhead = Platform { prefix: prefix.into(), ..Platform::default() }.namespace("").len();
    contract::NAMESPACE_MAX_LEN.saturating_sub(overhead)
}

/// Every rule the answers break (empty when they are fine).
pub fn validate(a: &Answers, platform: &Platform) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut bad = |field: String, message: String| out.push(Problem { field, pos: None, message });
    name_and_slug(a, platform, &mut bad);
    choices(a, &mut bad);
    metrics(a, &mut bad);
    secrets(a, &mut bad);
    settings(a, &mut bad);
    start(a, &mut bad);
    tag_and_ignores(a, &mut bad);
    out
}

/// The start command: one line of words the Dockerfile can run without a shell, a production
/// server, and for compiled languages the form vibe builds from (`go run ./cmd/server`).
fn start(a: &Answers, bad: &mut impl FnMut(String, String)) {
    let Some(text) = &a.start else { return };
    let mut fail = |message: String| bad("start".into(), message);
    if let Some(c) = crate::quote::forbidden_char(text) {
        return fail(forbidden_char_message(c));
    }
    let argv = match crate::lang::start::parse(text) {
        Ok(argv) => argv,
        Err(e) => return fail(e),
    };
    if let Some(why) = crate::lang::start::dev_server(&argv) {
        return fail(format!(
            "`{text}` starts a development server ({why}); write the production command, e.g. `gunicorn app:app`, \
             `uvicorn main:app --host 0.0.0.0 --port $PORT` or `node server.js`"
        ));
    }
    let Some(language) = contract::runtime(&a.runtime).map(|r| r.language) else { return };
    let words: Vec<&str> = argv.iter().map(String::as_str).collect();
    let (ok, example) = match language {
        contract::Language::Go => (matches!(words.as_slice(), ["go", "run", _, ..]), "go run ./cmd/server"),
        contract::Language::Rust => (words.starts_with(&["cargo", "run"]), "cargo run --release --bin server"),
        contract::Language::Jvm => {
            (words.first() == Some(&"java") && words.contains(&"-jar"), "java -jar target/app.jar")
        }
        contract::Language::Php => (words.starts_with(&["php", "-S"]), "php -S 0.0.0.0:$PORT -t public"),
        contract::Language::Node | contract::Language::Python => (true, ""),
    };
    if !ok {
        fail(format!(
            "for {} vibe builds the app from its start command, written the way you run it from the source: \
             e.g. start: {example}",
            a.runtime
        ));
    }
}

/// The app name, free text and slug.
fn name_and_slug(a: &Answers, platform: &Platform, bad: &mut impl FnMut(String, String)) {
    if a.name.trim().is_empty() {
        bad("name".into(), "the app needs a name, e.g. name: Inventory Checker".into());
    }
    // Free text lands in generated files (comments, YAML and JSON strings, source code):
    // one line of printable characters can be quoted everywhere; a line break cannot.
    let free_text =
        std::iter::once(("name".to_string(), Some(&a.name))).chain(a.metrics.iter().enumerate().flat_map(|(i, m)| {
            [(format!("metrics[{i}].question"), m.question.as_ref()), (format!("metrics[{i}].help"), m.help.as_ref())]
        }));
    for (field, text) in free_text {
        if let Some(c) = text.and_then(|t| crate::quote::forbidden_char(t)) {
            bad(field, forbidden_char_message(c));
        }
    }
    let slug = a.slug.clone().unwrap_or_default();
    let max = max_slug_len(&platform.prefix);
    if slug.is_empty() {
        bad(
            "slug".into(),
            "no short name could be made from the app name; write one with lower-case letters, digits and '-', \
             e.g. slug: inventory-checker"
                .into(),
        );
    } else if !DNS_LABEL.is_match(&slug) {
        bad(
            "slug".into(),
            format!(
                "\"{slug}\" is not a valid short name: use lower-case letters, digits and '-', starting and ending \
                 with a letter or digit, e.g. {}",
                suggest_slug(&slug, &platform.prefix).if_empty("my-app")
            ),
        );
    } else if slug.len() > max {
        bad(
            "slug".into(),
            format!(
                "\"{slug}\" is too long: the namespace {} must fit in {} characters, so the slug may have at most {max}; \
                 e.g. {}",
                platform.namespace(&slug),
                contract::NAMESPACE_MAX_LEN,
                slug[..max].trim_end_matches('-')
            ),
        );
    }
}

/// The runtime, database and size are ones vibe offers.
fn choices(a: &Answers, bad: &mut impl FnMut(String, String)) {
    if contract::runtime(&a.runtime).is_none() {
        let ids: Vec<&str> = contract::RUNTIMES.iter().map(|r| r.id).collect();
        bad(
            "runtime".into(),
            format!("\"{}\" is not a runtime vibe supports; write one of: {}", a.runtime, ids.join(", ")),
        );
    }
    if a.database != "none" && !contract::DATABASES.contains(&a.database.as_str()) {
        bad("database".into(), format!("\"{}\" is not a database choice; write none, postgres or mongo", a.database));
    }
    if contract::size(&a.size).is_none() {
        let ids: Vec<&str> = contract::SIZES.iter().map(|s| s.id).collect();
        bad("size".into(), format!("\"{}\" is not a size; write one of: {}", a.size, ids.join(", ")));
    }
}

/// Business metrics: names, types and labels.
fn metrics(a: &Answers, bad: &mut impl FnMut(String, String)) {
    for (i, m) in a.metrics.iter().enumerate() {
        let field = |f: &str| format!("metrics[{i}].{f}");
        if !METRIC_NAME.is_match(&m.name) {
            bad(
                field("name"),
                format!(
                    "\"{}\" is not a valid metric name: use letters, digits and '_' (not starting with a digit), \
                     e.g. orders_processed_total",
                    m.name
                ),
            );
        } else if !matches!(m.kind.as_str(), "counter" | "gauge" | "histogram") {
            // The type is wrong (reported below); the name's suffix cannot be judged yet.
        } else if m.kind == "counter" && !m.name.ends_with("_total") {
            bad(field("name"), format!("a counter's name must end in _total: write {}_total", m.name));
        } else if m.kind != "counter" && m.name.ends_with("_total") {
            bad(
                field("name"),
                format!(
                    "only counters end in _total; rename this {} (e.g. {})",
                    m.kind,
                    m.name.trim_end_matches("_total")
                ),
            );
        } else if FRAMEWORK_METRICS.contains(&m.name.as_str()) {
            bad(
                field("name"),
                format!("{} is already measured by the platform skeleton; pick a business name", m.name),
            );
        } else if let Some(prefix) = RESERVED_METRIC_PREFIXES.iter().find(|p| m.name.starts_with(*p)) {
            bad(
                field("name"),
                format!(
                    "names starting with {prefix} belong to the runtime's own metrics; pick a business name, e.g. orders_{}",
                    m.name.trim_start_matches(prefix)
                ),
            );
        } else if a.metrics[..i].iter().any(|o| o.name == m.name) {
            bad(field("name"), format!("{} is declared twice; each metric needs its own name", m.name));
        }
        if !matches!(m.kind.as_str(), "counter" | "gauge" | "histogram") {
            bad(field("type"), format!("\"{}\" is not a metric type; write counter, gauge or histogram", m.kind));
        }
        if m.labels.len() > contract::MAX_METRIC_LABELS {
            bad(
                field("labels"),
                format!(
                    "{} labels is too many (at most {}): each label multiplies the series Prometheus stores; keep the {} that matter most",
                    m.labels.len(),
                    contract::MAX_METRIC_LABELS,
                    contract::MAX_METRIC_LABELS
                ),
            );
        }
        for (j, l) in m.labels.iter().enumerate() {
            if !LABEL_NAME.is_match(l) || l.starts_with("__") {
                bad(
                    format!("metrics[{i}].labels[{j}]"),
                    format!("\"{l}\" is not a valid label name: use letters, digits and '_', e.g. status"),
                );
            } else if RESERVED_LABELS.contains(&l.as_str()) {
                bad(
                    format!("metrics[{i}].labels[{j}]"),
                    format!("\"{l}\" is reserved by Prometheus; pick another label name"),
                );
            } else if m.labels[..j].contains(l) {
                bad(format!("metrics[{i}].labels[{j}]"), format!("label \"{l}\" is listed twice"));
            }
        }
        if let Some(window) = &m.stalled_after {
            if m.kind != "counter" {
                bad(
                    field("stalled_after"),
                    format!("only a counter can stall (it stops going up); remove stalled_after from this {}", m.kind),
                );
            } else if !STALL_WINDOW.is_match(window) {
                bad(
                    field("stalled_after"),
                    format!("\"{window}\" is not a time window: write minutes, hours or days, e.g. 30m, 2h or 1d"),
                );
            }
        }
    }
}

/// Secret names: valid, not vibe's own, listed once.
fn secrets(a: &Answers, bad: &mut impl FnMut(String, String)) {
    let reserved = reserved_secret_keys(a);
    for (i, s) in a.secrets.iter().enumerate() {
        if !ENV_NAME.is_match(s) {
            bad(
                format!("secrets[{i}]"),
                format!("\"{s}\" is not an environment variable name: use letters, digits and '_', e.g. API_KEY"),
            );
        } else if let Some(why) = provided_by_vibe(a, s) {
            bad(format!("secrets[{i}]"), format!("{why}; remove it from secrets"));
        } else if reserved.contains(&s.as_str()) {
            bad(
                format!("secrets[{i}]"),
                format!("{s} is created by vibe for the {} store; remove it from secrets", a.database),
            );
        } else if a.secrets[..i].contains(s) {
            bad(format!("secrets[{i}]"), format!("{s} is listed twice"));
        }
    }
}

/// Plain settings: valid names, not vibe's, not credentials.
fn settings(a: &Answers, bad: &mut impl FnMut(String, String)) {
    for (name, value) in &a.env {
        let field = format!("env.{name}");
        let set_by_vibe = contract::APP_ENV_SET_BY_VIBE.contains(&name.as_str())
            || contract::STORE_URL_VARS.iter().any(|(_, n)| n == name)
            || contract::STORE_PASSWORD_KEYS.iter().any(|(_, k)| k == name);
        if !ENV_NAME.is_match(name) {
            bad(
                field,
                format!(
                    "\"{name}\" is not an environment variable name: use letters, digits and '_', not starting with a \
                     digit, e.g. SHOP_CURRENCY"
                ),
            );
        } else if set_by_vibe {
            bad(
                field,
                format!("{name} is set by vibe itself (k8s/03-configmap.yaml, k8s/08-app.yaml); pick another name"),
            );
        } else if a.secrets.contains(name) {
            bad(
                field,
                format!("{name} is listed under secrets too: a name is either a sealed secret or a plain setting"),
            );
        } else if crate::credentials::secret_like(name) || crate::credentials::credential_name(name) {
            bad(
                field,
                format!(
                    "{name} looks like a credential, and a value here is readable by anyone with the repository: \
                     list {name} under secrets: instead and seal its value with `vibe seal {name}`"
                ),
            );
        } else if crate::credentials::embedded_secret(value).is_some() {
            bad(
                field,
                format!(
                    "the value of {name} holds a secret (a password in a URL, or an API key): list {name} under \
                     secrets: instead and seal its value with `vibe seal {name}`"
                ),
            );
        }
    }
}

/// The image tag and the review's suppressions.
fn tag_and_ignores(a: &Answers, bad: &mut impl FnMut(String, String)) {
    if let Some(tag) = &a.tag {
        check_tag(tag).into_iter().for_each(|m| bad("tag".into(), m));
    }

    for (i, s) in a.review.ignore.iter().enumerate() {
        match catalogue::check(&s.check) {
            None => bad(
                format!("review.ignore[{i}].check"),
                format!("\"{}\" is not a check id; `vibe checks` lists them", s.check),
            ),
            Some(c) if c.severity == catalogue::Severity::Critical => bad(
                format!("review.ignore[{i}].check"),
                format!(
                    "{} is CRITICAL and cannot be suppressed: the platform promises no override. Fix it instead (`vibe explain {}`)",
                    c.id, c.id
                ),
            ),
            Some(_) => {}
        }
        if s.reason.trim().is_empty() {
            bad(
                format!("review.ignore[{i}].reason"),
                "say why this warning is accepted, e.g. reason: batch job, no HPA needed".into(),
            );
        }
        if s.object.is_none() && s.file.is_none() {
            bad(format!("review.ignore[{i}]"), "name what is suppressed: object: Kind/name or file: path".into());
        }
    }
}

/// Why a character is refused in free text, naming it by its code point (it may be invisible).
fn forbidden_char_message(c: char) -> String {
    let what = match c {
        '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => "a line break",
        '\t' => "a tab",
        '\u{1b}' => "an escape character (terminal control)",
        _ => "an invisible control character",
    };
    format!(
        "it contains {what} (U+{:04X}): write it on one line with printable characters only; it goes into \
         generated files and file comments",
        c as u32
    )
}

/// Problems with an explicit image tag (empty when it is fine).
pub fn check_tag(tag: &str) -> Option<String> {
    if tag.trim().is_empty() {
        Some("the image tag is empty; leave it out to use the commit SHA, or write an exact version".into())
    } else if tag == "latest" {
        Some(
            "`latest` is refused: it changes under the app without a deployment and cannot be rolled back to; \
             leave the tag out to use the commit SHA"
                .into(),
        )
    } else if !IMAGE_TAG.is_match(tag) {
        Some(format!("\"{tag}\" is not a valid image tag: letters, digits, '_', '.', '-' (at most 128)"))
    } else {
        None
    }
}

trait IfEmpty {
    fn if_empty(self, fallback: &str) -> String;
}

impl IfEmpty for String {
    fn if_empty(self, fallback: &str) -> String {
        if self.is_empty() { fallback.into() } else { self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::answers::{Components, MetricAnswer, ReviewSettings};

    fn answers() -> Answers {
        Answers {
            name: "Inventory Checker".into(),
            slug: Some("inventory-checker".into()),
            runtime: "python3.12".into(),
            database: "postgres".into(),
            components: Components::default(),
            start: None,
            size: "md".into(),
            metrics: vec![MetricAnswer {
                question: None,
                name: "orders_processed_total".into(),
                kind: "counter".into(),
                labels: vec!["status".into()],
                help: None,
                stalled_after: None,
            }],
            secrets: vec!["API_KEY".into()],
            env: Default::default(),
            readiness_checks_database: false,
            tag: None,
            platform: None,
            review: ReviewSettings::default(),
        }
    }

    fn fields(a: &Answers) -> Vec<String> {
        validate(a, &Platform::default()).into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_start_command_is_one_production_command_in_the_form_its_language_builds_from() {
        let problem = |runtime: &str, start: &str| {
            let mut a = answers();
            a.runtime = runtime.into();
            a.start = Some(start.into());
            validate(&a, &Platform::default()).into_iter().find(|p| p.field == "start").map(|p| p.message)
        };
        assert_eq!(problem("python3.12", "gunicorn --chdir src server:app"), None);
        assert_eq!(problem("go1.23", "go run ./cmd/server"), None);
        let dev = problem("node22", "npm run dev").unwrap();
        assert!(dev.contains("development server") && dev.contains("node server.js"), "{dev}");
        assert!(
            problem("python3.12", "pip install -r requirements.txt && python app.py")
                .unwrap()
                .contains("needs a shell")
        );
        assert!(problem("python3.12", "python app.py\nrm -rf /").unwrap().contains("line break"));
        let go = problem("go1.23", "./server").unwrap();
        assert!(go.contains("start: go run ./cmd/server"), "{go}");
        assert!(problem("python3.12", "").unwrap().contains("empty"));
    }

    #[test]
    fn good_answers_pass() {
        assert!(fields(&answers()).is_empty());
    }

    #[test]
    fn slug_suggestions_are_dns_labels_that_fit() {
        assert_eq!(suggest_slug("Inventory Checker!", "platform"), "inventory-checker");
        assert_eq!(suggest_slug("  Ünïcode — app  ", "platform"), "n-code-app");
        let long = suggest_slug(&"a".repeat(100), "platform");
        assert_eq!(Platform::default().namespace(&long).len(), 63);
    }

    #[test]
    fn each_rule_names_its_field() {
        type Case = (fn(&mut Answers), &'static str);
        let cases: Vec<Case> = vec![
            (|a| a.slug = Some("Bad_Slug".into()), "slug"),
            (|a| a.slug = Some("x".repeat(60)), "slug"),
            (|a| a.runtime = "cobol".into(), "runtime"),
            (|a| a.database = "mysql".into(), "database"),
            (|a| a.size = "huge".into(), "size"),
            (|a| a.metrics[0].name = "orders_processed".into(), "metrics[0].name"),
            (|a| a.metrics[0].name = "9lives_total".into(), "metrics[0].name"),
            (|a| a.metrics[0].kind = "summary".into(), "metrics[0].type"),
            (|a| a.metrics[0].stalled_after = Some("soon".into()), "metrics[0].stalled_after"),
            (|a| a.metrics[0].stalled_after = Some("0h".into()), "metrics[0].stalled_after"),
            (
                |a| {
                    a.metrics[0].kind = "gauge".into();
                    a.metrics[0].name = "queue_depth".into();
                    a.metrics[0].stalled_after = Some("2h".into());
                },
                "metrics[0].stalled_after",
            ),
            (|a| a.metrics[0].labels = vec!["a".into(), "b".into(), "c".into(), "d".into()], "metrics[0].labels"),
            (|a| a.metrics[0].labels = vec!["bad-label".into()], "metrics[0].labels[0]"),
            (|a| a.secrets = vec!["api-key".into()], "secrets[0]"),
            (|a| a.secrets = vec!["POSTGRES_PASSWORD".into()], "secrets[0]"),
            (|a| a.secrets = vec!["DATABASE_URL".into()], "secrets[0]"),
            (|a| a.tag = Some("latest".into()), "tag"),
            (|a| a.env = [("9LIVES".to_string(), "x".to_string())].into(), "env.9LIVES"),
            (|a| a.env = [("SHOP-CURRENCY".to_string(), "EUR".to_string())].into(), "env.SHOP-CURRENCY"),
            (|a| a.env = [("LOG_FORMAT".to_string(), "text".to_string())].into(), "env.LOG_FORMAT"),
            (|a| a.env = [("DATABASE_URL".to_string(), "x".to_string())].into(), "env.DATABASE_URL"),
            (|a| a.env = [("API_KEY".to_string(), "x".to_string())].into(), "env.API_KEY"),
            (|a| a.env = [("STRIPE_SECRET".to_string(), "x".to_string())].into(), "env.STRIPE_SECRET"),
            (
                |a| a.env = [("UPSTREAM".to_string(), "https://bob:Xk9vQ2mZp7@api.example.com".to_string())].into(),
                "env.UPSTREAM",
            ),
            (|a| a.tag = Some(String::new()), "tag"),
            (|a| a.name = "Shop\n---\nkind: ClusterRoleBinding".into(), "name"),
            (|a| a.name = "Shop\u{2028}x".into(), "name"),
            (|a| a.name = "Shop\u{1b}[2J".into(), "name"),
            (|a| a.metrics[0].help = Some("Orders\rprocessed".into()), "metrics[0].help"),
            (|a| a.metrics[0].question = Some("How many?\u{85}".into()), "metrics[0].question"),
        ];
        for (mutate, field) in cases {
            let mut a = answers();
            mutate(&mut a);
            assert_eq!(fields(&a), vec![field.to_string()], "rule for {field}");
        }
    }

    #[test]
    fn plain_settings_take_any_text_value() {
        let mut a = answers();
        a.env = [
            ("SHOP_CURRENCY", "EUR"),
            ("GREETING", "it's \"fine\": yes # not a comment\nsecond line"),
            ("MAX_ITEMS", "5"),
            ("EMPTY", ""),
            ("PUBLIC_URL", "https://shop.example.com/a?b=c"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert!(fields(&a).is_empty(), "{:?}", validate(&a, &Platform::default()));
        let mut a = answers();
        a.env = [("STRIPE_SECRET".to_string(), "x".to_string())].into();
        let message = &validate(&a, &Platform::default())[0].message;
        assert!(message.contains("vibe seal STRIPE_SECRET") && message.contains("secrets:"), "{message}");
    }

    #[test]
    fn critical_checks_cannot_be_suppressed() {
        let mut a = answers();
        a.review.ignore.push(crate::spec::Suppression {
            check: "A1".into(),
            object: Some("Deployment/x".into()),
            file: None,
            reason: "because".into(),
        });
        let problems = validate(&a, &Platform::default());
        assert!(problems[0].message.contains("cannot be suppressed"), "{problems:?}");
    }
}
