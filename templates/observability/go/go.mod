module {{ app.slug }}/observability

go {{ app.runtime.version }}

require github.com/prometheus/client_golang v1.20.5
