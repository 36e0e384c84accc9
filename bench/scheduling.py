"""Benchmark of scheduling: a school's term of lessons generated as one job (40 classes × 30 lessons a
week × 9 weeks, about 10,800 lessons), beside the bare insert of the same rows.

Prints one JSON document. Scheduling runs in this process on uvloop (a ``ServiceRuntime`` on a fresh
PostgreSQL database, the in-memory bus, relay off: its events stay in the outbox), its HTTP API called
through httpx's ASGI transport with RS256 tokens: the service's own work on real PostgreSQL, without the
network and uvicorn. Ours is timed from the POST to the job seen done (polled every 0.05 s); per lesson
it writes the ``lesson`` row, and per class a ``scheduling.lessons.scheduled.v1`` outbox row carrying the
class's lessons (at most 500 a message), a transaction per class.
The bare layer: raw asyncpg on one connection into a scratch ``lesson`` table of the same shape and
indexes (a database of its own on the same server), the same rows, a transaction per class, by ``COPY``
and by ``executemany`` (lesson rows only: no outbox).

Server: ESCHOOL_BENCH_POSTGRES_URL (admin URL) if set, else a private PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import sys
import time
import uuid
from datetime import datetime
from typing import Any

import asyncpg
import httpx
from bus import create_database
from contingent_setup import call, postgres
from scheduling_setup import DDL, LESSON_COLUMNS, School, add_school, scheduling

from eschool.common import aio
from eschool.common.events.scheduling import MAX_LESSONS_PER_MESSAGE
from eschool.common.logging import configure_logging

TARGET_S, POLL_S = 5.0, 0.05
FULL, QUICK = (40, 6, 5), (4, 6, 5)  # classes, days a week, lessons a day


async def generate(api: httpx.AsyncClient, school: School) -> tuple[float, float, dict[str, Any]]:
    """Seconds from the POST to the job seen done, the job's own created_at..finished_at, the job."""
    body = {"term_scheme_id": school.scheme_id, "term_id": school.term_id}
    started = time.perf_counter()
    job = await call(
        api, "POST", f"/v1/schools/{school.school_id}/lesson-generations", school.admin, json=body
    )
    while job["status"] not in ("done", "failed"):
        await asyncio.sleep(POLL_S)
        job = await call(
            api, "GET", f"/v1/lesson-generations/{job['lesson_generation_job_id']}", school.admin
        )
    elapsed = time.perf_counter() - started
    if job["status"] != "done":
        raise RuntimeError(f"generation: {job}")
    stamps = [datetime.fromisoformat(job[f]) for f in ("created_at", "finished_at")]
    return elapsed, (stamps[1] - stamps[0]).total_seconds(), job


async def raw_insert(conn: asyncpg.Connection, batches: list[list[tuple[Any, ...]]], *, copy: bool) -> float:
    """Seconds of inserting every class's lessons, a transaction per class."""
    await conn.execute("TRUNCATE lesson")
    marks = ", ".join(f"${n}" for n in range(1, len(LESSON_COLUMNS) + 1))
    sql = f"INSERT INTO lesson ({', '.join(LESSON_COLUMNS)}) VALUES ({marks})"
    started = time.perf_counter()
    for rows in batches:
        async with conn.transaction():
            if copy:
                await conn.copy_records_to_table("lesson", records=rows, columns=LESSON_COLUMNS)
            else:
                await conn.executemany(sql, rows)
    return time.perf_counter() - started


async def lesson_batches(runtime: Any, school: School) -> list[list[tuple[Any, ...]]]:
    """The service's own lesson rows, by class, fresh ids (so the bare layer writes the same data)."""
    dsn = runtime.settings.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            f"SELECT {', '.join(LESSON_COLUMNS)} FROM lesson ORDER BY class_id, lesson_on"
        )
    finally:
        await conn.close()
    by_class: dict[uuid.UUID, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_class.setdefault(row["class_id"], []).append((uuid.uuid4(), *tuple(row)[1:]))
    return list(by_class.values())


async def measure(params: tuple[int, int, int], admin_url: str) -> dict[str, Any]:
    """Set up through the API and the events; then ours, then the bare layer on the same rows."""
    raw_url = await create_database(admin_url, "bench_scheduling_raw")
    async with scheduling(admin_url) as (api, runtime):
        started = time.perf_counter()
        school = await add_school(api, runtime, *params)
        setup = time.perf_counter() - started
        seen, own, job = await generate(api, school)
        again, _, second = await generate(api, school)
        batches = await lesson_batches(runtime, school)
    conn = await asyncpg.connect(raw_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        await conn.execute(DDL)
        copy = await raw_insert(conn, batches, copy=True)
        many = await raw_insert(conn, batches, copy=False)
        version = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    return {
        "setup": setup,
        "seen": seen,
        "own": own,
        "job": job,
        "again": again,
        "second": second,
        "copy": copy,
        "many": many,
        "postgres": version,
    }


def report(
    params: tuple[int, int, int], f: dict[str, Any], source: str, load: tuple[float, float]
) -> dict[str, Any]:
    lessons = f["job"]["created_lessons"]
    rate = lambda s: {"seconds": round(s, 3), "lessons_per_s": round(lessons / s, 1)}  # noqa: E731
    return {
        "benchmark": "scheduling",
        "setup": __doc__.split("\n\n")[1].replace("\n", " "),
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "event_loop": "uvloop",
            "postgres": f["postgres"],
            "postgres_server": source,
            "load_average_1m": {"before": load[0], "after": load[1]},
        },
        "parameters": {
            "classes": params[0],
            "days_a_week": params[1],
            "lessons_a_day": params[2],
            "weeks": 9,
            "setup_seconds": round(f["setup"], 3),
        },
        "generation": {
            "lessons": lessons,
            # A message per class, carrying its lessons (at most MAX_LESSONS_PER_MESSAGE a message).
            "outbox_messages": params[0] * math.ceil(lessons / params[0] / MAX_LESSONS_PER_MESSAGE),
            "ours": rate(f["seen"]) | {"job_created_to_finished_seconds": round(f["own"], 3)},
            "ours_again_nothing_to_add": {
                "seconds": round(f["again"], 3),
                "created": f["second"]["created_lessons"],
            },
            "raw_asyncpg_copy": rate(f["copy"]),
            "raw_asyncpg_executemany": rate(f["many"]),
            "ratio_ours_to_raw_copy": round(f["seen"] / f["copy"], 1),
            "ratio_ours_to_raw_executemany": round(f["seen"] / f["many"], 1),
            "target_seconds": TARGET_S,
            "target_met": f["seen"] <= TARGET_S if params == FULL else None,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 classes: a smoke run")
    params = QUICK if parser.parse_args().quick else FULL
    load_before = os.getloadavg()[0]
    configure_logging("WARNING")
    with contextlib.redirect_stdout(sys.stderr), postgres() as (admin_url, source):
        figures = aio.run(measure(params, admin_url))
    print(
        json.dumps(
            report(params, figures, source, (load_before, os.getloadavg()[0])), indent=2, ensure_ascii=False
        )
    )


if __name__ == "__main__":
    main()
