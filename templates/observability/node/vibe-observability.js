'use strict';
// Observability for {{ app.slug }}: Prometheus metrics, JSON logs and the management endpoints.
//
// Wire it into the app (see README.md):
//   const obs = require('./observability/vibe-observability');
//   obs.startManagementServer();          // /readiness /liveness /info /shutdown on port {{ ports.mgmt }}
//   app.use(obs.metricsMiddleware());     // Express: GET /metrics on port {{ ports.http }} + request metrics
//   obs.logger.info({ orderCount: 3 }, 'orders imported');
//
// Business metrics (from vibe.yaml), ready to call from the business logic:
{%- for m in app.metrics %}
{%- set js_labels %}{% if m.labels | length > 0 %}{ {% for l in m.labels %}{{ l }}: '...'{% if not loop.last %}, {% endif %}{% endfor %} }{% endif %}{% endset %}
{%- if m.type == "counter" %}
//   obs.{{ m.name | replace(from=":", to="_") }}.inc({{ js_labels }});
{%- elif m.type == "gauge" %}
//   obs.{{ m.name | replace(from=":", to="_") }}.set({% if m.labels | length > 0 %}{{ js_labels }}, {% endif %}42);
{%- else %}
//   obs.{{ m.name | replace(from=":", to="_") }}.observe({% if m.labels | length > 0 %}{{ js_labels }}, {% endif %}0.25);
{%- endif %}
{%- endfor %}

const http = require('node:http');
const client = require('prom-client');
const pino = require('pino');

// PORT / MGMT_PORT override the contract's ports for a local run (e.g. `vibe probe` picks free ones).
function port(name, fallback) {
  const value = process.env[name] || '';
  return /^\d+$/.test(value) ? Number(value) : fallback;
}
const HTTP_PORT = port('PORT', {{ ports.http }});
const MGMT_PORT = port('MGMT_PORT', {{ ports.mgmt }});
const APP_SLUG = process.env.APP_SLUG || '{{ app.slug }}';
const APP_VERSION = process.env.APP_VERSION || '{{ app.image.tag }}';

// ---------------------------------------------------------------------------------------------
// JSON logs on stdout: time (ISO 8601), level, msg
// ---------------------------------------------------------------------------------------------
function logLevel() {
  const wanted = (process.env.LOG_LEVEL || 'info').toLowerCase();
  const level = wanted === 'warning' ? 'warn' : wanted;
  return Object.prototype.hasOwnProperty.call(pino.levels.values, level) ? level : 'info';
}

const logger = pino({
  level: logLevel(),
  messageKey: 'msg',
  base: undefined, // no pid / hostname: the platform adds pod and node
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
});

// ---------------------------------------------------------------------------------------------
// Metrics: exposed names are exactly the declared ones
// ---------------------------------------------------------------------------------------------
const register = client.register;

// Process metrics join the registry at the first scrape, once: an app with its own prom-client
// setup that calls client.collectDefaultMetrics() itself keeps working with the module imported.
function collectDefaultMetricsOnce() {
  if (!register.getSingleMetric('process_cpu_user_seconds_total')) {
    client.collectDefaultMetrics({ register });
  }
}

const http_requests_total = new client.Counter({
  name: 'http_requests_total',
  help: 'HTTP requests handled, by method, route and status code',
  labelNames: ['method', 'route', 'code'],
});
const http_request_duration_seconds = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration in seconds, by method, route and status code',
  labelNames: ['method', 'route', 'code'],
});
const http_active_connections = new client.Gauge({
  name: 'http_active_connections',
  help: 'HTTP requests being handled right now',
});

// Business metrics (from vibe.yaml)
{%- for m in app.metrics %}
{%- set js_help = m.help | replace(from="\\", to="\\\\") | replace(from="'", to="\\'") %}
const {{ m.name | replace(from=":", to="_") }} = new client.{% if m.type == "counter" %}Counter{% elif m.type == "gauge" %}Gauge{% else %}Histogram{% endif %}({
  name: '{{ m.name }}',
  help: '{{ js_help }}',
  labelNames: [{% for l in m.labels %}'{{ l }}'{% if not loop.last %}, {% endif %}{% endfor %}],
});
{%- endfor %}

/** The Prometheus text exposition of every metric. */
async function metricsText() {
  collectDefaultMetricsOnce();
  return register.metrics();
}

