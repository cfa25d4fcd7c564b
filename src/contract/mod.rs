//! The Vibe-Env platform contract as data.
//!
//! Generator and review gate both read this module; a size, port, runtime or image
//! is written down here once and nowhere else in the code. Templates receive these
//! values through the render context (see `generate::context`).

pub mod catalogue;
pub use catalogue::CheckId;

use serde::Serialize;

/// The only platform the cluster's nodes run: every image is built for it (A2, P1).
pub const PLATFORM_ARCH: &str = "linux/amd64";

/// Application traffic and `GET /metrics`.
pub const PORT_HTTP: u16 = 8081;
/// Management endpoints (/readiness, /liveness, /info, /shutdown); never routed by an Ingress.
pub const PORT_MGMT: u16 = 8082;
/// Probe timeout every probe must reach (B5).
pub const PROBE_TIMEOUT_SECONDS: u32 = 5;
/// Probe timeout when the readiness probe is declared to check the database (B5).
pub const PROBE_TIMEOUT_DB_SECONDS: u32 = 10;
/// Length limit of a Kubernetes namespace (a DNS-1123 label).
pub const NAMESPACE_MAX_LEN: usize = 63;
/// Length of the short commit SHA used as the image tag.
pub const SHORT_SHA_LEN: usize = 7;
/// Label every generated Namespace carries.
pub const MANAGED_BY_LABEL: (&str, &str) = ("managed-by", "vibe-env");
/// Label of a pull request's preview namespace (argocd/previews.yaml): throw-away data, one copy.
pub const PREVIEW_LABEL: (&str, &str) = ("platform.vibe/preview", "true");
/// Most labels a business metric may have (cardinality guard).
pub const MAX_METRIC_LABELS: usize = 3;

/// The management endpoints and the bodies the contract specifies.
pub const MGMT_ENDPOINTS: &[Endpoint] = &[
    Endpoint { path: "/readiness", ok: r#"{"status":"UP"}"#, not_ok: Some(r#"{"status":"OUT_OF_SERVICE"}"#) },
    Endpoint { path: "/liveness", ok: r#"{"status":"UP"}"#, not_ok: Some(r#"{"status":"DOWN"}"#) },
    Endpoint { path: "/info", ok: r#"{"app":"<slug>","version":"<sha>"}"#, not_ok: None },
    Endpoint { path: "/shutdown", ok: "null", not_ok: None },
];

/// One management endpoint: path, body when healthy (200) and when not (503).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Endpoint {
    /// URL path on the mgmt port.
    pub path: &'static str,
    /// Body with status 200.
    pub ok: &'static str,
    /// Body with status 503, where the endpoint can report trouble.
    pub not_ok: Option<&'static str>,
}

/// A t-shirt size: requests and limits for one container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Size {
    /// `xs` … `xl`.
    pub id: &'static str,
    /// Who this size is for, in the creator's words.
    pub use_case: &'static str,
    /// CPU request (Kubernetes quantity).
    pub cpu_request: &'static str,
    /// CPU limit.
    pub cpu_limit: &'static str,
    /// Memory request.
    pub memory_request: &'static str,
    /// Memory limit.
    pub memory_limit: &'static str,
}

/// Every size, smallest first. Order matters: "at least md" compares positions.
pub const SIZES: &[Size] = &[
    Size {
        id: "xs",
        use_case: "a personal tool or a demo: a handful of users",
        cpu_request: "50m",
        cpu_limit: "200m",
        memory_request: "64Mi",
        memory_limit: "128Mi",
    },
    Size {
        id: "sm",
        use_case: "a team tool: up to a few dozen users",
        cpu_request: "100m",
        cpu_limit: "300m",
        memory_request: "128Mi",
        memory_limit: "256Mi",
    },
    Size {
        id: "md",
        use_case: "a department app: a few hundred users (the usual choice)",
        cpu_request: "200m",
        cpu_limit: "500m",
        memory_request: "256Mi",
        memory_limit: "512Mi",
    },
    Size {
        id: "lg",
        use_case: "a company-wide app: thousands of users or heavy reports",
        cpu_request: "500m",
        cpu_limit: "1000m",
        memory_request: "512Mi",
        memory_limit: "1Gi",
    },
    Size {
        id: "xl",
        use_case: "heavy processing: large data sets, many users at once",
        cpu_request: "1000m",
        cpu_limit: "2000m",
        memory_request: "1Gi",
        memory_limit: "2Gi",
    },
];

/// The size used when the creator does not choose.
pub const DEFAULT_SIZE: &str = "md";
/// The smallest size a database component may have.
pub const MIN_STORE_SIZE: &str = "md";

/// Looks a size up by id.
pub fn size(id: &str) -> Option<&'static Size> {
    SIZES.iter().find(|s| s.id == id)
}

