'use strict';
// A tiny runnable example of the observability skeleton (node:http, no framework).
//   cd observability && npm ci && npm run example
//   curl localhost:{{ ports.http }}/hello ; curl localhost:{{ ports.http }}/metrics ; curl localhost:{{ ports.mgmt }}/readiness

const http = require('node:http');
const obs = require('./vibe-observability');

const server = http.createServer(
  obs.instrument((req, res) => {
    if (req.method !== 'GET' || (req.url || '').split('?')[0] !== '/hello') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
      return;
    }
{%- if app.metrics | length > 0 %}
{%- set m = app.metrics | first %}
{%- set js_labels %}{% if m.labels | length > 0 %}{ {% for l in m.labels %}{{ l }}: 'example'{% if not loop.last %}, {% endif %}{% endfor %} }{% endif %}{% endset %}
    // A business metric, as the app's own code would record it:
{%- if m.type == "counter" %}
    obs.{{ m.name | replace(from=":", to="_") }}.inc({{ js_labels }});
{%- elif m.type == "gauge" %}
    obs.{{ m.name | replace(from=":", to="_") }}.inc({{ js_labels }});
{%- else %}
    obs.{{ m.name | replace(from=":", to="_") }}.observe({% if m.labels | length > 0 %}{{ js_labels }}, {% endif %}0.42);
{%- endif %}
{%- endif %}
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: 'hello from {{ app.slug }}' }));
  }),
);

obs.startManagementServer(); // /readiness /liveness /info /shutdown on port {{ ports.mgmt }}
obs.onShutdown(() => new Promise((resolve) => server.close(() => resolve())));
server.listen(obs.HTTP_PORT, () => obs.logger.info({ port: obs.HTTP_PORT }, 'listening'));
