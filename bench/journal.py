"""Benchmark of the journal on a region's data: marks written, the whole lesson saved, the diary's week
read, a whole school's term marks; each beside the bare layer's figure from the same run.

Prints one JSON document. The region (bench/journal_dataset.py: 100 schools, ~51,000 pupils, ~5 million
marks by default) is loaded by COPY into the journal's migrated database; then the journal and the
gateway run as processes of their own (``python -m eschool.common.serve``: uvicorn on uvloop, as in the
local stack) on one PostgreSQL and RabbitMQ, the journal with its relay (no other service runs: nothing
feeds its consumers). Tokens are RS256 JWTs signed here; a JWKS endpoint in this process serves their key
to the gateway and the journal. Requests go through the gateway (``/api/journal/...``) and, for the split
of the costs, straight at the journal; the load generator is the minimal HTTP/1.1 client of
bench/httpclient.py in this process.

The bare layer, on the same database and tables: one asyncpg transaction per request that writes the same
rows (marks, attendance, the lesson record, their audit rows and outbox rows, the outbox rows already
marked published so that the journal's relay leaves them alone), with a pool of 20 connections, the
journal's own (10 + 10 overflow); and one prepared SELECT that returns the week's lessons with the
pupil's marks and absences. Lanes run for a fixed time in interleaved rounds (A B C, C B A, ...), so
that the noise of this shared machine hits them alike: the ratios hold, the absolute numbers do not.

Peak: 32 clients in a closed loop. Latency: an open loop at half the peak rate, each request timed from
the moment it was due (no coordinated omission). Rows read: PostgreSQL's own counters over a few
requests of each kind (sequential scans show up there). Servers: ESCHOOL_BENCH_POSTGRES_URL (admin URL)
and ESCHOOL_BENCH_AMQP_URL if set, else private ones from this machine's binaries (bench/bus.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncpg
from bus import create_database, servers
from httpclient import RawClient
from journal_data import FULL, Dataset, Size
from journal_dataset import load
from journal_floor import floor_processes, measure_floor
from journal_load import Counters
from journal_operations import OPERATIONS, measure, measure_replicas, operation_report
from journal_params import CONCURRENCY, FULL_PARAMS, RAW_POOL, SMALL_PARAMS, TARGETS, Params
from journal_processes import Processes, Stack, Tokens, journal_stack, postmaster
from journal_requests import World
from journal_term_marks import measure_term_marks

from eschool.common import aio
from eschool.common.db.migrations import upgrade
from eschool.journal.app import service as journal_service

FLOOR = {
    "floor": "the bare layer's transaction or SELECT in a FastAPI process of its own"
    " (bench/journal_floor_app.py: uvicorn, uvloop, httptools, one asyncpg pool; no authentication,"
    " validation, ORM or relay), the rows in the request's body; floor_direct: called straight;"
    " floor_gateway: through a gateway process whose journal upstream it is (the token verified there,"
    " as for ours); gateway: ours through the gateway",
}
TERM_MARKS = {
    "request": "PUT /api/journal/v1/classes/{id}/subjects/{id}/term-marks: a class's 25 term marks "
    "of the term (averages computed from its marks, a row, an audit row and an event each), by the "
    "subject's teacher; one request per class and subject of the school; concurrency as named",
    "raw_layer": "per class and subject one transaction: SELECT of the class's marks in the subject "
    "and term, then executemany INSERT of 25 term_mark, 25 journal_audit, 25 outbox_message rows",
}


def run(params: Params, *, replicas: bool, only: str | None = None) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    with (
        servers() as (pg_admin, amqp_url),
        tempfile.TemporaryDirectory(prefix="eschool-bench-journal-") as logs,
    ):
        database_url = aio.run(create_database(pg_admin, "bench_journal"))
        upgrade(journal_service.migrations, database_url)
        dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
        data = aio.run(_load(dsn, params.size))
        result: dict[str, Any] = {"dataset": _dataset_report(data)}
        for count in (1, params.replicas) if replicas else (1,):
            with journal_stack(Path(logs), database_url, amqp_url, count) as stack:
                if only == "floor":
                    with floor_processes(Path(logs), dsn, stack.jwks_url, stack.gateway) as floor:
                        found = aio.run(_measure_floor(params, data, dsn, stack, floor))
                    result["floor"] = {**FLOOR, **found}
                    continue
                result[f"replicas_{count}"] = aio.run(
                    _measure_stack(params, data, dsn, stack, count, terms_only=only == "term_marks")
                )
    return _report(params, result, (load_before, os.getloadavg()[0]))


async def _load(dsn: str, size: Size) -> Dataset:
    conn = await asyncpg.connect(dsn)
    try:
        return await load(conn, size)
    finally:
        await conn.close()


async def _measure_floor(
    params: Params, data: Dataset, dsn: str, stack: Stack, floor: dict[str, Any]
) -> dict[str, Any]:
    """The floor lanes beside the bare layer and ours through the gateway (bench/journal_floor.py)."""
    pool = await asyncpg.create_pool(dsn, min_size=RAW_POOL, max_size=RAW_POOL)
    monitor = await asyncpg.connect(dsn)
    client = RawClient()
    try:
        world = World(data, Tokens(stack.identity), client, pool)
        groups = stack.groups | floor["groups"]
        processes = Processes(groups, await postmaster(monitor), monitor)
        return await measure_floor(params, world, stack.urls["gateway"], floor, processes)
    finally:
        await client.aclose()
        await monitor.close()
        await pool.close()


async def _measure_stack(
    params: Params, data: Dataset, dsn: str, stack: Stack, count: int, *, terms_only: bool
) -> dict[str, Any]:
    """The measurements on a running stack: with replicas the peaks only, else every figure."""
    pool = await asyncpg.create_pool(dsn, min_size=RAW_POOL, max_size=RAW_POOL)
    monitor = await asyncpg.connect(dsn)
    client = RawClient()
    try:
        world = World(data, Tokens(stack.identity), client, pool)
        processes = Processes(stack.groups, await postmaster(monitor), monitor)
        if count > 1:
            peaks = await measure_replicas(params, world, stack.urls["gateway"], processes)
            return {"processes": count, f"peak_at_{CONCURRENCY}_clients": peaks}
        found: dict[str, Any] = {}
        if not terms_only:
            figures = await measure(params, world, stack.urls, processes, Counters(monitor))
            full = params.size == FULL
            found = {name: operation_report(name, f, full) for name, f in figures.items()}
        found["term_marks_whole_school"] = {
            **TERM_MARKS,
            "runs": await measure_term_marks(params, world, stack.urls["gateway"], processes),
            "target_seconds_max": TARGETS["term_marks_s_max"],
        }
        return found
    finally:
        await client.aclose()
        await monitor.close()
        await pool.close()


def _dataset_report(data: Dataset) -> dict[str, Any]:
    copied = sum(data.rows.values())
    return {
        "schools": len(data.schools),
        "classes": sum(len(s.classes) for s in data.schools),
        "pupils": len(data.guardians),
        "term": {"starts_on": data.term_start.isoformat(), "weeks": data.size.weeks},
        "rows": data.rows,
        "seconds": {k: round(v, 1) for k, v in data.seconds.items()},
        "copy_rows_per_s": round(copied / data.seconds["copy"]),
        "not_loaded": "history's journal_audit and outbox_message rows; subgroups, substitutions, exemptions",
    }


def _report(params: Params, result: dict[str, Any], load: tuple[float, float]) -> dict[str, Any]:
    return {
        "benchmark": "journal",
        "setup": __doc__.split("\n\n", 1)[1].replace("\n", " "),
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "event_loop": "uvloop (servers and client)",
            "load_average_1m": {"before": load[0], "after": load[1]},
        },
        "parameters": {
            "size": params.size.__dict__,
            "clients": CONCURRENCY,
            "raw_pool_connections": RAW_POOL,
            "seconds_per_lane_round": params.round_s,
            "rounds": params.rounds,
            "seconds_at_half_peak": params.paced_s,
        },
        **result,
        "targets": TARGETS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a few schools and short lanes: a quick check")
    parser.add_argument(
        "--schools", type=int, default=int(os.environ.get("ESCHOOL_BENCH_JOURNAL_SCHOOLS", 0))
    )
    parser.add_argument("--marks", type=int, default=int(os.environ.get("ESCHOOL_BENCH_JOURNAL_MARKS", 0)))
    parser.add_argument("--no-replicas", action="store_true", help="skip the run with two journal processes")
    parser.add_argument(
        "--term-marks-only", action="store_true", help="only the whole school's term marks (one process)"
    )
    parser.add_argument(
        "--floor",
        nargs="*",
        choices=list(OPERATIONS),
        help="only the floor: the bare layer behind a bare FastAPI process, straight and through a gateway"
        " (the operations named, or all three)",
    )
    args = parser.parse_args()
    params = SMALL_PARAMS if args.small else FULL_PARAMS
    if args.schools:
        params = replace(params, size=replace(params.size, schools=args.schools))
    if args.marks:
        params = replace(params, size=replace(params.size, marks=args.marks))
    only = "term_marks" if args.term_marks_only else "floor" if args.floor is not None else None
    if args.floor:
        params = replace(params, operations=tuple(args.floor))
    found = run(params, replicas=not (args.no_replicas or only), only=only)
    print(json.dumps(found, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
