<?php

declare(strict_types=1);

namespace Vibe\Observability;

use Monolog\Handler\StreamHandler;
use Monolog\Level;
use Monolog\Logger;
use Prometheus\CollectorRegistry;
use Prometheus\Counter;
use Prometheus\Gauge;
use Prometheus\Histogram;
use Prometheus\RenderTextFormat;
use Prometheus\Storage\APCng;
use Prometheus\Storage\InMemory;

/**
 * Observability for {{ app.slug }}: Prometheus metrics, JSON logs and the management endpoints.
 *
 * Wire it into the app's front controller (see README.md):
 *
 *     require __DIR__ . '/../observability/vendor/autoload.php';   // or the app's own vendor/autoload.php
 *     use Vibe\Observability\VibeObservability as Obs;
 *     Obs::beginRequest();                                // request metrics + one JSON log line per request
 *     if (Obs::serveMetrics()) { return; }                // GET /metrics on port {{ ports.http }}
 *     Obs::logger()->info('orders imported', ['count' => 3]);
 *
 * Business metrics (from vibe.yaml), ready to call from the business logic:
{%- for m in app.metrics %}
{%- set php_labels %}[{% for l in m.labels %}'{{ l }}-value'{% if not loop.last %}, {% endif %}{% endfor %}]{% endset %}
 *     Obs::{{ m.name | replace(from=":", to="_") }}()->{% if m.type == "counter" %}inc({{ php_labels }}){% elif m.type == "gauge" %}set(42, {{ php_labels }}){% else %}observe(0.25, {{ php_labels }}){% endif %};
{%- endfor %}
 *
 * The management endpoints (port {{ ports.mgmt }}) are served by observability/mgmt.php.
 */
final class VibeObservability
{
    public const HTTP_PORT = {{ ports.http }};
    public const MGMT_PORT = {{ ports.mgmt }};
    /** The text format every Prometheus version reads. */
    public const METRICS_CONTENT_TYPE = RenderTextFormat::MIME_TYPE;

    private static ?CollectorRegistry $registry = null;
    private static ?Logger $logger = null;
    private static ?float $requestStart = null;
    private static ?string $route = null;

    public static function appSlug(): string
    {
        return self::env('APP_SLUG', '{{ app.slug }}');
    }

    public static function appVersion(): string
    {
        return self::env('APP_VERSION', '{{ app.image.tag }}');
    }

    private static function env(string $name, string $fallback): string
    {
        $value = getenv($name);
        return is_string($value) && $value !== '' ? $value : $fallback;
    }

    // -----------------------------------------------------------------------------------------
    // JSON logs: time (ISO 8601), level, msg
    // -----------------------------------------------------------------------------------------

    /** The JSON logger; the level comes from LOG_LEVEL (debug, info, warning, error; default info). */
    public static function logger(): Logger
    {
        if (self::$logger === null) {
            $wanted = strtolower(trim(self::env('LOG_LEVEL', 'info')));
            $wanted = $wanted === 'warn' ? 'warning' : $wanted;
            try {
                $level = Level::fromName($wanted);
            } catch (\Throwable) {
                $level = Level::Info;
            }
            // php-fpm hands worker stdout to its own log with a prefix; there, write to stderr and set
            // catch_workers_output = yes and decorate_workers_output = no in the pool configuration.
            $stream = self::env('LOG_STREAM', PHP_SAPI === 'fpm-fcgi' ? 'php://stderr' : 'php://stdout');
            $handler = new StreamHandler($stream, $level);
            $handler->setFormatter(new JsonLineFormatter());
            self::$logger = new Logger('{{ app.slug_snake }}', [$handler]);
        }
        return self::$logger;
    }

    // -----------------------------------------------------------------------------------------
    // Metrics: exposed names are exactly the declared ones
    // -----------------------------------------------------------------------------------------

    /** Metrics live in APCu, shared by every request of this server; without APCu they last one request. */
    public static function registry(): CollectorRegistry
    {
        if (self::$registry === null) {
            $apcu = extension_loaded('apcu') && apcu_enabled();
            self::$registry = new CollectorRegistry($apcu ? new APCng() : new InMemory(), false);
            if (!$apcu) {
                self::logger()->warning('APCu is not enabled: metrics reset on every request');
            }
        }
        return self::$registry;
    }

