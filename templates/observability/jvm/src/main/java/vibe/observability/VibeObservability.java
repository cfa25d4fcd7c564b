package vibe.observability;

import ch.qos.logback.classic.Level;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Observability for {{ app.slug }}: Prometheus metrics, JSON logs and the management endpoints.
 *
 * <p>Wire it into the app (see README.md):
 * <pre>
 * VibeObservability.init();                          // management server on port {{ ports.mgmt }}, LOG_LEVEL
 * String body = VibeObservability.scrape();          // serve it on GET /metrics, port {{ ports.http }}
 * VibeObservability.recordRequest("GET", "/orders/{id}", 200, elapsedNanos);
 * // business metrics (from vibe.yaml): see BusinessMetrics
 * </pre>
 */
public final class VibeObservability {

    /** Application traffic and GET /metrics (env PORT overrides it for a local run, e.g. `vibe probe`). */
    public static final int HTTP_PORT = envPort("PORT", {{ ports.http }});
    /** Management endpoints: /readiness /liveness /info /shutdown (env MGMT_PORT overrides it for a local run). */
    public static final int MGMT_PORT = envPort("MGMT_PORT", {{ ports.mgmt }});
    /** The text format every Prometheus version reads. */
    public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    public static final String APP_SLUG = envOr("APP_SLUG", "{{ app.slug }}");
    public static final String APP_VERSION = envOr("APP_VERSION", "{{ app.image.tag }}");

    private static final Logger LOG = LoggerFactory.getLogger(VibeObservability.class);

