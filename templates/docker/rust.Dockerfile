# Container image for {{ app.name }} ({{ app.runtime.label }}).
# Two stages: "build" compiles a statically linked release binary from Cargo.lock; the final
# stage is distroless "static": no shell, no C library, only the binary, run as user 65532 (nonroot).
# Static linking needs pure-Rust TLS: use rustls (e.g. reqwest with "rustls-tls"), not openssl.

# The platform's cluster nodes are linux/amd64 only, so every stage is built for amd64.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 {{ app.runtime.build_image }} AS build
# crt-static links the C library into the binary so it runs on distroless static.
# The explicit --target keeps that flag away from build scripts and proc-macros.
ENV CARGO_BUILD_TARGET=x86_64-unknown-linux-gnu \
    RUSTFLAGS="-C target-feature=+crt-static"
# bash with pipefail: a failing command inside a pipe fails the build.
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /src
COPY . .
# --locked: dependencies exactly as in Cargo.lock (the build fails if Cargo.lock is missing or stale).
{%- if app.build.rust_bin %}
# Builds the binary {{ app.build.rust_bin }}, as start: says (`{{ app.build.start }}`, {{ app.build.start_source }}).
# To build another one, set start: in vibe.yaml (e.g. start: cargo run --release --bin server) and run `vibe generate`.
RUN cargo build --release --locked --bin {{ app.build.rust_bin | shell }} \
    && mkdir -p /out \
    && cp target/x86_64-unknown-linux-gnu/release/{{ app.build.rust_bin | shell }} /out/app
{%- else %}
# The package must build exactly one binary; with several, name the server in vibe.yaml
# (start: cargo run --release --bin <name>) and run `vibe generate`.
RUN cargo build --release --locked \
    && mkdir -p /out \
    && bins="$(find target/x86_64-unknown-linux-gnu/release -maxdepth 1 -type f -perm -u+x)" \
    && if [ "$(printf '%s\n' "$bins" | grep -c .)" -ne 1 ]; then echo "expected exactly one binary, found: $bins" >&2; exit 1; fi \
    && cp "$bins" /out/app
{%- endif %}

# The platform's cluster nodes are linux/amd64 only.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 {{ app.runtime.run_image }}
COPY --from=build /out/app /app
# 65532 is the "nonroot" user of the distroless images. The pod may set another non-root id
# (runAsUser): the binary is readable by every user, so it runs either way.
USER 65532:65532
# {{ ports.http }}: the app and GET /metrics; {{ ports.mgmt }}: /readiness, /liveness, /info, /shutdown.
EXPOSE {{ ports.http }} {{ ports.mgmt }}
# Runs the compiled binary (with the arguments after `--` in start:, if any).
ENTRYPOINT {{ app.build.rust_entry }}
