"""Benchmark of contingent: 1,000 pupils imported from xlsx, and the rollover of a school of 1,000 pupils.

Prints one JSON document. Contingent runs in this process on uvloop (a ``ServiceRuntime`` on a fresh
PostgreSQL database, the in-memory bus, relay off: its events stay in the outbox) and its HTTP API is
called through httpx's ASGI transport with RS256 tokens from ``TestIdentity``: the service's own work on
real PostgreSQL, without the network and uvicorn. Setup is through the API as well: region, municipality,
school, this academic year, 40 classes (grades 1-10, letters А-Г: nothing graduates) of 25.

Beside each figure of ours stands the bare layer's from the same run on the same server, because the
machine is shared and noisy (the ratios hold, the absolute numbers do not): raw asyncpg on one connection
into scratch tables shaped like ``person``, ``pupil_enrolment`` and ``pupil_movement`` (a database of
their own), a transaction per class as the service has: the pupils' rows by ``COPY`` and by
``executemany``; for the rollover, an UPDATE of each enrolment to its new class and a history INSERT.

Server: ESCHOOL_BENCH_POSTGRES_URL (admin URL) if set, else a private PostgreSQL (bench/contingent_setup.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import statistics
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
from bus import create_database
from contingent_setup import (
    DDL,
    ENROLMENT,
    MOVEMENT,
    PERSON,
    Batch,
    School,
    add_school,
    call,
    class_pupils,
    contingent,
    postgres,
    raw_batches,
    template,
    workbook,
)

from eschool.common import aio
from eschool.common.db import utcnow
from eschool.common.logging import configure_logging
from eschool.contingent.domain.pupil_import import XLSX_MEDIA_TYPE

TARGET_IMPORT_S, TARGET_ROLLOVER_S, TARGET_PUPILS = 5.0, 10.0, 1000
POLL_S = 0.1  # the rollover job is polled; its own created_at..finished_at is reported too


@dataclass(frozen=True)
class Params:
    """The school's size: classes, and pupils in each (a class holds at most 40)."""

    classes: int
    pupils_per_class: int


QUICK, FULL = Params(4, 5), Params(40, 25)


def insert(table: str, columns: tuple[str, ...]) -> str:
    values = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})"


async def raw_import(conn: asyncpg.Connection, batches: list[Batch], *, copy: bool) -> list[float]:
    """Seconds of each class's transaction: its persons, then its enrolments."""
    await conn.execute("TRUNCATE pupil_movement, pupil_enrolment, person")
    seconds = []
    for persons, enrolments in batches:
        started = time.perf_counter()
        async with conn.transaction():
            if copy:
                await conn.copy_records_to_table("person", records=persons, columns=PERSON)
                await conn.copy_records_to_table("pupil_enrolment", records=enrolments, columns=ENROLMENT)
            else:
                await conn.executemany(insert("person", PERSON), persons)
                await conn.executemany(insert("pupil_enrolment", ENROLMENT), enrolments)
        seconds.append(time.perf_counter() - started)
    return seconds


async def raw_rollover(conn: asyncpg.Connection, school: School, batches: list[Batch]) -> float:
    """Seconds of moving every enrolment to a new class with a history row, a transaction per class."""
    year, day, now = uuid.uuid4(), school.starts_on + timedelta(days=365), utcnow()
    move = "UPDATE pupil_enrolment SET class_id = $2, academic_year_id = $3, version = version + 1,"
    move += " updated_at = now() WHERE pupil_enrolment_id = $1"
    work = []
    for _, enrolments in batches:
        new_class = uuid.uuid4()
        moves = [(e[0], new_class, year) for e in enrolments]
        history = [
            (uuid.uuid4(), e[2], e[0], e[1], "promoted", day, e[3], new_class, None, "", day, now)
            for e in enrolments
        ]
        work.append((moves, history))
    started = time.perf_counter()
    for moves, history in work:
        async with conn.transaction():
            await conn.executemany(move, moves)
            await conn.executemany(insert("pupil_movement", MOVEMENT), history)
    return time.perf_counter() - started


