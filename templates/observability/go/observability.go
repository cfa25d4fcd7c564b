// Package observability gives {{ app.slug }} its Prometheus metrics, JSON logs and management endpoints.
//
// Wire it into the app (see README.md):
//
//	observability.Setup()                                      // JSON logs + management server on port {{ ports.mgmt }}
//	handler := observability.Instrument(mux)                   // GET /metrics on port {{ ports.http }} + request metrics
//	ctx, stop := observability.ShutdownContext(context.Background()) // done on SIGTERM or GET /shutdown
package observability

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Ports of the platform contract; PORT / MGMT_PORT override them for a local run (e.g. `vibe probe` picks free ones).
var (
	HTTPPort = envPort("PORT", {{ ports.http }})
	MgmtPort = envPort("MGMT_PORT", {{ ports.mgmt }})
)

// AppSlug and AppVersion are reported by GET /info.
var (
	AppSlug    = envOr("APP_SLUG", "{{ app.slug }}")
	AppVersion = envOr("APP_VERSION", "{{ app.image.tag }}")
)

func envPort(name string, fallback int) int {
	if p, err := strconv.Atoi(os.Getenv(name)); err == nil && p > 0 && p < 65536 {
		return p
	}
	return fallback
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// ---------------------------------------------------------------------------------------------
// JSON logs on stdout: time (ISO 8601), level, msg
// ---------------------------------------------------------------------------------------------

// Logger writes one JSON object per line to stdout; Setup also makes it slog's default.
var Logger = NewLogger()

// NewLogger builds the JSON logger at the level named by LOG_LEVEL (debug, info, warn, error; default info).
func NewLogger() *slog.Logger {
	var level slog.Level
	wanted := strings.ToLower(strings.TrimSpace(os.Getenv("LOG_LEVEL")))
	if wanted == "warning" {
		wanted = "warn"
	}
	if err := level.UnmarshalText([]byte(wanted)); err != nil {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level}))
}

// ---------------------------------------------------------------------------------------------
// Metrics: exposed names are exactly the declared ones
// ---------------------------------------------------------------------------------------------

// Registry holds every metric served on GET /metrics.
var Registry = prometheus.NewRegistry()

var factory = promauto.With(Registry)

// Framework metrics, recorded by Instrument for every request on the traffic port.
var (
	HTTPRequestsTotal = factory.NewCounterVec(prometheus.CounterOpts{
		Name: "http_requests_total",
		Help: "HTTP requests handled, by method, route and status code",
	}, []string{"method", "route", "code"})
	HTTPRequestDurationSeconds = factory.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "http_request_duration_seconds",
		Help:    "HTTP request duration in seconds, by method, route and status code",
		Buckets: prometheus.DefBuckets,
	}, []string{"method", "route", "code"})
	HTTPActiveConnections = factory.NewGauge(prometheus.GaugeOpts{
		Name: "http_active_connections",
		Help: "HTTP requests being handled right now",
	})
)
{%- if app.metrics | length > 0 %}

// Business metrics (from vibe.yaml): call these from the business logic.
var (
{%- for m in app.metrics %}
{%- set go_name = m.name | replace(from=":", to="_") | title | replace(from="_", to="") %}
{%- set go_help = m.help | replace(from="\\", to="\\\\") | replace(from="\"", to="\\\"") %}
{%- set go_kind %}{% if m.type == "counter" %}Counter{% elif m.type == "gauge" %}Gauge{% else %}Histogram{% endif %}{% endset %}
{%- if m.labels | length > 0 %}
	// {{ go_name }} is {{ m.name }}: {{ go_name }}.WithLabelValues({% for l in m.labels %}{{ l }}{% if not loop.last %}, {% endif %}{% endfor %}).{% if m.type == "counter" %}Inc(){% elif m.type == "gauge" %}Set(v){% else %}Observe(v){% endif %}
	{{ go_name }} = factory.New{{ go_kind }}Vec(prometheus.{{ go_kind }}Opts{
		Name: "{{ m.name }}",
		Help: "{{ go_help }}",
	}, []string{ {%- for l in m.labels %}"{{ l }}"{% if not loop.last %}, {% endif %}{% endfor -%} })
{%- else %}
	// {{ go_name }} is {{ m.name }}: {{ go_name }}.{% if m.type == "counter" %}Inc(){% elif m.type == "gauge" %}Set(v){% else %}Observe(v){% endif %}
	{{ go_name }} = factory.New{{ go_kind }}(prometheus.{{ go_kind }}Opts{
		Name: "{{ m.name }}",
		Help: "{{ go_help }}",
	})
{%- endif %}
{%- endfor %}
)
{%- endif %}

func init() {
	Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
}

// MetricsHandler serves the Prometheus text format of every metric in Registry.
func MetricsHandler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{})
}

// ---------------------------------------------------------------------------------------------
// Request metrics for the traffic port
// ---------------------------------------------------------------------------------------------

var idSegment = regexp.MustCompile(`^(\d+|[0-9a-fA-F-]{16,}|[0-9a-fA-F]{8,})$`)

