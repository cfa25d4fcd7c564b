# The review gate's image: `vibe review` for CI. The generated workflow runs it with the repo
# mounted at /repo (`docker run --rm -v "$PWD:/repo" -w /repo IMAGE review --format github`).
# The platform team builds it once per vibe version and pushes it to the platform registry:
#   docker build --build-arg MIRROR=<registry>/dockerhub-proxy -t <registry>/platform/vibe:<version> .
# It cannot be built without the mirror: base images come only through it, pinned, for linux/amd64,
# as vibe demands of every app's Dockerfile.

# The platform's Docker Hub mirror; the default is the contract's placeholder, set by the platform team.
ARG MIRROR=harbor.internal.example.com/dockerhub-proxy

# The cluster's nodes and CI runners are linux/amd64; the flag keeps a build on another machine honest.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 ${MIRROR}/rust:1.95.0-slim-bookworm AS build
WORKDIR /src
COPY . .
# --locked: exactly the dependencies of Cargo.lock; the templates and skills are compiled into the binary.
RUN cargo build --release --locked --bin vibe \
    && strip target/release/vibe

# The runtime holds only the binary; nothing in it runs a shell. Same Debian as the builder (glibc).
# hadolint ignore=DL3029
FROM --platform=linux/amd64 ${MIRROR}/debian:12.12-slim
COPY --from=build /src/target/release/vibe /usr/local/bin/vibe
WORKDIR /repo
# A numeric user, so Kubernetes and CI runners can tell it is not root without reading /etc/passwd.
USER 65532:65532
ENTRYPOINT ["vibe"]
CMD ["review"]
