"""Contingent under test: migrated on a real database, its API in-process, tokens from a test identity."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

import httpx
import pytest
import pytest_asyncio
from pydantic import SecretStr
from sqlalchemy import select

from eschool.common.auth import Role
from eschool.common.bus.memory import MemoryTransport
from eschool.common.bus.tables import outbox_message
from eschool.common.db import today_in_zone
from eschool.common.service import ServiceRuntime
from eschool.common.testing.auth import TestIdentity
from eschool.common.testing.events import Deliver, deliverer
from eschool.contingent.app import service
from eschool.contingent.settings import ContingentSettings

SNILS_KEY = "snils-key-shared-with-identity"
# The zone of every school the tests make (the region's default). A school's today is its own: after
# 21:00 UTC it is already tomorrow in Moscow, and dates the tests send must be the school's.
SCHOOL_ZONE = "Europe/Moscow"


def school_today() -> date:
    """Today in the tests' schools."""
    return today_in_zone(SCHOOL_ZONE)


@pytest_asyncio.fixture
async def contingent(db_url: str) -> AsyncIterator[ServiceRuntime]:
    """The service on a fresh database; events stay in its outbox (no relay) for the tests to read."""
    settings = ContingentSettings(
        database_url=db_url, bus_url="memory://", snils_hmac_key=SecretStr(SNILS_KEY)
    )
    runtime = ServiceRuntime(service, settings, transport=MemoryTransport(), run_relay=False)
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


@pytest.fixture
def deliver(contingent: ServiceRuntime) -> Deliver:
    """Publish other services' events as their relays would; returns once contingent has settled them."""
    return deliverer(contingent)


@pytest_asyncio.fixture
async def api(contingent: ServiceRuntime, test_identity: TestIdentity) -> AsyncIterator[httpx.AsyncClient]:
    """The API as the gateway reaches it (paths without the /api/contingent prefix)."""
    app = contingent.app(manage_lifespan=False)
    test_identity.install(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://contingent.test") as client:
        yield client


As = Callable[..., dict[str, str]]


@pytest.fixture
def as_(test_identity: TestIdentity) -> As:
    """Authorization headers of someone holding ``role`` in ``org_unit_id``: ``as_(Role.ministry, R)``."""

    def headers(role: Role, org_unit_id: uuid.UUID | None = None, **options: Any) -> dict[str, str]:
        return test_identity.headers(test_identity.token_for(role, org_unit_id, **options))

    return headers


async def published(runtime: ServiceRuntime, event_type: str | None = None) -> list[dict[str, Any]]:
    """The envelopes in the outbox, oldest first (of ``event_type`` only, if given)."""
    async with runtime.database.uow() as uow:
        newest_last = outbox_message.c.outbox_message_id
        rows = await uow.session.execute(select(outbox_message.c.envelope).order_by(newest_last))
        envelopes = [dict(r) for r in rows.scalars()]
    return [e for e in envelopes if event_type is None or e["type"] == event_type]
