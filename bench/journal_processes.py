"""The processes bench/journal.py measures: the journal and the gateway started on the loaded database,
the JWKS they fetch from this process, the tokens signed here, and the CPU time of every process group."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg

from eschool.common.auth import Role
from eschool.common.settings import issuer_for
from eschool.common.stack_processes import free_ports, process_names, start_services
from eschool.common.testing.auth import TestIdentity

JOURNAL = "journal"
BENCH_ENV = {"ESCHOOL_ENV": "development", "JOURNAL_LOG_LEVEL": "WARNING", "GATEWAY_LOG_LEVEL": "WARNING"}
BENCH_ENV |= {
    f"GATEWAY_{bucket}_{limit}": "1000000"
    for bucket in ("IP", "CLIENT", "TOKEN_IP")
    for limit in ("RATE_PER_S", "BURST")
}
JSON_HEADERS = {"content-type": "application/json"}


@dataclass(frozen=True)
class Stack:
    """A running stack: the identity its tokens are signed with, its processes' pids, its base URLs."""

    identity: TestIdentity
    groups: dict[str, list[int]]
    urls: dict[str, str]
    jwks_url: str

    @property
    def gateway(self) -> str:
        """The gateway's base URL (the issuer of the tokens is made of it)."""
        return self.urls["gateway"].removesuffix("/api/journal")


@contextlib.contextmanager
def journal_stack(logs: Path, database_url: str, amqp_url: str, count: int) -> Iterator[Stack]:
    """The journal (``count`` processes) and the gateway on the loaded database."""
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
            yield Stack(identity, groups, urls, jwks_url)


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


async def postmaster(conn: asyncpg.Connection) -> int | None:
    """The pid of the server's postmaster, when it runs on this machine."""
    backend = await conn.fetchval("SELECT pg_backend_pid()")
    try:
        stat = Path(f"/proc/{backend}/stat").read_text()  # noqa: ASYNC240 - a file in memory, once
        return int(stat.rsplit(")", 1)[1].split()[1])
    except OSError:
        return None  # a server elsewhere: its CPU is not ours to read


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