    public static function httpRequestsTotal(): Counter
    {
        return self::registry()->getOrRegisterCounter('', 'http_requests_total',
            'HTTP requests handled, by method, route and status code', ['method', 'route', 'code']);
    }

    public static function httpRequestDurationSeconds(): Histogram
    {
        return self::registry()->getOrRegisterHistogram('', 'http_request_duration_seconds',
            'HTTP request duration in seconds, by method, route and status code', ['method', 'route', 'code'],
            [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0]);
    }

    public static function httpActiveConnections(): Gauge
    {
        return self::registry()->getOrRegisterGauge('', 'http_active_connections',
            'HTTP requests being handled right now');
    }
{% for m in app.metrics %}
{%- set php_help = m.help | replace(from="\\", to="\\\\") | replace(from="'", to="\\'") %}
    /** Business metric {{ m.name }} ({{ m.type }}{% if m.labels | length > 0 %}; labels in this order: {{ m.labels | join(sep=", ") }}{% endif %}). */
    public static function {{ m.name | replace(from=":", to="_") }}(): {% if m.type == "counter" %}Counter{% elif m.type == "gauge" %}Gauge{% else %}Histogram{% endif %}
    {
        return self::registry()->getOrRegister{% if m.type == "counter" %}Counter{% elif m.type == "gauge" %}Gauge{% else %}Histogram{% endif %}('', '{{ m.name }}', '{{ php_help }}', [{% for l in m.labels %}'{{ l }}'{% if not loop.last %}, {% endif %}{% endfor %}]);
    }
{% endfor %}
    /** Registers every metric, so the ones without labels are exposed before their first use. */
    public static function registerMetrics(): void
    {
        self::httpRequestsTotal();
        self::httpRequestDurationSeconds();
        self::httpActiveConnections();
{%- for m in app.metrics %}
        self::{{ m.name | replace(from=":", to="_") }}();
{%- endfor %}
    }

    /** The Prometheus text exposition of every metric. */
    public static function metricsText(): string
    {
        self::registerMetrics();
        return (new RenderTextFormat())->render(self::registry()->getMetricFamilySamples());
    }

    /** Answers GET /metrics (returns true when it did: stop handling the request then). */
    public static function serveMetrics(string $path = '/metrics'): bool
    {
        if (($_SERVER['REQUEST_METHOD'] ?? '') !== 'GET' || self::requestPath() !== $path) {
            return false;
        }
        self::$requestStart = null; // a scrape is not an application request
        header('Content-Type: ' . self::METRICS_CONTENT_TYPE);
        echo self::metricsText();
        return true;
    }

    // -----------------------------------------------------------------------------------------
    // Request metrics for the traffic port
    // -----------------------------------------------------------------------------------------

