//! The connection strings of the stores vibe runs: set by vibe in the app's Deployment, never
//! asked for as secrets (the creator cannot know a store password vibe generated).

use crate::common::App;
use vibe::yaml::{Node, parse_documents};

/// The app container's env list of k8s/08-app.yaml, as (name, value or None, secretKeyRef key or None).
fn app_env(app: &App) -> Vec<(String, Option<String>, Option<String>)> {
    let docs = parse_documents(&app.read("k8s/08-app.yaml")).unwrap();
    let deployment = docs.iter().find(|d| d.root.get("kind").and_then(Node::as_str) == Some("Deployment")).unwrap();
    let containers = deployment.root.path("spec.template.spec.containers").unwrap().items();
    let app_container = containers.iter().find(|c| c.get("name").and_then(Node::as_str) == Some("app")).unwrap();
    app_container
        .get("env")
        .unwrap()
        .items()
        .iter()
        .map(|e| {
            let text = |n: Option<&Node>| n.and_then(Node::as_str).map(str::to_string);
            (text(e.get("name")), text(e.get("value")), text(e.path("valueFrom.secretKeyRef.key")))
        })
        .map(|(n, v, k)| (n.unwrap(), v, k))
        .collect()
}

/// What the app process sees, expanding `$(NAME)` as the kubelet does: only from variables
/// declared earlier in the list (a later or unknown one stays as written). Secret values are
/// stood in for by `<KEY>`.
fn as_the_app_sees_it(env: &[(String, Option<String>, Option<String>)]) -> Vec<(String, String)> {
    let mut seen: Vec<(String, String)> = Vec::new();
    for (name, value, key) in env {
        let resolved = match (value, key) {
            (_, Some(k)) => format!("<{k}>"),
            (Some(v), None) => {
                let mut out = v.clone();
                for (earlier, val) in &seen {
                    out = out.replace(&format!("$({earlier})"), val);
                }
                out
            }
            (None, None) => String::new(),
        };
        seen.push((name.clone(), resolved));
    }
    seen
}

fn init(app: &App, extra: &[&str]) -> String {
    let mut args = vec![
        "init",
        "--yes",
        "--name",
        "Shop",
        "--runtime",
        "node22",
        "--metric",
        "orders_total:counter",
        "--tag",
        "a1b2c3d",
    ];
    args.extend_from_slice(extra);
    let out = app.vibe(&args).assert().success().get_output().stdout.clone();
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn the_stores_vibe_runs_give_the_app_their_connection_strings_without_copying_a_secret() {
    let app = App::new();
    init(&app, &["--db", "postgres", "--redis", "--rabbitmq", "--secret", "API_KEY"]);
    let env = app_env(&app);
    let seen = as_the_app_sees_it(&env);
    let value = |name: &str| seen.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let postgres = "postgresql://shop:<POSTGRES_PASSWORD>@shop-postgres:5432/shop";
    assert_eq!(value("DATABASE_URL").as_deref(), Some(postgres), "{env:?}");
    assert_eq!(value("POSTGRES_URL").as_deref(), Some(postgres));
    assert_eq!(value("REDIS_URL").as_deref(), Some("redis://shop-redis:6379"));
    let amqp = "amqp://shop:<RABBITMQ_PASSWORD>@shop-rabbitmq:5672/%2F";
    assert_eq!(value("AMQP_URL").as_deref(), Some(amqp));
    assert_eq!(value("RABBITMQ_URL").as_deref(), Some(amqp));
    // Nothing to seal for them: the SealedSecret holds the passwords, not the strings.
    let sealed = app.read("k8s/02-sealed-secrets.yaml");
    assert!(!sealed.contains("DATABASE_URL:") && !sealed.contains("REDIS_URL:"), "{sealed}");

    let app = App::new();
    init(&app, &["--db", "mongo"]);
    let seen = as_the_app_sees_it(&app_env(&app));
    let mongo = "mongodb://shop:<MONGO_PASSWORD>@shop-mongo:27017/shop?authSource=admin";
    for name in ["DATABASE_URL", "MONGODB_URI", "MONGO_URL"] {
        assert_eq!(seen.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()), Some(mongo), "{name}: {seen:?}");
    }
    assert!(!seen.iter().any(|(n, _)| n == "REDIS_URL"), "redis is off: {seen:?}");
}

#[test]
fn init_with_a_provided_name_as_a_secret_says_vibe_provides_it_and_makes_no_stub() {
    let app = App::new();
    let out = init(&app, &["--db", "postgres", "--secret", "DATABASE_URL", "--secret", "API_KEY"]);
    assert!(out.contains("DATABASE_URL is provided by vibe"), "{out}");
    let answers = app.read("vibe.yaml");
    assert!(answers.contains("API_KEY") && !answers.contains("DATABASE_URL"), "{answers}");
    let sealed = app.read("k8s/02-sealed-secrets.yaml");
    assert!(sealed.contains("API_KEY: REPLACE_ME") && !sealed.contains("DATABASE_URL"), "{sealed}");
    // Without a store vibe runs, the same name is the creator's own secret.
    let app = App::new();
    init(&app, &["--secret", "DATABASE_URL"]);
    assert!(app.read("k8s/02-sealed-secrets.yaml").contains("DATABASE_URL: REPLACE_ME"));
}

#[test]
fn sealing_a_provided_connection_string_explains_that_vibe_sets_it() {
    let app = App::new();
    init(&app, &["--db", "postgres", "--secret", "API_KEY"]);
    let out = app
        .vibe(&["seal", "DATABASE_URL", "--tag", "a1b2c3d"])
        .write_stdin("x\n")
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("DATABASE_URL is provided by vibe") && err.contains("k8s/08-app.yaml"), "{err}");
}
