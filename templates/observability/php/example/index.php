<?php

// A tiny runnable example of the observability skeleton (PHP's built-in server, no framework).
//   cd observability && composer install
//   php -d apc.enable_cli=1 -S 0.0.0.0:{{ ports.http }} example/index.php    # the app, GET /hello and GET /metrics
//   php -S 0.0.0.0:{{ ports.mgmt }} mgmt.php                                  # the management endpoints
//   curl localhost:{{ ports.http }}/hello ; curl localhost:{{ ports.http }}/metrics ; curl localhost:{{ ports.mgmt }}/readiness

declare(strict_types=1);

require __DIR__ . '/../vendor/autoload.php';

use Vibe\Observability\VibeObservability as Obs;

Obs::beginRequest();
if (Obs::serveMetrics()) {
    return;
}

header('Content-Type: application/json');
if (parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH) !== '/hello') {
    http_response_code(404);
    echo json_encode(['error' => 'not found']);
    return;
}
Obs::setRoute('/hello');
{%- if app.metrics | length > 0 %}
{%- set m = app.metrics | first %}
{%- set php_labels %}[{% for l in m.labels %}'example'{% if not loop.last %}, {% endif %}{% endfor %}]{% endset %}
// A business metric, as the app's own code would record it:
Obs::{{ m.name | replace(from=":", to="_") }}()->{% if m.type == "counter" %}inc({{ php_labels }}){% elif m.type == "gauge" %}inc({{ php_labels }}){% else %}observe(0.42, {{ php_labels }}){% endif %};
{%- endif %}
echo json_encode(['message' => 'hello from {{ app.slug }}']);