/// Position of a size in [`SIZES`] (0 = xs).
pub fn size_rank(id: &str) -> Option<usize> {
    SIZES.iter().position(|s| s.id == id)
}

/// The size a store gets: the app's size, but never below [`MIN_STORE_SIZE`].
pub fn store_size(app_size: &str) -> &'static Size {
    let min = size_rank(MIN_STORE_SIZE).unwrap_or(2);
    let rank = size_rank(app_size).unwrap_or(min).max(min);
    &SIZES[rank]
}

pub use crate::lang::Language;

/// A supported runtime and its base images (before the mirror prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Runtime {
    /// The `--runtime` value, e.g. `python3.12`.
    pub id: &'static str,
    /// Plain-language label for the wizard.
    pub label: &'static str,
    /// Language family.
    pub language: Language,
    /// Language version, e.g. `3.12`.
    pub version: &'static str,
    /// Image the app is built in, when the runtime needs a separate build stage.
    pub build_image: Option<&'static str>,
    /// Image the app runs in.
    pub run_image: &'static str,
}

/// Every runtime; the first of each language is that language's default.
pub const RUNTIMES: &[Runtime] = &[
    Runtime {
        id: "node22",
        label: "Node.js 22 (JavaScript / TypeScript)",
        language: Language::Node,
        version: "22",
        build_image: None,
        run_image: "node:22-slim",
    },
    Runtime {
        id: "node20",
        label: "Node.js 20 (JavaScript / TypeScript)",
        language: Language::Node,
        version: "20",
        build_image: None,
        run_image: "node:20-slim",
    },
    Runtime {
        id: "python3.12",
        label: "Python 3.12",
        language: Language::Python,
        version: "3.12",
        build_image: None,
        run_image: "python:3.12-slim",
    },
    Runtime {
        id: "python3.11",
        label: "Python 3.11",
        language: Language::Python,
        version: "3.11",
        build_image: None,
        run_image: "python:3.11-slim",
    },
    Runtime {
        id: "go1.23",
        label: "Go 1.23",
        language: Language::Go,
        version: "1.23",
        build_image: Some("golang:1.23-bookworm"),
        run_image: "gcr.io/distroless/static-debian12:nonroot",
    },
    Runtime {
        id: "jvm21",
        label: "Java 21 (JVM: Java, Kotlin, Spring)",
        language: Language::Jvm,
        version: "21",
        build_image: Some("maven:3.9-eclipse-temurin-21"),
        run_image: "eclipse-temurin:21-jre-jammy",
    },
    Runtime {
        id: "jvm17",
        label: "Java 17 (JVM: Java, Kotlin, Spring)",
        language: Language::Jvm,
        version: "17",
        build_image: Some("maven:3.9-eclipse-temurin-17"),
        run_image: "eclipse-temurin:17-jre-jammy",
    },
    Runtime {
        id: "rust1.78",
        label: "Rust 1.78",
        language: Language::Rust,
        version: "1.78",
        build_image: Some("rust:1.78-slim-bookworm"),
        run_image: "gcr.io/distroless/static-debian12:nonroot",
    },
    Runtime {
        id: "php8.3",
        label: "PHP 8.3",
        language: Language::Php,
        version: "8.3",
        build_image: None,
        run_image: "php:8.3-fpm-bookworm",
    },
];

