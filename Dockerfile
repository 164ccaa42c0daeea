# syntax=docker/dockerfile:1
#
# Healthy Places portal image: one image for the web process (gunicorn, the default CMD), the Celery
# worker and Celery beat (docker-compose.yml overrides the command for those two).
#
#   docker build -t healthyplaces .
#   docker run --rm -p 8000:8000 -e DJANGO_SECRET_KEY=... -e DJANGO_ALLOWED_HOSTS=... -e DATABASE_URL=... healthyplaces
# (add -e REDIS_URL=redis://... for Celery; docker-compose.yml wires up the whole stack.)

# ---------------------------------------------------------------------------------------------------
# Stage 1: the front end. GOV.UK Frontend compiled with Dart Sass into static/dist/ (frontend/build.mjs).
# ---------------------------------------------------------------------------------------------------
FROM node:20-slim AS frontend

WORKDIR /app

# The lockfile alone decides the npm layer, so editing Sass does not reinstall node_modules.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

COPY frontend/ frontend/
COPY static/ static/
RUN npm run build


# ---------------------------------------------------------------------------------------------------
# Stage 2: the Django application.
# ---------------------------------------------------------------------------------------------------
FROM python:3.11-slim AS app

# manage.py and the Celery app default to the *local* settings; this image runs production settings.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=healthyplaces.settings.production

WORKDIR /app

# Install the runtime dependencies first, read straight from pyproject.toml (no dev extras), so this
# slow layer is rebuilt only when the dependency list changes, not on every code change.
# psycopg[binary] bundles libpq, so no system packages are needed.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Why the whole source tree lives in /app and the project is installed *editable* (not `pip install .`):
#  * settings/base.py computes BASE_DIR from its own file path and finds templates/, static/ and var/
#    relative to it. A regular `pip install .` would put the packages in site-packages, where BASE_DIR
#    would point at site-packages and templates/ and static/ would not exist.
#  * setuptools only packages Python modules by default, so non-Python files such as
#    actions/data/plan_actions.json (read by `load_plan_actions`) would be left out of a wheel.
# An editable install keeps exactly one copy of the code, in /app, with every data file beside it,
# while still registering the distribution (the dependencies are already installed, hence --no-deps).
COPY . .
COPY --from=frontend /app/static/dist/ static/dist/
RUN pip install --no-deps -e .

# Which code this is (e.g. --build-arg RELEASE=$(git rev-parse --short HEAD)): cache keys carry it, so
# a new image never reads values pickled by older code. Empty, the settings use a digest of the source.
ARG RELEASE=""
ENV RELEASE=${RELEASE}

# Collect and fingerprint the static files (WhiteNoise's CompressedManifestStaticFilesStorage) into
# var/staticfiles/ at build time. Production settings refuse to load without a secret key and allowed
# hosts; these throwaway values exist only for this one RUN and are not kept in the image's ENV.
# collectstatic never touches the database.
RUN DJANGO_SECRET_KEY=build-time-only-not-a-real-secret-key-collectstatic-needs-one-to-import \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput -v 1

# Run as an unprivileged user. It owns var/ only (media uploads, the private application documents,
# the file email backend's var/mail, the optional filesystem Celery broker); the code stays read-only
# to it. A new named volume copies the folder it is mounted on, owner included, so each is made here.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
    && mkdir -p var/media var/private var/mail var/celery/broker \
    && chown -R app:app var
USER app

EXPOSE 8000

# No HEALTHCHECK here: the worker and beat containers run this same image without serving HTTP, so
# the check belongs to each service in docker-compose.yml (web polls /livez/, worker pings Celery).
CMD ["gunicorn", "healthyplaces.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
