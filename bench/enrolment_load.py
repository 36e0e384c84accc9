"""The load of bench/enrolment.py: the schedule played open-loop by its clients (each request timed from
when it was due, so a late server is not hidden by a waiting client) or as fast as the clients can, the
figures of a run, and a sampler of what PostgreSQL's sessions wait on meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
from enrolment_data import Shot
from journal_load import Sample

Send = Callable[[Shot], Awaitable[tuple[int, str | None]]]  # status, the application id answered
FAILED = 0  # no answer at all (the connection broke, a timeout): counted, never retried
SAMPLE_EVERY_S = 0.05


@dataclass(frozen=True)
class Answer:
    """What one request got, and its latency (from when it was due; from when it was sent if unpaced)."""

    shot: Shot
    status: int
    application_id: str | None
    latency: float
    service: float  # from when it was sent: without the wait for its client


@dataclass(frozen=True)
class Run:
    """Every answer of a run, and its wall time from the first due moment to the last answer."""

    answers: list[Answer]
    seconds: float

    def figures(self) -> dict[str, Any]:
        everything = Sample([a.latency for a in self.answers], self.seconds)
        resends = Sample([a.latency for a in self.answers if a.shot.resend], self.seconds)
        service = Sample([a.service for a in self.answers], self.seconds)
        statuses = Counter(str(a.status) if a.status else "no_answer" for a in self.answers)
        return {
            "requests": len(self.answers),
            "seconds": round(self.seconds, 2),
            "requests_per_s": everything.per_s(),
            "applications_per_s": round(sum(not a.shot.resend for a in self.answers) / self.seconds, 1),
            "latency_ms": everything.latency_ms(),
            "resend_latency_ms": resends.latency_ms(),
            "from_send_latency_ms": service.latency_ms(),
            "statuses": dict(sorted(statuses.items())),
        }


async def _answer(send: Send, shot: Shot) -> tuple[int, str | None]:
    try:
        async with asyncio.timeout(60):
            return await send(shot)
    except (OSError, TimeoutError, asyncio.IncompleteReadError):
        return FAILED, None


async def paced(senders: list[Send], shots: list[Shot]) -> Run:
    """Each client sends its own shots in order, each at its due moment or as soon as it is free."""
    start = time.perf_counter() + 0.1
    answers: list[Answer] = []
    last = start

    async def client(send: Send, mine: list[Shot]) -> None:
        nonlocal last
        for shot in mine:
            due = start + shot.due
            if (delay := due - time.perf_counter()) > 0:
                await asyncio.sleep(delay)
            sent = time.perf_counter()
            status, application_id = await _answer(send, shot)
            last = max(last, done := time.perf_counter())
            answers.append(Answer(shot, status, application_id, done - due, done - sent))

    await asyncio.gather(
        *(client(send, [s for s in shots if s.client == n]) for n, send in enumerate(senders))
    )
    return Run(answers, last - start)


async def flat_out(senders: list[Send], shots: list[Shot]) -> Run:
    """The shots in the schedule's order, each client taking the next as soon as it has its answer."""
    queue = iter(shots)
    answers: list[Answer] = []

    async def client(send: Send) -> None:
        for shot in queue:
            began = time.perf_counter()
            status, application_id = await _answer(send, shot)
            took = time.perf_counter() - began
            answers.append(Answer(shot, status, application_id, took, took))

    start = time.perf_counter()
    await asyncio.gather(*(client(send) for send in senders))
    return Run(answers, time.perf_counter() - start)


def _what(row: asyncpg.Record) -> str:
    """What a waiting session waits for: a row lock is named by the statement that waits; a session idle
    in its transaction waits for the service to send the next statement (its locks still held)."""
    if row["state"] == "idle in transaction":
        return "idle_in_transaction (the service's turn)"
    if row["wait_event_type"] != "Lock":
        return f"{row['wait_event_type'] or 'cpu'}:{row['wait_event'] or 'running'}"
    query = row["query"] or ""
    for table in ("feed_counter", "idempotent_request", "application"):
        if table in query:
            return f"Lock:{row['wait_event']} on {table} ({query.split()[0]})"
    return f"Lock:{row['wait_event']} ({query[:40]})"


class Waits:
    """Samples of the database's sessions in a transaction, by what each waits on (``cpu:running`` when
    none)."""

    def __init__(self, dsn: str, database: str) -> None:
        self.dsn, self.database = dsn, database
        self.samples, self.seen = 0, Counter[str]()
        self.max_on_counter = 0

    @contextlib.asynccontextmanager
    async def sampling(self) -> AsyncIterator[Waits]:
        conn = await asyncpg.connect(self.dsn)
        task = asyncio.create_task(self._sample(conn))
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await conn.close()

    async def _sample(self, conn: asyncpg.Connection) -> None:
        query = (
            "SELECT state, wait_event_type, wait_event, query FROM pg_stat_activity WHERE datname = $1"
            " AND state IN ('active', 'idle in transaction') AND backend_type = 'client backend'"
            " AND pid <> pg_backend_pid()"
        )
        for _ in itertools.count():
            rows = await conn.fetch(query, self.database)
            found = Counter(_what(r) for r in rows)
            self.samples += 1
            self.seen.update(found)
            on_counter = sum(n for what, n in found.items() if "feed_counter" in what)
            self.max_on_counter = max(self.max_on_counter, on_counter)
            await asyncio.sleep(SAMPLE_EVERY_S)

    def figures(self) -> dict[str, Any]:
        n = max(1, self.samples)
        mean = {what: round(count / n, 3) for what, count in self.seen.most_common(12)}
        return {
            "samples": self.samples,
            "every_s": SAMPLE_EVERY_S,
            "mean_sessions_in_a_transaction": round(sum(self.seen.values()) / n, 3),
            "mean_sessions_by_wait": mean,
            "max_sessions_waiting_on_feed_counter": self.max_on_counter,
        }
