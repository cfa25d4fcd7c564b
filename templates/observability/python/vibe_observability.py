"""Observability for {{ app.slug }}: Prometheus metrics, JSON logs and the management endpoints.

Wire it into the app (see README.md):

    from observability.vibe_observability import setup, MetricsASGIMiddleware  # or MetricsWSGIMiddleware
    setup()                              # JSON logs + management server on port {{ ports.mgmt }}
    app = MetricsASGIMiddleware(app)     # GET /metrics on port {{ ports.http }} + request metrics

Business metrics are module-level objects, e.g.
{%- for m in app.metrics %}
{%- if m.type == "counter" %}
    {{ m.name | replace(from=":", to="_") }}{% if m.labels | length > 0 %}.labels({% for l in m.labels %}{{ l }}="..."{% if not loop.last %}, {% endif %}{% endfor %}){% endif %}.inc()
{%- elif m.type == "gauge" %}
    {{ m.name | replace(from=":", to="_") }}{% if m.labels | length > 0 %}.labels({% for l in m.labels %}{{ l }}="..."{% if not loop.last %}, {% endif %}{% endfor %}){% endif %}.set(42)
{%- else %}
    {{ m.name | replace(from=":", to="_") }}{% if m.labels | length > 0 %}.labels({% for l in m.labels %}{{ l }}="..."{% if not loop.last %}, {% endif %}{% endfor %}){% endif %}.observe(0.25)
{%- endif %}
{%- endfor %}
"""

import json
import logging
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import (
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from pythonjsonlogger.json import JsonFormatter

def _port(name, default):
    # PORT / MGMT_PORT override the contract's ports for a local run (e.g. `vibe probe` picks free ones).
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() else default


HTTP_PORT = _port("PORT", {{ ports.http }})
MGMT_PORT = _port("MGMT_PORT", {{ ports.mgmt }})
APP_SLUG = os.environ.get("APP_SLUG", "{{ app.slug }}")
APP_VERSION = os.environ.get("APP_VERSION", "{{ app.image.tag }}")

# Expose exactly the declared series: no extra `*_created` series next to counters and histograms.
disable_created_metrics()


def _counter_name(name):
    # prometheus_client appends `_total` to counter names itself; declare the name without it
    # so that the exposed series is exactly the declared one.
    return name[: -len("_total")] if name.endswith("_total") else name


# ---------------------------------------------------------------------------------------------
# Framework metrics (every request on the traffic port)
# ---------------------------------------------------------------------------------------------
http_requests_total = Counter(
    _counter_name("http_requests_total"),
    "HTTP requests handled, by method, route and status code",
    ["method", "route", "code"],
)
http_request_duration_seconds = Histogram(
    "http_request_duration_seconds",
    "HTTP request duration in seconds, by method, route and status code",
    ["method", "route", "code"],
)
http_active_connections = Gauge(
    "http_active_connections",
    "HTTP requests being handled right now",
)

# ---------------------------------------------------------------------------------------------
# Business metrics (from vibe.yaml): call these from the business logic
# ---------------------------------------------------------------------------------------------
{%- for m in app.metrics %}
{%- set py_help = m.help | replace(from="\\", to="\\\\") | replace(from="\"", to="\\\"") %}
{%- if m.type == "counter" %}
{{ m.name | replace(from=":", to="_") }} = Counter(_counter_name("{{ m.name }}"), "{{ py_help }}", [{% for l in m.labels %}"{{ l }}"{% if not loop.last %}, {% endif %}{% endfor %}])
{%- elif m.type == "gauge" %}
{{ m.name | replace(from=":", to="_") }} = Gauge("{{ m.name }}", "{{ py_help }}", [{% for l in m.labels %}"{{ l }}"{% if not loop.last %}, {% endif %}{% endfor %}])
{%- else %}
{{ m.name | replace(from=":", to="_") }} = Histogram("{{ m.name }}", "{{ py_help }}", [{% for l in m.labels %}"{{ l }}"{% if not loop.last %}, {% endif %}{% endfor %}])
{%- endif %}
{%- endfor %}


# The text format every Prometheus version reads.
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def metrics_text():
    """The Prometheus text exposition of every metric: (body bytes, content type)."""
    return generate_latest(REGISTRY), METRICS_CONTENT_TYPE


# ---------------------------------------------------------------------------------------------
# JSON logs on stdout: time (ISO 8601), level, msg
# ---------------------------------------------------------------------------------------------
logger = logging.getLogger("{{ app.slug_snake }}")


def _drop_color_message(record):
    record.__dict__.pop("color_message", None)  # uvicorn's ANSI-coloured copy of msg
    return True


_JSON_FORMAT = {
    "fmt": "%(levelname)s %(message)s %(name)s",
    "rename_fields": {"levelname": "level", "message": "msg", "name": "logger"},
    "timestamp": "time",
}


def _log_level():
    level = os.environ.get("LOG_LEVEL", "INFO").upper()
    level = {"WARN": "WARNING", "FATAL": "CRITICAL"}.get(level, level)
    return level if level in logging.getLevelNamesMapping() else "INFO"


def setup_logging():
    """Send every log record (the app's and the server's) to stdout as one JSON line."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(**_JSON_FORMAT))
    handler.addFilter(_drop_color_message)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(_log_level())
    # Servers that bring their own text handlers log through the JSON handler instead;
    # their access logs are replaced by the one line per request of the metrics middleware.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "gunicorn", "gunicorn.error", "gunicorn.access",
                 "werkzeug"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    for name in ("uvicorn.access", "gunicorn.access", "werkzeug"):  # access lines carry client addresses
        logging.getLogger(name).setLevel(logging.WARNING)


def gunicorn_logconfig():
    """setup_logging() as gunicorn's `logconfig_dict` (gunicorn.conf.py): gunicorn logs before it
    imports the app (start-up, workers, shutdown), and those lines are JSON on stdout too."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter, **_JSON_FORMAT}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}},
        "root": {"handlers": ["stdout"], "level": _log_level()},
        "loggers": {
            "gunicorn.error": {"handlers": [], "propagate": True},
            "gunicorn.access": {"handlers": [], "propagate": True, "level": "WARNING"},
        },
    }


