"""Fixtures of the platform's own tests: a toy service on both transports."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from toy.events import ThingCreatedV1
from toy.service import MIGRATIONS, on_thing_created, seen_counts

from eschool.common.bus import ConsumerDefinition, EventConsumer, OutboxRelay, Transport
from eschool.common.bus.memory import MemoryTransport
from eschool.common.bus.rabbitmq import RabbitTransport
from eschool.common.db import Database
from eschool.common.db.migrations import upgrade_async

FAST_RETRIES = (0.05, 0.1)


@dataclass
class BusHarness:
    """A migrated toy database and a transport of one kind, with helpers to run relays and consumers."""

    kind: str
    db: Database
    transport: Transport
    amqp_url: str | None
    relays: list[OutboxRelay] = field(default_factory=list)
    consumers: list[EventConsumer] = field(default_factory=list)
    transports: list[Transport] = field(default_factory=list)

    async def new_transport(self) -> Transport:
        """Another connection to the same broker (a second relay, a second process)."""
        if self.amqp_url is None:
            return self.transport
        transport = RabbitTransport(self.amqp_url, connection_name="test-extra")
        await transport.connect()
        self.transports.append(transport)
        return transport

    def relay(self, transport: Transport | None = None, **options: Any) -> OutboxRelay:
        """A relay for the toy database (not started)."""
        options.setdefault("poll_interval", 0.05)
        relay = OutboxRelay(self.db, transport or self.transport, service="toy", **options)
        self.relays.append(relay)
        return relay

    async def consumer(
        self,
        handler: Callable[..., Awaitable[None]] = on_thing_created,
        *,
        name: str = "toy.toy-events",
        **queue: Any,
    ) -> EventConsumer:
        """A started consumer of ThingCreatedV1 with fast retries."""
        queue.setdefault("retry_delays", FAST_RETRIES)
        definition = ConsumerDefinition.of(name, {ThingCreatedV1: handler}, **queue)
        consumer = EventConsumer(definition, self.db, self.transport, dlq_poll_interval=0.2)
        await consumer.start()
        self.consumers.append(consumer)
        return consumer

    async def seen(self) -> dict[uuid.UUID, int]:
        """Handled counts by thing id."""
        async with self.db.uow() as uow:
            return await seen_counts(uow)

    async def close(self) -> None:
        for consumer in self.consumers:
            await consumer.stop()
        for relay in self.relays:
            await relay.stop()
        for transport in [*self.transports, self.transport]:
            await transport.close()
        await self.db.dispose()


async def eventually(check: Callable[[], Awaitable[bool]], *, within: float = 20.0) -> None:
    """Poll ``check`` until it holds (eventual consistency without bare sleeps)."""
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


@pytest.fixture(params=["memory", "rabbitmq"])
def bus_urls(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str, str | None]:
    """In-memory transport with SQLite (the embedded mode), or RabbitMQ with PostgreSQL (production)."""
    if request.param == "memory":
        return "memory", f"sqlite+aiosqlite:///{tmp_path / 'toy.db'}", None
    # Resolved here, in a sync fixture, so the server fixtures may be sync or async.
    return "rabbitmq", request.getfixturevalue("pg_url"), request.getfixturevalue("amqp_url")


@pytest_asyncio.fixture
async def bus(bus_urls: tuple[str, str, str | None]) -> AsyncIterator[BusHarness]:
    """The toy service, migrated, on one kind of transport."""
    kind, url, amqp_url = bus_urls
    transport: Transport = MemoryTransport() if amqp_url is None else RabbitTransport(amqp_url)
    await upgrade_async(MIGRATIONS, url)
    await transport.connect()
    harness = BusHarness(kind, Database(url, source="toy"), transport, amqp_url)
    try:
        yield harness
    finally:
        await harness.close()
