"""A tiny runnable example of the observability skeleton (standard library web server, no framework).

Run it from the repository root:
    pip install -r observability/requirements.txt
    python -m observability.example_app
Then: curl localhost:{{ ports.http }}/hello, curl localhost:{{ ports.http }}/metrics, curl localhost:{{ ports.mgmt }}/readiness
"""

import json
import signal
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from observability import vibe_observability as obs


def hello_app(environ, start_response):
    if environ.get("PATH_INFO") != "/hello":
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"error":"not found"}']
{%- if app.metrics | length > 0 %}
{%- set m = app.metrics | first %}
    # A business metric, as the app's own code would record it:
{%- if m.type == "counter" %}
    obs.{{ m.name | replace(from=":", to="_") }}{% if m.labels | length > 0 %}.labels({% for l in m.labels %}{{ l }}="example"{% if not loop.last %}, {% endif %}{% endfor %}){% endif %}.inc()
{%- elif m.type == "gauge" %}
    obs.{{ m.name | replace(from=":", to="_") }}{% if m.labels | length > 0 %}.labels({% for l in m.labels %}{{ l }}="example"{% if not loop.last %}, {% endif %}{% endfor %}){% endif %}.inc()
{%- else %}
    obs.{{ m.name | replace(from=":", to="_") }}{% if m.labels | length > 0 %}.labels({% for l in m.labels %}{{ l }}="example"{% if not loop.last %}, {% endif %}{% endfor %}){% endif %}.observe(0.42)
{%- endif %}
{%- endif %}
    body = json.dumps({"message": "hello from {{ app.slug }}"}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # the middleware logs each request as JSON
        pass


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main():
    obs.setup()  # JSON logs + management server on port {{ ports.mgmt }}
    app = obs.MetricsWSGIMiddleware(hello_app)  # /metrics + request metrics on port {{ ports.http }}
    server = make_server("0.0.0.0", obs.HTTP_PORT, app, server_class=_ThreadingWSGIServer,
                         handler_class=_QuietHandler)

    def stop(signum, frame):
        obs.set_ready(False)
        obs.logger.info("stopping", extra={"signal": signum})
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    obs.logger.info("listening", extra={"port": obs.HTTP_PORT})
    server.serve_forever()
    obs.logger.info("stopped")


if __name__ == "__main__":
    main()
