"""Benchmark of enrolment's intake: the opening minute of the first-grade campaign, 5,000 applications in
60 seconds from 50 portal clients, 10% of them sent again; checked for zero lost and zero duplicates.

Prints one JSON document. Enrolment and the gateway run as processes of their own (``python -m
eschool.common.serve``: uvicorn on uvloop, as in the local stack), enrolment with its relay and consumers
on a fresh migrated database, PostgreSQL and RabbitMQ under them (bench/enrolment_setup.py). The schools
(20 by default) reach enrolment as contingent's events through RabbitMQ; their grade-1 places are set
through its API. The portal is a machine client with the ``enrolment.intake`` scope: RS256 tokens signed
here, their JWKS served from this process. Each client is one keep-alive connection of the minimal
HTTP/1.1 client of bench/httpclient.py, by default through the gateway (``/api/enrolment/...``), as a
portal reaches it (``--direct``: straight at enrolment).

The opening minute is open-loop: application i is due at i/rate and each client sends its own in order,
each request timed from when it was due (no coordinated omission). A re-send is the same body and portal
number from another client: half at the same moment as the first (a race on the number), half 0.5-5 s
later. After it, enrolment's database is checked (bench/enrolment_verify.py). Meanwhile PostgreSQL's
active sessions are sampled by what they wait on (row locks by the statement that waits).

The bare layer in the same run: raw asyncpg ``INSERT ... ON CONFLICT (source, portal_number) DO NOTHING``
of the same requests into ``application`` of a scratch database migrated as enrolment's, one connection
per client, paced by the same schedule and then as fast as the clients can; and raw asyncpg writing what
the intake writes, a transaction per request (bench/enrolment_raw_tx.py), paced and flat out, and flat out
as the intake wrote before the feed's sequencer (under the feed counter's row lock). Last, ours as fast
as the clients can with fresh applications (``--flat-out 0`` skips it). The machine is shared and noisy:
the ratios hold, the absolute numbers do not.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
from bus import create_database
from enrolment_data import Burst, Shot, burst
from enrolment_load import Run, Send, Waits, flat_out, paced
from enrolment_raw import raw_lanes
from enrolment_raw_tx import raw_transactions
from enrolment_setup import Stack, enrolment_stack, open_places, open_schools, servers
from enrolment_verify import SUBMITTED, verify
from httpclient import RawClient
from journal_processes import Processes, postmaster

from eschool.common import aio
from eschool.common.db.migrations import upgrade
from eschool.enrolment.app import service

WARM_UP = 200  # applications before the minute: the processes' caches and the JWKS as in a running day
PLACES = 100
DRAIN_S = 120.0
DATABASE, RAW_DATABASE = "bench_enrolment", "bench_enrolment_raw"


@dataclass(frozen=True)
class Params:
    """The burst's shape (see ``main``), and whether the flat-out run follows it."""

    applications: int
    seconds: float
    clients: int
    resend: float
    schools: int
    flat_out: int
    direct: bool
    seed: int


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@contextlib.asynccontextmanager
async def _http(
    url: str, head: dict[str, str], applications: Burst, clients: int
) -> AsyncIterator[list[Send]]:
    """One keep-alive connection per portal client, posting the burst's bodies to ``url``."""
    opened = [RawClient() for _ in range(clients)]

    def sender(client: RawClient) -> Send:
        async def send(shot: Shot) -> tuple[int, str | None]:
            status, body = await client.request("POST", url, head, applications.bodies[shot.index])
            return status, json.loads(body).get("application_id") if status == 201 else None

        return send

    try:
        yield [sender(c) for c in opened]
    finally:
        for client in opened:
            await client.aclose()


@dataclass(frozen=True)
class Target:
    """Where ours is measured: the intake's URL, the stack, its processes and its database."""

    url: str
    stack: Stack
    clients: int
    processes: Processes
    dsn: str


async def _ours(target: Target, applications: Burst, *, pace: bool) -> tuple[Run, dict[str, Any]]:
    """A run of ours with the CPU of each process and the database's waits over it."""
    waits = Waits(target.dsn, DATABASE)
    before = target.processes.snapshot()
    head = target.stack.portal()
    async with _http(target.url, head, applications, target.clients) as senders, waits.sampling():
        run = await (paced if pace else flat_out)(senders, applications.shots)
    after = target.processes.snapshot()
    cpu = {name: round((after[name] - before[name]) * 1000 / len(run.answers), 3) for name in after}
    return run, {"cpu_ms_per_request": cpu, "postgres_sessions_sampled": waits.figures()}


async def _drained(dsn: str) -> float:
    """Seconds until the relay has published every submitted event (it runs beside the API)."""
    started = time.perf_counter()
    conn = await asyncpg.connect(dsn)
    try:
        query = "SELECT count(*) FROM outbox_message WHERE published_at IS NULL AND event_type = $1"
        for _ in range(int(DRAIN_S / 0.1)):
            if not await conn.fetchval(query, SUBMITTED):
                break
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    return round(time.perf_counter() - started, 2)


def _ratios(ours: dict[str, Any], raw: dict[str, Any]) -> dict[str, float | None]:
    found: dict[str, float | None] = {
        f"latency_{q}": round(ours["latency_ms"][q] / raw["latency_ms"][q], 1)
        if raw["latency_ms"][q]
        else None
        for q in ("p50", "p95", "p99", "max")
    }
    found["throughput_raw_to_ours"] = round(raw["requests_per_s"] / ours["requests_per_s"], 2)
    return found