async function serveMetrics(req, res) {
  try {
    const body = await metricsText();
    res.writeHead(200, { 'Content-Type': register.contentType });
    res.end(body);
  } catch (err) {
    logger.error({ err }, 'metrics exposition failed');
    res.writeHead(500);
    res.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Request metrics for the traffic port
// ---------------------------------------------------------------------------------------------
const ID_SEGMENT = /^(\d+|[0-9a-fA-F-]{16,}|[0-9a-fA-F]{8,})$/;

/** A low-cardinality route label when the framework does not report its route template. */
function normalizeRoute(url, statusCode) {
  if (statusCode === 404) return 'unmatched';
  const path = (url || '/').split('?')[0];
  return path.split('/').map((p) => (ID_SEGMENT.test(p) ? ':id' : p)).join('/') || '/';
}

/** Record one handled request (for frameworks the middleware does not cover). */
function observeRequest(method, route, statusCode, seconds) {
  const labels = { method, route, code: String(statusCode) };
  http_requests_total.inc(labels);
  http_request_duration_seconds.observe(labels, seconds);
  logger.info({ method, route, status_code: statusCode, duration_ms: Math.round(seconds * 10000) / 10 }, 'request');
}

/**
 * Express / Connect middleware: serves GET /metrics and records every other request.
 * Register it first: app.use(obs.metricsMiddleware())
 */
function metricsMiddleware(metricsPath = '/metrics') {
  return function vibeMetrics(req, res, next) {
    if (req.method === 'GET' && (req.url || '').split('?')[0] === metricsPath) {
      serveMetrics(req, res);
      return;
    }
    const start = process.hrtime.bigint();
    http_active_connections.inc();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      http_active_connections.dec();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // Express sets req.route to the matched route, e.g. /orders/:id
      const route = req.route && req.route.path ? `${req.baseUrl || ''}${req.route.path}` : normalizeRoute(req.originalUrl || req.url, res.statusCode);
      observeRequest(req.method, route, res.statusCode, seconds);
    };
    res.once('finish', finish);
    res.once('close', finish);
    if (next) next();
  };
}

/** Wraps a plain node:http handler: http.createServer(obs.instrument((req, res) => { ... })) */
function instrument(handler, metricsPath = '/metrics') {
  const middleware = metricsMiddleware(metricsPath);
  return (req, res) => middleware(req, res, () => handler(req, res));
}

// ---------------------------------------------------------------------------------------------
// Management endpoints on port {{ ports.mgmt }}: /readiness /liveness /info /shutdown
// ---------------------------------------------------------------------------------------------
const state = { ready: true, live: true, stopping: false };
const shutdownHooks = [];

/** false while the app cannot serve traffic (e.g. the database is unreachable): /readiness answers 503. */
function setReady(ready) {
  state.ready = Boolean(ready);
}

/** false when the app is broken beyond repair: /liveness answers 503 and Kubernetes restarts it. */
function setLive(live) {
  state.live = Boolean(live);
}

/** Run `hook()` (may return a promise) during a graceful stop, e.g. () => new Promise((r) => server.close(r)). */
function onShutdown(hook) {
  shutdownHooks.push(hook);
}

/** Stop gracefully: not ready, run the shutdown hooks, exit. Called by GET /shutdown and on SIGTERM / SIGINT. */
async function gracefulShutdown(reason) {
  if (state.stopping) return;
  state.stopping = true;
  setReady(false);
  logger.info({ reason }, 'stopping');
  for (const hook of shutdownHooks) {
    try {
      await hook();
    } catch (err) {
      logger.error({ err }, 'shutdown hook failed');
    }
  }
  logger.info('stopped');
  process.exit(0);
}

function reply(res, code, payload) {
  const body = JSON.stringify(payload);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

let mgmtServer = null;

/** Serve the management endpoints (idempotent); also stops gracefully on SIGTERM / SIGINT. */
function startManagementServer(port = MGMT_PORT) {
  if (mgmtServer) return mgmtServer;
  mgmtServer = http.createServer((req, res) => {
    const path = (req.url || '/').split('?')[0];
    if (req.method !== 'GET') return reply(res, 405, { error: 'method not allowed' });
    switch (path) {
      case '/readiness':
        return reply(res, state.ready ? 200 : 503, { status: state.ready ? 'UP' : 'OUT_OF_SERVICE' });
      case '/liveness':
        return reply(res, state.live ? 200 : 503, { status: state.live ? 'UP' : 'DOWN' });
      case '/info':
        return reply(res, 200, { app: APP_SLUG, version: APP_VERSION });
      case '/shutdown':
        logger.info('shutdown requested on the management port');
        setReady(false);
        res.once('finish', () => setTimeout(() => gracefulShutdown('shutdown endpoint'), 100));
        return reply(res, 200, null);
      default:
        return reply(res, 404, { error: 'not found' });
    }
  });
  mgmtServer.on('error', (err) => logger.warn({ port, error: err.message }, 'management server not started'));
  mgmtServer.listen(port, () => logger.info({ port }, 'management server listening'));
  onShutdown(() => new Promise((resolve) => mgmtServer.close(() => resolve())));
  process.once('SIGTERM', () => gracefulShutdown('SIGTERM'));
  process.once('SIGINT', () => gracefulShutdown('SIGINT'));
  return mgmtServer;
}

module.exports = {
  HTTP_PORT,
  MGMT_PORT,
  logger,
  register,
  metricsText,
  metricsMiddleware,
  instrument,
  observeRequest,
  normalizeRoute,
  startManagementServer,
  setReady,
  setLive,
  onShutdown,
  gracefulShutdown,
  http_requests_total,
  http_request_duration_seconds,
  http_active_connections,
{%- for m in app.metrics %}
  {{ m.name | replace(from=":", to="_") }},
{%- endfor %}
};
