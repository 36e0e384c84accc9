"""The local stack's processes: each service and the gateway as its own ``python -m eschool.common.serve``.

``start_services`` starts them on given servers and ports, waits until each answers ``/healthz`` and
stops what it started if anything fails; ``make stack`` (``eschool.common.stack``) and the end-to-end
tests both use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

from eschool.common.gateway import GATEWAY_NAME
from eschool.common.infra.ports import free_port, port_is_free, process_alive, wait_until

FIRST_PORT = 8101
GATEWAY_PORT = 8100
HOST = "127.0.0.1"
IDENTITY = "identity"
# Migrations, the broker connection and the start hooks all run before a service answers /healthz.
# A service loading the demo region while the others migrate and consume its events, on two cores,
# has been seen to need more than a minute; the wait ends as soon as /healthz answers.
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 20.0
LOG_TAIL_LINES = 40

State = dict[str, dict[str, int]]  # process name -> its pid and port


class StackError(RuntimeError):
    """A process of the stack could not start, died, or did not answer its /healthz in time."""


@dataclass
class StackProcess:
    """A service or the gateway, serving on ``HOST:port`` and writing to ``log_file`` from ``log_offset``."""

    name: str
    port: int
    pid: int
    log_file: Path
    log_offset: int = 0
    # None for a process an earlier ``up`` started: it can be signalled, but not reaped, from here.
    popen: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Where the process answers, directly (not through the gateway)."""
        return f"http://{HOST}:{self.port}"

    def alive(self) -> bool:
        """Whether the process still runs (polling a child also reaps it once it has exited)."""
        if self.popen is not None:
            return self.popen.poll() is None
        return process_alive(self.pid)

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """SIGTERM for a clean shutdown (consumers, relay, connections), SIGKILL if it takes too long."""
        for signum in (signal.SIGTERM, signal.SIGKILL):
            if not self.alive():
                return
            # Its own session (start_new_session): the group holds whatever the process started too.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signum)
            if wait_until(lambda: not self.alive(), timeout=timeout):
                return

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """The last lines this process wrote (the log file is appended to across runs)."""
        try:
            with self.log_file.open("rb") as log:
                log.seek(self.log_offset)
                text = log.read().decode(errors="replace")
        except OSError:
            return f"(no log at {self.log_file})"
        return "\n".join(text.splitlines()[-lines:]) or "(the log is empty)"


@dataclass
class Stack:
    """The processes of a running stack, in start order (the gateway last); ``stop()`` ends them."""

    processes: dict[str, StackProcess] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        """The one address clients use."""
        return self.processes[GATEWAY_NAME].url

    def url(self, name: str) -> str:
        """Where the service ``name`` answers directly."""
        return self.processes[name].url

    def state(self) -> State:
        """What ``down`` needs to find the processes again."""
        return {name: {"pid": p.pid, "port": p.port} for name, p in self.processes.items()}

    def stop(self, *, only_started_here: bool = False) -> None:
        """Stop the gateway first (no new requests), then the services."""
        for process in reversed(self.processes.values()):
            if process.popen is not None or not only_started_here:
                process.stop()

    def __enter__(self) -> Stack:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def fixed_ports(services: Iterable[str]) -> dict[str, int]:
    """``make stack``'s ports: the gateway on 8100, the services from 8101 in order."""
    ports = {name: FIRST_PORT + index for index, name in enumerate(services)}
    return {**ports, GATEWAY_NAME: GATEWAY_PORT}


def free_ports(services: Iterable[str]) -> dict[str, int]:
    """A distinct free port for each service and the gateway (tests, and stacks side by side)."""
    ports: dict[str, int] = {}
    for name in [*services, GATEWAY_NAME]:
        ports[name] = free_port(HOST, exclude=ports.values())
    return ports


def service_env(
    name: str, *, database_url: str, bus_url: str, public_url: str, identity_url: str | None
) -> dict[str, str]:
    """The environment of service ``name`` (its settings read ``<NAME>_...``)."""
    prefix = name.upper()
    env = {
        f"{prefix}_DATABASE_URL": database_url,
        f"{prefix}_BUS_URL": bus_url,
        # Links and the token issuer name the gateway, the one address clients use.
        f"{prefix}_PUBLIC_URL": public_url,
    }
    # Services check tokens again themselves, with identity's keys read directly; identity reads its
    # own key table in-process.
    if identity_url is not None and name != IDENTITY:
        env[f"{prefix}_JWKS_URL"] = f"{identity_url}/v1/jwks.json"
    return env


def gateway_env(upstreams: Mapping[str, str], *, public_url: str) -> dict[str, str]:
    """The gateway's environment: where each service answers and where identity's keys are."""
    env = {"GATEWAY_UPSTREAMS": json.dumps(dict(upstreams)), "GATEWAY_PUBLIC_URL": public_url}
    if IDENTITY in upstreams:
        env["GATEWAY_JWKS_URL"] = f"{upstreams[IDENTITY].split()[0]}/v1/jwks.json"
    return env


def process_names(services: Iterable[str], replicas: Mapping[str, int] | None = None) -> dict[str, str]:
    """The processes of ``services`` and the service each runs: one each, or ``journal``,
    ``journal-2``... for a service run as ``replicas[name]`` processes on one database (operations scale
    the journal alone)."""
    return {
        process: name
        for name in services
        for process in [name, *(f"{name}-{i}" for i in range(2, (replicas or {}).get(name, 1) + 1))]
    }