    /** Every metric served on GET /metrics. */
    public static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** Histogram buckets of http_request_duration_seconds (seconds), as the Prometheus clients' defaults. */
    static final double[] DEFAULT_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10};

    private static final AtomicInteger ACTIVE = new AtomicInteger();

    static {
        new JvmMemoryMetrics().bindTo(REGISTRY);
        new JvmThreadMetrics().bindTo(REGISTRY);
        new ProcessorMetrics().bindTo(REGISTRY);
        new UptimeMetrics().bindTo(REGISTRY);
        Gauge.builder("http_active_connections", ACTIVE, AtomicInteger::get)
                .description("HTTP requests being handled right now")
                .register(REGISTRY);
    }

    private VibeObservability() {
    }

    private static int envPort(String name, int fallback) {
        try {
            int port = Integer.parseInt(envOr(name, ""));
            return port > 0 && port < 65536 ? port : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Applies LOG_LEVEL, registers the business metrics and starts the management server. Call once at startup. */
    public static void init() {
        applyLogLevel();
        BusinessMetrics.registerAll();
        startManagementServer();
    }

    // -----------------------------------------------------------------------------------------
    // JSON logs (logback.xml): the level comes from LOG_LEVEL
    // -----------------------------------------------------------------------------------------

    /** Sets the root log level from LOG_LEVEL (trace, debug, info, warn, error; default info). */
    public static void applyLogLevel() {
        String wanted = envOr("LOG_LEVEL", "info").trim().toLowerCase(Locale.ROOT);
        if (wanted.equals("warning")) {
            wanted = "warn";
        }
        org.slf4j.Logger root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logbackRoot) {
            logbackRoot.setLevel(Level.toLevel(wanted, Level.INFO));
        }
    }

    // -----------------------------------------------------------------------------------------
    // Metrics
    // -----------------------------------------------------------------------------------------

    /** The Prometheus text exposition of every metric; serve it on GET /metrics. */
    public static String scrape() {
        return REGISTRY.scrape();
    }

    private static final Pattern ID_SEGMENT = Pattern.compile("^(\\d+|[0-9a-fA-F-]{16,}|[0-9a-fA-F]{8,})$");

    /** A low-cardinality route label when the framework does not report its route template. */
    public static String normalizeRoute(String path, int statusCode) {
        if (statusCode == 404) {
            return "unmatched";
        }
        String[] parts = path.split("\\?", 2)[0].split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            if (ID_SEGMENT.matcher(parts[i]).matches()) {
                parts[i] = ":id";
            }
        }
        String route = String.join("/", parts);
        return route.isEmpty() ? "/" : route;
    }

    /** Call when a request starts; pair it with {@link #requestFinished()}. */
    public static void requestStarted() {
        ACTIVE.incrementAndGet();
    }

    /** Call when a request ends. */
    public static void requestFinished() {
        ACTIVE.decrementAndGet();
    }

    /** Records one handled request: http_requests_total, http_request_duration_seconds and one JSON log line. */
    public static void recordRequest(String method, String route, int statusCode, long elapsedNanos) {
        String status = Integer.toString(statusCode);
        Counter.builder("http_requests_total")
                .description("HTTP requests handled, by method, route and status code")
                .tags("method", method, "route", route, "code", status)
                .register(REGISTRY)
                .increment();
        Timer.builder("http_request_duration_seconds")
                .description("HTTP request duration in seconds, by method, route and status code")
                .tags("method", method, "route", route, "code", status)
                .serviceLevelObjectives(bucketDurations())
                .register(REGISTRY)
                .record(elapsedNanos, TimeUnit.NANOSECONDS);
        LOG.info("request", kv("method", method), kv("route", route), kv("status_code", statusCode),
                kv("duration_ms", Math.round(elapsedNanos / 100_000.0) / 10.0));
    }

    private static Duration[] bucketDurations() {
        Duration[] buckets = new Duration[DEFAULT_BUCKETS.length];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = Duration.ofNanos((long) (DEFAULT_BUCKETS[i] * 1e9));
        }
        return buckets;
    }

    /**
     * Wraps a JDK HttpServer handler: serves GET /metrics and records every other request; the route label is
     * the context path, e.g. {@code server.createContext("/hello", VibeObservability.instrument(handler))}.
     */
    public static HttpHandler instrument(HttpHandler handler) {
        return exchange -> {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if (method.equals("GET") && path.equals("/metrics")) {
                reply(exchange, 200, METRICS_CONTENT_TYPE, scrape());
                return;
            }
            long start = System.nanoTime();
            requestStarted();
            try {
                handler.handle(exchange);
            } finally {
                requestFinished();
                int status = exchange.getResponseCode() < 0 ? 500 : exchange.getResponseCode();
                String context = exchange.getHttpContext().getPath();
                recordRequest(method, context.equals("/") ? normalizeRoute(path, status) : context, status,
                        System.nanoTime() - start);
            }
        };
    }

    // -----------------------------------------------------------------------------------------
    // Management endpoints on port {{ ports.mgmt }}: /readiness /liveness /info /shutdown
    // -----------------------------------------------------------------------------------------

    private static final AtomicBoolean READY = new AtomicBoolean(true);
    private static final AtomicBoolean LIVE = new AtomicBoolean(true);
    private static final List<Runnable> SHUTDOWN_HOOKS = new CopyOnWriteArrayList<>();
    private static volatile HttpServer mgmtServer;

    /** false while the app cannot serve traffic (e.g. the database is unreachable): /readiness answers 503. */
    public static void setReady(boolean ready) {
        READY.set(ready);
    }

    /** false when the app is broken beyond repair: /liveness answers 503 and Kubernetes restarts it. */
    public static void setLive(boolean live) {
        LIVE.set(live);
    }

    /** Runs {@code hook} on GET /shutdown, before the JVM exits (JVM shutdown hooks, e.g. Spring's, run after). */
    public static void onShutdown(Runnable hook) {
        SHUTDOWN_HOOKS.add(hook);
    }

    static void reply(HttpExchange exchange, int code, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String jsonString(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static void handleManagement(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!exchange.getRequestMethod().equals("GET")) {
            reply(exchange, 405, "application/json", "{\"error\":\"method not allowed\"}");
            return;
        }
        switch (path) {
            case "/readiness" -> {
                if (READY.get()) {
                    reply(exchange, 200, "application/json", "{\"status\":\"UP\"}");
                } else {
                    reply(exchange, 503, "application/json", "{\"status\":\"OUT_OF_SERVICE\"}");
                }
            }
            case "/liveness" -> {
                if (LIVE.get()) {
                    reply(exchange, 200, "application/json", "{\"status\":\"UP\"}");
                } else {
                    reply(exchange, 503, "application/json", "{\"status\":\"DOWN\"}");
                }
            }
            case "/info" -> reply(exchange, 200, "application/json",
                    "{\"app\":" + jsonString(APP_SLUG) + ",\"version\":" + jsonString(APP_VERSION) + "}");
            case "/shutdown" -> {
                LOG.info("shutdown requested on the management port");
                setReady(false);
                reply(exchange, 200, "application/json", "null");
                Thread stopper = new Thread(VibeObservability::gracefulStop, "vibe-shutdown");
                stopper.setDaemon(false);
                stopper.start();
            }
            default -> reply(exchange, 404, "application/json", "{\"error\":\"not found\"}");
        }
    }

    private static void gracefulStop() {
        try {
            Thread.sleep(100); // let the `null` response reach the caller
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Runnable hook : SHUTDOWN_HOOKS) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                LOG.error("shutdown hook failed", e);
            }
        }
        LOG.info("stopped");
        System.exit(0);
    }

    /** Serves the management endpoints from a background thread (idempotent). */
    public static synchronized HttpServer startManagementServer() {
        if (mgmtServer != null) {
            return mgmtServer;
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(MGMT_PORT), 0);
            server.createContext("/", VibeObservability::handleManagement);
            server.setExecutor(Executors.newFixedThreadPool(2, runnable -> {
                Thread thread = new Thread(runnable, "vibe-mgmt");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            mgmtServer = server;
            LOG.info("management server listening", kv("port", MGMT_PORT));
        } catch (IOException e) {
            LOG.warn("management server not started", kv("port", MGMT_PORT), kv("error", e.getMessage()));
        }
        return mgmtServer;
    }
}
