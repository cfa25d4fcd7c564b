# Container image for {{ app.name }} ({{ app.runtime.label }}).
# Two stages: "build" compiles a static binary (no C library needed); the final stage is
# distroless "static": no shell, no package manager, only the binary, run as user 65532 (nonroot).

# The platform's cluster nodes are linux/amd64 only, so every stage is built for amd64.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 {{ app.runtime.build_image }} AS build
ENV CGO_ENABLED=0 \
    GOOS=linux \
    GOARCH=amd64
WORKDIR /src
{%- if app.build.go_sum %}
# Dependencies come from go.mod and go.sum only (checksums verified by go mod download).
# observability/ is a local module the app requires through a `replace` directive, so it
# must be in place before the download resolves it.
COPY go.mod go.sum ./
{%- else %}
# Dependencies come from go.mod. There is no go.sum: fine while go.mod requires no module from
# outside the repo; once it does, run `go mod tidy` and commit the go.sum it writes.
# observability/ is a local module the app requires through a `replace` directive, so it
# must be in place before the download resolves it.
COPY go.mod ./
{%- endif %}
COPY observability/ ./observability/
RUN go mod download && go mod verify
COPY . .
# Builds the main package {% if app.build.go_package == "." %}at the repository root{% else %}{{ app.build.go_package }}{% endif %}, as start: says (`{{ app.build.start }}`, {{ app.build.start_source }}).
# To build another one, set start: in vibe.yaml (e.g. start: go run ./cmd/server) and run `vibe generate`.
RUN go build -trimpath -ldflags="-s -w" -o /out/app {{ app.build.go_package | shell }}

# The platform's cluster nodes are linux/amd64 only.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 {{ app.runtime.run_image }}
COPY --from=build /out/app /app
# 65532 is the "nonroot" user of the distroless images. The pod may set another non-root id
# (runAsUser): the binary is readable by every user, so it runs either way.
USER 65532:65532
# {{ ports.http }}: the app and GET /metrics; {{ ports.mgmt }}: /readiness, /liveness, /info, /shutdown.
EXPOSE {{ ports.http }} {{ ports.mgmt }}
# Runs the compiled binary (with the arguments after the package in start:, if any).
ENTRYPOINT {{ app.build.go_entry }}
