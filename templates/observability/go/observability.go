// Package observability gives {{ app.slug }} its Prometheus metrics, JSON logs and management endpoints.
//
// It uses the standard library only (the Prometheus text format 0.0.4 is written here), so the
// app needs no go.sum entry for it and it builds with Go 1.19 and later. Wire it into the app
// (see README.md):
//
//	observability.Setup()                                      // JSON logs + management server on port {{ ports.mgmt }}
//	handler := observability.Instrument(mux)                   // GET /metrics on port {{ ports.http }} + request metrics
//	http.ListenAndServe(observability.HTTPAddr(), handler)     // the traffic port, PORT or {{ ports.http }}
package observability

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"math"
	"net/http"
	"os"
	"os/signal"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
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

// HTTPAddr is the address the app's HTTP server listens on: ":" and the traffic port.
func HTTPAddr() string { return fmt.Sprintf(":%d", HTTPPort) }

// HTTPPortText is the traffic port as text ("{{ ports.http }}"), where the app keeps its port in a string.
func HTTPPortText() string { return strconv.Itoa(HTTPPort) }

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
// JSON logs on stdout: time (ISO 8601), level, msg, then the fields given
// ---------------------------------------------------------------------------------------------

var levels = map[string]int{"debug": 0, "info": 1, "warn": 2, "warning": 2, "error": 3}

// JSONLogger writes one JSON object per line to stdout.
type JSONLogger struct {
	mu    sync.Mutex
	enc   *json.Encoder
	level int
}

// Logger is the app's logger; Setup also sends the standard log package's lines through it.
var Logger = NewLogger()

