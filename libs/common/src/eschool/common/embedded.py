"""The embedded mode (``make run``): every service of the workspace in one process, behind the gateway.

Each service gets its own SQLite file under ``var/``, all share the in-memory bus, relays and consumers
run as tasks. The root app is the gateway, the same code as in production, reaching each service's app
in-process through httpx's ASGI transport; its ``/readyz`` covers every service's database and the bus.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from eschool.common import aio
from eschool.common.auth import JwksVerifier
from eschool.common.bus.memory import shared_memory_transport
from eschool.common.gateway import Lifespan, discover_gateway
from eschool.common.http import readiness_checks
from eschool.common.logging import configure_logging, get_logger
from eschool.common.service import ServiceDefinition, ServiceRuntime, discover_services

EMBEDDED_BUS_URL = "memory://embedded"
IDENTITY = "identity"
# The gateway's upstreams are this very process, never a hung host: while the demo region loads (its
# first minute or two on two cores) an answer can take tens of seconds, and a 504 would tell a newcomer
# nothing. GATEWAY_READ_TIMEOUT_S still wins.
EMBEDDED_READ_TIMEOUT_S = 300.0
log = get_logger("eschool.embedded")


def build_app(
    definitions: list[ServiceDefinition], var_dir: Path, *, public_url: str = "http://127.0.0.1:8000"
) -> FastAPI:
    """The one-process app: a runtime per service on SQLite and the shared in-memory bus."""
    var_dir.mkdir(parents=True, exist_ok=True)
    transport = shared_memory_transport(EMBEDDED_BUS_URL)
    runtimes = [
        ServiceRuntime(
            d,
            d.settings(
                database_url=f"sqlite+aiosqlite:///{(var_dir / f'{d.name}.db').resolve()}",
                bus_url=EMBEDDED_BUS_URL,
                public_url=public_url,
                demo_data=True,
            ),
            transport=transport,
        )
        for d in definitions
    ]

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await transport.connect()
        started: list[ServiceRuntime] = []
        try:
            # Every service's queues are bound before any service publishes (see ServiceRuntime.prepare).
            for runtime in runtimes:
                await runtime.prepare()
                started.append(runtime)
            # Identity first: every other service checks tokens against its keys, and its start must
            # not wait behind another service's demo loading.
            for runtime in sorted(runtimes, key=lambda runtime: runtime.name != IDENTITY):
                await runtime.launch()
            yield
        finally:
            # The in-memory broker dies with the process: stop producing, let consumers finish what
            # is in flight, then stop. Unpublished events stay in the SQLite outboxes for next time.
            for runtime in started:
                await runtime.relay.stop()
            if not await transport.drain(within=10):
                log.warning("embedded.bus.not_drained")
            for runtime in reversed(started):
                await runtime.stop()
            await transport.close()

    app = _gateway(runtimes, public_url, lifespan)
    app.state.runtimes = runtimes
    checks = readiness_checks(app)
    checks["broker"] = transport.ping
    for runtime in runtimes:
        checks[f"{runtime.name}.database"] = runtime.database.ping
    return app


def _gateway(
    runtimes: list[ServiceRuntime],
    public_url: str,
    lifespan: Lifespan,
) -> FastAPI:
    """The gateway as the root app, each upstream a service's app in this process."""
    gateway = discover_gateway()
    upstreams = {runtime.name: _embedded_url(runtime.name) for runtime in runtimes}
    overrides: dict[str, Any] = {}
    if "GATEWAY_READ_TIMEOUT_S" not in os.environ:
        overrides["read_timeout_s"] = EMBEDDED_READ_TIMEOUT_S
    settings = gateway.settings(public_url=public_url, upstreams=upstreams, **overrides)
    transports = _service_transports(runtimes)
    return gateway.create_app(settings, transports=transports, lifespan=lifespan)


def _embedded_url(name: str) -> str:
    return f"http://{name}.embedded"


def _service_transports(runtimes: list[ServiceRuntime]) -> dict[str, httpx.ASGITransport]:
    """Each service's app behind an ASGI transport; services check tokens against identity in-process.

    Identity's app is built first: every other service without a verifier of its own reads identity's
    JWKS through it, as in the stack it reads it over HTTP (the gateway is not the only wall).
    """
    ordered = sorted(runtimes, key=lambda runtime: runtime.name != IDENTITY)
    transports: dict[str, httpx.ASGITransport] = {}
    for runtime in ordered:
        if runtime.jwt_verifier is None and IDENTITY in transports:
            runtime.jwt_verifier = JwksVerifier(
                f"{_embedded_url(IDENTITY)}/v1/jwks.json",
                issuer=runtime.settings.token_issuer,
                audience=runtime.settings.jwt_audience,
                http=httpx.AsyncClient(transport=transports[IDENTITY]),
            )
        transports[runtime.name] = httpx.ASGITransport(app=runtime.app(manage_lifespan=False))
    return transports


def _free_port(host: str, preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise OSError("no free port")


class _Server(uvicorn.Server):
    """uvicorn's server, except that a caught Ctrl-C or SIGTERM is not raised again after the shutdown:
    re-raised, it cancelled the finished lifespan and logged its CancelledError as an error."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """First signal: shut down cleanly; a second Ctrl-C: stop at once."""
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        else:
            self.should_exit = True


async def serve(host: str, port: int, var_dir: Path) -> None:
    """Serve until SIGINT/SIGTERM, then shut every service down cleanly."""
    definitions = discover_services()
    app = build_app(definitions, var_dir, public_url=f"http://{host}:{port}")
    # The first start migrates every database and loads the demo region's first school before it
    # answers: say so, rather than leave a newcomer before a silent terminal for half a minute.
    print(
        f"eschool is starting: databases under {var_dir}, the demo region loading (a first start takes"
        " about half a minute)...",
        flush=True,
    )
    config = uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, lifespan="on")
    server = _Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn exposes only a flag
        await asyncio.sleep(0.05)
    if not server.started:
        await asyncio.gather(task, return_exceptions=True)
        raise SystemExit("eschool did not start: see the log above")
    names = ", ".join(d.name for d in definitions) or "none yet"
    print(f"eschool is running at http://{host}:{port}  (services: {names}; Ctrl-C stops it)", flush=True)
    print(
        f"  API under http://{host}:{port}/api/<service>/, docs at http://{host}:{port}/api/docs", flush=True
    )
    for line in (line for d in definitions for line in d.demo_lines):
        print(f"  {line}", flush=True)
    await task


def main(argv: list[str] | None = None) -> int:
    """``python -m eschool.common.embedded [--host] [--port] [--var]``."""
    parser = argparse.ArgumentParser(description="Run every eschool service in one process.")
    parser.add_argument("--host", default=os.environ.get("ESCHOOL_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ESCHOOL_PORT", "8000")))
    parser.add_argument("--var", type=Path, default=Path(os.environ.get("ESCHOOL_VAR", "var")))
    args = parser.parse_args(argv)
    configure_logging(os.environ.get("ESCHOOL_LOG_LEVEL", "INFO"), json=True)
    port = _free_port(args.host, args.port)
    if args.port and port != args.port:
        print(f"port {args.port} is busy, using {port}", file=sys.stderr)
    # uvicorn re-raises the SIGINT it caught once shutdown is complete: a clean stop, not an error.
    with contextlib.suppress(KeyboardInterrupt):
        aio.run(serve(args.host, port, args.var))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
