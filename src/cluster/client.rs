//! The Kubernetes API through kube: the kubeconfig, one client, and GET requests only.
//!
//! kube is async; the cluster review is a handful of sequential reads, so a current-thread
//! tokio runtime lives here and nowhere else, and the rest of vibe stays synchronous.

use super::{Answer, Api, Read};
use crate::error::ClusterError;
use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use std::time::Duration;

/// How long to wait for the connection to the API server.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one answer may take (a pod proxy to a hung app must not hang the review).
const READ_TIMEOUT: Duration = Duration::from_secs(20);
/// kube's reason for an error body that is not a Kubernetes Status: the pod's own answer
/// through the proxy (a 503 from /readiness, for instance).
const NOT_A_STATUS: &str = "Failed to parse error data";

/// A client for one kubeconfig context.
pub struct KubeApi {
    runtime: tokio::runtime::Runtime,
    client: kube::Client,
    /// The context used.
    pub context: String,
    /// The API server URL.
    pub server: String,
    namespace: String,
    /// The `Date` header of the last answer.
    date: Option<String>,
}

impl KubeApi {
    /// Loads the kubeconfig (`KUBECONFIG`, else ~/.kube/config) and connects with `context`
    /// (default: the current context). Nothing is sent yet.
    pub fn connect(context: Option<&str>, namespace: &str) -> Result<KubeApi, ClusterError> {
        let kubeconfig = Kubeconfig::read().map_err(|e| kubeconfig_error(&e, None))?;
        let contexts: Vec<String> = kubeconfig.contexts.iter().map(|c| c.name.clone()).collect();
        let name = match context.map(str::to_string).or_else(|| kubeconfig.current_context.clone()) {
            Some(n) => n,
            None => {
                return Err(ClusterError::Kubeconfig(format!(
                    "the kubeconfig has no current context: pass --context (it has: {})",
                    list(&contexts)
                )));
            }
        };
        if !contexts.contains(&name) {
            return Err(ClusterError::Kubeconfig(format!(
                "context {name} is not in the kubeconfig{}: pass one of {} with --context",
                std::env::var("KUBECONFIG").map(|k| format!(" ({k})")).unwrap_or_default(),
                list(&contexts)
            )));
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ClusterError::Kubeconfig(format!("could not start the Kubernetes client: {e}")))?;
        let options = KubeConfigOptions { context: Some(name.clone()), cluster: None, user: None };
        let mut config = runtime
            .block_on(kube::Config::from_custom_kubeconfig(kubeconfig, &options))
            .map_err(|e| kubeconfig_error(&e, Some(&name)))?;
        config.connect_timeout = Some(CONNECT_TIMEOUT);
        config.read_timeout = Some(READ_TIMEOUT);
        // A retry would repeat a proxied request to a failing app endpoint; one answer is the evidence.
        config.default_retry = false;
        let server = config.cluster_url.to_string().trim_end_matches('/').to_string();
        let client = {
            // Building the client spawns its request buffer: it needs the runtime's context.
            let _guard = runtime.enter();
            kube::Client::try_from(config).map_err(|e| ClusterError::Unreachable {
                server: server.clone(),
                context: name.clone(),
                reason: root_cause(&e),
            })?
        };
        Ok(KubeApi { runtime, client, context: name, server, namespace: namespace.to_string(), date: None })
    }

    /// GETs `read.path`: the body, or kube's error for an error status (as `request_text` does,
    /// which hides the headers: the answer's `Date` is kept as the server's clock).
    fn send(&mut self, read: &Read) -> Result<String, kube::Error> {
        let request = http::Request::get(read.path.as_str())
            .body(kube::client::Body::from(Vec::new()))
            .map_err(kube::Error::HttpError)?;
        let (status, date, text) = self.runtime.block_on(async {
            let response = self.client.send(request).await?;
            let date = response.headers().get(http::header::DATE).and_then(|d| d.to_str().ok()).map(str::to_string);
            let status = response.status();
            let bytes = response.into_body().collect_bytes().await?;
            Ok::<_, kube::Error>((status, date, String::from_utf8(bytes.to_vec()).map_err(kube::Error::FromUtf8)?))
        })?;
        if date.is_some() {
            self.date = date;
        }
        if status.is_client_error() || status.is_server_error() {
            let failure = serde_json::from_str::<kube::core::Status>(&text)
                .unwrap_or_else(|_| kube::core::Status::failure(text.trim(), NOT_A_STATUS).with_code(status.as_u16()));
            return Err(kube::Error::Api(failure.boxed()));
        }
        Ok(text)
    }

