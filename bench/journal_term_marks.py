"""A whole school's term marks in bench/journal.py: a PUT per class and subject through the gateway, beside
the bare layer's transaction per class and subject."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from journal_params import TARGETS, Params
from journal_processes import Processes
from journal_raw import INSERT_AUDIT, INSERT_OUTBOX, dumps, envelope, utc_now
from journal_requests import World, expect

INSERT_TERM_MARK = """INSERT INTO term_mark (term_mark_id, school_id, pupil_person_id, subject_id, class_id,
    academic_year_id, period, term_id, period_key, value, numeric_value, computed_average, policy_version,
    override_reason, set_by, set_at, deleted_at, version)
    VALUES ($1, $2, $3, $4, $5, $6, 'term', $7, $8, $9, $10, $11, 1, NULL, $12, $13, NULL, 1)"""
CLASS_MARKS = """SELECT pupil_person_id, numeric_value, weight FROM mark
    WHERE school_id = $1 AND class_id = $2 AND subject_id = $3 AND term_id = $4 AND deleted_at IS NULL
    AND numeric_value IS NOT NULL"""


async def measure_term_marks(params: Params, world: World, url: str, processes: Processes) -> dict[str, Any]:
    runs = {}
    big = min(2, world.data.size.big_schools)
    for school_index, concurrency in list(zip(range(big), (1, params.term_concurrency), strict=False)):
        before = processes.snapshot()
        ours = await term_marks(world, url, school_index, concurrency)
        # The relay publishes the save's events after the answers: its work is the save's too.
        await _outbox_drained(world)
        middle = processes.snapshot()
        raw = await raw_term_marks(world, school_index, concurrency)
        after = processes.snapshot()
        school = world.data.schools[school_index]
        pupils = sum(len(c.pupils) for c in school.classes)
        requests = len(school.classes) * len(world.data.subjects)
        runs[f"concurrency_{concurrency}"] = {
            "pupils": pupils,
            "requests": requests,
            "term_marks": pupils * len(world.data.subjects),
            "gateway_seconds": round(ours, 3),
            "raw_seconds": round(raw, 3),
            "ratio_raw_to_ours": round(raw / ours, 3),
            "target_met": ours <= TARGETS["term_marks_s_max"],
            # CPU is steadier than seconds on a shared machine: ms of each process per class and subject.
            "cpu_ms_per_request": _per_request(before, middle, requests),
            "raw_cpu_ms_per_request": _per_request(middle, after, requests),
        }
    return runs


UNPUBLISHED = "SELECT count(*) FROM outbox_message WHERE published_at IS NULL"


async def _outbox_drained(world: World) -> None:
    async with asyncio.timeout(60):  # a relay that cannot drain in a minute is a failure, not a figure
        left = await world.pool.fetchval(UNPUBLISHED)
        while left:
            await asyncio.sleep(0.05)
            left = await world.pool.fetchval(UNPUBLISHED)


def _per_request(before: dict[str, float], after: dict[str, float], requests: int) -> dict[str, float]:
    return {name: round(1000 * (after[name] - before[name]) / requests, 2) for name in after}


async def term_marks(world: World, base: str, school_index: int, concurrency: int) -> float:
    """Seconds of a whole school's term marks: a PUT per class and subject, ``concurrency`` at a time."""
    school = world.data.schools[school_index]
    jobs = [(c, s) for c in school.classes for s in world.data.subjects]

    async def one(job: tuple[Any, uuid.UUID]) -> None:
        school_class, subject = job
        marks = [
            {"pupil_person_id": str(p), "value": str(3 + i % 3)} for i, p in enumerate(school_class.pupils)
        ]
        body = json.dumps({"period": "term", "term_id": str(school.term_id), "marks": marks}).encode()
        headers = world.tokens.teacher(school_class.teachers[subject], school.school_id)
        url = f"{base}/v1/classes/{school_class.class_id}/subjects/{subject}/term-marks"
        await expect(world.client, "PUT", url, headers, body, 200)

    return await _run_jobs(jobs, one, concurrency)


async def raw_term_marks(world: World, school_index: int, concurrency: int) -> float:
    """The bare layer: per class and subject one transaction that reads the class's marks (what the
    averages need) and inserts the term marks, their audit rows and outbox rows (under a period key of
    their own, beside the journal's)."""
    school = world.data.schools[school_index]
    year = await world.pool.fetchval("SELECT academic_year_id FROM term WHERE term_id = $1", school.term_id)
    key = uuid.uuid4().hex

    async def one(job: tuple[Any, uuid.UUID]) -> None:
        school_class, subject = job
        now, teacher, school_id = utc_now(), school_class.teachers[subject], school.school_id
        rows, audits, outbox = [], [], []
        for i, pupil in enumerate(school_class.pupils):
            row_id, value = uuid.uuid4(), str(3 + i % 3)
            where = (school_id, pupil, subject, school_class.class_id, year, school.term_id, key)
            rows.append((row_id, *where, value, int(value), None, teacher, now))
            audit = (uuid.uuid4(), school_id, "term_mark", row_id, None, pupil, "set")
            audits.append((*audit, dumps({"value": value}), uuid.uuid4(), teacher, now))
            data = {"term_mark_id": row_id, "pupil_person_id": pupil, "value": value, "version": 1}
            outbox.append(envelope("journal.term_mark.set.v1", row_id, school_id, data, now))
        async with world.pool.acquire() as conn, conn.transaction():
            await conn.fetch(CLASS_MARKS, school_id, school_class.class_id, subject, school.term_id)
            await conn.executemany(INSERT_TERM_MARK, rows)
            await conn.executemany(INSERT_AUDIT, audits)
            await conn.executemany(INSERT_OUTBOX, outbox)

    jobs = [(c, s) for c in school.classes for s in world.data.subjects]
    return await _run_jobs(jobs, one, concurrency)


async def _run_jobs(jobs: list[Any], one: Callable[[Any], Awaitable[None]], concurrency: int) -> float:
    queue = iter(jobs)

    async def worker() -> None:
        for job in queue:
            await one(job)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started