# ---------------------------------------------------------------------------------------------
# Request metrics for the traffic port: ASGI (FastAPI, Starlette) and WSGI (Flask, Django)
# ---------------------------------------------------------------------------------------------
_ID_SEGMENT = re.compile(r"^(\d+|[0-9a-fA-F-]{16,}|[0-9a-fA-F]{8,})$")


def normalize_route(path, status_code=None):
    """A low-cardinality route label when the framework does not report its route template."""
    if status_code == 404:
        return "unmatched"
    parts = [":id" if _ID_SEGMENT.match(p) else p for p in path.split("/")]
    return "/".join(parts) or "/"


def observe_request(method, route, status_code, seconds):
    """Record one handled request (for frameworks the middlewares below do not cover)."""
    labels = {"method": method, "route": route, "code": str(status_code)}
    http_requests_total.labels(**labels).inc()
    http_request_duration_seconds.labels(**labels).observe(seconds)
    logger.info(
        "request",
        extra={"method": method, "route": route, "status_code": int(status_code),
               "duration_ms": round(seconds * 1000, 1)},
    )


class MetricsASGIMiddleware:
    """Serves GET /metrics and records every other HTTP request (ASGI apps)."""

    def __init__(self, app, metrics_path="/metrics"):
        self.app = app
        self.metrics_path = metrics_path

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == self.metrics_path and scope["method"] == "GET":
            body, content_type = metrics_text()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", content_type.encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        status = {"code": 500}

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        http_active_connections.inc()
        start = time.perf_counter()
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            http_active_connections.dec()
            route = scope.get("route")
            template = getattr(route, "path_format", None) or getattr(route, "path", None)
            observe_request(scope["method"], template or normalize_route(scope["path"], status["code"]),
                            status["code"], time.perf_counter() - start)