/// The runtime used when nothing is detected.
pub const DEFAULT_RUNTIME: &str = "node22";

/// Looks a runtime up by its `--runtime` id.
pub fn runtime(id: &str) -> Option<&'static Runtime> {
    RUNTIMES.iter().find(|r| r.id == id)
}

/// A platform component: a store, a proxy, an exporter or a helper image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Component {
    /// Stable key used in templates and vibe.yaml.
    pub id: &'static str,
    /// Image before the mirror prefix.
    pub image: &'static str,
    /// Main port, if it serves one.
    pub port: Option<u16>,
    /// Whether it keeps data that must survive a restart (needs a PVC, Recreate).
    pub stateful: bool,
    /// Where it keeps its data inside the container.
    pub data_dir: Option<&'static str>,
}

/// Every platform component image the contract names (plus the wait-for helper).
pub const COMPONENTS: &[Component] = &[
    Component { id: "nginx", image: "nginx:1.27", port: Some(8080), stateful: false, data_dir: None },
    Component {
        id: "postgres",
        image: "postgres:16",
        port: Some(5432),
        stateful: true,
        data_dir: Some("/var/lib/postgresql/data"),
    },
    Component { id: "mongo", image: "mongo:7.0", port: Some(27017), stateful: true, data_dir: Some("/data/db") },
    Component { id: "redis", image: "redis:7.4", port: Some(6379), stateful: false, data_dir: None },
    Component {
        id: "rabbitmq",
        image: "rabbitmq:3.13-management",
        port: Some(5672),
        stateful: true,
        data_dir: Some("/var/lib/rabbitmq"),
    },
    Component {
        id: "postgres-exporter",
        image: "prometheuscommunity/postgres-exporter:v0.15.0",
        port: Some(9187),
        stateful: false,
        data_dir: None,
    },
    Component {
        id: "mongodb-exporter",
        image: "percona/mongodb_exporter:0.40",
        port: Some(9216),
        stateful: false,
        data_dir: None,
    },
    Component {
        id: "redis-exporter",
        image: "oliver006/redis_exporter:v1.63.0",
        port: Some(9121),
        stateful: false,
        data_dir: None,
    },
    // The initContainer that waits for each store; not a question, but a platform image.
    Component { id: "wait", image: "busybox:1.36", port: None, stateful: false, data_dir: None },
    // The S3 client of the backup and restore-drill CronJobs (k8s/13-backup.yaml).
    Component { id: "rclone", image: "rclone/rclone:1.68.2", port: None, stateful: false, data_dir: None },
    // kubectl and a shell: the one-shot Job that writes a preview's fresh store passwords.
    Component { id: "kubectl", image: "alpine/k8s:1.31.4", port: None, stateful: false, data_dir: None },
];

/// Looks a component up by id.
pub fn component(id: &str) -> Option<&'static Component> {
    COMPONENTS.iter().find(|c| c.id == id)
}

/// The secret keys holding the stores' passwords, which vibe generates and seals itself: the app's own
/// user of each store and, for the databases, the server's superuser (`postgres`) or root user (`admin`),
/// which only the database container receives.
pub const STORE_PASSWORD_KEYS: &[(&str, &str)] = &[
    ("postgres", "POSTGRES_PASSWORD"),
    ("postgres", "POSTGRES_ADMIN_PASSWORD"),
    ("mongo", "MONGO_PASSWORD"),
    ("mongo", "MONGO_ROOT_PASSWORD"),
    ("rabbitmq", "RABBITMQ_PASSWORD"),
];

