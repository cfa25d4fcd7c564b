# Container image for {{ app.name }} ({{ app.runtime.label }}).
# How it serves: PHP's built-in web server, not php-fpm. FPM speaks FastCGI (port 9000), not
# HTTP, so it would need a web server inside the same pod; the platform's probes and Prometheus
# need plain HTTP on {{ ports.http }} and {{ ports.mgmt }}. The built-in server with several workers
# (PHP_CLI_SERVER_WORKERS) is enough for a small app and keeps one process per port.
# Two stages: "vendor" installs the Composer dependencies from composer.lock; the final stage
# is the PHP runtime with the app and its vendor/ folder, run as a non-root user.

# The platform's cluster nodes are linux/amd64 only, so every stage is built for amd64.
# Composer's own image is used only to download dependencies (plain PHP files); nothing of it
# but vendor/ reaches the final image. The runtime stage below is the platform's Debian image.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 {% if app.runtime.build_image %}{{ app.runtime.build_image }}{% else %}{{ platform.mirror }}/composer:2.8{% endif %} AS vendor
WORKDIR /app
# Dependencies come from composer.lock only (composer install never re-resolves versions).
# Extension and PHP-version requirements are those of the runtime stage, not of this helper image.
COPY composer.json composer.lock ./
RUN composer install --no-dev --no-interaction --no-progress --no-scripts --prefer-dist \
    --no-autoloader --ignore-platform-reqs
# The autoloader is written once the app's own classes are there too.
COPY . .
RUN composer dump-autoload --no-dev --no-interaction --optimize

# The platform's cluster nodes are linux/amd64 only.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 {{ app.runtime.run_image }}
# PHP's recommended production settings (errors are never shown to visitors).
RUN cp "$PHP_INI_DIR/php.ini-production" "$PHP_INI_DIR/php.ini"
{%- if app.database == "postgres" %}
# PostgreSQL driver (pdo_pgsql). It links against libpq, which only exists as a Debian package,
# so this is the one place apt-get is needed; versions come from the pinned Debian base image.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev \
    && docker-php-ext-install -j"$(nproc)" pdo_pgsql \
    && apt-mark manual libpq5 \
    && apt-get purge -y --auto-remove libpq-dev \
    && rm -rf /var/lib/apt/lists/*
{%- endif %}
{%- if app.database == "mongo" %}
# MongoDB driver (the mongodb extension, used by the mongodb/mongodb Composer package).
RUN pecl install mongodb-1.20.0 \
    && docker-php-ext-enable mongodb \
    && rm -rf /tmp/pear
{%- endif %}
{%- if app.components.rabbitmq %}
# RabbitMQ: php-amqplib needs the sockets extension.
RUN docker-php-ext-install -j"$(nproc)" sockets
{%- endif %}
{%- if app.components.redis %}
# Redis: use the predis/predis Composer package (plain PHP, no extension to build).
{%- endif %}
# An unprivileged user with a fixed numeric id; the Kubernetes pod runs as the same id.
RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app
# The application files stay owned by root: the app can read them but not change them.
COPY . .
COPY --from=vendor /app/vendor ./vendor
USER 10001:10001
# {{ ports.http }}: the app and GET /metrics; {{ ports.mgmt }}: /readiness, /liveness, /info, /shutdown.
EXPOSE {{ ports.http }} {{ ports.mgmt }}
# APP_DOCROOT: the folder holding the front controller index.php, as start: says
# (`{{ app.build.start }}`, {{ app.build.start_source }}). To serve another folder, set start: in vibe.yaml
# (e.g. start: php -S 0.0.0.0:$PORT -t public) and run `vibe generate`.
# APP_MGMT_ROUTER: the script answering the management endpoints on {{ ports.mgmt }}.
ENV APP_DOCROOT={{ app.build.php_docroot | shell }} \
    APP_MGMT_ROUTER=observability/mgmt.php \
    PHP_CLI_SERVER_WORKERS=4
# Starts the management server in the background and the app server in the foreground.
# If either stops, the liveness probe or the container exit makes Kubernetes restart the pod.
# -q keeps the server's own plain-text access lines out of the log: the platform reads JSON
# lines only, which the app writes itself (observability/).
CMD ["sh", "-c", "PHP_CLI_SERVER_WORKERS=1 php -q -S 0.0.0.0:{{ ports.mgmt }} \"$APP_MGMT_ROUTER\" & exec php -q -S 0.0.0.0:{{ ports.http }} -t \"$APP_DOCROOT\""]
