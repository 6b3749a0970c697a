# defnews: one image for every Airflow component (api-server, scheduler, dag-processor,
# triggerer, Celery worker) plus the `defnews` CLI. docker-compose.yml picks the component with
# `command:` (ENTRYPOINT is `airflow`, as the official image runs one command per service).
#
#   docker compose build            # or: docker build -t defnews:latest .
#
# Needs BuildKit (the default builder since Docker 23) for the uv cache mounts.

# The matcher's C extension (ingest/extract/_scan.c: the scan, the mentions, language identification's walk),
# compiled in a stage of its own on the same base image (same interpreter, same ABI), so the runtime image
# carries the module and no compiler. build_native.py imports nothing of the project.
FROM python:3.11-slim-bookworm AS native
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY ingest/extract/_scan.c ingest/extract/build_native.py ingest/extract/
RUN python ingest/extract/build_native.py && ls -l ingest/extract/_scan*.so

FROM python:3.11-slim-bookworm

ARG AIRFLOW_UID=50000
ARG UV_VERSION=0.13.9

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/opt/defnews/.venv

# uv from PyPI (no curl | sh installers), pinned to the version that wrote uv.lock.
RUN pip install --no-cache-dir "uv==${UV_VERSION}"

# Non-root user, official-image pattern: uid ${AIRFLOW_UID} (50000), primary group 0 (root
# group), and group-writable runtime folders so that `user: "<any uid>:0"` also works.
# /opt/defnews/cache holds a cache folder per uid (DEFNEWS_CACHE_DIR below, `{uid}`: the parsed gazetteer and
# the language model, `ingest.cache`). The first process of a uid makes its own, private; the sticky bit keeps
# one uid from moving another's away. A uid without a home (any uid but 50000) would otherwise find no cache
# folder and rebuild both in every process.
RUN useradd --uid "${AIRFLOW_UID}" --gid 0 --create-home --home-dir /home/airflow \
        --shell /bin/bash airflow \
    && mkdir -p /opt/airflow/logs /opt/defnews/data /opt/defnews/config /opt/defnews/cache \
    && chown -R airflow:0 /opt/airflow /opt/defnews \
    && chmod -R g+rwX /opt/airflow /opt/defnews \
    && chmod +t /opt/defnews/cache

WORKDIR /opt/defnews

# 1) Dependencies only (cached until pyproject.toml / uv.lock change). The `celery` extra adds
#    the CeleryExecutor stack: apache-airflow-providers-celery, redis, psycopg2-binary,
#    asyncpg, celery<5.7.
COPY --chown=airflow:0 pyproject.toml uv.lock README.md ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --extra celery --no-install-project

# 2) The project itself (ingest, expectations, dags, dbt_project, config, samples). Installed
#    editable, so code that finds dbt_project/ and config/ beside the package keeps working.
#    A host's build of the C extension is never copied (.dockerignore): the `native` stage's is,
#    so extraction takes its C path in the containers too (the log says "native matcher").
#    .venv stays root-owned (read-only at run time; no chown -R that would copy it to a layer).
COPY --chown=airflow:0 . .
COPY --from=native /build/ingest/extract/_scan*.so ingest/extract/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --extra celery \
    && chmod -R g+rwX /opt/defnews/data /opt/defnews/dbt_project \
    && .venv/bin/python -c "from ingest.extract import native; assert not native.WHY_PYTHON, native.WHY_PYTHON"

ENV PATH=/opt/defnews/.venv/bin:$PATH \
    AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/defnews/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    AIRFLOW__COSMOS__ENABLE_TELEMETRY=False \
    DEFNEWS_DATA_DIR=/opt/defnews/data \
    DEFNEWS_FEEDS=/opt/defnews/config/feeds.yaml \
    DEFNEWS_WAREHOUSE=/opt/defnews/data/warehouse.duckdb \
    DEFNEWS_CACHE_DIR=/opt/defnews/cache/{uid}

USER airflow

# Compile the dbt manifest ahead (dbt_project/target/manifest.json), so cosmos renders the
# transform DAG from it and never runs dbt while parsing DAG files. A throw-away data folder
# keeps any file the compile creates out of /opt/defnews/data (which seeds the named volume), and
# no cache folder is made in the image.
RUN DEFNEWS_DATA_DIR=/tmp/defnews-build \
    DEFNEWS_WAREHOUSE=/tmp/defnews-build/warehouse.duckdb \
    DEFNEWS_CACHE_DIR= \
    defnews manifest \
    && test -s dbt_project/target/manifest.json \
    && rm -rf /tmp/defnews-build dbt_project/logs

# 8080 api-server, 8793 Celery worker log server, 8974 scheduler health check, 5555 flower.
EXPOSE 8080 8793 8974 5555

ENTRYPOINT ["airflow"]
CMD ["version"]
