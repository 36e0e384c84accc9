"""The school handles its applications: the steps of the workflow, each recorded (who, when, why) and
announced; illegal steps refused; the application seen only by its school's administration."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import update

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.service import As
from eschool.enrolment.db.models import Application

from .conftest import INTAKE, World, application, published

CHANGED = "enrolment.application.status_changed.v1"
OUTCOMES = ("enrolled", "rejected", "withdrawn")
STEP_EVENTS = {CHANGED, *(f"enrolment.application.{outcome}.v1" for outcome in OUTCOMES)}


async def announced_steps(enrolment: ServiceRuntime) -> int:
    """The steps announced (a status change, or an outcome's own event)."""
    return sum(e["type"] in STEP_EVENTS for e in await published(enrolment))


async def submitted(api: httpx.AsyncClient, portal: dict[str, str], school: uuid.UUID, **fields: Any) -> str:
    answer = await api.post(INTAKE, json=application(school, **fields), headers=portal)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["application_id"])


async def test_registered_then_rejected_with_a_reason_each_step_recorded_and_announced(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As, enrolment: ServiceRuntime
) -> None:
    application_id = await submitted(api, portal, world.school_a)
    secretary = as_(Role.secretary, world.school_a)
    registered = await api.post(
        f"/v1/applications/{application_id}/status",
        json={"status": "registered", "version": 1},
        headers=secretary,
    )
    assert registered.status_code == 200, registered.text
    assert registered.json()["status"] == "registered"
    assert registered.json()["status_title"] == "Зарегистрировано"
    assert registered.json()["version"] == 2
    director = as_(Role.director, world.school_a)
    rejected = await api.post(
        f"/v1/applications/{application_id}/status",
        json={"status": "rejected", "reason_code": "no_free_places", "comment": "Мест в 1-х классах нет"},
        headers=director,
    )
    assert rejected.status_code == 200, rejected.text
    steps = await api.get(f"/v1/applications/{application_id}/history", headers=secretary)
    assert steps.status_code == 200
    assert [(s["from_status"], s["to_status"], s["reason_code"]) for s in steps.json()] == [
        (None, "documents_check", None),
        ("documents_check", "registered", None),
        ("registered", "rejected", "no_free_places"),
    ]
    assert steps.json()[0]["by_client_id"] == "gosuslugi"
    assert steps.json()[2]["by_user_id"] is not None
    assert steps.json()[2]["comment"] == "Мест в 1-х классах нет"
    changed = [e["data"] for e in await published(enrolment, CHANGED)]
    assert [(e["from_status"], e["to_status"], e["version"]) for e in changed] == [
        ("documents_check", "registered", 2)
    ]
    # The outcome has its own event, so a partner binds to exactly what it follows.
    (outcome,) = [e["data"] for e in await published(enrolment, "enrolment.application.rejected.v1")]
    assert (outcome["from_status"], outcome["reason_code"], outcome["version"]) == (
        "registered",
        "no_free_places",
        3,
    )
    assert "comment" not in outcome  # a comment may name the family: it stays in the school


async def test_illegal_steps_missing_reasons_and_stale_versions_are_refused_without_a_write(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As, enrolment: ServiceRuntime
) -> None:
    application_id = await submitted(api, portal, world.school_a)
    admin = as_(Role.school_admin, world.school_a)
    url = f"/v1/applications/{application_id}/status"
    no_reason = await api.post(url, json={"status": "rejected"}, headers=admin)
    assert no_reason.status_code == 422, no_reason.text
    assert no_reason.json()["errors"][0]["field"] == "body.reason_code"
    other = await api.post(url, json={"status": "rejected", "reason_code": "other"}, headers=admin)
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "body.comment"
    stale = await api.post(url, json={"status": "registered", "version": 5}, headers=admin)
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    enrolling = await api.post(url, json={"status": "enrolled"}, headers=admin)
    assert enrolling.status_code == 422
    assert enrolling.json()["errors"][0]["field"] == "body.status"
    withdrawn = await api.post(
        url, json={"status": "withdrawn", "reason_code": "applicant_request"}, headers=admin
    )
    assert withdrawn.status_code == 200, withdrawn.text
    again = await api.post(url, json={"status": "registered"}, headers=admin)
    assert again.status_code == 409
    assert again.json()["code"] == "illegal_status_change"
    assert "больше не меняется" in again.json()["detail"]
    assert await announced_steps(enrolment) == 1


