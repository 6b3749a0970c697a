"""The container deployment: docker-compose.yml, .env.example and the Dockerfile.

The structural tests always run (PyYAML only). The `config` tests run the real compose tool
when one is installed (`docker compose` plugin or a `docker-compose` binary); rendering the
file needs no Docker engine. They skip, with the reason, where no compose tool exists.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"

DATA_MOUNT = "defnews-data:/opt/defnews/data"
CORE_SERVICES = {"postgres", "redis"}
AIRFLOW_SERVICES = {
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
}
# Long-running Airflow components: wait for the databases and for airflow-init.
AIRFLOW_DAEMONS = AIRFLOW_SERVICES - {"airflow-init"}

SECRET_NAME = re.compile(r"PASSWORD|SECRET|KEY|TOKEN", re.IGNORECASE)
# ${VAR}, ${VAR?msg} or ${VAR:?msg}; never ${VAR:-default} (a default would be a literal).
ENV_REFERENCE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?\?[^}]*)?\}$")
URL_CREDENTIALS = re.compile(r"://(?P<user>[^:/@\s]*):(?P<password>[^@\s]*)@")
REQUIRED_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?")
ANY_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    # safe_load resolves the x-airflow-common anchors and `<<` merge keys.
    loaded = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), "docker-compose.yml is not a mapping"
    return loaded


def _env(block: Any) -> dict[str, str]:
    """A service's `environment` as a dict (the mapping form or the list form)."""
    if block is None:
        return {}
    if isinstance(block, dict):
        return {str(k): "" if v is None else str(v) for k, v in block.items()}
    out: dict[str, str] = {}
    for item in block:
        key, _, value = str(item).partition("=")
        out[key] = value
    return out


