//! The review gate's check catalogue: one entry per check, as data.
//!
//! `vibe checks`, `vibe explain`, SARIF rules and the review itself all read this table;
//! the check functions live in `review/` and are registered by id.

use serde::Serialize;

/// How much a finding matters. CRITICAL blocks deployment; there is no override.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks deployment (exit status 1).
    Critical,
    /// Reported; does not block.
    Warning,
}

impl Severity {
    /// Upper-case label used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "CRITICAL",
            Severity::Warning => "WARNING",
        }
    }
}

/// The part of the app a check is about; the letter of the check id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    /// A: images and where they come from.
    Image,
    /// B: ports and health probes.
    Health,
    /// C: network policies.
    Network,
    /// D: persistent storage.
    Storage,
    /// E: secrets.
    Secrets,
    /// F: CPU and memory.
    Resources,
    /// G: metrics and logs.
    Observability,
    /// H: the public route.
    Ingress,
    /// S: application source code.
    Source,
    /// P: CI/CD pipeline.
    Pipeline,
}

impl Area {
    /// Every area in report order.
    pub const ALL: [Area; 10] = [
        Area::Image,
        Area::Health,
        Area::Network,
        Area::Storage,
        Area::Secrets,
        Area::Resources,
        Area::Observability,
        Area::Ingress,
        Area::Source,
        Area::Pipeline,
    ];

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Area::Image => "image",
            Area::Health => "health",
            Area::Network => "network",
            Area::Storage => "storage",
            Area::Secrets => "secrets",
            Area::Resources => "resources",
            Area::Observability => "observability",
            Area::Ingress => "ingress",
            Area::Source => "source",
            Area::Pipeline => "pipeline",
        }
    }
}

/// Declares [`CheckId`] with its text form, so a check's id is typed everywhere and a string
/// only where it is parsed (`vibe explain A1`, vibe.yaml's `review.ignore`) or printed.
macro_rules! check_ids {
    ($($id:ident),* $(,)?) => {
        /// A check of the review gate, by its catalogue id (`A1` … `P5`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum CheckId {
            $(
                #[doc = concat!("Check ", stringify!($id), ".")]
                $id,
            )*
        }

        impl CheckId {
            /// Every check id, in catalogue order.
            pub const ALL: &'static [CheckId] = &[$(CheckId::$id),*];

            /// The id as printed, e.g. `"A1"`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(CheckId::$id => stringify!($id),)*
                }
            }
        }
    };
}

check_ids!(
    A1, A2, A3, A4, A5, A6, A7, B1, B2, B3, B4, B5, B6, B7, B8, C1, C2, C3, C4, C5, C6, D1, D2, D3, D4, D5, D6, E1, E2,
    E3, E4, E5, E6, E7, F1, F2, F3, F4, G1, G2, G3, G4, G5, G6, G7, H1, H2, H3, S1, S2, S3, S4, S5, P1, P2, P3, P4, P5,
    P6, P7,
);

impl CheckId {
    /// Parses an id as a creator types it (`a1`, `A1`); `None` when no check has it.
    pub fn parse(text: &str) -> Option<CheckId> {
        CheckId::ALL.iter().copied().find(|id| id.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The check's catalogue entry.
    pub fn info(self) -> &'static CheckInfo {
        // CATALOGUE lists every id once, in `ALL` order (tested below).
        &CATALOGUE[self as usize]
    }
}

impl std::fmt::Display for CheckId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `pad`, so widths and alignment (`{:<3}`) apply as they do to the id as a string.
        f.pad(self.as_str())
    }
}

impl Serialize for CheckId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One check of the review gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CheckInfo {
    /// Stable id, e.g. `A1`.
    pub id: CheckId,
    /// Area (the id's letter).
    pub area: Area,
    /// Critical or warning.
    pub severity: Severity,
    /// What the check verifies, as a short line.
    pub title: &'static str,
    /// Why the rule exists, in plain words for a non-engineer.
    pub rationale: &'static str,
    /// How to fix a finding, in general terms (findings add the exact value where known).
    pub fix: &'static str,
}

/// Looks a check up by id (case-insensitive).
pub fn check(id: &str) -> Option<&'static CheckInfo> {
    CheckId::parse(id).map(CheckId::info)
}

use Area::*;
use Severity::*;

