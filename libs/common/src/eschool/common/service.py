"""How the platform runs a service: its definition, and the runtime that owns its resources.

A service package exposes one ``ServiceDefinition`` and registers it under the entry-point group
``eschool.services`` in its pyproject::

    [project.entry-points."eschool.services"]
    journal = "eschool.journal.app:service"

The embedded mode (``make run``) mounts every registered service in one process; the stack mode runs
each as its own process (``python -m eschool.common.serve journal``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol

from fastapi import APIRouter, FastAPI

from eschool.common.auth import JwksVerifier
from eschool.common.bus import (
    ConsumerDefinition,
    EventConsumer,
    OutboxRelay,
    PartnerExchangeSpec,
    Transport,
    create_transport,
)
from eschool.common.db import Database
from eschool.common.db.migrations import upgrade_async
from eschool.common.http import install_http_kit, readiness_checks
from eschool.common.logging import get_logger
from eschool.common.settings import ServiceSettings

ENTRY_POINT_GROUP = "eschool.services"
log = get_logger("eschool.service")


class Worker(Protocol):
    """Work a service runs in the background for as long as it runs (a periodic runner, a sequencer)."""

    def start(self) -> None:
        """Start in the background."""

    async def stop(self) -> None:
        """End, between two units of work."""


@dataclass(frozen=True)
class ServiceDefinition:
    """Everything the platform needs to run a service."""

    name: str
    settings: type[ServiceSettings]
    migrations: Path
    routers: Callable[[], Sequence[APIRouter]] = tuple
    consumers: Sequence[ConsumerDefinition] = ()
    title: str = ""
    version: str = "0.1.0"
    on_start: Sequence[Callable[[ServiceRuntime], Any]] = field(default_factory=tuple)
    # Run at stop, in reverse order, before the consumers and connections go: close what on_start opened.
    on_stop: Sequence[Callable[[ServiceRuntime], Any]] = field(default_factory=tuple)
    # Background workers, each made from the runtime at launch (after the relay, before on_start; a factory
    # returning None runs nothing in this process) and stopped after on_stop, in reverse order.
    workers: Sequence[Callable[[ServiceRuntime], Worker | None]] = ()
    # Partner exchanges fed from the events exchange, declared with the service's queues, before it
    # publishes anything: a deployment's very first events reach partners too.
    partner_exchanges: Sequence[PartnerExchangeSpec] = ()
    # A service that cannot fetch a JWKS over HTTP (identity verifies its own tokens) supplies one.
    verifier: Callable[[ServiceRuntime], JwksVerifier] | None = None
    # What make run prints about the demo data it loaded (logins and their public passwords).
    demo_lines: Sequence[str] = ()


def _name_of(hook: Callable[..., Any]) -> str:
    return getattr(hook, "__qualname__", repr(hook))


def discover_services() -> list[ServiceDefinition]:
    """Every service installed in the workspace, by name."""
    found = [ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)]
    return sorted(found, key=lambda d: d.name)


class ServiceRuntime:
    """A running service: migrated database, transport, outbox relay and consumers."""

    def __init__(
        self,
        definition: ServiceDefinition,
        settings: ServiceSettings,
        *,
        transport: Transport | None = None,
        run_relay: bool = True,
        run_consumers: bool = True,
        migrate: bool = True,
    ) -> None:
        self.definition = definition
        self.settings = settings
        self.database = Database(
            settings.database_url, source=definition.name, pool_size=settings.database_pool_size
        )
        self._own_transport = transport is None
        self.transport = transport or create_transport(settings.bus_url, connection_name=definition.name)
        self.relay = OutboxRelay(
            self.database,
            self.transport,
            service=definition.name,
            batch_size=settings.relay_batch_size,
            retention=timedelta(days=settings.outbox_retention_days),
        )
        self.consumers = [
            EventConsumer(c.with_queue(prefetch=settings.consumer_prefetch), self.database, self.transport)
            for c in definition.consumers
        ]
        self._run_relay, self._run_consumers, self._migrate = run_relay, run_consumers, migrate
        self.workers: list[Worker] = []
        self.jwt_verifier: JwksVerifier | None = None
        if settings.jwks_url:
            self.jwt_verifier = JwksVerifier(
                settings.jwks_url, issuer=settings.token_issuer, audience=settings.jwt_audience
            )
        elif definition.verifier is not None:
            self.jwt_verifier = definition.verifier(self)

    @property
    def name(self) -> str:
        """The service's name, as in ``/api/<name>``."""
        return self.definition.name

    async def start(self) -> None:
        """Migrate, connect, start the consumers, then the relay and the service's start hooks."""
        await self.prepare()
        await self.launch()

    async def prepare(self) -> None:
        """Migrate, connect, and start the consumers: from here on the service's queues exist.

        Several services in one process (the embedded mode) are all prepared before any is launched:
        a service's first events (its demo data, say) must find every other service's queue bound,
        or the bus has nobody to deliver them to.
        """
        if self._migrate:
            await upgrade_async(self.definition.migrations, self.settings.database_url)
        if self._own_transport:
            await self.transport.connect()
        for exchange in self.definition.partner_exchanges:
            await self.transport.declare_partner_exchange(exchange)
        if self._run_consumers:
            for consumer in self.consumers:
                await consumer.start()

    async def launch(self) -> None:
        """Start publishing (the outbox relay), the background workers, then the service's start hooks."""
        if self._run_relay:
            self.relay.start()
        for make in self.definition.workers:
            worker = make(self)
            if worker is not None:
                worker.start()
                self.workers.append(worker)
        for hook in self.definition.on_start:
            result = hook(self)
            if asyncio.iscoroutine(result):
                await result
        log.info("service.started", service=self.name)

    async def stop(self) -> None:
        """Run the stop hooks, stop the workers, the consumers, then the relay, then close connections."""
        for hook in reversed(self.definition.on_stop):
            # One hook failing must not keep the rest of the service open.
            try:
                result = hook(self)
                if asyncio.iscoroutine(result):
                    await result
            except Exception:
                log.exception("service.stop_hook.failed", service=self.name, hook=_name_of(hook))
        while self.workers:
            worker = self.workers.pop()
            try:
                await worker.stop()
            except Exception:
                log.exception("service.worker.stop_failed", service=self.name, worker=type(worker).__name__)
        for consumer in self.consumers:
            await consumer.stop()
        await self.relay.stop()
        if self._own_transport:
            await self.transport.close()
        await self.database.dispose()
        if self.jwt_verifier is not None:
            await self.jwt_verifier.aclose()
        log.info("service.stopped", service=self.name)

    def app(self, *, manage_lifespan: bool) -> FastAPI:
        """The service's FastAPI app; standalone it starts and stops the runtime itself."""
        lifespan = self._lifespan if manage_lifespan else None
        app = FastAPI(
            title=self.definition.title or f"eschool {self.name}",
            version=self.definition.version,
            lifespan=lifespan,
        )
        app.state.runtime = self
        install_http_kit(app, service=self.name)
        checks = readiness_checks(app)
        checks["database"] = self.database.ping
        if self._run_relay or self._run_consumers:
            # An API-only pod writes events to its outbox, not to the broker: a broker outage must not
            # take it out of service.
            checks["broker"] = self.transport.ping
        if self.jwt_verifier is not None:
            app.state.jwt_verifier = self.jwt_verifier
        for router in self.definition.routers():
            app.include_router(router)
        return app

    @asynccontextmanager
    async def _lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        await self.start()
        try:
            yield
        finally:
            await self.stop()
