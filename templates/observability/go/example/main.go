// A tiny runnable example of the observability skeleton (net/http, no framework).
//
//	cd observability && go run ./example
//	curl localhost:{{ ports.http }}/hello ; curl localhost:{{ ports.http }}/metrics ; curl localhost:{{ ports.mgmt }}/readiness
package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"time"

	"{{ app.slug }}/observability"
)

func main() {
	mgmt := observability.Setup() // JSON logs + management server on port {{ ports.mgmt }}

	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
{%- if app.metrics | length > 0 %}
{%- set m = app.metrics | first %}
{%- set go_name = m.name | replace(from=":", to="_") | title | replace(from="_", to="") %}
		// A business metric, as the app's own code would record it:
		observability.{{ go_name }}{% if m.labels | length > 0 %}.WithLabelValues({% for l in m.labels %}"example"{% if not loop.last %}, {% endif %}{% endfor %}){% endif %}.{% if m.type == "counter" %}Inc(){% elif m.type == "gauge" %}Inc(){% else %}Observe(0.42){% endif %}
{%- endif %}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"message": "hello from {{ app.slug }}"})
	})

	srv := &http.Server{
		Addr:              observability.HTTPAddr(),
		Handler:           observability.Instrument(mux), // GET /metrics + request metrics
		ReadHeaderTimeout: 5 * time.Second,
	}
	ctx, stop := observability.ShutdownContext(context.Background())
	defer stop()

	go func() {
		observability.Logger.Info("listening", "port", observability.HTTPPort)
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			observability.Logger.Error("server failed", "error", err.Error())
			os.Exit(1)
		}
	}()

	<-ctx.Done() // SIGTERM, SIGINT or GET /shutdown
	observability.SetReady(false)
	observability.Logger.Info("stopping")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	_ = mgmt.Shutdown(shutdownCtx)
	observability.Logger.Info("stopped")
}