/// Every check, in catalogue order (A1 … P5).
pub const CATALOGUE: &[CheckInfo] = &[
    CheckInfo {
        id: CheckId::A1,
        area: Image,
        severity: Critical,
        title: "No `:latest` or untagged image anywhere",
        rationale: "An image without a fixed tag can change under the app without anyone deploying anything: a \
                    restart may pull different code, and nobody can tell which version runs or roll back to it.",
        fix: "Tag every image with an exact version; the app image is tagged with the repo's short commit SHA.",
    },
    CheckInfo {
        id: CheckId::A2,
        area: Image,
        severity: Critical,
        title: "Every Dockerfile FROM declares `--platform=linux/amd64`",
        rationale: "The cluster's machines are amd64 (Intel/AMD). An image built on an Apple-silicon laptop without \
                    this flag is made for ARM, and the app crashes on start with \"exec format error\".",
        fix: "Write every FROM line, build stages included, as `FROM --platform=linux/amd64 <image>:<tag>`.",
    },
    CheckInfo {
        id: CheckId::A3,
        area: Image,
        severity: Critical,
        title: "Pod securityContext sets `runAsNonRoot: true` and a non-zero runAsUser",
        rationale: "A program running as root inside a container is one bug away from taking over the machine it \
                    runs on, and every other app on it. Running as an ordinary user limits what an attacker can do.",
        fix: "In the pod template's `spec.securityContext` set `runAsNonRoot: true` and `runAsUser` to a non-zero \
              id (e.g. 10001, with the same `runAsGroup` and `fsGroup`); the Dockerfile's final stage should create \
              that user and switch to it with `USER`.",
    },
    CheckInfo {
        id: CheckId::A4,
        area: Image,
        severity: Critical,
        title: "Every container drops ALL capabilities and sets allowPrivilegeEscalation false",
        rationale: "Linux capabilities are special powers (changing network settings, reading other processes); a \
                    web app needs none of them. Leaving them on gives an attacker who gets in more tools to break \
                    out.",
        fix: "In every container's `securityContext`, initContainers and sidecars included, set `capabilities: \
              {drop: [\"ALL\"]}` and `allowPrivilegeEscalation: false`.",
    },
    CheckInfo {
        id: CheckId::A5,
        area: Image,
        severity: Critical,
        title: "No bare Docker Hub image reference (`name:tag`, `docker.io/...`)",
        rationale: "Pulling straight from Docker Hub hits its download limits, so deployments fail at random, and \
                    it skips the platform mirror where images are cached and checked.",
        fix: "Pull the image through the platform mirror: put the mirror prefix (`<registry>/dockerhub-proxy/`) in \
              front of the reference and drop any `docker.io/` or `docker.io/library/` part, keeping the same name \
              and tag; `vibe generate` writes mirror references for every platform image.",
    },
    CheckInfo {
        id: CheckId::A6,
        area: Image,
        severity: Critical,
        title: "The app image comes from the platform registry",
        rationale: "The cluster trusts only app images that went through the platform's CI, where they were built, \
                    scanned for leaked secrets and scanned for critical vulnerabilities. An image from anywhere \
                    else skipped those checks and may not even be pullable.",
        fix: "Let CI build and push the app image to the platform registry (`<registry>/vibe/<slug>`, tagged with \
              the commit SHA) and point the Deployment and the chart's `image.repository` at it; `vibe generate` \
              writes both.",
    },
    CheckInfo {
        id: CheckId::A7,
        area: Image,
        severity: Critical,
        title: "The image builds: every COPY/ADD source is in the build context and each install step has its files",
        rationale: "`docker build` stops at a COPY whose file is missing or left out by .dockerignore, and at an \
                    install step without its lockfile (`npm ci` without package-lock.json, `pip install -r` without \
                    its requirements file, `go build` without go.sum). CI then publishes nothing and the app is never \
                    deployed, however clean the rest of the review is.",
        fix: "Commit the missing file (a lockfile is written by the app's own package manager: `npm install \
              --package-lock-only`, `yarn install`, `pnpm install --lockfile-only`, `go mod tidy`, `poetry lock`), \
              copy it in before the step that needs it, or stop .dockerignore from leaving it out.",
    },
    CheckInfo {
        id: CheckId::B1,
        area: Health,
        severity: Critical,
        title: "The app container declares containerPort 8081",
        rationale: "The platform sends users' requests and collects metrics on port 8081. If the app container does \
                    not declare it, the Service and network policies have nothing to point at and the app cannot be \
                    reached.",
        fix: "Add `- name: http` / `containerPort: 8081` under the app container's `ports`, and make the app listen \
              on 0.0.0.0:8081 (not localhost, not its framework's default port).",
    },
    CheckInfo {
        id: CheckId::B2,
        area: Health,
        severity: Critical,
        title: "The app container declares containerPort 8082",
        rationale: "Kubernetes checks the app's health on a separate management port, 8082, kept apart from user \
                    traffic so it is never published. Without it the health checks have nowhere to go.",
        fix: "Add `- name: mgmt` / `containerPort: 8082` under the app container's `ports` and serve /readiness, \
              /liveness, /info and /shutdown there (the generated observability/ skeleton does it; an app that \
              cannot gets the nginx mgmt sidecar).",
    },
    CheckInfo {
        id: CheckId::B3,
        area: Health,
        severity: Critical,
        title: "livenessProbe is an httpGet on /liveness, port 8082",
        rationale: "The liveness probe is how Kubernetes notices that the app has hung and restarts it. Without it, \
                    a frozen app stays frozen until a user complains.",
        fix: "On the app container set `livenessProbe: {httpGet: {path: /liveness, port: 8082}}` with \
              `timeoutSeconds: 5` or more; the endpoint answers 200 `{\"status\":\"UP\"}`, or 503 \
              `{\"status\":\"DOWN\"}` when the app must be restarted.",
    },
    CheckInfo {
        id: CheckId::B4,
        area: Health,
        severity: Critical,
        title: "readinessProbe is an httpGet on /readiness, port 8082",
        rationale: "The readiness probe tells Kubernetes when the app can take requests. Without it, users are sent \
                    to an app that is still starting or has lost its database, and see errors on every deploy.",
        fix: "On the app container set `readinessProbe: {httpGet: {path: /readiness, port: 8082}}` with \
              `timeoutSeconds: 5` or more; the endpoint answers 200 `{\"status\":\"UP\"}`, or 503 \
              `{\"status\":\"OUT_OF_SERVICE\"}` while the app cannot serve.",
    },
    CheckInfo {
        id: CheckId::B5,
        area: Health,
        severity: Critical,
        title: "Probe timeoutSeconds is at least 5 (at least 10 where readiness checks the database)",
        rationale: "Kubernetes waits only 1 second by default. One slow moment (a busy database, a garbage \
                    collection) then looks like a dead app, and Kubernetes restarts or unroutes a healthy app, \
                    often over and over.",
        fix: "Set `timeoutSeconds: 5` or more on every probe, and `timeoutSeconds: 10` or more on the readiness \
              probe when the /readiness endpoint checks the database.",
    },
    CheckInfo {
        id: CheckId::B6,
        area: Health,
        severity: Critical,
        title: "No Ingress rule routes to the management port 8082",
        rationale: "The management port reports internal details and has a /shutdown endpoint. Published on the \
                    network, anyone could read it or stop the app.",
        fix: "Point every Ingress backend at the app's `http` port 8081, or at the nginx front; never at port 8082 \
              or a port named `mgmt`.",
    },
    CheckInfo {
        id: CheckId::B7,
        area: Health,
        severity: Critical,
        title: "The app listens on 8081 (or PORT) for traffic and 8082 (or MGMT_PORT) for management",
        rationale: "The platform sends users to port 8081 and Kubernetes' probes to 8082. An app that listens \
                    elsewhere (a hard-coded 3000 or 5000) never answers: the pod is restarted over and over and the \
                    app is never reachable.",
        fix: "Read the port from the environment with 8081 as the default (`app.listen(process.env.PORT || 8081)`, \
              `port=int(os.environ.get(\"PORT\", \"8081\"))`), and serve the management endpoints on `MGMT_PORT` \
              (8082), for example through the generated observability module.",
    },
    CheckInfo {
        id: CheckId::B8,
        area: Health,
        severity: Critical,
        title: "The image starts the app in production mode with a command that exists",
        rationale: "A CMD naming a file that is not in the image exits at once; a development server (`flask run`, \
                    nodemon, `npm run dev`, `--reload`) restarts on file changes, runs slowly and can expose a \
                    debugger that lets anyone run code.",
        fix: "End the Dockerfile with the production start of the app's framework: `node server.js`, `npm start` \
              running the built app, gunicorn or uvicorn (without `--reload`) on the app module, the built \
              binary or jar; declare the server (gunicorn, uvicorn) in the dependency file, pinned.",
    },
    CheckInfo {
        id: CheckId::C1,
        area: Network,
        severity: Critical,
        title: "A default-deny-ingress NetworkPolicy (empty podSelector, policyTypes Ingress) exists",
        rationale: "Without it, every pod in the cluster, other teams' apps included, can connect straight to your \
                    app and your database. Denying everything first and then allowing only what is needed keeps one \
                    app's problem from spreading.",
        fix: "Add a NetworkPolicy named `default-deny-ingress` with `podSelector: {}`, `policyTypes: [Ingress]` and \
              no ingress rules, as the first document of k8s/01-network-policies.yaml.",
    },
    CheckInfo {
        id: CheckId::C2,
        area: Network,
        severity: Critical,
        title: "Explicit allow: ingress controller to the routed pod (and nginx to app:8081)",
        rationale: "Once everything is denied, the ingress controller that carries users' requests must be let in \
                    explicitly, or the public URL answers with a gateway error. With an nginx front, nginx must \
                    also be allowed to reach the app.",
        fix: "Add a NetworkPolicy selecting the routed pods (the app on port 8081, or the nginx front on its port) \
              with an ingress rule from the ingress controller: a `namespaceSelector` on the controller's namespace \
              plus a `podSelector` on its label (both are platform settings). With an nginx front, add one more \
              allowing the nginx pods to reach the app on port 8081.",
    },
    CheckInfo {
        id: CheckId::C3,
        area: Network,
        severity: Critical,
        title: "Explicit allow: observability namespace to app:8081",
        rationale: "The platform's Prometheus collects your app's metrics from its own namespace. Behind \
                    default-deny it is shut out: dashboards go blank and alerts never fire.",
        fix: "Add a NetworkPolicy selecting the app pods with an ingress rule from the observability namespace \
              (`namespaceSelector` on `kubernetes.io/metadata.name`) on TCP port 8081.",
    },
    CheckInfo {
        id: CheckId::C4,
        area: Network,
        severity: Critical,
        title: "Explicit allow: app to the database port (5432 / 27017), if a database is enabled",
        rationale: "Behind default-deny, the database refuses the app's connections unless they are allowed, so the \
                    app fails to start or every page errors. The rule also keeps every other pod away from your \
                    data.",
        fix: "Add a NetworkPolicy selecting the database pods with an ingress rule from the app pods (`podSelector` \
              on the app's name and component labels) on TCP port 5432 for postgres or 27017 for mongo.",
    },
    CheckInfo {
        id: CheckId::C5,
        area: Network,
        severity: Critical,
        title: "Explicit allow: app to redis:6379, if enabled",
        rationale: "Behind default-deny, redis refuses the app's connections unless they are allowed, and the app's \
                    cache or job queue stops working.",
        fix: "Add a NetworkPolicy selecting the redis pods with an ingress rule from the app pods on TCP port 6379.",
    },
    CheckInfo {
        id: CheckId::C6,
        area: Network,
        severity: Critical,
        title: "Explicit allow: app to rabbitmq:5672, if enabled",
        rationale: "Behind default-deny, rabbitmq refuses the app's connections unless they are allowed, and \
                    messages between parts of the app are never delivered.",
        fix: "Add a NetworkPolicy selecting the rabbitmq pods with an ingress rule from the app pods on TCP port \
              5672.",
    },
    CheckInfo {
        id: CheckId::D1,
        area: Storage,
        severity: Critical,
        title: "A PVC exists for every stateful store, in a file applied before the store",
        rationale: "Without a persistent volume, a database keeps its data inside the container, and everything is \
                    lost the next time the pod restarts, moves or is updated. (Redis is only a cache and needs \
                    none.)",
        fix: "Add a PersistentVolumeClaim for each of postgres, mongo and rabbitmq in k8s/04-storage.yaml (or in an \
              earlier document of the store's own file) and mount it at the store's data directory.",
    },
    CheckInfo {
        id: CheckId::D2,
        area: Storage,
        severity: Critical,
        title: "Stateful store Deployments use strategy Recreate",
        rationale: "The default rolling update starts the new database pod before stopping the old one. Both want \
                    the same volume: the new pod hangs waiting for it, or both write the same files and corrupt \
                    them.",
        fix: "Set `spec.strategy.type: Recreate` (and no `rollingUpdate` block) on every postgres, mongo and \
              rabbitmq Deployment.",
    },
    CheckInfo {
        id: CheckId::D3,
        area: Storage,
        severity: Critical,
        title: "The app waits for each enabled store in an initContainer",
        rationale: "On a fresh start the app often comes up before its database, cache or queue, fails its first \
                    connection and restarts in a loop (CrashLoopBackOff), which looks like a broken app.",
        fix: "Add one initContainer per enabled store to the app's pod template that waits until the store's \
              Service answers on its port (e.g. a loop of `nc -z <service> <port>` with the platform's wait image), \
              with the same securityContext and resources rules as the other containers.",
    },
    CheckInfo {
        id: CheckId::D4,
        area: Storage,
        severity: Critical,
        title: "No data in the container filesystem (store data dirs on PVCs, no local database file)",
        rationale: "A container's own files vanish on every restart or deploy. A database directory on an emptyDir, \
                    or a SQLite file next to the app, works in a demo and loses all data the first time the pod is \
                    replaced.",
        fix: "Mount each stateful store's data directory from its PersistentVolumeClaim (`persistentVolumeClaim`, \
              not `emptyDir`). Move app data out of local files such as `*.sqlite` or `*.db` into a real database: \
              set `database:` in vibe.yaml and run `vibe generate`.",
    },
    CheckInfo {
        id: CheckId::D5,
        area: Storage,
        severity: Critical,
        title: "Every database has a backup CronJob that sends its dump outside the cluster",
        rationale: "Backups that live next to the data die with it: a lost disk, a deleted namespace or one mistaken \
                    command (by a person or an AI assistant) removes the database and its backups together. A dump to \
                    a volume of the same namespace is no backup.",
        fix: "Add a CronJob (concurrencyPolicy Forbid) that dumps the database as the app's own user and uploads the \
              dump to the platform's object storage with credentials from a Secret, keeping daily and weekly dumps: \
              `vibe generate` writes one in k8s/13-backup.yaml.",
    },
    CheckInfo {
        id: CheckId::D6,
        area: Storage,
        severity: Warning,
        title: "A scheduled restore drill restores the latest backup into a scratch database",
        rationale: "A backup nobody has restored is a hope, not a backup: dumps that are empty, truncated or \
                    unreadable are found on the worst possible day.",
        fix: "Add a weekly CronJob that downloads the newest dump, restores it into a throw-away database inside its \
              own pod (never the real one) and fails loudly when a table is missing or empty: `vibe generate` writes \
              one in k8s/13-backup.yaml.",
    },
    CheckInfo {
        id: CheckId::E1,
        area: Secrets,
        severity: Critical,
        title: "No `kind: Secret` in the repo; only SealedSecret",
        rationale: "A Kubernetes Secret is only base64-encoded, not encrypted: anyone who can read the repo can \
                    decode the password in a second, and git keeps it forever.",
        fix: "Delete the Secret, change every value it held (they are leaked), and store the new values in the \
              app's SealedSecret with `vibe seal NAME`, which encrypts one value for the app's namespace.",
    },
    CheckInfo {
        id: CheckId::E2,
        area: Secrets,
        severity: Critical,
        title: "No passwords, tokens or keys in ConfigMaps",
        rationale: "A ConfigMap is plain text, committed to git and readable by anyone with read access to the \
                    namespace.",
        fix: "Move the value into the app's SealedSecret with `vibe seal NAME`, remove it from the ConfigMap, read \
              it in the container through `secretKeyRef`, and change the leaked value.",
    },
    CheckInfo {
        id: CheckId::E3,
        area: Secrets,
        severity: Critical,
        title: "No credentials in Dockerfile ENV or ARG",
        rationale: "Values set with ENV or ARG are baked into the image and anyone who can pull it can read them \
                    (`docker history`), in every copy, forever.",
        fix: "Remove the ENV/ARG line and give the value at run time from the SealedSecret (an env entry with \
              `secretKeyRef`); change the leaked value. A token needed only while building goes in a BuildKit \
              secret mount (`RUN --mount=type=secret,...`).",
    },
    CheckInfo {
        id: CheckId::E4,
        area: Secrets,
        severity: Critical,
        title: "No CHANGE_ME / REPLACE_ME placeholders remain",
        rationale: "A placeholder is an unfinished step: the app starts with the literal text as its password, or \
                    the SealedSecret cannot be decrypted and the app never starts.",
        fix: "Replace each placeholder with the real value: for a SealedSecret stub run `vibe seal NAME` (it asks \
              for the value and writes the ciphertext); elsewhere set the value in vibe.yaml and run `vibe \
              generate`.",
    },
    CheckInfo {
        id: CheckId::E5,
        area: Secrets,
        severity: Critical,
        title: "Credential-like env vars come from secretKeyRef, never a plain `value:`",
        rationale: "An env var whose password is written as `value:` sits in plain text in the manifest, in git and \
                    in the output of every `describe` of the pod.",
        fix: "Replace `value: ...` with `valueFrom: {secretKeyRef: {name: <slug>-secrets, key: NAME}}`, seal the \
              value with `vibe seal NAME`, and change the exposed value.",
    },
    CheckInfo {
        id: CheckId::E6,
        area: Secrets,
        severity: Critical,
        title: "Each SealedSecret's namespace is the deployment namespace",
        rationale: "A SealedSecret is encrypted for one namespace. Anywhere else the controller refuses to decrypt \
                    it, no Secret appears, and the pods never start (CreateContainerConfigError).",
        fix: "Set `metadata.namespace` to the app's namespace (`<prefix>-vibe-<slug>`) and seal the values again \
              with `vibe seal NAME`: values sealed for another namespace stay bound to it.",
    },
    CheckInfo {
        id: CheckId::E7,
        area: Secrets,
        severity: Critical,
        title: "SealedSecret values are real ciphertext sealed with the platform certificate",
        rationale: "A value that is only base64 of the password is a readable password in disguise. A value sealed \
                    with another cluster's certificate cannot be decrypted here, and the app never starts.",
        fix: "Seal each value again with `vibe seal NAME`, which uses the platform's sealed-secrets certificate; \
              never paste base64 text or values sealed for another cluster. If the platform certificate changed, \
              fetch the current one and re-seal.",
    },
    CheckInfo {
        id: CheckId::F1,
        area: Resources,
        severity: Warning,
        title: "Every container declares cpu and memory requests",
        rationale: "Requests are what Kubernetes reserves for a container when it picks a machine. Without them the \
                    app can be squeezed onto a full machine, runs slowly, and is the first evicted when memory runs \
                    short.",
        fix: "Set `resources.requests.cpu` and `resources.requests.memory` on every container, initContainers \
              included: the t-shirt size's requests (`vibe checks` shows them).",
    },
    CheckInfo {
        id: CheckId::F2,
        area: Resources,
        severity: Warning,
        title: "Every container declares cpu and memory limits",
        rationale: "Without limits, one memory leak or runaway loop can take a whole machine's memory or CPU and \
                    slow down or crash every other app on it.",
        fix: "Set `resources.limits.cpu` and `resources.limits.memory` on every container, initContainers included: \
              the t-shirt size's limits (`vibe checks` shows them).",
    },
    CheckInfo {
        id: CheckId::F3,
        area: Resources,
        severity: Warning,
        title: "App resources equal its t-shirt size; databases at least md",
        rationale: "The platform plans capacity and cost by t-shirt size. Hand-tuned numbers drift from the plan, \
                    and a database below md runs out of memory under ordinary load.",
        fix: "Give the app container exactly its t-shirt size's requests and limits (`vibe checks` shows them), or \
              change `size` in vibe.yaml and run `vibe generate`; give databases md or a larger size.",
    },
    CheckInfo {
        id: CheckId::F4,
        area: Resources,
        severity: Warning,
        title: "An HPA targets the app with 1 <= minReplicas <= maxReplicas",
        rationale: "The autoscaler adds copies of the app when it is busy and removes them when it is quiet. \
                    Without it, or with an impossible minimum and maximum, a rush of users slows the app to a \
                    crawl.",
        fix: "Add a HorizontalPodAutoscaler (`autoscaling/v2`) in k8s/12-hpa.yaml whose `scaleTargetRef` is the app \
              Deployment (`<slug>-app`), with `minReplicas` of at least 1, `maxReplicas` not below it, and a CPU \
              utilisation target.",
    },
    CheckInfo {
        id: CheckId::G1,
        area: Observability,
        severity: Critical,
        title: "The pod template has prometheus.io/scrape, /port and /path annotations",
        rationale: "These annotations tell the platform's Prometheus which pods to collect metrics from and where. \
                    Without them your dashboards and alerts show nothing.",
        fix: "Under the app Deployment's `spec.template.metadata.annotations` set `prometheus.io/scrape: \"true\"`, \
              `prometheus.io/port: \"8081\"` and `prometheus.io/path: /metrics` (values as quoted strings).",
    },
    CheckInfo {
        id: CheckId::G2,
        area: Observability,
        severity: Critical,
        title: "The app serves /metrics in Prometheus format",
        rationale: "Metrics show whether the app works and how it is used, your business numbers included. Without \
                    them problems are noticed only when users complain.",
        fix: "Add your language's Prometheus client library and serve `GET /metrics` on port 8081; the generated \
              observability/ folder has the handler and your business metrics ready to wire in. Without a running \
              app only the source is checked, and the report says so.",
    },
    CheckInfo {
        id: CheckId::G3,
        area: Observability,
        severity: Critical,
        title: "The app logs JSON to stdout",
        rationale: "The platform collects what the app prints to stdout, and can search, filter by level and alert \
                    only when each line is one JSON object. Plain text lines are nearly useless there.",
        fix: "Configure a JSON logger that writes one JSON object per line to stdout (the generated observability/ \
              skeleton sets one up) and use it for all logging, replacing print/console output.",
    },
    CheckInfo {
        id: CheckId::G4,
        area: Observability,
        severity: Critical,
        title: "No file-based logging",
        rationale: "Log files inside a container are never collected by the platform, vanish at every restart, and \
                    can fill the disk until the pod is evicted.",
        fix: "Remove file log handlers and log-file mounts (FileHandler, RotatingFileHandler, winston \
              `transports.File`, file appenders, log volumes) and log to stdout only.",
    },
    CheckInfo {
        id: CheckId::G5,
        area: Observability,
        severity: Warning,
        title: "Log lines carry time, level and msg",
        rationale: "Without these three fields the log search cannot sort lines by time, find errors or show what \
                    happened, and every incident takes longer to understand.",
        fix: "Name the fields exactly `time` (ISO 8601, e.g. `2026-01-31T12:00:00Z`), `level` and `msg`: rename the \
              logger's defaults (such as `timestamp`, `message`, `levelname`, `asctime`) with its renaming option.",
    },
    CheckInfo {
        id: CheckId::G6,
        area: Observability,
        severity: Critical,
        title: "No PII or credentials in log output",
        rationale: "Logs are kept a long time and read by many people and tools. An email address, card number, \
                    password or Bearer token in a log line is a data leak and may break privacy law.",
        fix: "Stop passing those values to log calls: log a user id instead of an email, at most the last 4 digits \
              of a card, and never passwords, tokens or Authorization headers. Change any secret that was already \
              logged.",
    },
    CheckInfo {
        id: CheckId::G7,
        area: Observability,
        severity: Warning,
        title: "Someone is told when it breaks: the app has its alerts and its dashboard",
        rationale: "An app can be down, failing or quietly doing nothing for days before anyone notices. Alerts \
                    from the app's own numbers (is it up, errors, slowness, a business number that stops moving) \
                    and a dashboard of them tell someone in minutes.",
        fix: "Keep k8s/14-monitoring.yaml (`vibe generate` writes it from vibe.yaml): a PrometheusRule with the \
              app's alerts (down, restarting, errors, slow, each business counter stalled) and a ConfigMap with \
              its Grafana dashboard, labelled as the platform's Grafana expects.",
    },
    CheckInfo {
        id: CheckId::H1,
        area: Ingress,
        severity: Warning,
        title: "Ingress host matches the cluster pattern",
        rationale: "The cluster's DNS names and TLS certificates cover only host names that follow the platform \
                    pattern; any other host does not resolve or shows a certificate warning.",
        fix: "Set each rule's `host` to the app's platform host, `<prefix>-<slug>` on the cluster's domain (`vibe \
              generate` writes it).",
    },
    CheckInfo {
        id: CheckId::H2,
        area: Ingress,
        severity: Warning,
        title: "Ingress has TLS",
        rationale: "Without TLS, passwords and data travel in clear text and browsers mark the site as not secure.",
        fix: "Add `spec.tls` to the Ingress listing the app's host and the secret name `<slug>-tls`.",
    },
    CheckInfo {
        id: CheckId::H3,
        area: Ingress,
        severity: Warning,
        title: "/metrics is not reachable through the external route",
        rationale: "/metrics shares the traffic port and shows internal numbers (traffic, errors, your business \
                    figures) that outsiders should not see.",
        fix: "Route the Ingress to the nginx front, which answers 404 for /metrics (set `nginx` in vibe.yaml's \
              components and run `vibe generate`), instead of straight to the app's port 8081.",
    },
    CheckInfo {
        id: CheckId::S1,
        area: Source,
        severity: Critical,
        title: "No hardcoded credentials in application source or app config files",
        rationale: "A password or API key in the code is readable by anyone with the repo and stays in git history \
                    even after it is deleted; leaked keys are often abused within hours.",
        fix: "Read the value from an environment variable instead (e.g. `os.environ[\"API_KEY\"]`, \
              `process.env.API_KEY`), add its name under `secrets:` in vibe.yaml, seal it with `vibe seal NAME`, \
              run `vibe generate`, and revoke or change the exposed value.",
    },
    CheckInfo {
        id: CheckId::S2,
        area: Source,
        severity: Critical,
        title: "`.env` files are gitignored and not committed",
        rationale: ".env files hold local passwords and keys. Committed, they are in git history for everyone with \
                    access to the repo, forever.",
        fix: "Add `.env` and `.env.*` to .gitignore, remove the file from git with `git rm --cached .env`, and \
              change every value it held. List the settings' names in the README instead of a committed env file.",
    },
    CheckInfo {
        id: CheckId::S3,
        area: Source,
        severity: Critical,
        title: "No SQL built by string formatting or concatenation",
        rationale: "Pasting user input into SQL text lets an attacker rewrite the query (SQL injection): read every \
                    row, change data or delete tables.",
        fix: "Use parameterised queries and pass values separately (e.g. `execute(\"... WHERE id = %s\", (id,))`, \
              `query(\"... WHERE id = $1\", [id])`) or the ORM's query builder; never f-strings, `%`, `+` or \
              template literals.",
    },
    CheckInfo {
        id: CheckId::S4,
        area: Source,
        severity: Warning,
        title: "Dependencies are pinned (a lockfile, or `==` on every Python requirement)",
        rationale: "Without pinned versions each build may install newer libraries: a build that worked yesterday \
                    breaks today, or pulls in a compromised release.",
        fix: "Commit the lockfile your package manager writes (package-lock.json, yarn.lock, pnpm-lock.yaml, \
              poetry.lock, uv.lock, go.sum, Cargo.lock, composer.lock, a Gradle or Maven lock) and install from it \
              (`npm ci`); with plain pip, pin every package with `==` (`pip freeze > requirements.txt`).",
    },
    CheckInfo {
        id: CheckId::S5,
        area: Source,
        severity: Critical,
        title: "The database is reached with an app-scoped user, never a superuser",
        rationale: "A superuser can do anything to every database on the server, so one bug or injection in the app \
                    can wipe it all. An app-scoped user limits the damage to the app's own data.",
        fix: "Connect as the app's own database user (`vibe generate` names it after the app and keeps its password \
              in the SealedSecret); change connection strings and user settings away from postgres, root or admin.",
    },
    CheckInfo {
        id: CheckId::P1,
        area: Pipeline,
        severity: Critical,
        title: "CI builds linux/amd64 and tags the image with the commit SHA",
        rationale: "An image for the wrong processor crashes on the cluster, and a tag other than the commit SHA \
                    (such as `latest`) makes it impossible to know which code runs or to roll back.",
        fix: "In .github/workflows/ci.yml build with `platforms: linux/amd64` (or `--platform linux/amd64`) and tag \
              the image with the short commit SHA (the first 7 characters of `github.sha`); never push `:latest`. \
              `vibe generate` writes this workflow.",
    },
    CheckInfo {
        id: CheckId::P2,
        area: Pipeline,
        severity: Critical,
        title: "CI scans for secrets before pushing",
        rationale: "If a password slipped into the code, the scan stops it before the image is published; after the \
                    push it is too late.",
        fix: "Add a secret-scanning step (trufflehog or gitleaks) that fails the job on findings, placed before the \
              image push step in the CI workflow.",
    },
    CheckInfo {
        id: CheckId::P3,
        area: Pipeline,
        severity: Critical,
        title: "CI fails on CRITICAL image CVEs before pushing",
        rationale: "Images with known critical vulnerabilities can be attacked with ready-made tools; the scan \
                    keeps them out of the registry.",
        fix: "Add a trivy image scan with `severity: CRITICAL` and `exit-code: 1` after the build and before the \
              push step; fix what it finds by updating the base image (`vibe generate`) or the vulnerable \
              dependency.",
    },
    CheckInfo {
        id: CheckId::P4,
        area: Pipeline,
        severity: Critical,
        title: "CD never runs kubectl or helm against the cluster (it only commits the new tag)",
        rationale: "ArgoCD deploys whatever the repo says. A pipeline that runs kubectl or helm changes the cluster \
                    behind its back, needs cluster credentials in CI, and its changes are undone at the next sync.",
        fix: "Remove kubectl and helm steps from the workflows; CD only writes the new `image.tag` into \
              helm/vibe-stack/values.yaml and pushes the commit, and ArgoCD deploys it.",
    },
    CheckInfo {
        id: CheckId::P5,
        area: Pipeline,
        severity: Warning,
        title: "The ArgoCD Application syncs automatically with prune and selfHeal",
        rationale: "Without automatic sync a pushed change never deploys; without prune, deleted objects linger in \
                    the cluster; without selfHeal, hand changes in the cluster stay and drift from the repo.",
        fix: "In argocd/application.yaml set `spec.syncPolicy.automated` with `prune: true` and `selfHeal: true`.",
    },
    CheckInfo {
        id: CheckId::P6,
        area: Pipeline,
        severity: Critical,
        title: "CI runs this review gate before it pushes the image, and the push depends on it passing",
        rationale: "CRITICAL findings block deployment only if something runs the review on the way: without the \
                    gate in CI, a repo the review blocks is pushed anyway and ArgoCD deploys it.",
        fix: "Run `vibe review` (the platform's gate image, or the binary) in a job of the CI workflow, without \
              `continue-on-error` or `|| true`, and give the pushing job `needs:` on it (or run it earlier in the \
              same job). `vibe generate` writes this workflow.",
    },
    CheckInfo {
        id: CheckId::P7,
        area: Pipeline,
        severity: Critical,
        title: "What ArgoCD deploys is what was reviewed: the chart is reviewed as it renders",
        rationale: "ArgoCD deploys the chart, not k8s/: a template edited by hand or a value changed in the chart \
                    reaches the cluster unreviewed unless the review renders the chart and judges its objects.",
        fix: "Undo the hand edit in the chart (`vibe generate` restores vibe's files and keeps a backup), or make \
              the change in vibe.yaml and run `vibe generate`; for a chart vibe did not write, put `helm` on PATH \
              (the gate image has it) so the review renders the chart and reviews what it deploys.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The ids of CONTRACT.md's check table (contract v2, 60 checks), in its order.
    const CONTRACT_IDS: [&str; 60] = [
        "A1", "A2", "A3", "A4", "A5", "A6", "A7", //
        "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", //
        "C1", "C2", "C3", "C4", "C5", "C6", //
        "D1", "D2", "D3", "D4", "D5", "D6", //
        "E1", "E2", "E3", "E4", "E5", "E6", "E7", //
        "F1", "F2", "F3", "F4", //
        "G1", "G2", "G3", "G4", "G5", "G6", "G7", //
        "H1", "H2", "H3", //
        "S1", "S2", "S3", "S4", "S5", //
        "P1", "P2", "P3", "P4", "P5", "P6", "P7",
    ];
    /// Contract v2 checks not built yet (issues 14, 15, 17): the catalogue is the contract without them.
    const NOT_YET: [&str; 0] = [];
    /// Contract v2's additions to the platform article's gate.
    const V2: [&str; 8] = ["A7", "B7", "B8", "D5", "D6", "G7", "P6", "P7"];

    #[test]
    fn catalogue_has_exactly_the_contract_checks_in_order() {
        let expected: Vec<&str> = CONTRACT_IDS.iter().copied().filter(|id| !NOT_YET.contains(id)).collect();
        assert_eq!(CATALOGUE.len(), expected.len());
        let ids: Vec<&str> = CATALOGUE.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, expected);
        let typed: Vec<CheckId> = CATALOGUE.iter().map(|c| c.id).collect();
        assert_eq!(typed, CheckId::ALL, "CATALOGUE is in CheckId order, so CheckId::info indexes it");
    }

    #[test]
    fn severities_follow_the_contract() {
        let warnings = ["D6", "F1", "F2", "F3", "F4", "G5", "G7", "H1", "H2", "H3", "S4", "P5"];
        for c in CATALOGUE {
            let expected = if warnings.contains(&c.id.as_str()) { Warning } else { Critical };
            assert_eq!(c.severity, expected, "{}", c.id);
        }
        // The platform article's gate: A1-E7 and G1-G6, 35 checks, 34 of them critical.
        let article: Vec<_> = CATALOGUE
            .iter()
            .filter(|c| "ABCDEG".contains(&c.id.as_str()[..1]) && !V2.contains(&c.id.as_str()))
            .collect();
        assert_eq!(article.len(), 35);
        assert_eq!(article.iter().filter(|c| c.severity == Critical).count(), 34);
    }

    #[test]
    fn every_entry_is_filled_in_and_titles_are_one_line() {
        for c in CATALOGUE {
            for text in [c.title, c.rationale, c.fix] {
                assert!(!text.trim().is_empty(), "{} has an empty field", c.id);
                assert!(!text.contains('\n') && !text.contains("  "), "{}: stray line break or spacing", c.id);
            }
            assert!(c.title.len() <= 100, "{}: title too long", c.id);
        }
    }

    #[test]
    fn texts_do_not_restate_contract_literals() {
        // Sizes, images and hosts live in `contract`; the catalogue refers to them in words.
        use super::super::{COMPONENTS, RUNTIMES, SIZES, platform_defaults};
        let mut literals: Vec<&str> = Vec::new();
        for s in SIZES {
            literals.extend([s.cpu_request, s.cpu_limit, s.memory_request, s.memory_limit]);
        }
        literals.extend(COMPONENTS.iter().map(|c| c.image));
        for r in RUNTIMES {
            literals.push(r.run_image);
            literals.extend(r.build_image);
        }
        literals.push(platform_defaults::REGISTRY);
        literals.push(platform_defaults::OBSERVABILITY_NAMESPACE);
        literals.push(".internal.example.com");
        for c in CATALOGUE {
            for text in [c.title, c.rationale, c.fix] {
                for lit in &literals {
                    let hit = text.match_indices(lit).any(|(i, _)| {
                        // A whole token, not part of a longer number or word.
                        let before = text[..i].chars().next_back();
                        let after = text[i + lit.len()..].chars().next();
                        !before.is_some_and(|ch| ch.is_ascii_alphanumeric())
                            && !after.is_some_and(|ch| ch.is_ascii_alphanumeric())
                    });
                    assert!(!hit, "{} restates the contract literal {lit:?}", c.id);
                }
            }
        }
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(check("b5").map(|c| c.id), Some(CheckId::B5));
        assert!(check("Z9").is_none());
    }

    #[test]
    fn ids_are_unique_and_match_their_area() {
        for (i, c) in CATALOGUE.iter().enumerate() {
            assert!(CATALOGUE[i + 1..].iter().all(|o| o.id != c.id), "{} twice", c.id);
            let letter = c.id.as_str().chars().next().unwrap();
            let expected = match c.area {
                Image => 'A',
                Health => 'B',
                Network => 'C',
                Storage => 'D',
                Secrets => 'E',
                Resources => 'F',
                Observability => 'G',
                Ingress => 'H',
                Source => 'S',
                Pipeline => 'P',
            };
            assert_eq!(letter, expected, "{} is in the wrong area", c.id);
        }
    }
}
