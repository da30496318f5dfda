# The Raadsbode app image: one image for `raadsbode web`, `raadsbode worker` and `raadsbode migrate`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TZ=Europe/Amsterdam

WORKDIR /app
RUN useradd --system --uid 10001 --home-dir /app raadsbode

# Only the sources (no .venv, var/ or tests). Installed editable on purpose: the templates and
# migrations are found next to the code (templates/ is not a Python package).
COPY pyproject.toml alembic.ini worker.py ./
COPY raadsbode ./raadsbode
COPY activities ./activities
COPY models ./models
COPY workflows ./workflows
COPY web ./web
COPY migrations ./migrations
COPY templates ./templates
RUN pip install -e . && mkdir -p /app/var && chown raadsbode /app/var

USER raadsbode
EXPOSE 8000
CMD ["raadsbode", "web"]
