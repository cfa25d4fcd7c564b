# Container image for {{ app.name }} ({{ app.runtime.label }}).
# Two stages: "build" installs every dependency from {{ app.build.node_lock }} and runs the
# project's build script if it has one (TypeScript, bundlers); the final stage keeps
# only production dependencies and runs as a non-root user.

# The platform's cluster nodes are linux/amd64 only, so every stage is built for amd64.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 {{ app.runtime.run_image }} AS build
WORKDIR /app
{%- if app.build.node_pm == "yarn" %}
# Dependencies come from yarn.lock only (--frozen-lockfile fails rather than change it).
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile --non-interactive \
    && yarn cache clean
{%- elif app.build.node_pm == "pnpm" %}
# Dependencies come from pnpm-lock.yaml only. corepack (part of Node.js) provides pnpm, in the
# version package.json's "packageManager" names if it names one.
COPY package.json pnpm-lock.yaml ./
RUN corepack enable \
    && pnpm install --frozen-lockfile
{%- else %}
{%- if app.build.node_lock_present %}
# Dependencies come from the lockfile only (npm ci installs exactly what it lists).
{%- else %}
# Dependencies come from the lockfile only (npm ci installs exactly what it lists).
# This repo has no package-lock.json yet, so this step fails until it has one: run `npm install`
# once and commit the package-lock.json it writes (`vibe review --fix` does it for you: check A7).
{%- endif %}
COPY package.json {{ app.build.node_lock }} ./
RUN npm ci --no-audit --no-fund
{%- endif %}
COPY . .
{%- if app.build.next_build %}
# Next.js serves what `next build` compiled (package.json has no "build" script to do it).
RUN node_modules/.bin/next build
{%- endif %}
{%- if app.build.node_pm == "yarn" %}
RUN npm run build --if-present \
    && yarn install --frozen-lockfile --non-interactive --production --ignore-scripts --prefer-offline \
    && yarn cache clean
{%- elif app.build.node_pm == "pnpm" %}
RUN npm run build --if-present \
    && pnpm prune --prod
{%- else %}
RUN npm run build --if-present \
    && npm prune --omit=dev \
    && npm cache clean --force
{%- endif %}

# The platform's cluster nodes are linux/amd64 only.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 {{ app.runtime.run_image }}
ENV NODE_ENV=production \
    PORT={{ ports.http }} \
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
# Starts the app with `{{ app.build.start }}` ({{ app.build.start_source }}).
# To start it differently, set start: in vibe.yaml (e.g. start: node server.js) and run `vibe generate`.
CMD {{ app.build.cmd }}
