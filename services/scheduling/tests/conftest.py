"""Scheduling under test: migrated on a real database, its API in-process, tokens from a test identity,
contingent's facts delivered as its relay would publish them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from eschool.common.db import utcnow
from eschool.common.events.contingent import AcademicYearSetUpV1, OrgUnitRegisteredV1
from eschool.common.service import ServiceRuntime
from eschool.common.testing.auth import TestIdentity
from eschool.common.testing.events import Deliver, deliverer
from eschool.common.testing.service import As, api_client, headers_as, running
from eschool.scheduling.app import service
from eschool.scheduling.settings import SchedulingSettings


@pytest_asyncio.fixture
async def scheduling(db_url: str) -> AsyncIterator[ServiceRuntime]:
    """The service on a fresh database; events stay in its outbox (no relay) for the tests to read."""
    async with running(service, SchedulingSettings(database_url=db_url, bus_url="memory://")) as runtime:
        yield runtime


@pytest.fixture
def deliver(scheduling: ServiceRuntime) -> Deliver:
    """Publish other services' events as their relays would; returns once scheduling has settled them."""
    return deliverer(scheduling)


@pytest_asyncio.fixture
async def api(scheduling: ServiceRuntime, test_identity: TestIdentity) -> AsyncIterator[httpx.AsyncClient]:
    """The API as the gateway reaches it (paths without the /api/scheduling prefix)."""
    async with api_client(scheduling, test_identity) as client:
        yield client


@pytest.fixture
def as_(test_identity: TestIdentity) -> As:
    """Authorization headers of someone holding ``role`` in ``org_unit_id``: ``as_(Role.ministry, R)``."""
    return headers_as(test_identity)


@dataclass(frozen=True)
class World:
    """Contingent's facts as scheduling learnt them: a region, two municipalities, a school under each,
    and each school's 2025/2026 year (1 Sep 2025 – 31 Aug 2026)."""

    region: uuid.UUID
    rayon_a: uuid.UUID
    rayon_b: uuid.UUID
    school_a: uuid.UUID
    school_b: uuid.UUID
    year_a: uuid.UUID
    year_b: uuid.UUID

    @property
    def year_start(self) -> date:
        return date(2025, 9, 1)

    @property
    def year_end(self) -> date:
        return date(2026, 8, 31)


def unit_registered(
    unit: uuid.UUID, kind: str, parent: uuid.UUID | None, **extra: Any
) -> OrgUnitRegisteredV1:
    """Contingent's registration of an org unit."""
    return OrgUnitRegisteredV1(
        org_unit_id=unit,
        kind=kind,
        parent_id=parent,
        time_zone="Europe/Moscow",
        occurred_at=utcnow(),
        **extra,
    )


def year_set_up(
    year: uuid.UUID, school: uuid.UUID, *, ends_on: date = date(2026, 8, 31), at: Any = None
) -> AcademicYearSetUpV1:
    """Contingent's academic year 2025/2026 of ``school``."""
    return AcademicYearSetUpV1(
        academic_year_id=year,
        school_id=school,
        name="2025/2026",
        starts_on=date(2025, 9, 1),
        ends_on=ends_on,
        occurred_at=at or utcnow(),
    )


@pytest_asyncio.fixture
async def world(deliver: Deliver) -> World:
    """A fresh org tree and years, delivered as contingent's events."""
    w = World(*(uuid.uuid4() for _ in range(7)))
    await deliver(
        unit_registered(w.region, "region", None),
        unit_registered(w.rayon_a, "municipality", w.region),
        unit_registered(w.rayon_b, "municipality", w.region),
        unit_registered(w.school_a, "school", w.rayon_a),
        unit_registered(w.school_b, "school", w.rayon_b),
        year_set_up(w.year_a, w.school_a),
        year_set_up(w.year_b, w.school_b),
    )
    return w


async def new_scheme(
    api: httpx.AsyncClient, headers: dict[str, str], school: uuid.UUID, year: uuid.UUID, **body: Any
) -> dict[str, Any]:
    """A scheme created through the API (quarters unless said); asserts the 201."""
    payload = {"academic_year_id": str(year), "name": "Четверти, 1–4 классы", "kind": "quarters", **body}
    response = await api.post(f"/v1/schools/{school}/term-schemes", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def shifted(
    terms: list[dict[str, Any]], index: int, days: int, field: str = "starts_on"
) -> list[dict[str, Any]]:
    """The terms as a PUT body, with one date moved by ``days``."""
    body = [{k: t[k] for k in ("name", "starts_on", "ends_on")} for t in terms]
    moved = date.fromisoformat(body[index][field]) + timedelta(days=days)
    body[index][field] = moved.isoformat()
    return body