class MetricsWSGIMiddleware:
    """Serves GET /metrics and records every other HTTP request (WSGI apps).

    Flask: app.wsgi_app = MetricsWSGIMiddleware(app.wsgi_app)
    """

    def __init__(self, app, metrics_path="/metrics"):
        self.app = app
        self.metrics_path = metrics_path

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        if path == self.metrics_path and method == "GET":
            body, content_type = metrics_text()
            start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
            return [body]
        status = {"code": 500}

        def start_response_wrapper(status_line, headers, exc_info=None):
            status["code"] = int(status_line.split(" ", 1)[0])
            return start_response(status_line, headers, exc_info)

        http_active_connections.inc()
        start = time.perf_counter()
        try:
            result = self.app(environ, start_response_wrapper)
            try:
                return list(result)  # consumed here, so the duration covers the whole response
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            http_active_connections.dec()
            route = environ.get("vibe.route")  # the app may set its route template here, e.g. /orders/<id>
            observe_request(method, route or normalize_route(path, status["code"]),
                            status["code"], time.perf_counter() - start)


# ---------------------------------------------------------------------------------------------
# Management endpoints on port {{ ports.mgmt }}: /readiness /liveness /info /shutdown
# ---------------------------------------------------------------------------------------------
_state = {"ready": True, "live": True}
_shutdown_hooks = []


def set_ready(ready):
    """False while the app cannot serve traffic (e.g. the database is unreachable): /readiness answers 503."""
    _state["ready"] = bool(ready)


def set_live(live):
    """False when the app is broken beyond repair: /liveness answers 503 and Kubernetes restarts it."""
    _state["live"] = bool(live)


def on_shutdown(hook):
    """Run `hook()` when GET /shutdown is called, before the process receives SIGTERM."""
    _shutdown_hooks.append(hook)


def _graceful_stop():
    time.sleep(0.2)  # let the `null` response reach the caller
    for hook in _shutdown_hooks:
        try:
            hook()
        except Exception:
            logger.exception("shutdown hook failed")
    # The app server (uvicorn, gunicorn, ...) stops gracefully on SIGTERM, as it does when Kubernetes stops the pod.
    os.kill(os.getpid(), signal.SIGTERM)


class _ManagementHandler(BaseHTTPRequestHandler):
    server_version = "vibe-mgmt"
    sys_version = ""

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/readiness":
            ok = _state["ready"]
            self._reply(200 if ok else 503, {"status": "UP" if ok else "OUT_OF_SERVICE"})
        elif path == "/liveness":
            ok = _state["live"]
            self._reply(200 if ok else 503, {"status": "UP" if ok else "DOWN"})
        elif path == "/info":
            self._reply(200, {"app": APP_SLUG, "version": APP_VERSION})
        elif path == "/shutdown":
            logger.info("shutdown requested on the management port")
            set_ready(False)
            self._reply(200, None)
            threading.Thread(target=_graceful_stop, daemon=True).start()
        else:
            self._reply(404, {"error": "not found"})

    def _reply(self, code, payload):
        body = json.dumps(payload, separators=(",", ":")).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # probes every few seconds: keep them out of the logs
        pass


_mgmt_server = None


def start_management_server(port=MGMT_PORT):
    """Serve the management endpoints from a background thread (idempotent)."""
    global _mgmt_server
    if _mgmt_server is not None:
        return _mgmt_server
    try:
        _mgmt_server = ThreadingHTTPServer(("0.0.0.0", port), _ManagementHandler)
    except OSError as err:
        logger.warning("management server not started", extra={"port": port, "error": str(err)})
        return None
    _mgmt_server.daemon_threads = True
    threading.Thread(target=_mgmt_server.serve_forever, name="vibe-mgmt", daemon=True).start()
    logger.info("management server listening", extra={"port": port})
    return _mgmt_server


def setup():
    """JSON logging + the management server. Call once at startup, before serving traffic."""
    setup_logging()
    start_management_server()
