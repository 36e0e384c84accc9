"""The applicant's view: a guardian sees only the applications they submitted (recognised by the SNILS
they declared, against contingent's hash of theirs), and withdraws an open one; anyone else is refused."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import pytest_asyncio

from eschool.common.auth import Role
from eschool.common.db import utcnow
from eschool.common.events.contingent import FullName, GuardianLinkedV1, PersonChangedV1
from eschool.common.snils import DEV_SNILS_HMAC_KEY, snils_hash
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As

from .conftest import INTAKE, World, application

MOTHER_SNILS, OTHER_SNILS = "087-654-321 02", "112-233-445 95"


def hashed(snils: str) -> str:
    return snils_hash(snils, DEV_SNILS_HMAC_KEY.get_secret_value().encode())


@dataclass(frozen=True)
class People:
    mother: uuid.UUID
    other: uuid.UUID


def linked(guardian: uuid.UUID, school: uuid.UUID, snils: str | None) -> GuardianLinkedV1:
    return GuardianLinkedV1(
        guardian_person_id=guardian,
        pupil_person_id=uuid.uuid4(),
        school_id=school,
        kind="mother",
        snils_hash=hashed(snils) if snils else None,
        occurred_at=utcnow(),
    )


@pytest_asyncio.fixture
async def people(world: World, deliver: Deliver) -> People:
    p = People(uuid.uuid4(), uuid.uuid4())
    await deliver(
        linked(p.mother, world.school_b, MOTHER_SNILS), linked(p.other, world.school_b, OTHER_SNILS)
    )
    return p


async def submit(api: httpx.AsyncClient, portal: dict[str, str], school: uuid.UUID, snils: str | None) -> str:
    body = application(school, applicant={"snils": snils} if snils else {})
    answer = await api.post(INTAKE, json=body, headers=portal)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["application_id"])


async def test_a_guardian_sees_only_their_own_applications(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As, people: People
) -> None:
    first = await submit(api, portal, world.school_a, MOTHER_SNILS)
    second = await submit(api, portal, world.school_b, MOTHER_SNILS)
    others = await submit(api, portal, world.school_a, OTHER_SNILS)
    undeclared = await submit(api, portal, world.school_a, None)
    mother = as_(Role.guardian, world.school_b, person_id=people.mother)
    other = as_(Role.guardian, world.school_b, person_id=people.other)
    mine = await api.get("/v1/my/applications", headers=mother)
    assert mine.status_code == 200
    assert [a["application_id"] for a in mine.json()] == [second, first]  # the newest first
    assert [a["application_id"] for a in (await api.get("/v1/my/applications", headers=other)).json()] == [
        others
    ]
    assert (await api.get(f"/v1/applications/{first}", headers=mother)).json()["status"] == "documents_check"
    assert (await api.get(f"/v1/applications/{first}/history", headers=mother)).status_code == 200
    for refused in (first, undeclared):
        assert (await api.get(f"/v1/applications/{refused}", headers=other)).status_code == 404
        assert (await api.get(f"/v1/applications/{refused}/history", headers=other)).status_code == 404
    stranger = as_(Role.guardian, world.school_a, person_id=uuid.uuid4())
    assert (await api.get("/v1/my/applications", headers=stranger)).json() == []
    assert (await api.get("/v1/my/applications", headers=portal)).json() == []
    assert (await api.get("/v1/my/applications")).status_code == 401


async def test_the_applicant_withdraws_an_open_application_and_no_one_else_can(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As, people: People
) -> None:
    application_id = await submit(api, portal, world.school_a, MOTHER_SNILS)
    url = f"/v1/applications/{application_id}/withdrawal"
    other = as_(Role.guardian, world.school_b, person_id=people.other)
    admin = as_(Role.school_admin, world.school_a)
    for refused in (other, admin, portal):
        assert (await api.post(url, json={}, headers=refused)).status_code == 404
    mother = as_(Role.guardian, world.school_b, person_id=people.mother)
    stale = await api.post(url, json={"version": 7}, headers=mother)
    assert stale.status_code == 409
    done = await api.post(url, json={"comment": "Выбрали другую школу", "version": 1}, headers=mother)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "withdrawn"
    last = (await api.get(f"/v1/applications/{application_id}/history", headers=admin)).json()[-1]
    assert [last[k] for k in ("to_status", "reason_code", "comment")] == [
        "withdrawn",
        "applicant_request",
        "Выбрали другую школу",
    ]
    again = await api.post(url, json={}, headers=mother)
    assert (again.status_code, again.json()["code"]) == (409, "illegal_status_change")


async def test_a_corrected_snils_moves_the_applications_to_the_person_who_holds_it(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As, people: People, deliver: Deliver
) -> None:
    application_id = await submit(api, portal, world.school_a, MOTHER_SNILS)
    # The school corrects a typo: the SNILS was the other person's all along.
    await deliver(
        PersonChangedV1(
            person_id=people.other,
            name=FullName(last_name="Смирнова", first_name="Ольга"),
            snils_hash=hashed(MOTHER_SNILS),
            occurred_at=utcnow(),
        )
    )
    mother = as_(Role.guardian, world.school_b, person_id=people.mother)
    other = as_(Role.guardian, world.school_b, person_id=people.other)
    assert (await api.get("/v1/my/applications", headers=mother)).json() == []
    assert [a["application_id"] for a in (await api.get("/v1/my/applications", headers=other)).json()] == [
        application_id
    ]