/// The store password keys only the database server receives (its superuser or root user): the app's
/// container never gets them, it connects with its own user's password.
pub const SERVER_ONLY_PASSWORD_KEYS: &[&str] = &["POSTGRES_ADMIN_PASSWORD", "MONGO_ROOT_PASSWORD"];

/// How the app reaches each store vibe runs, as one connection string: `{user}`, `{host}`, `{port}`
/// and `{db}` are filled in from the app (its user, the store's Service and port, its database),
/// and the password is the Kubernetes reference `$(KEY)` to the app's own store password, which the
/// Deployment declares earlier from the SealedSecret. So the creator never has to write a value they
/// cannot know (the password is generated and never shown), and no secret is copied anywhere.
/// The formats are the ones drivers read as-is: `postgresql://` (SQLAlchemy refuses `postgres://`),
/// mongo's user lives in `admin`, RabbitMQ's default vhost `/` is spelled `%2F`.
pub const STORE_URLS: &[(&str, &str)] = &[
    ("postgres", "postgresql://{user}:$(POSTGRES_PASSWORD)@{host}:{port}/{db}"),
    ("mongo", "mongodb://{user}:$(MONGO_PASSWORD)@{host}:{port}/{db}?authSource=admin"),
    ("redis", "redis://{host}:{port}"),
    ("rabbitmq", "amqp://{user}:$(RABBITMQ_PASSWORD)@{host}:{port}/%2F"),
];

/// The environment variable names apps read a store's connection string from (the names
/// `detect` finds in code), which vibe sets for the stores it runs: never secrets to seal.
pub const STORE_URL_VARS: &[(&str, &str)] = &[
    ("postgres", "DATABASE_URL"),
    ("postgres", "POSTGRES_URL"),
    ("mongo", "DATABASE_URL"),
    ("mongo", "MONGODB_URI"),
    ("mongo", "MONGO_URI"),
    ("mongo", "MONGO_URL"),
    ("redis", "REDIS_URL"),
    ("rabbitmq", "AMQP_URL"),
    ("rabbitmq", "RABBITMQ_URL"),
];

/// The connection-string pattern of `store` ([`STORE_URLS`]), with its `{placeholders}`.
pub fn store_url_pattern(store: &str) -> Option<&'static str> {
    STORE_URLS.iter().find(|(s, _)| *s == store).map(|(_, pattern)| *pattern)
}

/// The connection string of `store` for the app: see [`STORE_URLS`].
pub fn store_url(store: &str, user: &str, host: &str, port: u16, db: &str) -> Option<String> {
    let pattern = store_url_pattern(store)?;
    Some(
        pattern
            .replace("{user}", user)
            .replace("{host}", host)
            .replace("{port}", &port.to_string())
            .replace("{db}", db),
    )
}

/// The environment variables vibe itself sets in the app's container (its ConfigMap and
/// Deployment), besides the secrets and the stores' connection strings: a plain setting in
/// vibe.yaml's `env:` may not reuse them, whichever stores are on (turning one on later must not
/// make a setting collide).
pub const APP_ENV_SET_BY_VIBE: &[&str] = &[
    "APP_NAME",
    "APP_SLUG",
    "APP_VERSION",
    "PORT",
    "MGMT_PORT",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "OTEL_SERVICE_NAME",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "DB_ENGINE",
    "DB_HOST",
    "DB_PORT",
    "DB_NAME",
    "DB_USER",
    "DB_AUTH_SOURCE",
    "REDIS_HOST",
    "REDIS_PORT",
    "RABBITMQ_HOST",
    "RABBITMQ_PORT",
    "RABBITMQ_USER",
];

/// The databases a creator can pick (question 3), besides none.
pub const DATABASES: &[&str] = &["postgres", "mongo"];