// NewLogger builds the JSON logger at the level named by LOG_LEVEL (debug, info, warn, error; default info).
func NewLogger() *JSONLogger {
	level, ok := levels[strings.ToLower(strings.TrimSpace(os.Getenv("LOG_LEVEL")))]
	if !ok {
		level = levels["info"]
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	return &JSONLogger{enc: enc, level: level}
}

// Debug logs msg with key/value fields: Logger.Debug("cache miss", "key", k).
func (l *JSONLogger) Debug(msg string, fields ...any) { l.write("debug", msg, fields) }

// Info logs msg with key/value fields: Logger.Info("order imported", "order_count", 3).
func (l *JSONLogger) Info(msg string, fields ...any) { l.write("info", msg, fields) }

// Warn logs msg with key/value fields.
func (l *JSONLogger) Warn(msg string, fields ...any) { l.write("warn", msg, fields) }

// Error logs msg with key/value fields: Logger.Error("payment failed", "error", err).
func (l *JSONLogger) Error(msg string, fields ...any) { l.write("error", msg, fields) }

func (l *JSONLogger) write(level, msg string, fields []any) {
	if levels[level] < l.level {
		return
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00")
	entry := map[string]any{"time": now, "level": level, "msg": msg}
	for i := 0; i < len(fields); i += 2 {
		key := fmt.Sprint(fields[i])
		var value any = "(missing)"
		if i+1 < len(fields) {
			value = fields[i+1]
		}
		if err, ok := value.(error); ok {
			value = err.Error()
		}
		if _, taken := entry[key]; !taken {
			entry[key] = value
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.enc.Encode(entry); err != nil {
		// A field JSON cannot hold (a func, a channel): the line is kept without the fields.
		_ = l.enc.Encode(map[string]any{"time": now, "level": level, "msg": msg, "log_error": err.Error()})
	}
}

func line(text string) string { return strings.TrimRight(text, "\n") }

// Print, Printf and Println log one info line (they stand in for fmt's and log's printing).
func Print(args ...any) { Logger.Info(line(fmt.Sprint(args...))) }

// Printf logs a formatted info line.
func Printf(format string, args ...any) { Logger.Info(line(fmt.Sprintf(format, args...))) }

// Println logs an info line of its arguments separated by spaces.
func Println(args ...any) { Logger.Info(line(fmt.Sprintln(args...))) }

// Fatal, Fatalf and Fatalln log an error line and exit with status 1, as log.Fatal does.
func Fatal(args ...any) {
	Logger.Error(line(fmt.Sprint(args...)))
	os.Exit(1)
}

// Fatalf logs a formatted error line and exits with status 1.
func Fatalf(format string, args ...any) {
	Logger.Error(line(fmt.Sprintf(format, args...)))
	os.Exit(1)
}

// Fatalln logs an error line and exits with status 1.
func Fatalln(args ...any) {
	Logger.Error(line(fmt.Sprintln(args...)))
	os.Exit(1)
}

// Panic, Panicf and Panicln log an error line and panic, as log.Panic does.
func Panic(args ...any) {
	s := line(fmt.Sprint(args...))
	Logger.Error(s)
	panic(s)
}

// Panicf logs a formatted error line and panics.
func Panicf(format string, args ...any) {
	s := line(fmt.Sprintf(format, args...))
	Logger.Error(s)
	panic(s)
}

// Panicln logs an error line and panics.
func Panicln(args ...any) {
	s := line(fmt.Sprintln(args...))
	Logger.Error(s)
	panic(s)
}

// stdLog turns the standard log package's lines into JSON lines (Setup installs it).
type stdLog struct{}

func (stdLog) Write(p []byte) (int, error) {
	Logger.Info(line(string(p)))
	return len(p), nil
}

// ---------------------------------------------------------------------------------------------
// Metrics in the Prometheus text format 0.0.4: exposed names are exactly the declared ones
// ---------------------------------------------------------------------------------------------

// DefBuckets are the histogram buckets, in seconds (the Prometheus clients' defaults).
var DefBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// family is one metric name with its series, one per combination of label values.
type family struct {
	name, help, kind string
	labels           []string
	buckets          []float64
	mu               sync.Mutex
	series           map[string]*series
	value            func() float64 // a gauge read when scraped
}

type series struct {
	values []string
	value  float64  // counter, gauge
	counts []uint64 // histogram: per bucket (not cumulative)
	sum    float64
	count  uint64
}

var registry struct {
	sync.Mutex
	families []*family
}

func register(f *family) *family {
	f.series = map[string]*series{}
	if len(f.labels) == 0 && f.value == nil {
		f.get(nil) // a metric without labels is exposed from the start, at 0
	}
	registry.Lock()
	defer registry.Unlock()
	registry.families = append(registry.families, f)
	return f
}

// get returns the series of the label values (missing values are empty, extra ones dropped).
func (f *family) get(values []string) *series {
	v := make([]string, len(f.labels))
	copy(v, values)
	key := strings.Join(v, "\xff")
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.series[key]
	if !ok {
		s = &series{values: v, counts: make([]uint64, len(f.buckets))}
		f.series[key] = s
	}
	return s
}

func (f *family) update(s *series, change func(*series)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(s)
}

// Counter only goes up.
type Counter struct {
	f *family
	s *series
}

// Inc adds 1.
func (c Counter) Inc() { c.Add(1) }

// Add adds v (negative values are ignored: a counter never goes down).
func (c Counter) Add(v float64) {
	if v >= 0 {
		c.f.update(c.s, func(s *series) { s.value += v })
	}
}

// Gauge goes up and down.
type Gauge struct {
	f *family
	s *series
}

// Set sets the value.
func (g Gauge) Set(v float64) { g.f.update(g.s, func(s *series) { s.value = v }) }

// Add adds v (which may be negative).
func (g Gauge) Add(v float64) { g.f.update(g.s, func(s *series) { s.value += v }) }

// Sub subtracts v.
func (g Gauge) Sub(v float64) { g.Add(-v) }

// Inc adds 1.
func (g Gauge) Inc() { g.Add(1) }

// Dec subtracts 1.
func (g Gauge) Dec() { g.Add(-1) }

// Histogram counts observations (durations in seconds, sizes) into buckets.
type Histogram struct {
	f *family
	s *series
}

// Observe records one value.
func (h Histogram) Observe(v float64) {
	h.f.update(h.s, func(s *series) {
		for i, upper := range h.f.buckets {
			if v <= upper {
				s.counts[i]++
				break
			}
		}
		s.sum += v
		s.count++
	})
}

// CounterVec is a counter with labels.
type CounterVec struct{ f *family }

// WithLabelValues is the counter of these label values, in the order the labels were declared.
func (v CounterVec) WithLabelValues(values ...string) Counter {
	return Counter{v.f, v.f.get(values)}
}

// GaugeVec is a gauge with labels.
type GaugeVec struct{ f *family }

// WithLabelValues is the gauge of these label values, in the order the labels were declared.
func (v GaugeVec) WithLabelValues(values ...string) Gauge { return Gauge{v.f, v.f.get(values)} }

// HistogramVec is a histogram with labels.
type HistogramVec struct{ f *family }

// WithLabelValues is the histogram of these label values, in the order the labels were declared.
func (v HistogramVec) WithLabelValues(values ...string) Histogram {
	return Histogram{v.f, v.f.get(values)}
}

// NewCounter registers a counter without labels.
func NewCounter(name, help string) Counter {
	f := register(&family{name: name, help: help, kind: "counter"})
	return Counter{f, f.get(nil)}
}

// NewCounterVec registers a counter with labels.
func NewCounterVec(name, help string, labels ...string) CounterVec {
	return CounterVec{register(&family{name: name, help: help, kind: "counter", labels: labels})}
}

// NewGauge registers a gauge without labels.
func NewGauge(name, help string) Gauge {
	f := register(&family{name: name, help: help, kind: "gauge"})
	return Gauge{f, f.get(nil)}
}

// NewGaugeVec registers a gauge with labels.
func NewGaugeVec(name, help string, labels ...string) GaugeVec {
	return GaugeVec{register(&family{name: name, help: help, kind: "gauge", labels: labels})}
}

// NewGaugeFunc registers a gauge whose value is read from value when /metrics is scraped.
func NewGaugeFunc(name, help string, value func() float64) {
	register(&family{name: name, help: help, kind: "gauge", value: value})
}

// NewHistogram registers a histogram without labels (DefBuckets when buckets is nil).
func NewHistogram(name, help string, buckets []float64) Histogram {
	f := register(&family{name: name, help: help, kind: "histogram", buckets: bucketsOr(buckets)})
	return Histogram{f, f.get(nil)}
}

// NewHistogramVec registers a histogram with labels (DefBuckets when buckets is nil).
func NewHistogramVec(name, help string, buckets []float64, labels ...string) HistogramVec {
	return HistogramVec{register(&family{name: name, help: help, kind: "histogram", labels: labels, buckets: bucketsOr(buckets)})}
}

func bucketsOr(buckets []float64) []float64 {
	if len(buckets) == 0 {
		buckets = DefBuckets
	}
	out := append([]float64(nil), buckets...)
	sort.Float64s(out)
	return out
}

// Framework metrics, recorded by Instrument for every request on the traffic port.
var (
	HTTPRequestsTotal = NewCounterVec("http_requests_total",
		"HTTP requests handled, by method, route and status code", "method", "route", "code")
	HTTPRequestDurationSeconds = NewHistogramVec("http_request_duration_seconds",
		"HTTP request duration in seconds, by method, route and status code", nil, "method", "route", "code")
	HTTPActiveConnections = NewGauge("http_active_connections", "HTTP requests being handled right now")
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
	{{ go_name }} = New{{ go_kind }}Vec("{{ m.name }}", "{{ go_help }}"{% if m.type == "histogram" %}, nil{% endif %}, {% for l in m.labels %}"{{ l }}"{% if not loop.last %}, {% endif %}{% endfor %})
{%- else %}
	// {{ go_name }} is {{ m.name }}: {{ go_name }}.{% if m.type == "counter" %}Inc(){% elif m.type == "gauge" %}Set(v){% else %}Observe(v){% endif %}
	{{ go_name }} = New{{ go_kind }}("{{ m.name }}", "{{ go_help }}"{% if m.type == "histogram" %}, nil{% endif %})
{%- endif %}
{%- endfor %}
)
{%- endif %}

var started = time.Now()

func init() {
	NewGaugeFunc("go_goroutines", "Number of goroutines that currently exist",
		func() float64 { return float64(runtime.NumGoroutine()) })
	NewGaugeFunc("process_start_time_seconds", "Start time of the process since unix epoch in seconds",
		func() float64 { return float64(started.UnixNano()) / 1e9 })
}

func number(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
var helpEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`)

// labelText is `{a="x",b="y"}` (with `le` last for buckets), or "" without labels.
func labelText(names, values []string, le string) string {
	var parts []string
	for i, n := range names {
		parts = append(parts, n+`="`+labelEscaper.Replace(values[i])+`"`)
	}
	if le != "" {
		parts = append(parts, `le="`+le+`"`)
	}
	if len(parts) == 0 {
		return ""
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func (f *family) writeTo(b *strings.Builder) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", f.name, helpEscaper.Replace(f.help), f.name, f.kind)
	if f.value != nil {
		fmt.Fprintf(b, "%s %s\n", f.name, number(f.value()))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := make([]string, 0, len(f.series))
	for k := range f.series {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s := f.series[k]
		if f.kind != "histogram" {
			fmt.Fprintf(b, "%s%s %s\n", f.name, labelText(f.labels, s.values, ""), number(s.value))
			continue
		}
		var cumulative uint64
		for i, upper := range f.buckets {
			cumulative += s.counts[i]
			fmt.Fprintf(b, "%s_bucket%s %d\n", f.name, labelText(f.labels, s.values, number(upper)), cumulative)
		}
		fmt.Fprintf(b, "%s_bucket%s %d\n", f.name, labelText(f.labels, s.values, "+Inf"), s.count)
		fmt.Fprintf(b, "%s_sum%s %s\n", f.name, labelText(f.labels, s.values, ""), number(s.sum))
		fmt.Fprintf(b, "%s_count%s %d\n", f.name, labelText(f.labels, s.values, ""), s.count)
	}
}

// Exposition is every registered metric in the Prometheus text format.
func Exposition() string {
	registry.Lock()
	families := append([]*family(nil), registry.families...)
	registry.Unlock()
	var b strings.Builder
	for _, f := range families {
		f.writeTo(&b)
	}
	return b.String()
}

// MetricsHandler serves the Prometheus text format of every registered metric.
func MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_, _ = w.Write([]byte(Exposition()))
	})
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

// Flush passes streaming responses through.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the original writer (Flush, deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// routePattern is the pattern http.ServeMux matched (Request.Pattern, Go 1.23 and later, e.g.
// "GET /orders/{id}" -> "/orders/{id}"); read through reflect so the module builds with older Go too.
func routePattern(r *http.Request) string {
	field := reflect.ValueOf(r).Elem().FieldByName("Pattern")
	if !field.IsValid() || field.Kind() != reflect.String {
		return ""
	}
	route := field.String()
	if i := strings.IndexByte(route, ' '); i >= 0 {
		route = route[i+1:]
	}
	return route
}

// Instrument serves GET /metrics and records every other request handled by next.
// With Go's http.ServeMux (Go 1.23 and later) the route label is the matched pattern.
func Instrument(next http.Handler) http.Handler {
	if next == nil {
		next = http.DefaultServeMux
	}
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
			route := routePattern(r)
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
	ready        int32 = 1
	live         int32 = 1
	shutdownOnce sync.Once
	shutdownCh   = make(chan struct{})
)

func flag(ok bool) int32 {
	if ok {
		return 1
	}
	return 0
}

// SetReady(false) while the app cannot serve traffic (e.g. the database is unreachable): /readiness answers 503.
func SetReady(ok bool) { atomic.StoreInt32(&ready, flag(ok)) }

// SetLive(false) when the app is broken beyond repair: /liveness answers 503 and Kubernetes restarts it.
func SetLive(ok bool) { atomic.StoreInt32(&live, flag(ok)) }

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

// onlyGet answers 405 to every method but GET (and HEAD).
func onlyGet(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h(w, r)
	}
}

// ManagementHandler serves the management endpoints.
func ManagementHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/readiness", onlyGet(func(w http.ResponseWriter, _ *http.Request) {
		if atomic.LoadInt32(&ready) == 1 {
			reply(w, http.StatusOK, statusBody{"UP"})
		} else {
			reply(w, http.StatusServiceUnavailable, statusBody{"OUT_OF_SERVICE"})
		}
	}))
	mux.HandleFunc("/liveness", onlyGet(func(w http.ResponseWriter, _ *http.Request) {
		if atomic.LoadInt32(&live) == 1 {
			reply(w, http.StatusOK, statusBody{"UP"})
		} else {
			reply(w, http.StatusServiceUnavailable, statusBody{"DOWN"})
		}
	}))
	mux.HandleFunc("/info", onlyGet(func(w http.ResponseWriter, _ *http.Request) {
		reply(w, http.StatusOK, info{AppSlug, AppVersion})
	}))
	mux.HandleFunc("/shutdown", onlyGet(func(w http.ResponseWriter, _ *http.Request) {
		Logger.Info("shutdown requested on the management port")
		reply(w, http.StatusOK, nil)
		go func() {
			time.Sleep(100 * time.Millisecond) // let the `null` response reach the caller
			RequestShutdown()
		}()
	}))
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

// Setup sends the standard log package's lines through Logger (as JSON) and starts the
// management server. Call it once, first thing in main.
func Setup() *http.Server {
	log.SetFlags(0)
	log.SetOutput(stdLog{})
	return StartManagementServer()
}
