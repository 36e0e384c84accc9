"""`make run` as its own process, for the end-to-end tests that talk to it over HTTP."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from eschool.common.service import discover_services
from eschool.common.stack_processes import Stack, free_ports, process_names, start_services
from eschool.common.testing import servers
from eschool.common.testing.servers import PostgresServer, RabbitServer

URL_LINE = re.compile(r"eschool is running at (http://\S+)")


class MakeRun:
    """``python -m eschool.common.embedded`` on a free port, its output read line by line."""

    def __init__(self, var: Path, *, log_level: str = "INFO") -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "eschool.common.embedded", "--port", "0", "--var", str(var)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "ESCHOOL_LOG_LEVEL": log_level},
        )
        self.lines: list[str] = []
        self.url = ""
        self._started = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if match := URL_LINE.search(line):
                self.url = match.group(1)
                self._started.set()

    def wait_started(self, within: float = 60) -> str:
        """Its URL, once printed (the demo logins are printed right after it)."""
        assert self._started.wait(within), "no URL printed:\n" + self.output
        return self.url

    def printed(self, first_word: str, within: float = 10) -> bool:
        """Whether a line starting with ``first_word`` is printed within ``within`` seconds."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if any(line.split()[:1] == [first_word] for line in list(self.lines)):
                return True
            time.sleep(0.1)
        return False

    @property
    def output(self) -> str:
        """Everything printed so far."""
        return "".join(self.lines)

    def stop(self) -> int:
        """Ctrl-C, as a person stops it; killed if it does not end. Its exit code."""
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait(10)
        self._reader.join(5)
        return code


@pytest.fixture(scope="session")
def make_run() -> type[MakeRun]:
    """Start ``make run``'s process: ``make_run(var_dir)``; stop it with ``.stop()``."""
    return MakeRun


# Demo accounts have public passwords: only a development process loads them.
STACK_ENV = {"ESCHOOL_ENV": "development", "IDENTITY_DEMO_DATA": "true", "CONTINGENT_DEMO_DATA": "true"}
# Operations scale the journal alone: two API processes on one database, both consuming its queues.
REPLICAS = {"journal": 2}


# The local stack, started once for every module of this package that asks for it (test_stack*.py): each
# service its own process, a fresh database each and a fresh vhost.
@pytest_asyncio.fixture(scope="package", loop_scope="session")
async def databases(pg_server: PostgresServer) -> AsyncIterator[dict[str, str]]:
    """A fresh database per installed service on the session's PostgreSQL, dropped afterwards."""
    created: dict[str, str] = {}
    try:
        for definition in discover_services():
            name = servers.random_name(definition.name)
            await pg_server.create_database(name)
            created[definition.name] = name
        yield {service: pg_server.url(name) for service, name in created.items()}
    finally:
        for name in created.values():
            await pg_server.drop_database(name)


@pytest.fixture(scope="package")
def bus_url(amqp_server: RabbitServer) -> Iterator[str]:
    """A fresh vhost on the session's RabbitMQ for the stack's processes."""
    with servers.fresh_vhost(amqp_server) as url:
        yield url


@pytest.fixture(scope="package")
def stack(
    databases: dict[str, str], bus_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """Every service and the gateway, each its own process (the journal two), behind the gateway; all
    stopped (and checked gone) afterwards."""
    stack_dir = tmp_path_factory.mktemp("stack")
    ports = free_ports(process_names(databases, REPLICAS))
    with start_services(
        stack_dir, database_urls=databases, bus_url=bus_url, ports=ports, env=STACK_ENV, replicas=REPLICAS
    ) as running:
        yield running
    leaked = [process.name for process in running.processes.values() if process.alive()]
    assert not leaked, f"still running after stop: {leaked}"
