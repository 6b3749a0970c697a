"""The docker-compose topology without containers: CeleryExecutor, PostgreSQL metadata, Redis broker.

Scheduler, dag-processor, triggerer, api-server and a Celery worker run as processes (each in its
own process group, stopped as a group); `defnews_ingest` is triggered against the loopback sample
feeds and the asset-scheduled `defnews_transform` must follow and publish the marts. Runs where
PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer, as on the CI machine; skips with
the reason otherwise.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingest.serve import FeedServer
from tests.conftest import DEMO_CATALOG, ROOT

pytestmark = pytest.mark.slow
PG = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)
COMPONENTS = {
    "scheduler": ["scheduler"],
    "dag-processor": ["dag-processor"],
    "triggerer": ["triggerer"],
    "worker": ["celery", "worker", "--concurrency", "4"],
}


def _reachable(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=2):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def database() -> Iterator[str]:
    if not (_reachable(PG) and _reachable(REDIS)):
        pytest.skip("scale-out test skipped: PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 are needed")
    import psycopg2

    name = f"defnews_scale_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(host=PG[0], port=PG[1], dbname="postgres", user=os.environ.get("PGUSER", "root"))
    admin.autocommit = True
    admin.cursor().execute(f"create database {name}")
    yield f"{os.environ.get('PGUSER', 'root')}@{PG[0]}:{PG[1]}/{name}"
    admin.cursor().execute(f"drop database if exists {name} with (force)")
    admin.close()


def _airflow(env: dict[str, str], *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "airflow", *args], env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"airflow {' '.join(args)}: {done.stderr[-2000:]}"
    return done


def _states(database: str, dag_id: str) -> set[str]:
    """Run states straight from the metadata database (the CLI's JSON can be preceded by log lines)."""
    import psycopg2

    user, _, rest = database.partition("@")
    host_port, _, name = rest.partition("/")
    host, _, port = host_port.partition(":")
    with psycopg2.connect(host=host, port=int(port), dbname=name, user=user) as con, con.cursor() as cur:
        cur.execute("select state from dag_run where dag_id = %s", (dag_id,))
        return {str(row[0]) for row in cur.fetchall()}


def test_celery_topology_ingests_and_the_asset_triggers_the_transform(database: str, tmp_path: Path) -> None:
    api_port, log_port = _free_port(), _free_port()
    data = tmp_path / "data"
    with FeedServer(ROOT / "samples" / "feeds") as feeds:
        env = {
            **os.environ,
            "AIRFLOW_HOME": str(tmp_path / "airflow"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{database}",
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql+psycopg2://{database}",
            "AIRFLOW__CELERY__BROKER_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{int(uuid.uuid4().int % 15) + 1}",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
            "AIRFLOW__API__PORT": str(api_port),
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(log_port),
            "AIRFLOW__API_AUTH__JWT_SECRET": uuid.uuid4().hex,
            "AIRFLOW__SCHEDULER__ASSET_TRIGGER_INTERVAL": "5",
            "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
            "DEFNEWS_DATA_DIR": str(data),
            "DEFNEWS_FEEDS": str(DEMO_CATALOG),
            "DEFNEWS_SAMPLE_BASE": feeds.base_url,
        }
        _airflow(env, "db", "migrate")
        _airflow(env, "pools", "set", "duckdb_writer", "1", "single DuckDB writer")
        commands = {**COMPONENTS, "api-server": ["api-server", "--port", str(api_port)]}
        logs = {name: (tmp_path / f"{name}.log").open("w") for name in commands}
        procs = {
            name: subprocess.Popen(
                [sys.executable, "-m", "airflow", *args],
                env=env,
                stdout=logs[name],
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
            for name, args in commands.items()
        }
        try:
            _wait_for_dags(env)
            _airflow(env, "dags", "trigger", "defnews_ingest", "--conf", json.dumps({"due_only": False}))
            ingest_state = _wait_for_state(database, "defnews_ingest", procs, tmp_path, deadline_s=900)
            assert ingest_state == "success", _tail(tmp_path)
            transform_state = _wait_for_state(database, "defnews_transform", procs, tmp_path, deadline_s=1500)
            assert transform_state == "success", _tail(tmp_path)
        finally:
            for proc in procs.values():
                _stop(proc)
            for handle in logs.values():
                handle.close()
    con = duckdb.connect(str(data / "analytics.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from marts.actor_mentions_daily").fetchall()[0][0] > 0
        assert con.execute("select count(*) from marts.articles").fetchall()[0][0] >= 300
    finally:
        con.close()
    assert all(proc.poll() is not None for proc in procs.values())


def _wait_for_dags(env: dict[str, str]) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        listed = subprocess.run([sys.executable, "-m", "airflow", "dags", "list", "-o", "json"], env=env,
                                capture_output=True, text=True, timeout=120)  # fmt: skip
        if "defnews_ingest" in listed.stdout and "defnews_transform" in listed.stdout:
            return
        time.sleep(5)
    raise AssertionError("the dag-processor did not register the DAGs within 4 minutes")


def _wait_for_state(database: str, dag_id: str, procs: dict[str, subprocess.Popen[bytes]], tmp_path: Path,
                    deadline_s: int) -> str:  # fmt: skip
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        dead = [name for name, proc in procs.items() if proc.poll() is not None]
        assert not dead, f"{dead} exited early\n{_tail(tmp_path)}"
        states = _states(database, dag_id)
        if "success" in states or "failed" in states:
            return "success" if "success" in states else "failed"
        time.sleep(5)
    return "timeout"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the component and its children (uvicorn, serve-logs): signal the whole process group."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _tail(tmp_path: Path) -> str:
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(tmp_path.glob("*.log")))
