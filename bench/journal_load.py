"""The load generators of bench/journal.py: the peak of 32 clients in a closed loop, lanes in interleaved
rounds, an open loop at a given rate, the latency figures, and PostgreSQL's counters of rows read."""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from journal_params import CONCURRENCY
from journal_processes import Processes

Call = Callable[[int], Awaitable[None]]


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