/// Optional components (question 4): id, plain-language label.
pub const OPTIONAL_COMPONENTS: &[(&str, &str)] = &[
    ("redis", "Redis: a fast cache or job queue"),
    ("rabbitmq", "RabbitMQ: a message queue between parts of the app"),
    ("nginx", "An nginx front proxy in front of the app"),
    ("ingress", "A public URL with TLS (people reach the app from their browser)"),
];

/// Exporter component for a store, if the store has one.
pub fn exporter_for(store: &str) -> Option<&'static Component> {
    match store {
        "postgres" => component("postgres-exporter"),
        "mongo" => component("mongodb-exporter"),
        "redis" => component("redis-exporter"),
        _ => None,
    }
}

/// Platform settings embedded as defaults (CONTRACT.md, "Platform settings").
pub mod platform_defaults {
    /// Prefix of every namespace and ingress host.
    pub const PREFIX: &str = "platform";
    /// Registry the app image is pushed to and pulled from.
    pub const REGISTRY: &str = "harbor.internal.example.com";
    /// Mirror prefix every third-party image is pulled through; `{registry}` is replaced.
    pub const MIRROR: &str = "{registry}/dockerhub-proxy";
    /// Namespace of the Prometheus that scrapes apps.
    pub const OBSERVABILITY_NAMESPACE: &str = "platform-vibe-observability";
    /// Ingress host pattern; `{prefix}` and `{slug}` are replaced.
    pub const INGRESS_HOST: &str = "{prefix}-{slug}.internal.example.com";
    /// Namespace of the ingress controller.
    pub const INGRESS_CONTROLLER_NAMESPACE: &str = "kube-system";
    /// Label selecting the ingress controller pods.
    pub const INGRESS_CONTROLLER_LABEL: (&str, &str) = ("app.kubernetes.io/name", "traefik");
    /// IngressClass name.
    pub const INGRESS_CLASS: &str = "traefik";
    /// Name of the sealed-secrets controller.
    pub const SEALED_SECRETS_NAME: &str = "sealed-secrets";
    /// Namespace of the sealed-secrets controller.
    pub const SEALED_SECRETS_NAMESPACE: &str = "kube-system";
    /// Namespace pattern; `{prefix}` and `{slug}` are replaced.
    pub const NAMESPACE: &str = "{prefix}-vibe-{slug}";
    /// Namespace ArgoCD runs in.
    pub const ARGOCD_NAMESPACE: &str = "argocd";
    /// Git repository ArgoCD syncs from when the repo has no remote.
    pub const GIT_REPO_URL: &str = "https://git.internal.example.com/vibe/{slug}.git";
    /// Label the Grafana sidecar finds dashboard ConfigMaps by.
    pub const MONITORING_DASHBOARD_LABEL: (&str, &str) = ("grafana_dashboard", "1");
    /// Labels the Prometheus operator selects PrometheusRules by.
    pub const MONITORING_RULE_LABELS: &[(&str, &str)] = &[("release", "prometheus")];
    /// The review gate's image CI runs (`vibe review`); `{registry}` and `{version}` (vibe's own) are replaced.
    pub const GATE_IMAGE: &str = "{registry}/platform/vibe:{version}";
    /// The platform's S3-compatible object storage, outside the cluster, that backups go to.
    pub const BACKUP_ENDPOINT: &str = "https://s3.internal.example.com";
    /// The bucket backups go to; each app writes under `{namespace}/{store}/`.
    pub const BACKUP_BUCKET: &str = "platform-vibe-backups";
    /// The Secret (in the app's namespace) holding AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
    pub const BACKUP_CREDENTIALS_SECRET: &str = "vibe-backup-credentials";
    /// When the backup runs (cron, UTC).
    pub const BACKUP_SCHEDULE: &str = "17 2 * * *";
    /// How many days keep their newest dump.
    pub const BACKUP_KEEP_DAILY: u32 = 7;
    /// How many ISO weeks keep their newest dump.
    pub const BACKUP_KEEP_WEEKLY: u32 = 4;
    /// Host of a pull request's preview; `{prefix}`, `{slug}` and `{number}` are replaced ("" = no Ingress).
    pub const PREVIEWS_HOST: &str = "{prefix}-{slug}-pr-{number}.internal.example.com";
    /// T-shirt size of the app in a preview.
    pub const PREVIEWS_SIZE: &str = "xs";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_cronjob_names_fit_kubernetes_limit() {
        assert_eq!(backup_cronjob_name("shop", "postgres", "backup"), "shop-postgres-backup");
        let long = "a-very-long-application-name-that-fills-the-namespace";
        let name = backup_cronjob_name(long, "postgres", "restore-drill");
        assert!(name.len() <= CRONJOB_NAME_MAX_LEN && name.ends_with("-postgres-restore-drill"), "{name}");
        assert!(!name.contains("--"), "{name}");
    }

