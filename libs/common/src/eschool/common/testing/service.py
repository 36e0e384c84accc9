"""A service under test in-process: its runtime on the in-memory bus with events left in the outbox,
its API behind an ASGI client, tokens of any role, and the events it wrote.

A service's ``conftest.py`` builds its fixtures from these::

    @pytest_asyncio.fixture
    async def journal(db_url: str) -> AsyncIterator[ServiceRuntime]:
        async with running(service, JournalSettings(database_url=db_url, bus_url="memory://")) as runtime:
            yield runtime
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import select

from eschool.common.auth import Role
from eschool.common.bus.memory import MemoryTransport
from eschool.common.bus.tables import outbox_message
from eschool.common.service import ServiceDefinition, ServiceRuntime
from eschool.common.settings import ServiceSettings
from eschool.common.testing.auth import TestIdentity

As = Callable[..., dict[str, str]]


@asynccontextmanager
async def running(definition: ServiceDefinition, settings: ServiceSettings) -> AsyncIterator[ServiceRuntime]:
    """The service migrated and started on an in-memory bus; no relay, so its events stay in the outbox
    for the test to read."""
    runtime = ServiceRuntime(definition, settings, transport=MemoryTransport(), run_relay=False)
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


@asynccontextmanager
async def api_client(runtime: ServiceRuntime, identity: TestIdentity) -> AsyncIterator[httpx.AsyncClient]:
    """The service's API as the gateway reaches it (paths without ``/api/<service>``), verifying tokens
    against ``identity``."""
    app = runtime.app(manage_lifespan=False)
    identity.install(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=f"http://{runtime.name}.test") as client:
        yield client


def headers_as(identity: TestIdentity) -> As:
    """A function giving the headers of someone holding ``role`` in ``org_unit_id``:
    ``as_(Role.ministry, region_id, person_id=...)``."""

    def headers(role: Role, org_unit_id: uuid.UUID | None = None, **options: Any) -> dict[str, str]:
        return identity.headers(identity.token_for(role, org_unit_id, **options))

    return headers


async def published(runtime: ServiceRuntime, event_type: str | None = None) -> list[dict[str, Any]]:
    """The envelopes in the service's outbox, oldest first (of ``event_type`` only, if given)."""
    async with runtime.database.uow() as uow:
        rows = await uow.session.execute(
            select(outbox_message.c.envelope).order_by(outbox_message.c.outbox_message_id)
        )
        envelopes = [dict(r) for r in rows.scalars()]
    return [e for e in envelopes if event_type is None or e["type"] == event_type]