    fn failure(&self, read: &Read, e: kube::Error) -> ClusterError {
        let (server, context, namespace) = (self.server.clone(), self.context.clone(), self.namespace.clone());
        match e {
            kube::Error::Api(status) => match status.code {
                401 => ClusterError::Unauthorized {
                    server,
                    context,
                    reason: one_line(&status.message, "401 Unauthorized"),
                },
                403 => ClusterError::Forbidden { verb: read.verb.into(), resource: read.resource.clone(), namespace },
                code => ClusterError::Api {
                    verb: read.verb.into(),
                    resource: read.resource.clone(),
                    namespace,
                    code,
                    message: one_line(&status.message, &status.reason),
                },
            },
            kube::Error::Auth(e) => ClusterError::Unauthorized { server, context, reason: root_cause(&e) },
            other => ClusterError::Unreachable { server, context, reason: root_cause(&other) },
        }
    }
}

impl Api for KubeApi {
    fn server_date(&self) -> Option<String> {
        self.date.clone()
    }

    fn get(&mut self, read: &Read) -> Result<Option<String>, ClusterError> {
        match self.send(read) {
            Ok(body) => Ok(Some(body)),
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(None),
            Err(e) => Err(self.failure(read, e)),
        }
    }

    fn proxy(&mut self, read: &Read) -> Result<Answer, ClusterError> {
        match self.send(read) {
            Ok(body) => Ok(Ok((200, body))),
            // The app's own answer with an error status: evidence, not a failure.
            Err(kube::Error::Api(status)) if status.reason == NOT_A_STATUS => Ok(Ok((status.code, status.message))),
            Err(kube::Error::Api(status)) if !matches!(status.code, 401 | 403) => Ok(Err(format!(
                "the API server's proxy answered {} ({})",
                status.code,
                one_line(&status.message, &status.reason)
            ))),
            Err(e) => Err(self.failure(read, e)),
        }
    }
}

fn list(names: &[String]) -> String {
    if names.is_empty() { "no contexts at all".into() } else { names.join(", ") }
}

fn kubeconfig_error(e: &KubeconfigError, context: Option<&str>) -> ClusterError {
    let what = match e {
        KubeconfigError::FindPath => {
            "no kubeconfig found: KUBECONFIG is not set and ~/.kube/config does not exist. Point KUBECONFIG at the \
             cluster's kubeconfig (the platform team provides it)"
                .to_string()
        }
        KubeconfigError::ReadConfig(io, path) => {
            format!("cannot read the kubeconfig {}: {io}. Point KUBECONFIG at the cluster's kubeconfig", path.display())
        }
        KubeconfigError::LoadContext(name) => {
            format!("context {name} is not in the kubeconfig: pass another --context")
        }
        other => format!(
            "the kubeconfig{} cannot be used: {}",
            context.map(|c| format!(" (context {c})")).unwrap_or_default(),
            root_cause(other)
        ),
    };
    ClusterError::Kubeconfig(what)
}

/// The innermost cause of an error chain, on one line ("Connection refused (os error 111)").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut inner = e;
    while let Some(next) = inner.source() {
        inner = next;
    }
    one_line(&inner.to_string(), "no details")
}

fn one_line(text: &str, fallback: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let line: String = line.chars().take(300).collect();
    if line.is_empty() { fallback.to_string() } else { line }
}