async def measure(params: Params, stack: Stack, dsn: str, raw_dsn: str, amqp_url: str) -> dict[str, Any]:
    """Setup, warm-up, the paced minute and its check, the bare layer, then ours flat out and its check."""
    started = time.perf_counter()
    schools = await open_schools(amqp_url, dsn, params.schools)
    today = date.today()
    year = today.year + 1 if today.month >= 9 else today.year
    await open_places(stack, schools, year, PLACES)
    rng, clients = random.Random(params.seed), params.clients
    url = f"{stack.direct if params.direct else stack.gateway}/v1/intake/applications"
    monitor = await asyncpg.connect(dsn)
    target = Target(url, stack, clients, Processes(stack.pids, await postmaster(monitor), monitor), dsn)
    try:
        warm = burst(rng, "WARM", schools, year, (WARM_UP, WARM_UP / 100, clients, params.resend))
        async with _http(url, stack.portal(), warm, clients) as senders:
            await paced(senders, warm.shots)
        setup_s = round(time.perf_counter() - started, 2)
        shape = (params.applications, params.seconds, clients, params.resend)
        minute = burst(rng, "EPGU", schools, year, shape)
        run, costs = await _ours(target, minute, pace=True)
        drained = await _drained(dsn)
        ours = run.figures() | costs | {"relay_drained_after_s": drained}
        found: dict[str, Any] = {
            "setup_seconds": setup_s,
            "postgres": await monitor.fetchval("SHOW server_version"),
        }
        raw = await raw_lanes(raw_dsn, minute, clients)
        same = await raw_transactions(raw_dsn, minute, clients)
        found["opening_minute"] = {
            "offered_requests_per_s": round(len(minute.shots) / params.seconds, 1),
            "ours": ours,
            "raw_insert_on_conflict_paced": raw["paced"],
            "ratio_ours_to_raw_paced": _ratios(ours, raw["paced"]),
            "raw_same_writes_paced": same["paced"],
            "ratio_ours_to_raw_same_writes_paced": _ratios(ours, same["paced"]),
            "check": await verify(dsn, minute, run),
        }
        bare = {
            "raw_insert_on_conflict": raw["flat_out"],
            "raw_same_writes": same["flat_out"],
            "raw_same_writes_under_the_old_counter_lock": same["flat_out_under_the_old_counter_lock"],
        }
        found["flat_out"] = bare
        if params.flat_out:
            flat = burst(rng, "FLAT", schools, year, (params.flat_out, 1.0, clients, params.resend))
            run, costs = await _ours(target, flat, pace=False)
            figures = run.figures() | costs
            found["flat_out"] = {
                "ours": figures,
                **bare,
                "ratio_ours_to_raw_insert_on_conflict": _ratios(figures, raw["flat_out"]),
                "ratio_ours_to_raw_same_writes": _ratios(figures, same["flat_out"]),
                "check": await verify(dsn, flat, run),
            }
        return found
    finally:
        await monitor.close()


def _git_commit() -> str:
    here = Path(__file__).resolve().parent
    answer = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, check=False
    )
    return answer.stdout.strip() or "unknown"


def run(params: Params) -> dict[str, Any]:
    load_before = os.getloadavg()
    with (
        contextlib.redirect_stdout(sys.stderr),
        servers() as (pg_admin, amqp_url, source),
        tempfile.TemporaryDirectory(prefix="eschool-bench-enrolment-") as logs,
    ):
        database_url = aio.run(create_database(pg_admin, DATABASE))
        raw_url = aio.run(create_database(pg_admin, RAW_DATABASE))
        upgrade(service.migrations, raw_url)
        with enrolment_stack(Path(logs), database_url, amqp_url) as stack:
            found = aio.run(measure(params, stack, _dsn(database_url), _dsn(raw_url), amqp_url))
    return _report(params, found, source, (load_before, os.getloadavg()))


def _report(
    params: Params, found: dict[str, Any], source: dict[str, str], load: tuple[Any, Any]
) -> dict[str, Any]:
    minute = found["opening_minute"]
    flat = found["flat_out"].get("ours") and found["flat_out"]
    return {
        "benchmark": "enrolment_intake",
        "setup": __doc__.split("\n\n", 1)[1].replace("\n", " "),
        "git_commit": _git_commit(),
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "event_loop": "uvloop (servers and client)",
            "postgres": found.pop("postgres"),
            "servers": source,
            "load_average_1_5_15": {"before": load[0], "after": load[1]},
        },
        "parameters": asdict(params) | {"warm_up_applications": WARM_UP, "grade_1_places_per_school": PLACES},
        "acceptance": {
            "duplicates": minute["check"]["violations"]["duplicate_applications"],
            "lost": minute["check"]["violations"]["lost_applications"],
            "all_checks_zero": minute["check"]["all_zero"] and (flat is None or flat["check"]["all_zero"]),
            "p99_ms": minute["ours"]["latency_ms"]["p99"],
            "p99_ms_raw": minute["raw_insert_on_conflict_paced"]["latency_ms"]["p99"],
            "requests_per_s": minute["ours"]["requests_per_s"],
            "flat_out_requests_per_s": flat["ours"]["requests_per_s"] if flat else None,
            "flat_out_requests_per_s_raw": found["flat_out"]["raw_insert_on_conflict"]["requests_per_s"],
            "flat_out_requests_per_s_raw_same_writes": found["flat_out"]["raw_same_writes"]["requests_per_s"],
        },
        **found,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--resend", type=float, default=0.10, help="share of applications sent again")
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument(
        "--flat-out", type=int, default=3000, help="applications sent flat out after (0: none)"
    )
    parser.add_argument(
        "--direct", action="store_true", help="straight at enrolment, not through the gateway"
    )
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()
    params = Params(
        args.applications,
        args.seconds,
        args.clients,
        args.resend,
        args.schools,
        args.flat_out,
        args.direct,
        args.seed,
    )
    print(json.dumps(run(params), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