def _environment_blocks(node: Any, where: str = "") -> list[tuple[str, dict[str, str]]]:
    """Every `environment` block anywhere in the file (services and x- extension blocks)."""
    found: list[tuple[str, dict[str, str]]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "environment":
                found.append((where, _env(value)))
            else:
                found.extend(_environment_blocks(value, f"{where}/{key}"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(_environment_blocks(value, f"{where}[{i}]"))
    return found


def _string_values(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _string_values(v)]
    if isinstance(node, list):
        return [s for v in node for s in _string_values(v)]
    return [node] if isinstance(node, str) else []


def _env_example() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values


def _volume_targets(service: dict[str, Any]) -> list[str]:
    mounts = []
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):  # long syntax
            mounts.append(f"{volume.get('source')}:{volume.get('target')}")
        else:
            mounts.append(":".join(str(volume).split(":")[:2]))
    return mounts


# --------------------------------------------------------------- structure (always run)


def test_services_present(compose: dict[str, Any]) -> None:
    services = set(compose["services"])
    missing = (CORE_SERVICES | AIRFLOW_SERVICES) - services
    assert not missing, f"services missing from docker-compose.yml: {sorted(missing)}"


def test_executor_is_celery_with_postgres_and_redis(compose: dict[str, Any]) -> None:
    for name in AIRFLOW_SERVICES:
        env = _env(compose["services"][name].get("environment"))
        assert env.get("AIRFLOW__CORE__EXECUTOR") == "CeleryExecutor", name
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://"), name
        # SQLAlchemy 2.1 maps plain postgresql:// to psycopg 3, which is not installed
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql+psycopg2://"), name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://"), name
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/", name
        assert env["AIRFLOW__COSMOS__ENABLE_TELEMETRY"].lower() == "false", name
        assert env["AIRFLOW__CORE__LOAD_EXAMPLES"].lower() == "false", name
        assert env["DEFNEWS_DATA_DIR"] == "/opt/defnews/data", name


def test_components_and_commands(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["airflow-scheduler"]["command"] == "scheduler"
    assert services["airflow-dag-processor"]["command"] == "dag-processor"
    assert services["airflow-triggerer"]["command"] == "triggerer"
    assert services["airflow-worker"]["command"] == "celery worker"
    assert "airflow api-server" in "\n".join(_string_values(services["airflow-apiserver"]["command"]))
    assert any(p.endswith(":8080") for p in services["airflow-apiserver"]["ports"])
    assert "/api/v2/version" in " ".join(services["airflow-apiserver"]["healthcheck"]["test"])
    assert services["postgres"]["image"].startswith("postgres:16")
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    assert services["redis"]["image"].startswith("redis:7.2")

    init = "\n".join(_string_values(services["airflow-init"]["command"]))
    assert "airflow db migrate" in init
    assert re.search(r"airflow pools set duckdb_writer 1 ", init), init

    for name in AIRFLOW_SERVICES:
        assert services[name]["build"] == ".", name
        assert services[name]["image"].endswith("defnews:latest}") or services[name]["image"] == "defnews:latest", name


def test_depends_on_health_and_init(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in AIRFLOW_SERVICES:
        deps = services[name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["redis"]["condition"] == "service_healthy", name
    for name in AIRFLOW_DAEMONS:
        deps = services[name]["depends_on"]
        assert deps["airflow-init"]["condition"] == "service_completed_successfully", name
    assert services["airflow-worker"]["depends_on"]["airflow-apiserver"]["condition"] == ("service_healthy")
    for name in CORE_SERVICES | AIRFLOW_DAEMONS:
        assert "healthcheck" in services[name], f"{name} has no healthcheck"


def test_no_literal_secrets(compose: dict[str, Any]) -> None:
    offenders = []
    for where, env in _environment_blocks(compose):
        for key, value in env.items():
            if SECRET_NAME.search(key) and not ENV_REFERENCE.match(value):
                offenders.append(f"{where}: {key}={value!r}")
    for value in _string_values(compose):
        for match in URL_CREDENTIALS.finditer(value):
            password = match.group("password")
            if password and not ENV_REFERENCE.match(password):
                offenders.append(f"credentials in URL: {value!r}")
    assert not offenders, "secrets must come from .env as ${VAR:?...}:\n" + "\n".join(offenders)


def test_data_volume_in_every_airflow_service(compose: dict[str, Any]) -> None:
    assert "defnews-data" in (compose.get("volumes") or {})
    services = compose["services"]
    for name in AIRFLOW_SERVICES | {"airflow-worker", "airflow-scheduler"}:
        mounts = _volume_targets(services[name])
        assert DATA_MOUNT in mounts, f"{name} does not mount {DATA_MOUNT}: {mounts}"
        config = [v for v in services[name]["volumes"] if str(v).startswith("./config:")]
        assert config and str(config[0]).endswith(":ro"), f"{name}: ./config not mounted read-only"


def test_env_example_defines_every_required_variable(compose: dict[str, Any]) -> None:
    text = "\n".join(_string_values(compose))  # values only, not the comments
    example = _env_example()
    required = set(REQUIRED_VAR.findall(text))
    assert {"POSTGRES_PASSWORD", "AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET"} <= required
    missing = sorted(v for v in required if not example.get(v))
    assert not missing, f".env.example lacks values for {missing}"
    unknown = sorted(set(example) - set(ANY_VAR.findall(text)))
    assert not unknown, f".env.example sets variables the compose file never reads: {unknown}"
    assert example["AIRFLOW_UID"] == "50000"


def test_dockerfile_essentials() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim-bookworm\b", text, re.MULTILINE)
    assert "50000" in text and "useradd" in text
    assert re.search(r"^USER airflow\b", text, re.MULTILINE)
    assert "uv sync --frozen --no-dev --extra celery --no-install-project" in text
    assert re.search(r"RUN .*defnews manifest", text, re.DOTALL)
    assert "AIRFLOW__COSMOS__ENABLE_TELEMETRY=False" in text
    assert "AIRFLOW__CORE__DAGS_FOLDER=/opt/defnews/dags" in text
    # the matcher's C extension: built in a stage of its own on the same base, copied in, and checked to load
    native, _, runtime = text.partition("\nFROM python:3.11-slim-bookworm\n")
    assert runtime, "the runtime stage must follow the native stage"
    assert re.search(r"^FROM python:3\.11-slim-bookworm AS native\b", native, re.MULTILINE)
    assert re.search(r"^RUN python ingest/extract/build_native\.py && ls ", native, re.MULTILINE)  # fails if nothing built
    assert re.search(r"^COPY --from=native /build/ingest/extract/_scan\*\.so ingest/extract/$", runtime, re.MULTILINE)
    assert re.search(r"^ +&& \.venv/bin/python -c \"from ingest\.extract import native; assert not native\.WHY_PYTHON",
                     runtime, re.MULTILINE)  # fmt: skip


def test_the_image_gives_every_uid_a_cache_folder_of_its_own() -> None:
    """Any `user: "<uid>:0"` keeps its caches: DEFNEWS_CACHE_DIR names a folder per uid (`{uid}`, made by its first
    process), inside one the image makes group-writable and sticky; the build itself makes none."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^ +DEFNEWS_CACHE_DIR=/opt/defnews/cache/\{uid\}$", text, re.MULTILINE)
    assert re.search(r"mkdir -p [^\n]*/opt/defnews/cache\b", text)
    assert "chmod -R g+rwX /opt/airflow /opt/defnews" in text and "chmod +t /opt/defnews/cache" in text
    manifest = re.search(r"^RUN DEFNEWS_DATA_DIR=.*?defnews manifest", text, re.MULTILINE | re.DOTALL)
    assert manifest and "DEFNEWS_CACHE_DIR= " in manifest.group(0)


def test_the_build_context_leaves_local_state_out() -> None:
    """The checkout's environment, data and cache folder (the tests' parsed gazetteer and language model, about
    70 MB) stay out of the image."""
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()}
    assert {".venv", "data", ".cache", "**/*.duckdb"} <= ignored


def test_celery_extra_declared_and_locked() -> None:
    """The image installs `--extra celery`: pyproject and uv.lock must both carry it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extra = project["project"].get("optional-dependencies", {}).get("celery")
    assert extra, "pyproject.toml needs [project.optional-dependencies] celery = [...]"
    names = {re.split(r"[<>=!~\[; ]", req, maxsplit=1)[0].lower() for req in extra}
    assert {"apache-airflow-providers-celery", "redis", "psycopg2-binary", "asyncpg", "celery"} <= names
    assert any(req.replace(" ", "").startswith("celery<5.7") for req in extra), extra

    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    own = next(p for p in lock["package"] if p["name"] == project["project"]["name"])
    assert "celery" in own.get("optional-dependencies", {}), "uv.lock is stale: run `uv lock`"


# ------------------------------------------------------- compose tool (when installed)


def _compose_tool() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        try:
            probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            probe = None
        if probe is not None and probe.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


@pytest.fixture(scope="module")
def compose_tool() -> list[str]:
    tool = _compose_tool()
    if tool is None:
        pytest.skip(
            "docker compose not installed: `docker compose version` does not work and no docker-compose binary is on PATH"
        )
    return tool


def _run_config(tool: list[str], env_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Variables from the caller's shell would override the env file: drop those it sets, and
    # any COMPOSE_* setting that could pick other files, profiles or project names.
    clean = {k: v for k, v in os.environ.items() if k not in _env_example() and not k.startswith("COMPOSE_")}
    return subprocess.run(
        [*tool, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_compose_config_is_valid(compose_tool: list[str], tmp_path: Path) -> None:
    env_file = tmp_path / "compose.env"
    shutil.copyfile(ENV_EXAMPLE, env_file)

    result = _run_config(compose_tool, env_file, "-q")
    assert result.returncode == 0, result.stdout + result.stderr

    # Also read what it rendered, so a wrapper that loses the exit code cannot pass.
    listed = _run_config(compose_tool, env_file, "--services")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    services = set(listed.stdout.split())
    assert services >= CORE_SERVICES | AIRFLOW_SERVICES, listed.stdout + listed.stderr


def test_compose_config_refuses_missing_secret(compose_tool: list[str], tmp_path: Path) -> None:
    env_file = tmp_path / "compose.env"
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    env_file.write_text(
        "\n".join(line for line in lines if not line.startswith("POSTGRES_PASSWORD=")) + "\n",
        encoding="utf-8",
    )
    result = _run_config(compose_tool, env_file, "-q")
    assert result.returncode != 0, "compose accepted a missing POSTGRES_PASSWORD"
    assert "POSTGRES_PASSWORD" in result.stdout + result.stderr
