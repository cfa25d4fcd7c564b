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
# Dependencies come from go.mod and go.sum only (checksums verified by go mod download).
# observability/ is a local module the app requires through a `replace` directive, so it
# must be in place before the download resolves it.
COPY go.mod go.sum ./
COPY observability/ ./observability/
RUN go mod download && go mod verify
COPY . .
# Builds the main package at the repository root. If main.go lives elsewhere,
# change "." to its folder, for example ./cmd/server.
RUN go build -trimpath -ldflags="-s -w" -o /out/app .

# The platform's cluster nodes are linux/amd64 only.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 {{ app.runtime.run_image }}
COPY --from=build /out/app /app
# 65532 is the "nonroot" user of the distroless images. The pod may set another non-root id
# (runAsUser): the binary is readable by every user, so it runs either way.
USER 65532:65532
# {{ ports.http }}: the app and GET /metrics; {{ ports.mgmt }}: /readiness, /liveness, /info, /shutdown.
EXPOSE {{ ports.http }} {{ ports.mgmt }}
# Runs the compiled binary. To pass arguments, add them here, e.g. ENTRYPOINT ["/app", "-config", "/etc/app.yaml"].
ENTRYPOINT ["/app"]