    #[test]
    fn preview_namespaces_fit_kubernetes_limit() {
        assert_eq!(preview_namespace_prefix("platform-vibe-shop"), "platform-vibe-shop-pr-");
        let long = format!("platform-vibe-{}", "a-".repeat(24));
        let ns = format!("{}{}", preview_namespace_prefix(&long), "9".repeat(PREVIEW_NUMBER_DIGITS));
        assert!(ns.len() <= NAMESPACE_MAX_LEN && !ns.contains("--"), "{ns}");
    }

    #[test]
    fn stores_never_get_less_than_md() {
        assert_eq!(store_size("xs").id, "md");
        assert_eq!(store_size("md").id, "md");
        assert_eq!(store_size("xl").id, "xl");
    }

    #[test]
    fn every_runtime_id_is_unique_and_images_are_debian() {
        for (i, r) in RUNTIMES.iter().enumerate() {
            assert!(RUNTIMES[i + 1..].iter().all(|o| o.id != r.id), "{} twice", r.id);
            assert!(!r.run_image.contains("alpine"), "{} uses alpine", r.id);
        }
    }
}

/// When a numbered manifest file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// Every app.
    Always,
    /// The app has at least one secret key (its own or a store's credentials).
    AnySecret,
    /// At least one enabled store keeps data.
    AnyStatefulStore,
    /// A database is chosen.
    Database,
    /// Redis is on.
    Redis,
    /// RabbitMQ is on.
    Rabbitmq,
    /// The nginx front is on.
    Nginx,
    /// The public URL is on.
    Ingress,
    /// At least one enabled store has an exporter.
    AnyExporter,
}

/// The numbered manifest files, in apply order, and what each holds.
pub const K8S_FILES: &[(&str, When, &str)] = &[
    ("k8s/00-namespace.yaml", When::Always, "the namespace"),
    ("k8s/01-network-policies.yaml", When::Always, "default-deny-ingress, then each explicit allow"),
    ("k8s/02-sealed-secrets.yaml", When::AnySecret, "sealed secrets (or stubs with sealing steps)"),
    ("k8s/03-configmap.yaml", When::Always, "non-sensitive configuration"),
    ("k8s/04-storage.yaml", When::AnyStatefulStore, "a volume claim for every stateful store"),
    ("k8s/05-db.yaml", When::Database, "the database"),
    ("k8s/06-redis.yaml", When::Redis, "redis"),
    ("k8s/07-rabbitmq.yaml", When::Rabbitmq, "rabbitmq"),
    ("k8s/08-app.yaml", When::Always, "the app Deployment and Service"),
    ("k8s/09-nginx.yaml", When::Nginx, "the nginx front"),
    ("k8s/10-ingress.yaml", When::Ingress, "the public route"),
    ("k8s/11-metrics-exporters.yaml", When::AnyExporter, "exporters for the stores"),
    ("k8s/12-hpa.yaml", When::Always, "the autoscaler"),
    ("k8s/13-backup.yaml", When::Database, "backups to the platform's object storage and a weekly restore drill"),
    ("k8s/14-monitoring.yaml", When::Always, "alerts (PrometheusRule) and the Grafana dashboard"),
];

