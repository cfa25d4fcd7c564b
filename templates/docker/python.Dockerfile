# Container image for {{ app.name }} ({{ app.runtime.label }}).
# One stage: the slim Python image already has everything needed to install wheels.
# Packages that would need a compiler: choose their binary wheel instead
# (for example psycopg[binary] rather than psycopg2), so no system packages are installed.

# The platform's cluster nodes are linux/amd64 only, so the image is built for amd64.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 {{ app.runtime.run_image }}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT={{ ports.http }}
WORKDIR /app
{%- if app.build.python_deps == "Pipfile" %}
# Dependencies come from Pipfile.lock (pipenv --deploy fails when it is missing or out of date).
COPY Pipfile Pipfile.lock ./
RUN pip install --no-cache-dir pipenv==2024.0.1 \
    && pipenv install --system --deploy \
    && pip uninstall --yes pipenv
{%- elif app.build.python_deps == "pyproject.toml" %}
# Dependencies come from pyproject.toml: pip installs the project with what it declares.
COPY . .
RUN pip install --no-cache-dir .
{%- else %}
# Dependencies come from requirements.txt, every package pinned with == (e.g. flask==3.0.3).
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
{%- endif %}
# An unprivileged user with a fixed numeric id; the Kubernetes pod runs as the same id.
RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin app
# The application files stay owned by root: the app can read them but not change them.
COPY . .
USER 10001:10001
# {{ ports.http }}: the app and GET /metrics; {{ ports.mgmt }}: /readiness, /liveness, /info, /shutdown.
EXPOSE {{ ports.http }} {{ ports.mgmt }}
# Starts the app with `{{ app.build.start }}` ({{ app.build.start_source }}).
# A production server (gunicorn, uvicorn without --reload) listens on 0.0.0.0:$PORT; gunicorn
# reads PORT by itself. To start it differently, set start: in vibe.yaml and run `vibe generate`.
CMD {{ app.build.cmd }}
