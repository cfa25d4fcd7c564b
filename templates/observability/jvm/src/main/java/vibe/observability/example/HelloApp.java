package vibe.observability.example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vibe.observability.BusinessMetrics;
import vibe.observability.VibeObservability;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * A tiny runnable example of the observability skeleton (the JDK's HTTP server, no framework).
 * <pre>
 * cd observability &amp;&amp; mvn -q compile exec:java
 * curl localhost:{{ ports.http }}/hello ; curl localhost:{{ ports.http }}/metrics ; curl localhost:{{ ports.mgmt }}/readiness
 * </pre>
 */
public final class HelloApp {

    private static final Logger LOG = LoggerFactory.getLogger(HelloApp.class);

    private HelloApp() {
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    public static void main(String[] args) throws Exception {
        VibeObservability.init(); // LOG_LEVEL, business metrics, management server on port {{ ports.mgmt }}

        HttpServer server = HttpServer.create(new InetSocketAddress(VibeObservability.HTTP_PORT), 0);
        server.createContext("/hello", VibeObservability.instrument(exchange -> {
{%- if app.metrics | length > 0 %}
{%- set m = app.metrics | first %}
            // A business metric, as the app's own code would record it:
            BusinessMetrics.{{ m.name | replace(from=":", to="_") | upper }}.labels({% for l in m.labels %}"example"{% if not loop.last %}, {% endif %}{% endfor %}).{% if m.type == "counter" %}increment(){% elif m.type == "gauge" %}inc(){% else %}record(0.42){% endif %};
{%- endif %}
            reply(exchange, 200, "{\"message\":\"hello from {{ app.slug }}\"}");
        }));
        // Everything else, including GET /metrics (answered by instrument()).
        server.createContext("/", VibeObservability.instrument(exchange -> reply(exchange, 404, "{\"error\":\"not found\"}")));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        LOG.info("listening", kv("port", VibeObservability.HTTP_PORT));

        // SIGTERM from Kubernetes, or GET /shutdown: stop taking requests, let running ones finish.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            VibeObservability.setReady(false);
            LOG.info("stopping");
            server.stop(1);
        }));
    }
}
