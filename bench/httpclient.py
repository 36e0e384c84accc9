"""The load generator of the HTTP benchmarks: keep-alive clients and interleaved closed loops.

``RawClient`` is a minimal HTTP/1.1 client on asyncio streams (about 0.02 ms of CPU a request), so that
the servers keep the cores; ``HttpxClient`` is the same interface on httpx. ``compare`` runs lanes of
calls in rounds, their order reversed every other round, and records each lane's latencies, wall time
and the CPU seconds every given process spent (read from /proc).
"""

from __future__ import annotations

import asyncio
import math
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

Call = Callable[[int], Awaitable[None]]


class RawClient:
    """HTTP/1.1 with keep-alive over asyncio streams: the least a load generator can spend per request."""

    def __init__(self) -> None:
        self._idle: dict[tuple[str, int], list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]] = {}
        self._targets: dict[str, tuple[str, int]] = {}

    async def request(
        self, method: str, url: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        """Status and body; an idle connection the server closed meanwhile is replaced, once."""
        host, port, path = self._target(url)
        pool = self._idle.setdefault((host, port), [])
        while pool and pool[-1][0].at_eof():
            pool.pop()[1].close()
        reused = bool(pool)
        reader, writer = pool.pop() if pool else await asyncio.open_connection(host, port)
        lines = [
            f"{method} {path} HTTP/1.1",
            f"host: {host}:{port}",
            *(f"{k}: {v}" for k, v in headers.items()),
        ]
        # No content-length on a GET: the gateway would forward an empty body as a stream.
        lines += [f"content-length: {len(body)}"] if body else []
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        try:
            status, answer_headers = _head(await reader.readuntil(b"\r\n\r\n"))
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            if reused:
                return await self.request(method, url, headers, body)
            raise
        content = await _body(reader, answer_headers)
        if answer_headers.get("connection") == "close":
            writer.close()
        else:
            pool.append((reader, writer))
        return status, content

    def _target(self, url: str) -> tuple[str, int, str]:
        """Host, port and the request target (path and query) of ``url``."""
        parts = urlsplit(url)
        if parts.netloc not in self._targets:
            self._targets[parts.netloc] = (parts.hostname or "", parts.port or 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return (*self._targets[parts.netloc], target)

    async def aclose(self) -> None:
        for pool in self._idle.values():
            for _, writer in pool:
                writer.close()


def _head(raw: bytes) -> tuple[int, dict[str, str]]:
    status_line, *lines = raw.decode("latin-1").split("\r\n")
    headers = {}
    for line in filter(None, lines):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split(" ", 2)[1]), headers


async def _body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if "content-length" in headers:
        return await reader.readexactly(int(headers["content-length"]))
    if headers.get("transfer-encoding", "").lower() != "chunked":
        return await reader.read()  # delimited by the end of the connection
    chunks = []
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        chunks.append((await reader.readexactly(size + 2))[:-2])
    await reader.readuntil(b"\r\n")  # the empty trailer
    return b"".join(chunks)


class HttpxClient:
    """httpx.AsyncClient with keep-alive (``--client httpx``), what the gateway itself speaks to services."""

    def __init__(self) -> None:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        self._client = httpx.AsyncClient(limits=limits, timeout=60)

    async def request(
        self, method: str, url: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        response = await self._client.request(method, url, headers=headers, content=body or None)
        return response.status_code, response.content

    async def aclose(self) -> None:
        await self._client.aclose()


Client = RawClient | HttpxClient


async def ok(client: Client, method: str, url: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """The body of a 200 answer within a minute; anything else stops the benchmark."""
    async with asyncio.timeout(60):
        status, content = await client.request(method, url, headers, body)
    if status != 200:
        raise RuntimeError(f"{method} {url}: {status} {content[:500]!r}")
    return content


def get_call(client: Client, url: str, headers: dict[str, str] | None = None) -> Call:
    async def call(_index: int) -> None:
        await ok(client, "GET", url, headers or {})

    return call


@dataclass(frozen=True)
class Lane:
    """One kind of request, and how many of it are kept in flight."""

    call: Call
    concurrency: int


@dataclass
class Sample:
    """What a lane measured over its rounds: latencies, wall time, CPU seconds of each process."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)

    def latency_ms(self) -> dict[str, float]:
        ordered = sorted(self.latencies)

        def at(q: float) -> float:
            return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000, 3)

        return {"p50": at(0.5), "p90": at(0.9), "p99": at(0.99)}

    def per_s(self) -> float:
        return round(len(self.latencies) / self.seconds, 1)

    def cpu_ms_per_request(self) -> dict[str, float]:
        return {name: round(s * 1000 / len(self.latencies), 3) for name, s in self.cpu.items()}


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of a process so far (``None``: this one)."""
    if pid is None:
        return time.process_time()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(call: Call, count: int, concurrency: int) -> tuple[list[float], float]:
    """``count`` calls with ``concurrency`` in flight (a closed loop); their latencies and the wall time."""
    latencies: list[float] = []
    indexes = iter(range(count))

    async def worker() -> None:
        for index in indexes:
            started = time.perf_counter()
            await call(index)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started


async def compare(
    lanes: dict[str, Lane], *, count: int, rounds: int, pids: dict[str, int | None]
) -> dict[str, Sample]:
    """``count`` calls per lane in ``rounds`` rounds, the lanes' order reversed every other round."""
    samples = {name: Sample() for name in lanes}
    for round_ in range(rounds):
        for name in list(lanes) if round_ % 2 == 0 else list(lanes)[::-1]:
            before = {process: cpu_seconds(pid) for process, pid in pids.items()}
            latencies, seconds = await load(lanes[name].call, count // rounds, lanes[name].concurrency)
            sample = samples[name]
            sample.latencies += latencies
            sample.seconds += seconds
            for process, pid in pids.items():
                sample.cpu[process] = sample.cpu.get(process, 0.0) + cpu_seconds(pid) - before[process]
    return samples
