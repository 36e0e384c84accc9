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
import asyncio
import contextlib
import itertools
import json
import math
import os
import platform
import random
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
from bus import create_database, servers
from httpclient import RawClient
from journal_dataset import FULL, SMALL, Dataset, Lesson, Size, load

from eschool.common import aio
from eschool.common.auth import Role
from eschool.common.db.migrations import upgrade
from eschool.common.settings import issuer_for
from eschool.common.stack_processes import free_ports, process_names, start_services
from eschool.common.testing.auth import TestIdentity
from eschool.journal.app import service as journal_service

JOURNAL = "journal"
CONCURRENCY, RAW_POOL = 32, 20
TARGETS = {
    "ratio_to_raw_min": 0.40,
    "mark_p99_ms_max": 100.0,
    "diary_p99_ms_max": 50.0,
    "term_marks_s_max": 5.0,
}
BENCH_ENV = {"ESCHOOL_ENV": "development", "JOURNAL_LOG_LEVEL": "WARNING", "GATEWAY_LOG_LEVEL": "WARNING"}
BENCH_ENV |= {
    f"GATEWAY_{bucket}_{limit}": "1000000"
    for bucket in ("IP", "CLIENT", "TOKEN_IP")
    for limit in ("RATE_PER_S", "BURST")
}
JSON_HEADERS = {"content-type": "application/json"}
Call = Callable[[int], Awaitable[None]]


@dataclass(frozen=True)
class Params:
    """The region's size and how long each measurement runs."""

    size: Size
    round_s: float
    rounds: int
    paced_s: float
    probe_requests: int
    term_concurrency: int = 8
    replicas: int = 2


FULL_PARAMS = Params(FULL, round_s=5.0, rounds=3, paced_s=15.0, probe_requests=40)
SMALL_PARAMS = Params(SMALL, round_s=1.5, rounds=2, paced_s=3.0, probe_requests=10)


# --- measuring ------------------------------------------------------------------------------------------


