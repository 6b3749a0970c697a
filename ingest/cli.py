"""`defnews`: the command line. Thin: parse arguments, call `pipeline`, print, set the exit status.

Exit status 0 when the run completed (failed feeds are recorded, not fatal);
1 with a one-line reason on stderr when it could not complete or a batch failed
a blocking quality check.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.settings import Settings, load_settings

log = logging.getLogger("defnews")


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "data_dir", None), getattr(args, "feeds", None))


def _print_stats(stats: Any, settings: Settings) -> None:
    from ingest.report import format_summary, summarise

    print(format_summary(stats.as_dict(), summarise(settings.analytics)))


def cmd_run(args: argparse.Namespace) -> int:
    from ingest.pipeline import run_microbatch

    settings = _settings(args)
    _print_stats(run_microbatch(settings, fulltext=args.fulltext), settings)
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from ingest.pipeline import run_microbatch

    settings = _settings(args)
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log.warning("signal %s: finishing the batch in hand, then exiting", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    print(json.dumps({"watching": str(settings.feeds_file), "interval_s": args.interval}), flush=True)
    while not stop.is_set():
        stats = run_microbatch(settings, due_only=True, fulltext=args.fulltext)
        print(json.dumps({"at": datetime.now(UTC).isoformat(), **stats.as_dict()}), flush=True)
        stop.wait(args.interval)
    return 0


def cmd_ingest_files(args: argparse.Namespace) -> int:
    from ingest.pipeline import feed_files, files_as_fetches, load_in_batches

    settings = _settings(args)
    paths, left_out = feed_files(Path(raw) for raw in args.paths)
    if left_out:
        shown = ", ".join(str(p) for p in left_out[:5]) + (f" and {len(left_out) - 5} more" if len(left_out) > 5 else "")
        log.warning("ingest-files: %d file(s) under the folders given are no feed body (hidden or JSON), left out: %s",
                    len(left_out), shown)  # fmt: skip
    feeds, fetches = files_as_fetches(paths, settings)
    stats = load_in_batches(settings, feeds, fetches, source="files")
    print(json.dumps(stats.as_dict()))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from ingest.extract import load_gazetteer
    from ingest.extract.lines import BadLine, answer, read_line

    gaz, bad = load_gazetteer(), 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            doc = read_line(line, number)
        except BadLine as exc:  # reported and skipped: the lines after it are still answered
            print(f"defnews extract: {exc}", file=sys.stderr, flush=True)
            bad += 1
            continue
        print(answer(gaz, doc, number), flush=True)
    return 1 if bad else 0


def cmd_replay(args: argparse.Namespace) -> int:
    from ingest.pipeline import replay

    # a date or a time; `replay` reads one without a zone as UTC
    since, until = (datetime.fromisoformat(value) if value else None for value in (args.since, args.until))
    stats = replay(_settings(args), since, until)
    print(json.dumps(stats.as_dict()))
    return 0


def cmd_serve_feeds(args: argparse.Namespace) -> int:
    from ingest.serve import FeedServer

    with FeedServer(Path(args.dir), args.port) as server:
        print(f"serving {args.dir} at {server.base_url}/ (Ctrl-C to stop)", flush=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    from ingest.transform import compile_manifest

    print(compile_manifest(_settings(args)))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from ingest.evaluate import DEFAULT_SET, evaluate, format_report

    report = evaluate(Path(args.set) if args.set else DEFAULT_SET)
    if args.errors:
        from ingest.evaluate import split_of

        for kind, errors in report["errors"].items():
            shown = [e for e in errors if args.errors_split in ("all", split_of(e.split(":")[0]))]
            print(f"{kind} errors (+ false positive, - missed):", *shown, sep="\n  ")
    print(json.dumps(report["scores"]) if args.json else format_report(report))
    return 0


def cmd_quarantine(args: argparse.Namespace) -> int:
    from ingest.warehouse import open_duckdb

    settings = _settings(args)
    where, params = ["true"], []
    for column, value in (("stage", args.stage), ("rule", args.rule), ("feed_id", args.feed)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if not args.all:
        where.append("resolved_at is null")
    con = open_duckdb(settings.warehouse, read_only=True)
    try:
        rows = con.execute(
            "select quarantined_at, stage, rule, feed_id, position, value, reason, payload_sha256 from raw.quarantine "
            f"where {' and '.join(where)} order by quarantined_at desc, feed_id, position limit {int(args.limit)}",
            params,
        ).fetchall()
    finally:
        con.close()
    for at, stage, rule, feed, position, value, reason, sha in rows:
        print(json.dumps({"at": at.isoformat(), "stage": stage, "rule": rule, "feed_id": feed, "position": position,
                          "value": value, "reason": reason, "payload_sha256": sha}, ensure_ascii=False))  # fmt: skip
    print(f"{len(rows)} row(s); `defnews replay` brings them in after a fix", file=sys.stderr)
    return 0


def cmd_quality_docs(args: argparse.Namespace) -> int:
    from expectations.runner import build_data_docs

    print(build_data_docs(_settings(args).gx_dir))
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from ingest.generate import run

    return run(args)


def cmd_demo(args: argparse.Namespace) -> int:
    from ingest.demo import run_demo

    print(run_demo(_settings(args)))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="defnews", description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(
        name: str, func: Callable[[argparse.Namespace], int], help_text: str, data: bool = True, feeds: bool = False
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        if data:
            p.add_argument("--data-dir", help="data folder (default ./data or $DEFNEWS_DATA_DIR)")
        if feeds:
            p.add_argument("--feeds", help="feed catalog YAML (default config/feeds.yaml or $DEFNEWS_FEEDS)")
        return p

    run = add("run", cmd_run, "one micro-batch end to end: fetch ... load, dbt build, publish", feeds=True)
    watch = add("watch", cmd_watch, "micro-batches until SIGTERM/Ctrl-C (finishes the batch in hand)", feeds=True)
    for p in (run, watch):
        p.add_argument("--fulltext", action="store_true", help="fetch article pages for feeds that give only a summary")
    watch.add_argument("--interval", type=float, default=900.0, help="seconds between batches (default 900)")
    files = add("ingest-files", cmd_ingest_files, "treat files (or every file under a folder) as fetched feed bodies")
    files.add_argument("paths", nargs="+")
    add("extract", cmd_extract, "JSON lines {id,title,text} on stdin -> actors and topics on stdout", data=False)
    replay = add("replay", cmd_replay, "re-parse landed payloads with the current parser and gazetteer")
    replay.add_argument("--since", help="received on or after (YYYY-MM-DD or ISO time, UTC)")
    replay.add_argument("--until", help="received before (YYYY-MM-DD or ISO time, UTC)")
    serve = add("serve-feeds", cmd_serve_feeds, "serve a folder of feed files on 127.0.0.1", data=False)
    serve.add_argument("dir")
    serve.add_argument("--port", type=int, default=8765)
    add("manifest", cmd_manifest, "compile the dbt manifest the Airflow DAGs render from")
    add("demo", cmd_demo, "the sample feeds on loopback, through Airflow, then a summary")
    from ingest.generate import add_arguments as generate_arguments

    generate_arguments(add("generate", cmd_generate, "write synthetic defence feeds with known ground truth", data=False))
    quarantine = sub.add_parser("quarantine", help="rows the quality gates rejected").add_subparsers(dest="action", required=True)
    listing = quarantine.add_parser("list", help="what was rejected and why (unresolved first)")
    listing.set_defaults(func=cmd_quarantine)
    listing.add_argument("--data-dir")
    listing.add_argument("--stage", choices=["parse", "normalise", "validate"])
    listing.add_argument("--rule")
    listing.add_argument("--feed")
    listing.add_argument("--all", action="store_true", help="include rows a replay has resolved")
    listing.add_argument("--limit", type=int, default=100)
    quality = sub.add_parser("quality", help="the GX quality gates").add_subparsers(dest="action", required=True)
    docs = quality.add_parser("docs", help="render GX Data Docs under the data folder; print the index path")
    docs.set_defaults(func=cmd_quality_docs)
    docs.add_argument("--data-dir")
    evaluation = add("eval", cmd_eval, "precision, recall and F1 of extraction on the labelled set", data=False)
    evaluation.add_argument("set", nargs="?", help="JSON lines with gold labels (default eval/labelled.jsonl)")
    evaluation.add_argument("--errors", action="store_true", help="list every false positive and miss")
    evaluation.add_argument("--errors-split", choices=["dev", "test", "all"], default="dev",
                            help="whose errors to list (default dev: tune on dev, report test)")  # fmt: skip
    evaluation.add_argument("--json", action="store_true", help="print the scores as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if args.verbose:
            log.exception("failed")
        print(f"defnews {args.command}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
