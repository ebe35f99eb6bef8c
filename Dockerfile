# syntax=docker/dockerfile:1
# Finance Co-Pilot KAVI: the React build, the Python dependencies, then a slim runtime that runs
# Gunicorn as a non-root user. Build: docker build -t kavi . ; run: see docker-compose.yml.

# --- 1. The React app (frontend/ -> frontend/dist)
FROM node:20.19.5-bookworm-slim AS frontend
WORKDIR /build/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN npm run build

# --- 2. The Python dependencies, read from pyproject.toml and installed under /install, so the
# runtime gets them without pip's cache or any build tool. Only pyproject.toml is copied here,
# so this layer is rebuilt only when the dependencies change.
FROM python:3.11.14-slim-bookworm AS python-deps
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore
WORKDIR /build
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && pip install --prefix=/install --requirement requirements.txt

# --- 3. The runtime
FROM python:3.11.14-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=fg_copilot.settings.production \
    PORT=8000

# A fixed uid, so the ECS task definition can name it (User: "10001").
RUN groupadd --system --gid 10001 kavi \
    && useradd --system --uid 10001 --gid kavi --no-create-home --home-dir /app --shell /usr/sbin/nologin kavi

COPY --from=python-deps /install /usr/local
WORKDIR /app
# The code and the build stay owned by root: the app can read them but never change them.
COPY manage.py gunicorn.conf.py pyproject.toml ./
COPY fg_copilot/ fg_copilot/
COPY core/ core/
COPY users/ users/
COPY finance/ finance/
COPY kavi/ kavi/
COPY --from=frontend /build/frontend/dist frontend/dist

# Static files are collected at build time. Production settings need a SECRET_KEY to import; this
# throwaway value exists only for this one command and is not kept in the image's environment.
RUN SECRET_KEY=collectstatic-build-only-not-a-secret python manage.py collectstatic --noinput --verbosity 0
# The one writable directory: uploads on the local disk when no S3 bucket is set (docker compose).
RUN mkdir -p /app/var/media && chown -R 10001:10001 /app/var

USER 10001:10001
EXPOSE 8000

# The health view answers only a Host that ALLOWED_HOSTS accepts, so the probe sends the first one.
# /api/health/live/ needs the database but not Redis, like the ALB's check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = (os.environ.get('ALLOWED_HOSTS') or 'localhost').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; r.urlopen(r.Request('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/api/health/live/', headers={'Host': h}), timeout=4)"]

CMD ["gunicorn", "--config", "gunicorn.conf.py", "fg_copilot.wsgi:application"]