    private static function requestPath(): string
    {
        $path = parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH);
        return is_string($path) && $path !== '' ? $path : '/';
    }

    /** A low-cardinality route label when the app does not name its route (see setRoute). */
    public static function normalizeRoute(string $path, int $statusCode): string
    {
        if ($statusCode === 404) {
            return 'unmatched';
        }
        $parts = array_map(
            static fn (string $p): string => preg_match('/^(\d+|[0-9a-fA-F-]{16,}|[0-9a-fA-F]{8,})$/', $p) === 1 ? ':id' : $p,
            explode('/', $path)
        );
        $route = implode('/', $parts);
        return $route === '' ? '/' : $route;
    }

    /** Names the route of this request for the metrics, e.g. '/orders/{id}'. */
    public static function setRoute(string $route): void
    {
        self::$route = $route;
    }

    /** Call first in the front controller: the request is recorded when the script ends. */
    public static function beginRequest(): void
    {
        self::$requestStart = microtime(true);
        self::httpActiveConnections()->inc();
        register_shutdown_function(static function (): void {
            self::httpActiveConnections()->dec();
            if (self::$requestStart === null) {
                return;
            }
            $status = http_response_code();
            $status = is_int($status) ? $status : 200;
            $route = self::$route ?? self::normalizeRoute(self::requestPath(), $status);
            self::observeRequest((string) ($_SERVER['REQUEST_METHOD'] ?? 'GET'), $route, $status,
                microtime(true) - self::$requestStart);
        });
    }

    /** Records one handled request: the http_* metrics and one JSON log line. */
    public static function observeRequest(string $method, string $route, int $statusCode, float $seconds): void
    {
        $labels = [$method, $route, (string) $statusCode];
        self::httpRequestsTotal()->inc($labels);
        self::httpRequestDurationSeconds()->observe($seconds, $labels);
        self::logger()->info('request', [
            'method' => $method,
            'route' => $route,
            'status_code' => $statusCode,
            'duration_ms' => round($seconds * 1000, 1),
        ]);
    }

    // -----------------------------------------------------------------------------------------
    // Management endpoints (port {{ ports.mgmt }}, mgmt.php): /readiness /liveness /info /shutdown
    // PHP handles each request in a fresh script, so the state is a flag file shared by every process.
    // -----------------------------------------------------------------------------------------

    private static function stateDir(): string
    {
        $dir = self::env('VIBE_STATE_DIR', sys_get_temp_dir() . '/vibe-observability-{{ app.slug }}');
        if (!is_dir($dir)) {
            @mkdir($dir, 0700, true);
        }
        return $dir;
    }

    private static function setFlag(string $name, bool $on): void
    {
        $file = self::stateDir() . '/' . $name;
        if ($on) {
            @touch($file);
        } elseif (is_file($file)) {
            @unlink($file);
        }
    }

    private static function flag(string $name): bool
    {
        return is_file(self::stateDir() . '/' . $name);
    }

    /** setReady(false) while the app cannot serve traffic (e.g. the database is unreachable): /readiness answers 503. */
    public static function setReady(bool $ready): void
    {
        self::setFlag('not-ready', !$ready);
    }

    /** setLive(false) when the app is broken beyond repair: /liveness answers 503 and Kubernetes restarts it. */
    public static function setLive(bool $live): void
    {
        self::setFlag('not-live', !$live);
    }

    /** [status code, JSON body] for a management path. */
    public static function managementResponse(string $path): array
    {
        return match ($path) {
            '/readiness' => self::flag('not-ready') ? [503, '{"status":"OUT_OF_SERVICE"}'] : [200, '{"status":"UP"}'],
            '/liveness' => self::flag('not-live') ? [503, '{"status":"DOWN"}'] : [200, '{"status":"UP"}'],
            '/info' => [200, json_encode(['app' => self::appSlug(), 'version' => self::appVersion()], JSON_UNESCAPED_SLASHES)],
            '/shutdown' => [200, 'null'],
            default => [404, '{"error":"not found"}'],
        };
    }

    /** Serves one management request (mgmt.php). */
    public static function handleManagementRequest(): void
    {
        $path = self::requestPath();
        if (($_SERVER['REQUEST_METHOD'] ?? '') !== 'GET') {
            [$code, $body] = [405, '{"error":"method not allowed"}'];
        } else {
            [$code, $body] = self::managementResponse($path);
        }
        http_response_code($code);
        header('Content-Type: application/json');
        header('Content-Length: ' . strlen($body));
        echo $body;
        if ($path === '/shutdown' && $code === 200) {
            self::beginShutdown();
        }
    }

    /** After the `null` answer: not ready, then a graceful stop. */
    private static function beginShutdown(): void
    {
        self::logger()->info('shutdown requested on the management port');
        self::setReady(false);
        if (PHP_SAPI === 'fpm-fcgi' && function_exists('fastcgi_finish_request') && function_exists('posix_kill')) {
            fastcgi_finish_request(); // the caller has its `null`
            posix_kill(posix_getppid(), 3); // SIGQUIT to the php-fpm master: running requests finish, then it exits
            return;
        }
        // Other servers (e.g. php -S) cannot be stopped from inside a request without losing the answer:
        // /liveness now answers 503, so Kubernetes stops the container gracefully (SIGTERM) and starts a new one.
        self::setLive(false);
    }
}
