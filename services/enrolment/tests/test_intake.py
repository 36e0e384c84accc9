"""The portals' intake: one application per portal number however often it is sent, every broken field
named at once, the receipt time to the microsecond, duplicates for the same child found, only a machine
client with the intake scope let in, and no personal data in the event."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime

import httpx
from sqlalchemy import delete, func, select

from eschool.common.auth import Role
from eschool.common.db.base import as_utc
from eschool.common.service import ServiceRuntime
from eschool.common.testing.auth import TestIdentity
from eschool.common.testing.service import As
from eschool.enrolment.db.models import Application, IdempotentRequest, StatusChange

from .conftest import INTAKE, World, application, next_school_year, published

SUBMITTED = "enrolment.application.submitted.v1"


async def count(runtime: ServiceRuntime, model: type) -> int:
    async with runtime.database.uow() as uow:
        return int((await uow.session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_the_same_portal_number_five_times_makes_one_application_and_one_answer(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, enrolment: ServiceRuntime
) -> None:
    body = application(world.school_a, "EPGU-000123")
    answers = [await api.post(INTAKE, json=body, headers=portal) for _ in range(3)]
    answers += await asyncio.gather(*(api.post(INTAKE, json=body, headers=portal) for _ in range(2)))
    assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
    assert all(a.json() == answers[0].json() for a in answers)
    receipt = answers[0].json()
    assert receipt["status"] == "documents_check"
    assert receipt["status_title"] == "Подтверждение документов"
    assert receipt["portal_number"] == "EPGU-000123"
    assert await count(enrolment, Application) == 1
    assert await count(enrolment, StatusChange) == 1
    assert len(await published(enrolment, SUBMITTED)) == 1


async def test_without_its_remembered_answer_a_resent_application_is_still_the_same_one(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, enrolment: ServiceRuntime
) -> None:
    body = application(world.school_a, "EPGU-42")
    first = await api.post(INTAKE, json=body, headers=portal)
    async with enrolment.database.uow() as uow:
        await uow.session.execute(delete(IdempotentRequest))
        await uow.commit()
    again = await api.post(INTAKE, json=body, headers=portal)
    assert again.status_code == 201, again.text
    assert again.json()["application_id"] == first.json()["application_id"]
    assert await count(enrolment, Application) == 1
    assert len(await published(enrolment, SUBMITTED)) == 1


async def test_a_portal_number_sent_again_with_other_content_is_a_conflict_naming_it(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, enrolment: ServiceRuntime
) -> None:
    first = await api.post(INTAKE, json=application(world.school_a, "EPGU-7"), headers=portal)
    assert first.status_code == 201, first.text
    other = application(world.school_a, "EPGU-7", child={"first_name": "Вера"})
    again = await api.post(INTAKE, json=other, headers=portal)
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "portal_number_reused"
    assert [e["field"] for e in again.json()["errors"]] == ["body.portal_number"]
    # The regional portal numbers its applications on its own: the same number there is another one.
    regional = await api.post(
        INTAKE, json=application(world.school_a, "EPGU-7", source="regional_portal"), headers=portal
    )
    assert regional.status_code == 201, regional.text
    assert regional.json()["application_id"] != first.json()["application_id"]
    assert await count(enrolment, Application) == 2


async def test_every_broken_rule_is_named_at_once_and_nothing_is_written(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, enrolment: ServiceRuntime
) -> None:
    body = application(
        uuid.uuid4(),
        grade=2,
        child={"snils": "112-233-445 00"},
        applicant={"email": None, "phone": None},
        benefit="first_priority",
        documents=["birth_certificate", "birth_certificate"],
    )
    refused = await api.post(INTAKE, json=body, headers=portal)
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert refused.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"]: e["code"] for e in problem["errors"]}
    assert fields == {
        "body.school_id": "school_not_found",
        "body.grade": "grade_mismatch",
        "body.child.snils": "invalid_snils",
        "body.applicant.phone": "contact_missing",
        "body.documents": "benefit_proof_missing",
    } or fields == {
        "body.school_id": "school_not_found",
        "body.grade": "grade_mismatch",
        "body.child.snils": "invalid_snils",
        "body.applicant.phone": "contact_missing",
        "body.documents": "documents_repeated",
    }
    assert len(problem["errors"]) == 6
    assert all(e["detail"] for e in problem["errors"])
    assert await count(enrolment, Application) == 0
    assert await published(enrolment) == []


async def test_shapes_the_portal_gets_wrong_are_named_too(
    api: httpx.AsyncClient, portal: dict[str, str], world: World
) -> None:
    body = application(world.school_a)
    del body["child"]["birth_date"]
    body["applicant"]["phone"] = "8 (900) 12"
    body["kind"] = "second_grade"
    refused = await api.post(INTAKE, json=body, headers=portal)
    assert refused.status_code == 422, refused.text
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {"body.child.birth_date", "body.applicant.phone", "body.kind"} <= fields


async def test_names_contingent_could_not_enrol_under_are_refused_at_intake(
    api: httpx.AsyncClient, portal: dict[str, str], world: World
) -> None:
    body = application(world.school_a, child={"last_name": "Смирнова2"}, applicant={"first_name": "Ольга!"})
    refused = await api.post(INTAKE, json=body, headers=portal)
    assert refused.status_code == 422, refused.text
    errors = {e["field"]: e["detail"] for e in refused.json()["errors"]}
    assert errors == {
        "body.child.last_name": "Допускаются буквы, пробел, дефис и апостроф",
        "body.applicant.first_name": "Допускаются буквы, пробел, дефис и апостроф",
    }
    fine = application(world.school_a, child={"last_name": "Салтыкова-Щедрина", "first_name": "Д’Арья  Мари"})
    accepted = await api.post(INTAKE, json=fine, headers=portal)
    assert accepted.status_code == 201, accepted.text


async def test_a_closed_school_a_past_year_and_an_unborn_child_are_refused(
    api: httpx.AsyncClient, portal: dict[str, str], world: World
) -> None:
    year = next_school_year()
    closed = await api.post(INTAKE, json=application(world.closed_school), headers=portal)
    assert closed.status_code == 422
    assert closed.json()["errors"][0]["field"] == "body.school_id"
    past = await api.post(INTAKE, json=application(world.school_a, school_year=year - 3), headers=portal)
    assert past.status_code == 422
    assert past.json()["errors"][0]["field"] == "body.school_year"
    unborn = application(world.school_a, child={"birth_date": f"{year + 1}-01-01"})
    refused = await api.post(INTAKE, json=unborn, headers=portal)
    assert refused.status_code == 422
    assert refused.json()["errors"][0] == {
        "field": "body.child.birth_date",
        "code": "birth_date_in_future",
        "detail": "Дата рождения должна быть в прошлом",
    }


async def test_receipt_time_to_the_microsecond_ranks_a_priority_group_and_flags_age(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As, enrolment: ServiceRuntime
) -> None:
    year = next_school_year()
    plain = await api.post(INTAKE, json=application(world.school_a), headers=portal)
    benefit = application(
        world.school_a,
        benefit="first_priority",
        child={"first_name": "Борис", "sex": "male"},
        documents=["birth_certificate", "benefit_proof"],
    )
    ranked = await api.post(INTAKE, json=benefit, headers=portal)
    young = application(world.school_a, child={"first_name": "Дарья", "birth_date": f"{year - 6}-06-01"})
    early = await api.post(INTAKE, json=young, headers=portal)
    outside = application(world.school_a, in_territory=False, child={"first_name": "Глеб", "sex": "male"})
    far = await api.post(INTAKE, json=outside, headers=portal)
    for answer in (plain, ranked, early, far):
        assert answer.status_code == 201, answer.text
    # The receipt time is kept to the microsecond: what the database holds is what the portal was told.
    async with enrolment.database.uow() as uow:
        stored = await uow.session.get(Application, uuid.UUID(plain.json()["application_id"]))
        assert stored is not None
    assert as_utc(stored.received_at) == datetime.fromisoformat(plain.json()["received_at"])
    assert [
        plain.json()["priority_group"],
        ranked.json()["priority_group"],
        far.json()["priority_group"],
    ] == [
        4,
        2,
        5,
    ]
    admin = as_(Role.school_admin, world.school_a)
    listed = await api.get(f"/v1/schools/{world.school_a}/applications", headers=admin)
    assert listed.status_code == 200, listed.text
    names = [a["child"]["first_name"] for a in listed.json()]
    assert names == ["Борис", "Алиса", "Дарья", "Глеб"]
    flags = {a["child"]["first_name"]: a["age_out_of_range"] for a in listed.json()}
    assert flags == {"Борис": False, "Алиса": False, "Дарья": True, "Глеб": False}


async def test_a_second_application_for_the_same_child_names_the_first(
    api: httpx.AsyncClient, portal: dict[str, str], world: World
) -> None:
    first = await api.post(INTAKE, json=application(world.school_a), headers=portal)
    again = await api.post(
        INTAKE, json=application(world.school_a, child={"last_name": "СМИРНОВА"}), headers=portal
    )
    elsewhere = await api.post(INTAKE, json=application(world.school_b), headers=portal)
    assert first.json()["duplicate_of"] is None
    assert again.json()["duplicate_of"] == first.json()["application_id"]
    assert elsewhere.json()["duplicate_of"] is None


async def test_only_a_machine_client_with_the_intake_scope_submits(
    api: httpx.AsyncClient, world: World, test_identity: TestIdentity, as_: As, enrolment: ServiceRuntime
) -> None:
    body = application(world.school_a)
    partner = test_identity.headers(test_identity.token(client_id="meals", scopes=["enrolment.feed"]))
    refused = await api.post(INTAKE, json=body, headers=partner)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "insufficient_scope"
    person = await api.post(INTAKE, json=body, headers=as_(Role.school_admin, world.school_a))
    assert person.status_code == 403
    anonymous = await api.post(INTAKE, json=body)
    assert anonymous.status_code == 401
    assert await count(enrolment, Application) == 0


async def test_the_event_carries_ids_and_statuses_and_no_personal_data(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, enrolment: ServiceRuntime
) -> None:
    body = application(
        world.school_a, child={"snils": "112-233-445 95"}, applicant={"snils": "087-654-321 02"}
    )
    answer = await api.post(INTAKE, json=body, headers=portal)
    assert answer.status_code == 201, answer.text
    (event,) = await published(enrolment, SUBMITTED)
    data = event["data"]
    assert data["application_id"] == answer.json()["application_id"]
    assert data["status"] == "documents_check"
    assert data["source"] == "state_portal"
    text = str(event)
    for personal in ("Смирнова", "Алиса", "olga", "79001234567", "11223344595", "Владимир", "birth"):
        assert personal not in text