async def test_two_steps_at_once_take_turns(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As, enrolment: ServiceRuntime
) -> None:
    application_id = await submitted(api, portal, world.school_a)
    admin = as_(Role.school_admin, world.school_a)
    url = f"/v1/applications/{application_id}/status"
    answers = await asyncio.gather(
        api.post(url, json={"status": "registered", "version": 1}, headers=admin),
        api.post(url, json={"status": "rejected", "reason_code": "duplicate", "version": 1}, headers=admin),
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    steps = await api.get(f"/v1/applications/{application_id}/history", headers=admin)
    assert len(steps.json()) == 2
    assert await announced_steps(enrolment) == 1


async def test_only_the_schools_administration_sees_and_moves_its_applications(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As
) -> None:
    application_id = await submitted(api, portal, world.school_a)
    url = f"/v1/applications/{application_id}"
    missing = await api.get(
        f"/v1/applications/{uuid.uuid4()}", headers=as_(Role.school_admin, world.school_a)
    )
    assert missing.status_code == 404
    for outsider in (
        as_(Role.school_admin, world.school_b),
        as_(Role.subject_teacher, world.school_a),
        as_(Role.guardian, world.school_a),
    ):
        seen = await api.get(url, headers=outsider)
        assert seen.status_code == 404, seen.text
        assert seen.json() == {
            **missing.json(),
            "instance": seen.json()["instance"],
            "request_id": seen.json()["request_id"],
        }
        moved = await api.post(f"{url}/status", json={"status": "registered"}, headers=outsider)
        assert moved.status_code == 404
        listed = await api.get(f"/v1/schools/{world.school_a}/applications", headers=outsider)
        assert listed.status_code == 404
    machine = await api.get(url, headers=portal)
    assert machine.status_code == 404
    own = await api.get(url, headers=as_(Role.deputy_director, world.school_a))
    assert own.status_code == 200
    assert own.json()["child"]["snils_declared"] is False
    assert own.json()["applicant"]["email"] == "olga.smirnova@example.ru"


async def test_the_ranked_list_filters_by_status(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As
) -> None:
    first = await submitted(api, portal, world.school_a)
    await submitted(api, portal, world.school_a, child={"first_name": "Вера"})
    admin = as_(Role.school_admin, world.school_a)
    await api.post(f"/v1/applications/{first}/status", json={"status": "registered"}, headers=admin)
    url = f"/v1/schools/{world.school_a}/applications"
    registered = await api.get(url, params={"status": "registered"}, headers=admin)
    assert [a["application_id"] for a in registered.json()] == [first]
    checking = await api.get(url, params={"status": "documents_check"}, headers=admin)
    assert [a["child"]["first_name"] for a in checking.json()] == ["Вера"]
    bad = await api.get(url, params={"status": "lost"}, headers=admin)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.status"


async def test_the_school_enters_a_paper_application_once_per_key_as_new(
    api: httpx.AsyncClient, world: World, as_: As, enrolment: ServiceRuntime
) -> None:
    body = application(world.school_a)
    for portal_field in ("portal_number", "source", "school_id"):
        del body[portal_field]
    secretary = as_(Role.secretary, world.school_a)
    url = f"/v1/schools/{world.school_a}/applications"
    key = {**secretary, "Idempotency-Key": "paper-2027-001"}
    first = await api.post(url, json=body, headers=key)
    again = await api.post(url, json=body, headers=key)
    assert first.status_code == 201, first.text
    assert again.status_code == 201
    assert again.json() == first.json()
    entered = first.json()
    assert entered["status"] == "new"
    assert entered["source"] == "school"
    assert entered["portal_number"] is None
    assert entered["school_id"] == str(world.school_a)
    assert len(await published(enrolment, "enrolment.application.submitted.v1")) == 1
    registered = await api.post(
        f"/v1/applications/{entered['application_id']}/status",
        json={"status": "registered"},
        headers=secretary,
    )
    assert registered.status_code == 200, registered.text
    for outsider in (as_(Role.school_admin, world.school_b), as_(Role.class_teacher, world.school_a)):
        refused = await api.post(url, json=body, headers=outsider)
        assert refused.status_code == 404, refused.text
    bad = await api.post(
        url, json={**body, "child": {**body["child"], "birth_date": "2999-01-01"}}, headers=secretary
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.child.birth_date"
    closed = await api.post(
        f"/v1/schools/{world.closed_school}/applications",
        json=body,
        headers=as_(Role.director, world.closed_school),
    )
    assert closed.status_code == 422
    assert closed.json()["errors"][0]["code"] == "school_not_found"


async def test_the_municipality_and_the_ministry_read_the_applications_and_change_nothing(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As
) -> None:
    application_id = await submitted(api, portal, world.school_a)
    readers = (as_(Role.municipality, world.rayon), as_(Role.ministry, world.region))
    for reader in readers:
        one = await api.get(f"/v1/applications/{application_id}", headers=reader)
        assert one.status_code == 200, one.text
        ranked = await api.get(f"/v1/schools/{world.school_a}/applications", headers=reader)
        assert [a["application_id"] for a in ranked.json()] == [application_id]
        steps = await api.get(f"/v1/applications/{application_id}/history", headers=reader)
        assert steps.status_code == 200
        moved = await api.post(
            f"/v1/applications/{application_id}/status", json={"status": "registered"}, headers=reader
        )
        assert moved.status_code == 404
    elsewhere = as_(Role.municipality, uuid.uuid4())
    assert (await api.get(f"/v1/applications/{application_id}", headers=elsewhere)).status_code == 404
    assert (await api.get(f"/v1/schools/{world.school_a}/applications", headers=elsewhere)).status_code == 404


async def test_open_applications_of_past_school_years_are_listed_for_the_school_to_close(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As, enrolment: ServiceRuntime
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    old_open, old_closed, current = [await submitted(api, portal, world.school_a) for _ in range(3)]
    step = {"status": "rejected", "reason_code": "duplicate"}
    assert (
        await api.post(f"/v1/applications/{old_closed}/status", json=step, headers=admin)
    ).status_code == 200
    async with enrolment.database.uow() as uow:  # two of them are of a past school year
        await uow.session.execute(
            update(Application)
            .where(Application.application_id.in_([uuid.UUID(old_open), uuid.UUID(old_closed)]))
            .values(school_year=Application.school_year - 2)
        )
        await uow.commit()
    url = f"/v1/schools/{world.school_a}/applications/leftovers"
    found = await api.get(url, headers=admin)
    assert found.status_code == 200, found.text
    assert [a["application_id"] for a in found.json()] == [old_open]
    assert current not in found.text
    assert (await api.get(url, headers=as_(Role.municipality, world.rayon))).status_code == 200
    assert (await api.get(url, headers=as_(Role.school_admin, world.school_b))).status_code == 404
