//! G2: a Prometheus client and a /metrics handler

use super::*;
use crate::lang::LANGUAGES;

/// A /metrics route or a Prometheus exposition handler.
pub(super) static METRICS_HANDLER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"["'`]/metrics/?["'`]|\bmake_asgi_app\b|\bmake_wsgi_app\b|\bstart_http_server\b|\bgenerate_latest\b|\bpromhttp\.Handler|\.metrics\(\)|PrometheusMeterRegistry|\bTextEncoder\b|\bPrometheusBuilder\b|\bRenderTextFormat\b|\bpromBundle\b|\bInstrumentator\(|\bPrometheusMetrics\(|django_prometheus|\bPrometheusMetricsLayer|\bPrometheusMetricsBuilder"#,
    )
});

/// The Prometheus text format's content type: code that writes the exposition itself (the
/// generated Go module does, with the standard library only) needs no client library.
static OWN_EXPOSITION: LazyLock<Regex> = LazyLock::new(|| re(r"text/plain;\s*version=0\.0\.4"));

pub(super) fn client_dependency(repo: &Repo) -> Option<(&TextFile, u32)> {
    for f in &repo.dependency_files {
        let name = f.file.rsplit('/').next().unwrap_or("");
        for language in LANGUAGES.iter().map(|l| l.support()) {
            if language.manifests.contains(&name)
                && let Some(m) = language.metrics_client.find(&f.text)
            {
                return Some((f, f.text[..m.start()].matches('\n').count() as u32 + 1));
            }
        }
    }
    None
}

/// The first file serving metrics, among the app's own code or (`skeleton`) the generated module.
pub(super) fn metrics_handler(repo: &Repo, skeleton: bool) -> Option<&TextFile> {
    runtime_sources(repo)
        .filter(|f| is_skeleton(f) == skeleton)
        .find(|f| METRICS_HANDLER.is_match(&f.text) && METRICS_HANDLER.is_match(&lang::masked(f)))
}

/// G2: the app serves /metrics in Prometheus format (statically: client library + handler).
pub fn g2(r: &Review, out: &mut Vec<Finding>) {
    let repo = r.repo;
    if !has_app_source(repo) {
        return;
    }
    let port = contract::PORT_HTTP;
    let client = client_dependency(repo);
    let judged = judged_sources(r);
    let serves = |f: &&TextFile| METRICS_HANDLER.is_match(&f.text) && METRICS_HANDLER.is_match(&lang::masked(f));
    let own = judged.iter().copied().filter(|f| !is_skeleton(f)).find(serves);
    // The generated module counts once the app's own code imports it; unwired, it serves nothing.
    let skeleton = metrics_handler(repo, true);
    let handler = own.or(skeleton.filter(|_| skeleton_wired(r)));
    let main = entry_file(r);
    let wired = skeleton_wired(r);
    let own_exposition = judged.iter().any(|f| (wired || !is_skeleton(f)) && OWN_EXPOSITION.is_match(&lang::masked(f)));
    let finding = match (client, handler) {
        (Some(_), Some(_)) => return,
        (None, Some(_)) if own_exposition => return,
        (_, None) if let Some(unused) = metrics_handler(repo, false) => {
            out.push(
                Finding::new(CheckId::G2, unused.file.clone(), None)
                    .message(format!(
                        "`{}` serves `GET {METRICS_PATH}`, but the code the image starts (`{main}` and what it \
                         imports) never loads it, so the running app serves no metrics",
                        unused.file
                    ))
                    .fix(format!(
                        "Import `{}` from `{main}` (or from a file it imports) so its handler is mounted on port {port}.",
                        unused.file
                    )),
            );
            return;
        }
        (_, None) if let Some(module) = skeleton => {
            out.push(
                Finding::new(CheckId::G2, main.clone(), None)
                    .message(format!(
                        "The generated `{}` serves `GET {METRICS_PATH}`, but no file of the app imports it, so the \
                         app does not serve metrics yet",
                        module.file
                    ))
                    .fix(format!(
                        "Import the module from the app's entry code (`{main}`) and add its metrics handler as \
                         {OBSERVABILITY_DIR}README.md shows under \"Wire it in\"; the app then serves \
                         `GET {METRICS_PATH}` on port {port}."
                    )),
            );
            return;
        }
        (None, None) => Finding::new(CheckId::G2, manifest_for(repo, main_lang(repo)), None).message(format!(
            "The app has no Prometheus client library and no `GET {METRICS_PATH}` handler, so the platform cannot \
             collect its metrics"
        )),
        (Some((dep, _)), None) => Finding::new(CheckId::G2, main, None).message(format!(
            "A Prometheus client is declared in `{}` but no code serves `GET {METRICS_PATH}`",
            dep.file
        )),
        (None, Some(h)) => Finding::new(CheckId::G2, manifest_for(repo, Some(h.lang)), None).message(format!(
            "`{}` serves metrics but no Prometheus client library is declared as a dependency, so the build does \
             not install it",
            h.file
        )),
    };
    out.push(finding.fix(format!(
        "Declare your language's Prometheus client (prometheus-client for Python, prom-client for Node, \
         github.com/prometheus/client_golang for Go, micrometer-registry-prometheus for Java, the `prometheus` \
         crate for Rust, promphp/prometheus_client_php for PHP) and serve `GET {METRICS_PATH}` on port {port}; the \
         generated {OBSERVABILITY_DIR} folder has the handler and your business metrics ready to wire in."
    )));
}
