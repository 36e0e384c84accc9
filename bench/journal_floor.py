"""The floor lanes of bench/journal.py (``--floor``): the bare layer's transactions and SELECT behind a bare
FastAPI process (bench/journal_floor_app.py), called straight and through a gateway of its own, beside the
bare layer and ours, in the same interleaved rounds. The ratio of the floor through the gateway to the bare
layer is the most any journal can reach on this stack and machine, whatever it does inside."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from journal_load import Lane, compare, timed
from journal_operations import OPERATIONS
from journal_params import Params
from journal_processes import BENCH_ENV, Processes
from journal_raw import dumps, lesson_rows, mark_rows, utc_now
from journal_requests import World, expect

from eschool.common.stack_processes import free_ports

HERE = Path(__file__).resolve().parent
START_TIMEOUT_S = 60.0


@contextlib.contextmanager
def floor_processes(logs: Path, dsn: str, jwks_url: str, public_url: str) -> Iterator[dict[str, Any]]:
    """The floor app and a gateway whose journal upstream is the floor app: their URLs and pids. The
    gateway takes ``public_url`` (the measured stack's gateway) as its own, to accept that stack's tokens."""
    ports = free_ports(["floor", "floor_gateway"])
    app_url, gateway_url = (f"http://127.0.0.1:{ports[n]}" for n in ("floor", "floor_gateway"))
    path = os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))
    env = os.environ | BENCH_ENV | {"PYTHONPATH": path}
    env |= {"GATEWAY_UPSTREAMS": json.dumps({"journal": app_url}), "GATEWAY_PUBLIC_URL": public_url}
    env |= {"GATEWAY_JWKS_URL": jwks_url}
    commands = {
        "floor": [sys.executable, str(HERE / "journal_floor_app.py"), "--dsn", dsn],
        "floor_gateway": [sys.executable, "-m", "eschool.common.serve", "gateway", "--host", "127.0.0.1"],
    }
    commands["floor"] += ["--port", str(ports["floor"])]
    commands["floor_gateway"] += ["--port", str(ports["floor_gateway"])]
    urls = {"floor_direct": f"{app_url}/v1/floor", "floor_gateway": f"{gateway_url}/api/journal/v1/floor"}
    started: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, command in commands.items():
            with (logs / f"{name}.log").open("wb") as out:
                started[name] = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        for url in (app_url, gateway_url):
            _wait_healthy(f"{url}/healthz", logs)
        yield {
            "urls": urls,
            "groups": {name: [p.pid] for name, p in started.items()},
        }
    finally:
        for process in started.values():
            process.terminate()
        for process in started.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(10)


def _wait_healthy(url: str, logs: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as answer:
            if answer.status == 200:
                return
        time.sleep(0.2)
    tails = {p.name: p.read_text()[-2000:] for p in logs.glob("floor*.log")}
    raise RuntimeError(f"the floor did not answer at {url}: {tails}")


def floor_mark_call(world: World, base: str) -> Any:
    """The bare layer's mark transaction, its rows in the body of a POST."""

    async def call(index: int) -> None:
        lesson = world.lesson(index)
        pupil = lesson.pupils[index % len(lesson.pupils)]
        mark, audit, outbox = mark_rows(world, lesson, pupil, "5", utc_now())
        body = dumps({"mark": mark, "audit": audit, "outbox": outbox}).encode()
        headers = world.tokens.teacher(lesson.teacher_id, lesson.school_id)
        await expect(world.client, "POST", f"{base}/mark", headers, body, 201)

    return call


def floor_lesson_call(world: World, base: str) -> Any:
    """The bare layer's whole-lesson transaction, its rows in the body of a PUT."""

    async def call(index: int) -> None:
        lesson = world.lesson(index)
        body = dumps(lesson_rows(world, lesson, utc_now())).encode()
        headers = world.tokens.teacher(lesson.teacher_id, lesson.school_id)
        await expect(world.client, "PUT", f"{base}/lesson", headers, body, 200)

    return call


def floor_diary_call(world: World, base: str) -> Any:
    """The bare layer's diary SELECT behind a GET, its rows answered as JSON."""
    pupils = world.data.pupils
    schools = {p: s.school_id for s in world.data.schools for c in s.classes for p in c.pupils}

    async def call(index: int) -> None:
        pupil = pupils[(index * 104729) % len(pupils)]
        first = world.data.term_start + timedelta(weeks=index % world.data.size.weeks)
        headers = world.tokens.guardian(world.data.guardians[pupil], schools[pupil], pupil)
        headers = {k: v for k, v in headers.items() if k != "content-type"}
        url = f"{base}/diary?pupil={pupil}&start={first.isoformat()}"
        if (await expect(world.client, "GET", url, headers, b"", 200)) == b"[]":
            raise RuntimeError(f"floor diary: no lessons for {pupil} in the week of {first}")

    return call


FLOOR_CALLS = {"mark_single": floor_mark_call, "lesson_save": floor_lesson_call}
FLOOR_CALLS["diary_week"] = floor_diary_call


async def measure_floor(
    params: Params, world: World, ours: str, floor: dict[str, Any], processes: Processes
) -> dict[str, Any]:
    """Per operation: the peaks of the bare layer, the floor straight and through its gateway, and ours
    through the gateway, in the same interleaved rounds; each one's ratio to the bare layer."""
    found: dict[str, Any] = {}
    for name in params.operations:
        our_call, bare = OPERATIONS[name]
        lanes = {"raw": Lane(bare(world))}
        lanes |= {side: Lane(FLOOR_CALLS[name](world, url)) for side, url in floor["urls"].items()}
        lanes["gateway"] = Lane(our_call(world, ours))
        for lane in lanes.values():
            await timed(lane, 0.5, 8)
        peak = await compare(lanes, seconds=params.round_s, rounds=params.rounds, processes=processes)
        raw = peak["raw"].per_s()
        found[name] = {
            side: {
                "requests_per_s": sample.per_s(),
                "ratio_to_raw": round(sample.per_s() / raw, 3) if raw else None,
                "latency_ms": sample.latency_ms(),
                "cpu_ms_per_request": sample.cpu_ms(),
            }
            for side, sample in peak.items()
        }
    return found
