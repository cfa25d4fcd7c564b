# Container image for {{ app.name }} ({{ app.runtime.label }}).
# One stage: the slim Python image already has everything needed to install wheels.
# Packages that would need a compiler: choose their binary wheel instead
# (for example psycopg[binary] rather than psycopg2), so no system packages are installed.

# The platform's cluster nodes are linux/amd64 only, so the image is built for amd64.
# hadolint ignore=DL3029
FROM --platform=linux/amd64 {{ app.runtime.run_image }}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# Dependencies come from requirements.txt, every package pinned with == (e.g. flask==3.0.3).
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
# An unprivileged user with a fixed numeric id; the Kubernetes pod runs as the same id.
RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin app
# The application files stay owned by root: the app can read them but not change them.
COPY . .
USER 10001:10001
# {{ ports.http }}: the app and GET /metrics; {{ ports.mgmt }}: /readiness, /liveness, /info, /shutdown.
EXPOSE {{ ports.http }} {{ ports.mgmt }}
# Default: run the module "app" (app.py, or a package app/ with __main__.py), which must listen
# on port {{ ports.http }} and start the management endpoints on {{ ports.mgmt }}.
# To change it, replace this line, for example:
#   CMD ["python", "main.py"]
#   CMD ["gunicorn", "--bind", "0.0.0.0:{{ ports.http }}", "app:app"]
#   CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "{{ ports.http }}"]
CMD ["python", "-m", "app"]