/// The answers file's name, at the root of the app repo.
pub const ANSWERS_FILE: &str = "vibe.yaml";
/// Placeholder vibe writes for a value that is not sealed yet (check E4 reports it).
pub const UNSEALED_STUB: &str = "REPLACE_ME";
/// The network-policies file, where C-check findings about missing policies belong.
pub const NETWORK_POLICIES_FILE: &str = "k8s/01-network-policies.yaml";
/// The storage file, where D1 findings about missing PVCs belong.
pub const STORAGE_FILE: &str = "k8s/04-storage.yaml";
/// The sealed-secrets file.
pub const SEALED_SECRETS_FILE: &str = "k8s/02-sealed-secrets.yaml";
/// The backup file, where D5 and D6 findings belong.
pub const BACKUP_FILE: &str = "k8s/13-backup.yaml";
/// When the restore drill runs (cron, UTC): weekly, on Sunday, after that night's backup.
pub const RESTORE_DRILL_SCHEDULE: &str = "47 4 * * 0";
/// Longest CronJob name Kubernetes accepts (its Jobs append 11 characters to reach 63).
pub const CRONJOB_NAME_MAX_LEN: usize = 52;

/// Name of a database's backup (`job` = "backup") or restore-drill ("restore-drill") CronJob:
/// `<slug>-<store>-<job>`, the slug shortened when the whole would pass [`CRONJOB_NAME_MAX_LEN`].
pub fn backup_cronjob_name(slug: &str, store: &str, job: &str) -> String {
    let room = CRONJOB_NAME_MAX_LEN.saturating_sub(store.len() + job.len() + 2);
    let short: String = slug.chars().take(room).collect();
    format!("{}-{store}-{job}", short.trim_end_matches('-'))
}

/// The Job a person starts from a CronJob: `<cronjob>-<suffix>`, within the 63 characters of a name.
pub fn manual_job_name(cronjob: &str, suffix: &str) -> String {
    let room = 63usize.saturating_sub(suffix.len() + 1);
    format!("{}-{suffix}", &cronjob[..cronjob.len().min(room)].trim_end_matches('-'))
}

/// The HPA file, where F4 findings belong.
pub const HPA_FILE: &str = "k8s/12-hpa.yaml";
/// The CI workflow.
pub const CI_FILE: &str = ".github/workflows/ci.yml";
/// The CD workflow.
pub const CD_FILE: &str = ".github/workflows/cd-argocd.yml";
/// The ArgoCD Application.
pub const ARGOCD_FILE: &str = "argocd/application.yaml";
/// The ArgoCD ApplicationSet of the pull requests' previews.
pub const PREVIEWS_FILE: &str = "argocd/previews.yaml";
/// Digits a pull request's number may have in a preview's namespace (`<namespace>-pr-<number>`).
pub const PREVIEW_NUMBER_DIGITS: usize = 6;

/// The start of a preview's namespace, before the pull request's number: `<namespace>-pr-`, the
/// app's namespace shortened so that a number of [`PREVIEW_NUMBER_DIGITS`] digits still fits a
/// namespace name ([`NAMESPACE_MAX_LEN`]).
pub fn preview_namespace_prefix(namespace: &str) -> String {
    let room = NAMESPACE_MAX_LEN - PREVIEW_NUMBER_DIGITS - "-pr-".len();
    let short: String = namespace.chars().take(room).collect();
    format!("{}-pr-", short.trim_end_matches('-'))
}

/// The Helm chart folder.
pub const CHART_DIR: &str = "helm/vibe-stack";
/// Volume size for each stateful store's PVC.
pub const STORE_STORAGE: &str = "5Gi";
/// HPA bounds: min replicas, max replicas, CPU target percent.
pub const HPA: (u32, u32, u32) = (1, 3, 75);