@dataclass
class Sample:
    """What a lane measured: latencies (s), wall time, CPU seconds of each process group."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)
    sessions: int = 0

    def latency_ms(self) -> dict[str, float]:
        ordered = sorted(self.latencies) or [math.nan]

        def at(q: float) -> float:
            return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000, 2)

        return {"p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "max": round(ordered[-1] * 1000, 2)}

    def per_s(self) -> float:
        return round(len(self.latencies) / self.seconds, 1) if self.seconds else 0.0

    def cpu_ms(self) -> dict[str, float]:
        n = max(1, len(self.latencies))
        return {name: round(s * 1000 / n, 3) for name, s in self.cpu.items()}

    def sessions_per_request(self) -> float:
        return round(self.sessions / max(1, len(self.latencies)), 3)


class Processes:
    """CPU seconds of the journal's processes, the gateway, PostgreSQL's backends and this process; and
    how many database sessions (connections) have ended."""

    def __init__(
        self, groups: dict[str, list[int]], postmaster: int | None, monitor: asyncpg.Connection
    ) -> None:
        self.groups, self.postmaster, self.monitor = groups, postmaster, monitor

    async def sessions(self) -> int:
        return await self.monitor.fetchval(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        )

    def snapshot(self) -> dict[str, float]:
        found = {name: sum(_cpu(pid) for pid in pids) for name, pids in self.groups.items()}
        if self.postmaster is not None:
            # The postmaster's own time counts the backends it has reaped: a connection closed between two
            # snapshots (SQLAlchemy closes its overflow connections on return) is not lost.
            found["postgres"] = _cpu(self.postmaster, reaped=True) + sum(
                map(_cpu, _children(self.postmaster))
            )
        found["bench_client"] = time.process_time()
        return found


def _cpu(pid: int, *, reaped: bool = False) -> float:
    """User + system CPU seconds of a process (``reaped``: with its children that have ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(f) for f in fields[11 : 15 if reaped else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def _children(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    pids.append(int(entry.name))
    return pids


@dataclass
class Lane:
    """A kind of request: its call and its own counter of calls."""

    call: Call
    counter: Iterator[int] = field(default_factory=itertools.count)


async def timed(lane: Lane, seconds: float, concurrency: int) -> tuple[list[float], float]:
    """A closed loop of ``concurrency`` callers for ``seconds``: their latencies and the wall time."""
    latencies: list[float] = []
    started = time.perf_counter()
    deadline = started + seconds

    async def caller() -> None:
        while time.perf_counter() < deadline:
            begun = time.perf_counter()
            await lane.call(next(lane.counter))
            latencies.append(time.perf_counter() - begun)

    await asyncio.gather(*(caller() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started


async def compare(
    lanes: dict[str, Lane],
    *,
    seconds: float,
    rounds: int,
    processes: Processes,
    concurrency: int = CONCURRENCY,
) -> dict[str, Sample]:
    """Each lane ``rounds`` times for ``seconds``, the lanes' order reversed every other round."""
    samples = {name: Sample() for name in lanes}
    for round_ in range(rounds):
        for name in list(lanes) if round_ % 2 == 0 else list(lanes)[::-1]:
            before, sessions = processes.snapshot(), await processes.sessions()
            latencies, wall = await timed(lanes[name], seconds, concurrency)
            after = processes.snapshot()
            sample = samples[name]
            sample.sessions += await processes.sessions() - sessions
            sample.latencies += latencies
            sample.seconds += wall
            for group, value in after.items():
                sample.cpu[group] = sample.cpu.get(group, 0.0) + value - before[group]
    return samples


async def paced(lane: Lane, rate: float, seconds: float) -> dict[str, Any]:
    """An open loop: a request due every 1/``rate`` s, each timed from when it was due."""
    count = max(1, int(rate * seconds))
    latencies: list[float] = []
    start = time.perf_counter() + 0.05

    async def one(due: float) -> None:
        await lane.call(next(lane.counter))
        latencies.append(time.perf_counter() - due)

    tasks = []
    for i in range(count):
        due = start + i / rate
        if (delay := due - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.gather(*tasks)
    sample = Sample(latencies, time.perf_counter() - start)
    return {
        "offered_per_s": round(rate, 1),
        "achieved_per_s": sample.per_s(),
        "latency_ms": sample.latency_ms(),
    }


class Counters:
    """PostgreSQL's counters of rows read, by table: what a request costs the database."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def snapshot(self) -> dict[str, tuple[int, int, int]]:
        await asyncio.sleep(1.2)  # backends flush their counters at most once a second
        rows = await self.conn.fetch(
            "SELECT relname, seq_scan, seq_tup_read, coalesce(idx_tup_fetch, 0) AS idx"
            " FROM pg_stat_user_tables"
        )
        return {r["relname"]: (r["seq_scan"], r["seq_tup_read"], r["idx"]) for r in rows}

    async def probe(self, lane: Lane, requests: int) -> dict[str, Any]:
        """Rows read per request, by table: sequentially scanned, and fetched through an index."""
        before = await self.snapshot()
        for _ in range(requests):
            await lane.call(next(lane.counter))
        after = await self.snapshot()
        found = {}
        for table, (scans, seq_rows, idx_rows) in after.items():
            was = before.get(table, (0, 0, 0))
            delta = (scans - was[0], seq_rows - was[1], idx_rows - was[2])
            if delta[1] or delta[2]:
                found[table] = {
                    "seq_scans": round(delta[0] / requests, 2),
                    "rows_seq_scanned": round(delta[1] / requests),
                    "rows_by_index": round(delta[2] / requests, 1),
                }
        return dict(sorted(found.items(), key=lambda kv: -kv[1]["rows_seq_scanned"]))


# --- tokens -----------------------------------------------------------------------------------------------


@contextlib.contextmanager
def jwks_endpoint(identity: TestIdentity) -> Iterator[str]:
    """identity's JWKS, served from a thread of this process: the gateway and the journal fetch it once."""
    body = json.dumps(identity.jwks()).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1/jwks.json"
    finally:
        server.shutdown()
        server.server_close()


class Tokens:
    """Bearer headers of teachers and guardians, signed once each."""

    def __init__(self, identity: TestIdentity) -> None:
        self.identity, self.cache = identity, {}

    def teacher(self, person: uuid.UUID, school: uuid.UUID) -> dict[str, str]:
        return self._headers(person, [(Role.subject_teacher, school)], ())

    def guardian(self, person: uuid.UUID, school: uuid.UUID, pupil: uuid.UUID) -> dict[str, str]:
        return self._headers(person, [(Role.guardian, school)], (pupil,))

    def _headers(self, person: uuid.UUID, roles: list[Any], pupils: tuple[uuid.UUID, ...]) -> dict[str, str]:
        if person not in self.cache:
            token = self.identity.token(person_id=person, roles=roles, pupils=pupils, expires_in=4 * 3600)
            self.cache[person] = {**JSON_HEADERS, **self.identity.headers(token)}
        return self.cache[person]


# --- the requests, ours and the bare layer's -------------------------------------------------------------


async def expect(
    client: RawClient, method: str, url: str, headers: dict[str, str], body: bytes, status: int
) -> bytes:
    async with asyncio.timeout(120):
        got, content = await client.request(method, url, headers, body)
    if got != status:
        raise RuntimeError(f"{method} {url}: {got} {content[:800]!r}")
    return content


def _dumps(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


@dataclass
class World:
    """The loaded region, the tokens, the client, the bare layer's pool."""

    data: Dataset
    tokens: Tokens
    client: RawClient
    pool: asyncpg.Pool
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    fresh: Iterator[int] = field(default_factory=itertools.count)

    @property
    def answer(self) -> uuid.UUID:
        return self.data.work_types["answer"].work_type_id

    def lesson(self, index: int) -> Lesson:
        return self.data.lessons[(index * 7919) % len(self.data.lessons)]

    def unused_lesson(self) -> Lesson:
        """A lesson no whole-lesson save of ours has written in yet (cycling when all have been)."""
        return self.data.lessons[next(self.fresh) % len(self.data.lessons)]


def mark_call(world: World, base: str) -> Call:
    """``POST /v1/lessons/{id}/marks``: an answer in class, by the lesson's teacher."""

    async def call(index: int) -> None:
        lesson = world.lesson(index)
        body = {"pupil_person_id": str(lesson.pupils[index % len(lesson.pupils)]), "value": "5"}
        body["work_type_id"] = str(world.answer)
        headers = world.tokens.teacher(lesson.teacher_id, lesson.school_id)
        url = f"{base}/v1/lessons/{lesson.lesson_id}/marks"
        await expect(world.client, "POST", url, headers, json.dumps(body).encode(), 201)

    return call


LESSON_MARKS, LESSON_ABSENCES = 8, 2


def lesson_body(world: World, lesson: Lesson) -> dict[str, Any]:
    absent = lesson.pupils[:LESSON_ABSENCES]
    marked = lesson.pupils[LESSON_ABSENCES : LESSON_ABSENCES + LESSON_MARKS]
    return {
        "record": {"topic": "Решение задач на движение", "homework": "§ 14, № 210, 212"},
        "attendance": [{"pupil_person_id": str(p), "code": "absent"} for p in absent],
        "marks": [
            {"pupil_person_id": str(p), "value": "4", "work_type_id": str(world.answer)} for p in marked
        ],
    }


def lesson_call(world: World, base: str) -> Call:
    """``PUT /v1/lessons/{id}/journal``: topic and homework, two absences, eight marks; a fresh lesson."""

    async def call(_index: int) -> None:
        lesson = world.unused_lesson()
        headers = world.tokens.teacher(lesson.teacher_id, lesson.school_id)
        body = json.dumps(lesson_body(world, lesson)).encode()
        await expect(world.client, "PUT", f"{base}/v1/lessons/{lesson.lesson_id}/journal", headers, body, 200)

    return call


def diary_call(world: World, base: str) -> Call:
    """``GET /v1/pupils/{id}/diary/week?start=``: a guardian reads a random pupil's week of the term."""
    pupils = world.data.pupils
    schools = {p: s.school_id for s in world.data.schools for c in s.classes for p in c.pupils}

    async def call(index: int) -> None:
        pupil = pupils[(index * 104729) % len(pupils)]
        start = world.data.term_start + timedelta(weeks=index % world.data.size.weeks)
        headers = world.tokens.guardian(world.data.guardians[pupil], schools[pupil], pupil)
        headers = {k: v for k, v in headers.items() if k != "content-type"}
        url = f"{base}/v1/pupils/{pupil}/diary/week?start={start.isoformat()}"
        await expect(world.client, "GET", url, headers, b"", 200)

    return call


INSERT_MARK = """INSERT INTO mark (mark_id, school_id, lesson_id, pupil_person_id, class_id, subject_id,
    term_id, lesson_on, work_type_id, weight, value, numeric_value, comment, recorded_by, recorded_at,
    updated_at, deleted_at, version)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, $13, $14, $14, NULL, 1)"""
INSERT_AUDIT = """INSERT INTO journal_audit (audit_id, school_id, entity, entity_id, lesson_id,
    pupil_person_id, action, old, new, reason, actor_user_id, actor_person_id, actor_client_id, at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8::jsonb, NULL, $9, $10, NULL, $11)"""
INSERT_OUTBOX = """INSERT INTO outbox_message (event_id, event_type, subject, school_id, envelope, created_at,
    published_at, attempts) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $6, 0)"""
UPSERT_RECORD = """INSERT INTO lesson_record (lesson_id, school_id, lesson_on, topic, homework,
    homework_due_lesson_id, work_kind, taught_by_person_id, substitute, recorded_at, updated_at, updated_by,
    version) VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, false, $7, $7, $6, 1)
    ON CONFLICT (lesson_id) DO UPDATE SET topic = excluded.topic, homework = excluded.homework,
    updated_at = excluded.updated_at, version = lesson_record.version + 1"""
UPSERT_ATTENDANCE = """INSERT INTO attendance (lesson_id, pupil_person_id, school_id, class_id, subject_id,
    term_id, lesson_on, code, note, recorded_by, updated_at, deleted_at, version)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10, NULL, 1)
    ON CONFLICT (lesson_id, pupil_person_id) DO UPDATE SET code = excluded.code,
    updated_at = excluded.updated_at, version = attendance.version + 1"""


def _facts(lesson: Lesson) -> dict[str, Any]:
    return {
        "school_id": lesson.school_id,
        "lesson_id": lesson.lesson_id,
        "class_id": lesson.class_id,
        "subject_id": lesson.subject_id,
        "term_id": lesson.term_id,
        "lesson_on": lesson.lesson_on,
    }


def _envelope(
    event_type: str, subject: uuid.UUID, school: uuid.UUID, data: dict[str, Any], now: datetime
) -> tuple:
    """An outbox row as the journal writes it (the envelope with its CloudEvents attributes)."""
    event_id = uuid.uuid4()
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "type": event_type,
        "source": JOURNAL,
        "time": now,
        "subject": str(subject),
        "school_id": school,
        "correlation_id": str(uuid.uuid4()),
        "causation_id": None,
        "data": data,
    }
    return (event_id, event_type, str(subject), school, _dumps(envelope), now)


def _mark_rows(
    world: World, lesson: Lesson, pupil: uuid.UUID, value: str, now: datetime
) -> tuple[tuple, tuple, tuple]:
    mark_id, answer = uuid.uuid4(), world.data.work_types["answer"]
    facts = _facts(lesson)
    mark = (
        mark_id,
        lesson.school_id,
        lesson.lesson_id,
        pupil,
        lesson.class_id,
        lesson.subject_id,
        lesson.term_id,
        lesson.lesson_on,
        answer.work_type_id,
        answer.weight,
        value,
        int(value),
        lesson.teacher_id,
        now,
    )
    state = {"value": value, "work_type_id": str(answer.work_type_id), "work_type": "answer", "comment": None}
    audit = (
        uuid.uuid4(),
        lesson.school_id,
        "mark",
        mark_id,
        lesson.lesson_id,
        pupil,
        "created",
        _dumps(state),
        uuid.uuid4(),
        lesson.teacher_id,
        now,
    )
    data = {**facts, "mark_id": mark_id, "pupil_person_id": pupil, "version": 1, "occurred_at": now}
    data |= {"work_type": "answer", "weight": answer.weight, "value": value, "numeric_value": int(value)}
    return mark, audit, _envelope("journal.mark.recorded.v1", mark_id, lesson.school_id, data, now)


def raw_mark_call(world: World) -> Call:
    """The bare layer of a mark: its row, its audit row and its outbox row in one transaction."""

    async def call(index: int) -> None:
        lesson = world.lesson(index)
        mark, audit, outbox = _mark_rows(
            world, lesson, lesson.pupils[index % len(lesson.pupils)], "5", _now()
        )
        async with world.pool.acquire() as conn, conn.transaction():
            await conn.execute(INSERT_MARK, *mark)
            await conn.execute(INSERT_AUDIT, *audit)
            await conn.execute(INSERT_OUTBOX, *outbox)

    return call


def _now() -> datetime:
    return datetime.now(UTC)


def raw_lesson_call(world: World) -> Call:
    """The bare layer of a whole-lesson save: the record, two absences and eight marks, with an audit row
    and an outbox row each, in one transaction (upserts: the bare layer writes lessons again)."""

    async def call(index: int) -> None:
        lesson, now = world.lesson(index), _now()
        body = lesson_body(world, lesson)
        marks = [_mark_rows(world, lesson, uuid.UUID(m["pupil_person_id"]), "4", now) for m in body["marks"]]
        record = (
            lesson.lesson_id,
            lesson.school_id,
            lesson.lesson_on,
            *body["record"].values(),
            lesson.teacher_id,
            now,
        )
        audits = [m[1] for m in marks]
        outbox = [m[2] for m in marks]
        audits.append(
            (
                uuid.uuid4(),
                lesson.school_id,
                "lesson_record",
                lesson.lesson_id,
                lesson.lesson_id,
                None,
                "changed",
                _dumps(body["record"]),
                uuid.uuid4(),
                lesson.teacher_id,
                now,
            )
        )
        conducted = {
            **_facts(lesson),
            **body["record"],
            "taught_by_person_id": lesson.teacher_id,
            "version": 1,
        }
        outbox.append(
            _envelope("journal.lesson.conducted.v1", lesson.lesson_id, lesson.school_id, conducted, now)
        )
        absences = []
        for entry in body["attendance"]:
            pupil = uuid.UUID(entry["pupil_person_id"])
            absences.append(
                (
                    lesson.lesson_id,
                    pupil,
                    lesson.school_id,
                    lesson.class_id,
                    lesson.subject_id,
                    lesson.term_id,
                    lesson.lesson_on,
                    "absent",
                    lesson.teacher_id,
                    now,
                )
            )
            audits.append(
                (
                    uuid.uuid4(),
                    lesson.school_id,
                    "attendance",
                    lesson.lesson_id,
                    lesson.lesson_id,
                    pupil,
                    "created",
                    _dumps({"code": "absent"}),
                    uuid.uuid4(),
                    lesson.teacher_id,
                    now,
                )
            )
            data = {
                **_facts(lesson),
                "pupil_person_id": pupil,
                "code": "absent",
                "version": 1,
                "occurred_at": now,
            }
            outbox.append(
                _envelope("journal.attendance.recorded.v1", lesson.lesson_id, lesson.school_id, data, now)
            )
        async with world.pool.acquire() as conn, conn.transaction():
            await conn.execute(UPSERT_RECORD, *record)
            await conn.executemany(UPSERT_ATTENDANCE, absences)
            await conn.executemany(INSERT_MARK, [m[0] for m in marks])
            await conn.executemany(INSERT_AUDIT, audits)
            await conn.executemany(INSERT_OUTBOX, outbox)

    return call


DIARY_SQL = """
SELECT l.lesson_id, l.lesson_on, l.slot_number, l.starts_at, l.ends_at, l.subject_id, s.name AS subject_name,
       coalesce(nullif(r.topic, ''), l.planned_topic) AS topic, r.homework, r.work_kind,
       coalesce(r.substitute, false) AS substitute, pn.last_name, pn.first_name, pn.middle_name,
       (SELECT json_agg(json_build_object('mark_id', m.mark_id, 'value', m.value, 'weight', m.weight,
                'work_type', w.name, 'comment', m.comment, 'recorded_at', m.recorded_at)
                ORDER BY m.recorded_at)
          FROM mark m JOIN work_type w ON w.work_type_id = m.work_type_id
         WHERE m.school_id = l.school_id AND m.lesson_id = l.lesson_id AND m.pupil_person_id = $1
           AND m.deleted_at IS NULL) AS marks,
       (SELECT a.code FROM attendance a
         WHERE a.lesson_id = l.lesson_id AND a.pupil_person_id = $1 AND a.deleted_at IS NULL) AS absence
  FROM class_stay cs
  JOIN lesson l ON l.school_id = cs.school_id AND l.class_id = cs.class_id AND l.lesson_on BETWEEN $2 AND $3
  LEFT JOIN lesson_record r ON r.lesson_id = l.lesson_id
  LEFT JOIN subject s ON s.subject_id = l.subject_id
  LEFT JOIN person_name pn ON pn.person_id = cs.person_id
 WHERE cs.person_id = $1 AND cs.from_on <= $3 AND (cs.until_on IS NULL OR cs.until_on >= $2)
   AND NOT l.cancelled
 ORDER BY l.lesson_on, l.slot_number, l.starts_at"""


def raw_diary_call(world: World) -> Call:
    """The bare layer of the diary's week: one prepared SELECT (no access check, no JSON answer)."""
    pupils = world.data.pupils

    async def call(index: int) -> None:
        pupil = pupils[(index * 104729) % len(pupils)]
        first = world.data.term_start + timedelta(weeks=index % world.data.size.weeks)
        async with world.pool.acquire() as conn:
            rows = await conn.fetch(DIARY_SQL, pupil, first, first + timedelta(days=6))
        if not rows:
            raise RuntimeError(f"raw diary: no lessons for {pupil} in the week of {first}")

    return call


# --- term marks --------------------------------------------------------------------------------------------


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


async def _run_jobs(jobs: list[Any], one: Callable[[Any], Awaitable[None]], concurrency: int) -> float:
    queue = iter(jobs)

    async def worker() -> None:
        for job in queue:
            await one(job)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


INSERT_TERM_MARK = """INSERT INTO term_mark (term_mark_id, school_id, pupil_person_id, subject_id, class_id,
    academic_year_id, period, term_id, period_key, value, numeric_value, computed_average, policy_version,
    override_reason, set_by, set_at, deleted_at, version)
    VALUES ($1, $2, $3, $4, $5, $6, 'term', $7, $8, $9, $10, $11, 1, NULL, $12, $13, NULL, 1)"""
CLASS_MARKS = """SELECT pupil_person_id, numeric_value, weight FROM mark
    WHERE school_id = $1 AND class_id = $2 AND subject_id = $3 AND term_id = $4 AND deleted_at IS NULL
    AND numeric_value IS NOT NULL"""


async def raw_term_marks(world: World, school_index: int, concurrency: int) -> float:
    """The bare layer: per class and subject one transaction that reads the class's marks (what the
    averages need) and inserts the term marks, their audit rows and outbox rows (under a period key of
    their own, beside the journal's)."""
    school = world.data.schools[school_index]
    year = await world.pool.fetchval("SELECT academic_year_id FROM term WHERE term_id = $1", school.term_id)
    key = uuid.uuid4().hex

    async def one(job: tuple[Any, uuid.UUID]) -> None:
        school_class, subject = job
        now = _now()
        rows, audits, outbox = [], [], []
        for i, pupil in enumerate(school_class.pupils):
            row_id, value = uuid.uuid4(), str(3 + i % 3)
            rows.append(
                (
                    row_id,
                    school.school_id,
                    pupil,
                    subject,
                    school_class.class_id,
                    year,
                    school.term_id,
                    key,
                    value,
                    int(value),
                    None,
                    school_class.teachers[subject],
                    now,
                )
            )
            audits.append(
                (
                    uuid.uuid4(),
                    school.school_id,
                    "term_mark",
                    row_id,
                    None,
                    pupil,
                    "set",
                    _dumps({"value": value}),
                    uuid.uuid4(),
                    school_class.teachers[subject],
                    now,
                )
            )
            data = {"term_mark_id": row_id, "pupil_person_id": pupil, "value": value, "version": 1}
            outbox.append(_envelope("journal.term_mark.set.v1", row_id, school.school_id, data, now))
        async with world.pool.acquire() as conn, conn.transaction():
            await conn.fetch(CLASS_MARKS, school.school_id, school_class.class_id, subject, school.term_id)
            await conn.executemany(INSERT_TERM_MARK, rows)
            await conn.executemany(INSERT_AUDIT, audits)
            await conn.executemany(INSERT_OUTBOX, outbox)

    jobs = [(c, s) for c in school.classes for s in world.data.subjects]
    return await _run_jobs(jobs, one, concurrency)


# --- the run -----------------------------------------------------------------------------------------------

OPERATIONS = {
    "mark_single": (mark_call, raw_mark_call),
    "lesson_save": (lesson_call, raw_lesson_call),
    "diary_week": (diary_call, raw_diary_call),
}
REQUESTS = {
    "mark_single": "POST /api/journal/v1/lessons/{id}/marks: an answer in class (a mark, its audit row, "
    "journal.mark.recorded.v1), by the lesson's teacher; lessons at random over the region",
    "lesson_save": f"PUT /api/journal/v1/lessons/{{id}}/journal: topic and homework, {LESSON_ABSENCES} "
    f"absences, {LESSON_MARKS} marks (each with its audit row and event), answered with the lesson's sheet; "
    "a lesson not saved before each time",
    "diary_week": "GET /api/journal/v1/pupils/{id}/diary/week?start=: a guardian (linked) reads a pupil's "
    "week of the term (30 lessons, ~4 marks, ~1 absence); pupils and weeks at random",
}
RAW = {
    "mark_single": "one transaction: INSERT mark, INSERT journal_audit, INSERT outbox_message",
    "lesson_save": "one transaction: upsert lesson_record, upsert 2 attendance, INSERT 8 marks, 11 "
    "journal_audit and 11 outbox_message rows (executemany)",
    "diary_week": "one prepared SELECT: the pupil's class stay, the week's lessons with records and "
    "subject names, the pupil's marks (json_agg with work type names) and absences",
}


async def measure(
    params: Params, world: World, urls: dict[str, str], processes: Processes, counters: Counters
) -> dict[str, Any]:
    """Per operation: the peak of each lane, the latency at half the peak, the rows read per request."""
    found: dict[str, Any] = {}
    for name, (ours, bare) in OPERATIONS.items():
        lanes = {side: Lane(ours(world, url)) for side, url in urls.items()}
        lanes["raw"] = Lane(bare(world))
        for lane in lanes.values():  # pools, prepared statements, token caches
            await timed(lane, 0.5, 8)
        peak = await compare(lanes, seconds=params.round_s, rounds=params.rounds, processes=processes)
        half = {
            side: await paced(lanes[side], peak[side].per_s() / 2, params.paced_s)
            for side in ("gateway", "raw")
        }
        probe = {
            side: await counters.probe(lanes[side], params.probe_requests) for side in ("gateway", "raw")
        }
        found[name] = {"peak": peak, "half": half, "rows_read_per_request": probe}
    return found


async def measure_replicas(params: Params, world: World, url: str, processes: Processes) -> dict[str, Any]:
    """The peaks through the gateway to the replicas, beside the bare layer's."""
    found = {}
    for name, (ours, bare) in OPERATIONS.items():
        lanes = {"gateway": Lane(ours(world, url)), "raw": Lane(bare(world))}
        for lane in lanes.values():
            await timed(lane, 0.5, 8)
        peak = await compare(lanes, seconds=params.round_s, rounds=2, processes=processes)
        found[name] = _peak_figures(peak)
    return found


async def measure_term_marks(params: Params, world: World, url: str) -> dict[str, Any]:
    runs = {}
    big = min(2, world.data.size.big_schools)
    for school_index, concurrency in list(zip(range(big), (1, params.term_concurrency), strict=False)):
        ours = await term_marks(world, url, school_index, concurrency)
        raw = await raw_term_marks(world, school_index, concurrency)
        school = world.data.schools[school_index]
        pupils = sum(len(c.pupils) for c in school.classes)
        runs[f"concurrency_{concurrency}"] = {
            "pupils": pupils,
            "requests": len(school.classes) * len(world.data.subjects),
            "term_marks": pupils * len(world.data.subjects),
            "gateway_seconds": round(ours, 3),
            "raw_seconds": round(raw, 3),
            "ratio_raw_to_ours": round(raw / ours, 3),
            "target_met": ours <= TARGETS["term_marks_s_max"],
        }
    return runs


def _peak_figures(peak: dict[str, Sample]) -> dict[str, Any]:
    figures = {side: {"requests_per_s": s.per_s(), "latency_ms": s.latency_ms()} for side, s in peak.items()}
    raw = peak["raw"].per_s()
    figures["ratio_gateway_to_raw"] = round(peak["gateway"].per_s() / raw, 3) if raw else None
    figures["cpu_ms_per_request"] = {side: s.cpu_ms() for side, s in peak.items()}
    # pg_stat_database.sessions counts a connection when it ends: SQLAlchemy's overflow connections
    # (past pool_size) are opened for a request and closed when it is returned.
    figures["connections_closed_per_request"] = {side: s.sessions_per_request() for side, s in peak.items()}
    return figures


def _operation_report(name: str, figures: dict[str, Any], full: bool) -> dict[str, Any]:
    peak = _peak_figures(figures["peak"])
    p99_max = TARGETS["diary_p99_ms_max"] if name == "diary_week" else TARGETS["mark_p99_ms_max"]
    p99 = figures["half"]["gateway"]["latency_ms"]["p99"]
    ratio = peak["ratio_gateway_to_raw"] or 0.0
    return {
        "request": REQUESTS[name],
        "raw_layer": RAW[name],
        f"peak_at_{CONCURRENCY}_clients": peak,
        "at_half_peak_rate": figures["half"],
        "rows_read_per_request": figures["rows_read_per_request"],
        "targets": {"ratio_to_raw_min": TARGETS["ratio_to_raw_min"], "p99_ms_max_at_half_peak": p99_max},
        "target_met": {"ratio": ratio >= TARGETS["ratio_to_raw_min"], "p99": p99 <= p99_max}
        if full
        else None,
    }


async def _postmaster(conn: asyncpg.Connection) -> int | None:
    backend = await conn.fetchval("SELECT pg_backend_pid()")
    try:
        stat = Path(f"/proc/{backend}/stat").read_text()  # noqa: ASYNC240 - a file in memory, once
        return int(stat.rsplit(")", 1)[1].split()[1])
    except OSError:
        return None  # a server elsewhere: its CPU is not ours to read


def run(params: Params, *, replicas: bool) -> dict[str, Any]:
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
            result[f"replicas_{count}"] = _with_stack(
                params, data, dsn, database_url, amqp_url, Path(logs), count
            )
    return _report(params, result, (load_before, os.getloadavg()[0]))


async def _load(dsn: str, size: Size) -> Dataset:
    conn = await asyncpg.connect(dsn)
    try:
        return await load(conn, size)
    finally:
        await conn.close()


def _with_stack(
    params: Params, data: Dataset, dsn: str, database_url: str, amqp_url: str, logs: Path, count: int
) -> dict[str, Any]:
    """The journal (``count`` processes) and the gateway on the loaded database; the measurements."""
    names = process_names([JOURNAL], {JOURNAL: count})
    ports = free_ports(names)
    identity = TestIdentity(issuer=issuer_for(f"http://127.0.0.1:{ports['gateway']}"))
    with jwks_endpoint(identity) as jwks_url:
        env = BENCH_ENV | {"GATEWAY_JWKS_URL": jwks_url, "JOURNAL_JWKS_URL": jwks_url}
        with start_services(
            logs / f"replicas-{count}",
            database_urls={JOURNAL: database_url},
            bus_url=amqp_url,
            ports=ports,
            env=env,
            replicas={JOURNAL: count},
            timeout=180,
        ) as stack:
            groups = {
                "journal": [stack.processes[n].pid for n in names],
                "gateway": [stack.processes["gateway"].pid],
            }
            urls = {"gateway": f"{stack.gateway_url}/api/journal", "direct": stack.url(JOURNAL)}
            return aio.run(_measure_stack(params, data, dsn, identity, groups, urls, count))


async def _measure_stack(
    params: Params,
    data: Dataset,
    dsn: str,
    identity: TestIdentity,
    groups: dict[str, list[int]],
    urls: dict[str, str],
    count: int,
) -> dict[str, Any]:
    pool = await asyncpg.create_pool(dsn, min_size=RAW_POOL, max_size=RAW_POOL)
    monitor = await asyncpg.connect(dsn)
    client = RawClient()
    try:
        world = World(data, Tokens(identity), client, pool)
        processes = Processes(groups, await _postmaster(monitor), monitor)
        full = params.size == FULL
        if count > 1:
            peaks = await measure_replicas(params, world, urls["gateway"], processes)
            return {"processes": count, f"peak_at_{CONCURRENCY}_clients": peaks}
        figures = await measure(params, world, urls, processes, Counters(monitor))
        found: dict[str, Any] = {name: _operation_report(name, f, full) for name, f in figures.items()}
        found["term_marks_whole_school"] = {
            "request": "PUT /api/journal/v1/classes/{id}/subjects/{id}/term-marks: a class's 25 term marks "
            "of the term (averages computed from its marks, a row, an audit row and an event each), by the "
            "subject's teacher; one request per class and subject of the school; concurrency as named",
            "raw_layer": "per class and subject one transaction: SELECT of the class's marks in the subject "
            "and term, then executemany INSERT of 25 term_mark, 25 journal_audit, 25 outbox_message rows",
            "runs": await measure_term_marks(params, world, urls["gateway"]),
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
    args = parser.parse_args()
    params = SMALL_PARAMS if args.small else FULL_PARAMS
    if args.schools:
        params = replace(params, size=replace(params.size, schools=args.schools))
    if args.marks:
        params = replace(params, size=replace(params.size, marks=args.marks))
    print(json.dumps(run(params, replicas=not args.no_replicas), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
