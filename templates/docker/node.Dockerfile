# Container image for {{ app.name }} ({{ app.runtime.label }}).
# Two stages: "build" installs every dependency from package-lock.json and runs the
# project's build script if it has one (TypeScript, bundlers); the final stage keeps
# only production dependencies and runs as a non-root user.

# The platform's cluster nodes are linux/amd64 only, so every stage is built for amd64.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 {{ app.runtime.run_image }} AS build
WORKDIR /app
# Dependencies come from the lockfile only (npm ci). No lockfile yet? Run `npm install` once and commit package-lock.json.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build --if-present \
    && npm prune --omit=dev \
    && npm cache clean --force

# The platform's cluster nodes are linux/amd64 only.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 {{ app.runtime.run_image }}
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_CACHE=/tmp/.npm
WORKDIR /app
# An unprivileged user with a fixed numeric id; the Kubernetes pod runs as the same id.
RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin app
# The application files stay owned by root: the app can read them but not change them.
COPY --from=build /app /app
USER 10001:10001
# {{ ports.http }}: the app and GET /metrics; {{ ports.mgmt }}: /readiness, /liveness, /info, /shutdown.
EXPOSE {{ ports.http }} {{ ports.mgmt }}
# Starts the "start" script of package.json. To start differently, change the "start" script
# there (for example "node server.js"), or replace this line with e.g. CMD ["node", "dist/index.js"].
CMD ["npm", "start"]