async def import_files(
    api: httpx.AsyncClient, school: School, files: list[bytes], rows: int, *, dry_run: bool
) -> list[float]:
    """Seconds of each class's import request, one after the other, each answer checked."""
    head = school.admin | {"Content-Type": XLSX_MEDIA_TYPE}
    seconds = []
    for class_id, content in zip(school.class_ids, files, strict=True):
        path, query = f"/v1/classes/{class_id}/pupils/import", {"dry_run": str(dry_run).lower()}
        started = time.perf_counter()
        report = await call(api, "POST", path, head, params=query, content=content)
        seconds.append(time.perf_counter() - started)
        if (report["would_enrol"], report["enrolled"]) != (rows, 0 if dry_run else rows):
            raise RuntimeError(f"import into {class_id}: {report}")
    return seconds


async def rollover(api: httpx.AsyncClient, school: School, pupils: int) -> tuple[float, float]:
    """Seconds from the POST to the job seen done, and the job's own created_at..finished_at."""
    body = {"from_academic_year_id": school.year_id, "to_year_name": school.next_year}
    started = time.perf_counter()
    job = await call(api, "POST", f"/v1/schools/{school.school_id}/rollovers", school.admin, json=body)
    while job["status"] not in ("done", "failed"):
        await asyncio.sleep(POLL_S)
        job = await call(api, "GET", f"/v1/rollovers/{job['rollover_job_id']}", school.admin)
    elapsed = time.perf_counter() - started
    if job["status"] != "done" or job["promoted"] != pupils or job["conflicts"]:
        raise RuntimeError(f"rollover: {job}")
    stamps = [datetime.fromisoformat(job[f]) for f in ("created_at", "finished_at")]
    return elapsed, (stamps[1] - stamps[0]).total_seconds()


async def measure(params: Params, admin_url: str) -> dict[str, Any]:
    """Set up through the API; then the bare imports, ours (dry runs first), the bare rollover, ours."""
    raw_url = await create_database(admin_url, "bench_contingent_raw")
    size = params.pupils_per_class
    async with contingent(admin_url) as api:
        started = time.perf_counter()
        school = await add_school(api, params.classes, size)
        setup_seconds = time.perf_counter() - started
        empty = await template(api, school)
        pupils = [class_pupils(school, index, size) for index in range(params.classes)]
        files = [workbook(empty, rows) for rows in pupils]
        conn = await asyncpg.connect(raw_url.replace("postgresql+asyncpg://", "postgresql://", 1))
        try:
            await conn.execute(DDL)
            batches = raw_batches(school, pupils)
            figures = {
                "setup_seconds": setup_seconds,
                "file_bytes": int(statistics.median(len(f) for f in files)),
                "raw_copy": await raw_import(conn, batches, copy=True),
                "raw_executemany": await raw_import(conn, batches, copy=False),
                "dry_run": await import_files(api, school, files, size, dry_run=True),
                "import": await import_files(api, school, files, size, dry_run=False),
                "raw_rollover": await raw_rollover(conn, school, batches),
                "rollover": await rollover(api, school, params.classes * size),
                "postgres": await conn.fetchval("SHOW server_version"),
            }
        finally:
            await conn.close()
    return figures


def rate(seconds: float, rows: int) -> dict[str, float]:
    return {"seconds": round(seconds, 3), "rows_per_s": round(rows / seconds, 1)}


def per_file(seconds: list[float]) -> dict[str, float]:
    return {
        "first": round(seconds[0], 4),
        "p50": round(statistics.median(seconds), 4),
        "max": round(max(seconds), 4),
    }


