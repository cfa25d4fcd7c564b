//! A tiny runnable example of the observability skeleton (axum).
//!
//!     cargo run --manifest-path observability/Cargo.toml --example hello
//!     curl localhost:{{ ports.http }}/hello ; curl localhost:{{ ports.http }}/metrics ; curl localhost:{{ ports.mgmt }}/readiness

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

/// Records every request: http_* metrics and one JSON log line (route = the matched route template).
async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let _active = vibe_observability::ActiveRequest::start();
    let method = request.method().to_string();
    let matched = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string());
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let route = matched.unwrap_or_else(|| vibe_observability::normalize_route(&path, status));
    vibe_observability::observe_request(&method, &route, status, started.elapsed());
    response
}

async fn hello() -> impl IntoResponse {
{%- if app.metrics | length > 0 %}
{%- set m = app.metrics | first %}
    // A business metric, as the app's own code would record it:
    vibe_observability::{{ m.name | replace(from=":", to="_") }}(){% if m.labels | length > 0 %}.with_label_values(&[{% for l in m.labels %}"example"{% if not loop.last %}, {% endif %}{% endfor %}]){% endif %}.{% if m.type == "counter" %}inc(){% elif m.type == "gauge" %}inc(){% else %}observe(0.42){% endif %};
{%- endif %}
    Json(serde_json::json!({ "message": "hello from {{ app.slug }}" }))
}

async fn metrics() -> impl IntoResponse {
    ([(CONTENT_TYPE, vibe_observability::METRICS_CONTENT_TYPE)], vibe_observability::metrics_text())
}

async fn stop_signal() {
    let terminate = async {
        #[cfg(unix)]
        if let Ok(mut sigterm) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            sigterm.recv().await;
            return;
        }
        std::future::pending::<()>().await
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
        _ = tokio::task::spawn_blocking(vibe_observability::wait_for_shutdown) => {}
    }
    vibe_observability::set_ready(false);
    tracing::info!("stopping");
}

#[tokio::main]
async fn main() {
    vibe_observability::init(); // JSON logs + metrics + management server on port {{ ports.mgmt }}

    let app = Router::new()
        .route("/hello", get(hello))
        .route("/metrics", get(metrics))
        .layer(middleware::from_fn(track));

    let port = vibe_observability::http_port();
    let listener = tokio::net::TcpListener::bind(("0.0.0.0", port)).await.expect("bind port");
    tracing::info!(port, "listening");
    axum::serve(listener, app).with_graceful_shutdown(stop_signal()).await.expect("server");
    tracing::info!("stopped");
}
