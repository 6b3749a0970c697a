"""The run summary: what the batch did, and what the published marts say now.

Reads only `analytics.duckdb` (the published copy), as an analyst would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.warehouse import open_duckdb

TOP_N = 10
WINDOW_DAYS = 7

# The window ends on the latest day that has dated articles (undated ones get the fetch day),
# so a replay of an old archive still shows its own last week.
_WINDOW_END = """
    select max(day) from marts.articles where date_flag is null
"""


@dataclass
class Summary:
    window_start: Any = None
    window_end: Any = None
    articles_total: int = 0
    top_actors: list[tuple[str, str, int]] = field(default_factory=list)
    top_topics: list[tuple[str, str, int]] = field(default_factory=list)


def summarise(analytics: Path, top_n: int = TOP_N, days: int = WINDOW_DAYS) -> Summary:
    con = open_duckdb(analytics, read_only=True)
    try:
        summary = Summary()
        summary.articles_total = con.execute("select count(*) from marts.articles").fetchall()[0][0]
        end = con.execute(_WINDOW_END).fetchall()[0][0]
        if end is None:
            return summary
        summary.window_end = end
        summary.window_start = con.execute("select $end::date - $days + 1", {"end": end, "days": days}).fetchall()[0][0]
        window = {"start": summary.window_start, "end": end, "n": top_n}
        summary.top_actors = con.execute(
            """select actor_name, actor_type, sum(articles)::int as articles from marts.actor_mentions_daily
               where day between $start and $end group by all order by articles desc, actor_name limit $n""",
            window,
        ).fetchall()
        summary.top_topics = con.execute(
            """select topic_id, topic_name, sum(articles)::int as articles from marts.topic_mentions_daily
               where day between $start and $end group by all order by articles desc, topic_id limit $n""",
            window,
        ).fetchall()
        return summary
    finally:
        con.close()


def format_summary(stats: dict[str, Any], summary: Summary) -> str:
    lines = [
        "defnews run summary",
        f"  feeds fetched      {stats.get('feeds_total', 0)} "
        f"(ok {stats.get('feeds_ok', 0)}, not modified {stats.get('feeds_not_modified', 0)}, "
        f"failed {stats.get('feeds_failed', 0)})",
        f"  entries            {stats.get('entries_seen', 0)} seen: {stats.get('articles_new', 0)} new, "
        f"{stats.get('articles_duplicate', 0)} duplicate, {stats.get('rows_quarantined', 0)} quarantined",
        f"  articles published {summary.articles_total}",
    ]
    if summary.window_end is None:
        lines.append("  no dated articles yet")
        return "\n".join(lines)
    lines.append(f"  top actors {summary.window_start} .. {summary.window_end} (articles)")
    lines += [f"    {n:>4}  {name} ({kind})" for name, kind, n in summary.top_actors]
    lines.append(f"  top topics {summary.window_start} .. {summary.window_end} (articles)")
    lines += [f"    {n:>4}  {name} [{tid}]" for tid, name, n in summary.top_topics]
    return "\n".join(lines)
