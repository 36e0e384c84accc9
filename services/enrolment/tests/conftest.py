"""Enrolment under test: migrated on a real database, its API in-process, tokens from a test identity
(people and the portals' machine clients), contingent's schools delivered as its relay would publish them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
import pytest_asyncio

from eschool.common.db import utcnow
from eschool.common.events.contingent import (
    AcademicYearSetUpV1,
    ClassSavedV1,
    OrgUnitChangedV1,
    OrgUnitRegisteredV1,
)
from eschool.common.service import ServiceRuntime
from eschool.common.testing.auth import TestIdentity
from eschool.common.testing.events import Deliver, deliverer
from eschool.common.testing.service import As, api_client, headers_as, running
from eschool.common.testing.service import published as outbox_envelopes
from eschool.enrolment.app import service
from eschool.enrolment.services.feed import sequence_feed
from eschool.enrolment.services.intake import INTAKE_SCOPE
from eschool.enrolment.settings import EnrolmentSettings

INTAKE = "/v1/intake/applications"


@pytest_asyncio.fixture
async def enrolment(db_url: str) -> AsyncIterator[ServiceRuntime]:
    """The service on a fresh database; events stay in its outbox (no relay) for the tests to read."""
    async with running(service, EnrolmentSettings(database_url=db_url, bus_url="memory://")) as runtime:
        yield runtime


@pytest.fixture
def deliver(enrolment: ServiceRuntime) -> Deliver:
    return deliverer(enrolment)


@pytest_asyncio.fixture
async def api(enrolment: ServiceRuntime, test_identity: TestIdentity) -> AsyncIterator[httpx.AsyncClient]:
    """The API as the gateway reaches it (paths without the /api/enrolment prefix)."""
    async with api_client(enrolment, test_identity) as client:
        yield client


@pytest.fixture
def as_(test_identity: TestIdentity) -> As:
    return headers_as(test_identity)


@pytest.fixture
def portal(test_identity: TestIdentity) -> dict[str, str]:
    """The state portal: a machine client with the intake scope."""
    return test_identity.headers(test_identity.token(client_id="gosuslugi", scopes=[INTAKE_SCOPE]))


@dataclass(frozen=True)
class World:
    """Contingent's org tree as enrolment learnt it: a region, a municipality, two open schools and a
    closed one."""

    region: uuid.UUID
    rayon: uuid.UUID
    school_a: uuid.UUID
    school_b: uuid.UUID
    closed_school: uuid.UUID


def unit_registered(unit: uuid.UUID, kind: str, parent: uuid.UUID | None) -> OrgUnitRegisteredV1:
    return OrgUnitRegisteredV1(
        org_unit_id=unit,
        kind=kind,
        parent_id=parent,
        short_name=f"Организация {unit.hex[:6]}",
        time_zone="Europe/Moscow",
        occurred_at=utcnow(),
    )


@pytest_asyncio.fixture
async def world(deliver: Deliver) -> World:
    w = World(*(uuid.uuid4() for _ in range(5)))
    await deliver(
        unit_registered(w.region, "region", None),
        unit_registered(w.rayon, "municipality", w.region),
        unit_registered(w.school_a, "school", w.rayon),
        unit_registered(w.school_b, "school", w.rayon),
        unit_registered(w.closed_school, "school", w.rayon),
    )
    await deliver(
        OrgUnitChangedV1(
            org_unit_id=w.closed_school,
            kind="school",
            short_name="Закрытая школа",
            time_zone="Europe/Moscow",
            closed=True,
            occurred_at=utcnow(),
        )
    )
    return w


def next_school_year() -> int:
    """The school year a first-grade campaign enrols for: the one starting next September."""
    today = date.today()
    return today.year + 1 if today.month >= 9 else today.year


def application(school: uuid.UUID, number: str | None = None, **fields: Any) -> dict[str, Any]:
    """A first-grade application as the state portal sends it (a child of 7 next September)."""
    year = next_school_year()
    body: dict[str, Any] = {
        "portal_number": number or f"EPGU-{uuid.uuid4().hex[:12]}",
        "source": "state_portal",
        "kind": "first_grade",
        "school_id": str(school),
        "grade": 1,
        "school_year": year,
        "child": {
            "last_name": "Смирнова",
            "first_name": "Алиса",
            "middle_name": "Игоревна",
            "birth_date": f"{year - 7}-03-14",
            "sex": "female",
            "citizenship": "RU",
        },
        "applicant": {
            "kind": "mother",
            "last_name": "Смирнова",
            "first_name": "Ольга",
            "middle_name": "Петровна",
            "email": "olga.smirnova@example.ru",
            "phone": "+79001234567",
        },
        "address": "г. Владимир, ул. Большая Московская, д. 1, кв. 5",
        "in_territory": True,
        "documents": ["birth_certificate", "applicant_identity", "registration_certificate"],
    }
    for key, value in fields.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    return body


@dataclass(frozen=True)
class Classes:
    year: uuid.UUID
    small: uuid.UUID  # 1 А, two seats
    large: uuid.UUID  # 1 Б, twenty-five
    second: uuid.UUID  # 2 А


def class_saved(
    w: World, year: uuid.UUID, class_id: uuid.UUID, grade: int, letter: str, size: int
) -> ClassSavedV1:
    return ClassSavedV1(
        class_id=class_id,
        school_id=w.school_a,
        academic_year_id=year,
        grade=grade,
        letter=letter,
        kind="general",
        profile=None,
        shift=1,
        term_scheme_id=None,
        max_size=size,
        class_teacher_person_id=None,
        occurred_at=utcnow(),
    )


@pytest_asyncio.fixture
async def classes(world: World, deliver: Deliver) -> Classes:
    start = next_school_year()
    c = Classes(*(uuid.uuid4() for _ in range(4)))
    await deliver(
        AcademicYearSetUpV1(
            academic_year_id=c.year,
            school_id=world.school_a,
            name=f"{start}/{start + 1}",
            starts_on=date(start, 9, 1),
            ends_on=date(start + 1, 8, 31),
            occurred_at=utcnow(),
        ),
        class_saved(world, c.year, c.small, 1, "А", 2),
        class_saved(world, c.year, c.large, 1, "Б", 25),
        class_saved(world, c.year, c.second, 2, "А", 25),
    )
    return c


async def published(runtime: ServiceRuntime, event_type: str | None = None) -> list[dict[str, Any]]:
    """The envelopes enrolment published (its outbox), oldest first, once the partner events waiting for
    their feed positions have them: the sequencer queues those in the outbox in the feed's order."""
    await sequence_feed(runtime.database)
    return await outbox_envelopes(runtime, event_type)