def import_report(params: Params, figures: dict[str, Any], full: bool) -> dict[str, Any]:
    pupils, size = params.classes * params.pupils_per_class, params.pupils_per_class
    ours, dry = sum(figures["import"]), sum(figures["dry_run"])
    copy, many = sum(figures["raw_copy"]), sum(figures["raw_executemany"])
    return {
        "pupils": pupils,
        "files": params.classes,
        "rows_per_file": size,
        "file_bytes_p50": figures["file_bytes"],
        "ours": rate(ours, pupils) | {"per_file_seconds": per_file(figures["import"])},
        "ours_dry_run": rate(dry, pupils) | {"per_file_seconds": per_file(figures["dry_run"])},
        "raw_asyncpg_copy": rate(copy, pupils) | {"per_class_seconds": per_file(figures["raw_copy"])},
        "raw_asyncpg_executemany": rate(many, pupils)
        | {"per_class_seconds": per_file(figures["raw_executemany"])},
        f"single_file_of_{size}_seconds_p50": {
            "ours": round(statistics.median(figures["import"]), 4),
            "ours_dry_run": round(statistics.median(figures["dry_run"]), 4),
            "raw_asyncpg_copy": round(statistics.median(figures["raw_copy"]), 4),
            "raw_asyncpg_executemany": round(statistics.median(figures["raw_executemany"]), 4),
        },
        "ratio_ours_to_raw_copy": round(ours / copy, 1),
        "ratio_ours_to_raw_executemany": round(ours / many, 1),
        "target_seconds": TARGET_IMPORT_S,
        "target_met": ours <= TARGET_IMPORT_S if full else None,
    }


def rollover_report(params: Params, figures: dict[str, Any], full: bool) -> dict[str, Any]:
    pupils = params.classes * params.pupils_per_class
    (seen, job), raw = figures["rollover"], figures["raw_rollover"]
    return {
        "pupils": pupils,
        "classes": params.classes,
        "ours": rate(seen, pupils) | {"job_created_to_finished_seconds": round(job, 3)},
        "raw_asyncpg_update_and_history_insert": rate(raw, pupils),
        "ratio_ours_to_raw": round(seen / raw, 1),
        "target_seconds": TARGET_ROLLOVER_S,
        "target_met": seen <= TARGET_ROLLOVER_S if full else None,
    }


def report(params: Params, figures: dict[str, Any], source: str, load: tuple[float, float]) -> dict[str, Any]:
    full = params.classes * params.pupils_per_class == TARGET_PUPILS
    return {
        "benchmark": "contingent",
        "setup": "contingent in this process (ServiceRuntime, fresh PostgreSQL database, in-memory "
        "bus, relay off: events stay in the outbox), its HTTP API called through httpx.ASGITransport (no "
        "network, no uvicorn) with RS256 tokens from TestIdentity; the school, its year and classes set "
        "up through the API. Import: one xlsx per class (the service's own template filled by openpyxl), "
        "posted one after the other; per pupil the service writes person, pupil_enrolment, a "
        "pupil_movement and an outbox event, the bare layer person and pupil_enrolment only. Rollover: "
        "POST to the job seen done (polled every 0.1 s); the service writes a new class per class and, per "
        "pupil, the enrolment's update, a pupil_movement, a pupil_promotion and an outbox event, the bare "
        "layer the update and the pupil_movement. Bare layer: raw asyncpg, one connection, a transaction "
        "per class, scratch tables in a database of their own on the same server",
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "event_loop": "uvloop",
            "postgres": figures["postgres"],
            "postgres_server": source,
            "load_average_1m": {"before": load[0], "after": load[1]},
        },
        "parameters": asdict(params) | {"setup_through_api_seconds": round(figures["setup_seconds"], 3)},
        "import": import_report(params, figures, full),
        "rollover": rollover_report(params, figures, full),
        "targets": {
            "import_1000_pupils_seconds_max": TARGET_IMPORT_S,
            "rollover_1000_pupils_seconds_max": TARGET_ROLLOVER_S,
            "applies": "to the full run (1,000 pupils); null in a --quick run",
        },
    }


def run(params: Params) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    configure_logging("WARNING")
    # The service logs to stdout; this document must be the only thing there.
    with contextlib.redirect_stdout(sys.stderr), postgres() as (admin_url, source):
        figures = aio.run(measure(params, admin_url))
    return report(params, figures, source, (load_before, os.getloadavg()[0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 classes of 5 pupils: a smoke run")
    args = parser.parse_args()
    print(json.dumps(run(QUICK if args.quick else FULL), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