def start_services(
    stack_dir: Path,
    *,
    database_urls: Mapping[str, str],
    bus_url: str,
    ports: Mapping[str, int],
    env: Mapping[str, str] | None = None,
    running: State | None = None,
    replicas: Mapping[str, int] | None = None,
    timeout: float = START_TIMEOUT_S,
) -> Stack:
    """Start each service of ``database_urls`` (its database exists), then the gateway; wait for /healthz.

    ``ports`` has one for every process (``process_names``) and the gateway; ``env`` is added to every
    process's environment; a process recorded in ``running`` that is still alive is kept, on its recorded
    port. A service's further replicas start once the first has migrated its database, and the gateway
    takes them in turn. Logs go to ``stack_dir/logs``. If anything fails, what this call started is
    stopped before the error is raised.
    """
    services = {**process_names(database_urls, replicas), GATEWAY_NAME: GATEWAY_NAME}
    declare_queues(bus_url, database_urls)
    reused = {name: entry for name, entry in (running or {}).items() if process_alive(entry["pid"])}
    urls = {name: f"http://{HOST}:{reused.get(name, {'port': ports[name]})['port']}" for name in services}
    environments = _environments(database_urls, services, urls, bus_url)
    first = [name for name, service in services.items() if name == service]
    stack = Stack()
    try:
        for wave in (first, [name for name in services if name not in first]):
            for name in wave:
                stack.processes[name] = (
                    _reuse(stack_dir, name, reused[name])
                    if name in reused
                    else _launch(
                        stack_dir, name, ports[name], {**(env or {}), **environments[name]}, services[name]
                    )
                )
            # Started all at once and awaited together: the services migrate their databases in parallel.
            deadline = time.monotonic() + timeout
            for name in wave:
                _wait_healthy(stack.processes[name], deadline, allowed=timeout)
    except BaseException:
        stack.stop(only_started_here=True)
        raise
    return stack


def declare_queues(bus_url: str, service_names: Iterable[str]) -> None:
    """Every consumer queue of the services, declared before any of them starts. They start at once, and
    one that publishes first (contingent's demo school) must not publish into a topic no slower
    service's queue is bound to yet: those events would never reach it. Declaring is idempotent, and
    each service declares the same queues again when it starts."""
    from eschool.common.bus import create_transport
    from eschool.common.service import discover_services

    wanted = set(service_names)
    specs = [c.queue for d in discover_services() if d.name in wanted for c in d.consumers]

    async def declare() -> None:
        transport = create_transport(bus_url, connection_name="stack")
        await transport.connect()
        try:
            for spec in specs:
                await transport.declare(spec)
        finally:
            await transport.close()

    asyncio.run(declare())


def _environments(
    database_urls: Mapping[str, str], services: Mapping[str, str], urls: Mapping[str, str], bus_url: str
) -> dict[str, dict[str, str]]:
    """Each process's own variables, by process name; ``services`` maps every process (and the gateway)
    to its service, ``urls`` every process to its address."""
    public_url = urls[GATEWAY_NAME]
    identity_url = urls[IDENTITY] if IDENTITY in database_urls else None
    environments = {
        process: service_env(
            service,
            database_url=database_urls[service],
            bus_url=bus_url,
            public_url=public_url,
            identity_url=identity_url,
        )
        for process, service in services.items()
        if service != GATEWAY_NAME
    }
    upstreams = {
        name: " ".join(urls[process] for process, service in services.items() if service == name)
        for name in database_urls
    }
    environments[GATEWAY_NAME] = gateway_env(upstreams, public_url=public_url)
    return environments


def log_path(stack_dir: Path, name: str) -> Path:
    """Where the process ``name`` of the stack in ``stack_dir`` writes."""
    return stack_dir / "logs" / f"{name}.log"


def _reuse(stack_dir: Path, name: str, entry: dict[str, int]) -> StackProcess:
    log_file = log_path(stack_dir, name)
    offset = log_file.stat().st_size if log_file.exists() else 0
    return StackProcess(name, entry["port"], entry["pid"], log_file, offset)


def _launch(stack_dir: Path, name: str, port: int, env: Mapping[str, str], service: str) -> StackProcess:
    """``python -m eschool.common.serve SERVICE`` as process ``name`` on ``port`` in its own session, its
    output in its log."""
    # A busy port would let another program answer our /healthz while our process fails to bind.
    if not port_is_free(port, HOST):
        raise StackError(f"{name}: port {port} is taken by another program")
    log_file = log_path(stack_dir, name)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    offset = log_file.stat().st_size if log_file.exists() else 0
    command = [sys.executable, "-m", "eschool.common.serve", service, "--host", HOST, "--port", str(port)]
    # Unbuffered, so that the log tail in an error shows what a hung process has said so far.
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
    with log_file.open("ab") as log:
        popen = subprocess.Popen(
            command, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    return StackProcess(name, port, popen.pid, log_file, offset, popen)


def _wait_healthy(process: StackProcess, deadline: float, *, allowed: float) -> None:
    """Return once ``/healthz`` answers 200 (the app's startup is done); a StackError with the log if not."""
    remaining = max(0.0, deadline - time.monotonic())
    answered = wait_until(lambda: not process.alive() or _healthy(process.url), timeout=remaining)
    if not process.alive():
        code = process.popen.returncode if process.popen is not None else "unknown"
        raise StackError(
            f"{process.name} exited (code {code}) before answering {process.url}/healthz; "
            f"the end of {process.log_file}:\n{process.log_tail()}"
        )
    if not answered:
        raise StackError(
            f"{process.name} did not answer {process.url}/healthz within {allowed:g} s of the start; "
            f"the end of {process.log_file}:\n{process.log_tail()}"
        )


def _healthy(url: str) -> bool:
    try:
        # trust_env=False: a proxy from the environment must not stand between us and 127.0.0.1.
        return httpx.get(f"{url}/healthz", timeout=2.0, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False
