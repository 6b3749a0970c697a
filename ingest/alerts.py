"""Failure callbacks for the DAGs: always a log line, and a webhook when one is configured.

The webhook is an Airflow connection `defnews_alerts` (type http; host is the URL, e.g. a Slack
or Teams incoming webhook). No connection, no webhook. A callback never raises: an alert that
cannot be sent is logged, and the task's own failure stands.
"""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger("defnews.alerts")
CONNECTION_ID = "defnews_alerts"


def _webhook_url() -> str | None:
    try:
        from airflow.sdk import Connection

        connection = Connection.get(CONNECTION_ID)
    except Exception:  # noqa: BLE001 - not configured is the common case
        return None
    host = connection.host or ""
    if host and not host.startswith(("http://", "https://")):
        host = f"{connection.schema or 'https'}://{host}"
    return host or None


def message(context: dict[str, Any]) -> dict[str, Any]:
    ti = context.get("task_instance") or context.get("ti")
    return {
        "text": f"defnews: {getattr(ti, 'dag_id', '?')}.{getattr(ti, 'task_id', '?')} failed "
        f"(try {getattr(ti, 'try_number', '?')}): {str(context.get('exception') or '')[:500]}",
        "dag_id": getattr(ti, "dag_id", None),
        "task_id": getattr(ti, "task_id", None),
        "run_id": getattr(ti, "run_id", None),
    }


def on_failure(context: dict[str, Any]) -> None:
    payload = message(context)
    log.error(payload["text"])
    url = _webhook_url()
    if not url:
        return
    try:
        import httpx

        httpx.post(url, content=json.dumps(payload), headers={"Content-Type": "application/json"}, timeout=10.0)
    except Exception as exc:  # noqa: BLE001 - alerting must not mask the failure it reports
        log.warning("could not send the failure webhook: %s", exc)