// NormalizeRoute gives a low-cardinality route label when no route pattern is known.
func NormalizeRoute(path string, statusCode int) string {
	if statusCode == http.StatusNotFound {
		return "unmatched"
	}
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if idSegment.MatchString(p) {
			parts[i] = ":id"
		}
	}
	if route := strings.Join(parts, "/"); route != "" {
		return route
	}
	return "/"
}

// ObserveRequest records one handled request (for routers Instrument does not cover).
func ObserveRequest(method, route string, statusCode int, elapsed time.Duration) {
	code := strconv.Itoa(statusCode)
	HTTPRequestsTotal.WithLabelValues(method, route, code).Inc()
	HTTPRequestDurationSeconds.WithLabelValues(method, route, code).Observe(elapsed.Seconds())
	Logger.Info("request", "method", method, "route", route, "status_code", statusCode,
		"duration_ms", float64(elapsed.Microseconds())/1000)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the original writer (Flush, deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Instrument serves GET /metrics and records every other request handled by next.
// With Go's http.ServeMux the route label is the matched pattern, e.g. /orders/{id}.
func Instrument(next http.Handler) http.Handler {
	metrics := MetricsHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" && r.Method == http.MethodGet {
			metrics.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		HTTPActiveConnections.Inc()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			HTTPActiveConnections.Dec()
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			route := r.Pattern // set by http.ServeMux (Go 1.23), e.g. "GET /orders/{id}"
			if i := strings.IndexByte(route, ' '); i >= 0 {
				route = route[i+1:]
			}
			if route == "" {
				route = NormalizeRoute(r.URL.Path, status)
			}
			ObserveRequest(r.Method, route, status, time.Since(start))
		}()
		next.ServeHTTP(rec, r)
	})
}

// ---------------------------------------------------------------------------------------------
// Management endpoints on port {{ ports.mgmt }}: /readiness /liveness /info /shutdown
// ---------------------------------------------------------------------------------------------

var (
	ready        atomic.Bool
	live         atomic.Bool
	shutdownOnce sync.Once
	shutdownCh   = make(chan struct{})
)

func init() {
	ready.Store(true)
	live.Store(true)
}

// SetReady(false) while the app cannot serve traffic (e.g. the database is unreachable): /readiness answers 503.
func SetReady(ok bool) { ready.Store(ok) }

// SetLive(false) when the app is broken beyond repair: /liveness answers 503 and Kubernetes restarts it.
func SetLive(ok bool) { live.Store(ok) }

// RequestShutdown starts a graceful stop, as GET /shutdown does.
func RequestShutdown() {
	shutdownOnce.Do(func() {
		SetReady(false)
		close(shutdownCh)
	})
}

// ShutdownContext is done on SIGTERM, SIGINT or GET /shutdown: stop serving gracefully when it is.
func ShutdownContext(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, stopSignals := signal.NotifyContext(parent, syscall.SIGTERM, os.Interrupt)
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-shutdownCh:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() { cancel(); stopSignals() }
}

func reply(w http.ResponseWriter, code int, payload any) {
	body, _ := json.Marshal(payload)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

type statusBody struct {
	Status string `json:"status"`
}

type info struct {
	App     string `json:"app"`
	Version string `json:"version"`
}

// ManagementHandler serves the management endpoints.
func ManagementHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /readiness", func(w http.ResponseWriter, _ *http.Request) {
		if ready.Load() {
			reply(w, http.StatusOK, statusBody{"UP"})
		} else {
			reply(w, http.StatusServiceUnavailable, statusBody{"OUT_OF_SERVICE"})
		}
	})
	mux.HandleFunc("GET /liveness", func(w http.ResponseWriter, _ *http.Request) {
		if live.Load() {
			reply(w, http.StatusOK, statusBody{"UP"})
		} else {
			reply(w, http.StatusServiceUnavailable, statusBody{"DOWN"})
		}
	})
	mux.HandleFunc("GET /info", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, http.StatusOK, info{AppSlug, AppVersion})
	})
	mux.HandleFunc("GET /shutdown", func(w http.ResponseWriter, _ *http.Request) {
		Logger.Info("shutdown requested on the management port")
		reply(w, http.StatusOK, nil)
		go func() {
			time.Sleep(100 * time.Millisecond) // let the `null` response reach the caller
			RequestShutdown()
		}()
	})
	return mux
}

// StartManagementServer serves the management endpoints in the background.
func StartManagementServer() *http.Server {
	srv := &http.Server{
		Addr:              fmt.Sprintf(":%d", MgmtPort),
		Handler:           ManagementHandler(),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() {
		Logger.Info("management server listening", "port", MgmtPort)
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			Logger.Error("management server stopped", "error", err.Error())
		}
	}()
	return srv
}

// Setup makes Logger the default slog logger and starts the management server. Call once at startup.
func Setup() *http.Server {
	slog.SetDefault(Logger)
	return StartManagementServer()
}
