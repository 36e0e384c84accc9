"""The journal under test: migrated on a real database, its API in-process, tokens from a test identity,
contingent's and scheduling's facts delivered as their relays would publish them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from eschool.common.service import ServiceRuntime
from eschool.common.testing.auth import TestIdentity
from eschool.common.testing.events import Deliver, deliverer
from eschool.common.testing.service import As, api_client, headers_as, running
from eschool.journal.app import service
from eschool.journal.settings import JournalSettings

from .journal_world import World, build_world


@pytest_asyncio.fixture
async def journal(db_url: str) -> AsyncIterator[ServiceRuntime]:
    """The service on a fresh database; events stay in its outbox (no relay) for the tests to read."""
    async with running(service, JournalSettings(database_url=db_url, bus_url="memory://")) as runtime:
        yield runtime


@pytest.fixture
def deliver(journal: ServiceRuntime) -> Deliver:
    """Publish other services' events as their relays would; returns once the journal has settled them."""
    return deliverer(journal)


@pytest_asyncio.fixture
async def api(journal: ServiceRuntime, test_identity: TestIdentity) -> AsyncIterator[httpx.AsyncClient]:
    """The API as the gateway reaches it (paths without the /api/journal prefix)."""
    async with api_client(journal, test_identity) as client:
        yield client


@pytest.fixture
def as_(test_identity: TestIdentity) -> As:
    """Authorization headers of someone holding ``role`` in ``org_unit_id``: ``as_(Role.ministry, R)``."""
    return headers_as(test_identity)


@pytest_asyncio.fixture
async def world(deliver: Deliver) -> World:
    """A school with a fifth and a first grade, their pupils, teachers, a guardian, terms and lessons."""
    return await build_world(deliver)
