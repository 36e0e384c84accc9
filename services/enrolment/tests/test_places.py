"""Places and the assignment to a class: public counts, set by the school; an assignment never takes a
place there is not (two administrators at once included) nor a seat past the class's size; the saga
to contingent, both its answers."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

import httpx
from sqlalchemy import func, select

from eschool.common.auth import Role
from eschool.common.db import utcnow
from eschool.common.events.contingent import EnrolmentRefusedV1, PupilEnrolledV1
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As
from eschool.enrolment.db.models import Application

from .conftest import INTAKE, Classes, World, application, next_school_year, published

ORDER = {"series": "ОД", "number": "45-у", "date": "2026-06-01"}


async def registered(
    api: httpx.AsyncClient,
    portal: dict[str, str],
    admin: dict[str, str],
    world: World,
    n: int,
    first: int = 0,
) -> list[str]:
    ids = []
    for i in range(first, first + n):
        body = application(world.school_a, child={"first_name": "Ребёнок" + "абвгдежзик"[i]})
        answer = await api.post(INTAKE, json=body, headers=portal)
        assert answer.status_code == 201, answer.text
        application_id = answer.json()["application_id"]
        step = await api.post(
            f"/v1/applications/{application_id}/status", json={"status": "registered"}, headers=admin
        )
        assert step.status_code == 200, step.text
        ids.append(application_id)
    return ids


async def set_places(
    api: httpx.AsyncClient, admin: dict[str, str], world: World, places: int, **body: Any
) -> httpx.Response:
    url = f"/v1/schools/{world.school_a}/places/{next_school_year()}/1"
    return await api.put(url, json={"free_places": places, **body}, headers=admin)


def pupil_enrolled(w: World, c: Classes, class_id: uuid.UUID, application_id: str | None) -> PupilEnrolledV1:
    """Contingent's enrolment of a pupil into the class (carrying out the application, if one is named)."""
    return PupilEnrolledV1(
        person_id=uuid.uuid4(),
        school_id=w.school_a,
        class_id=class_id,
        academic_year_id=c.year,
        enrolled_on=date(next_school_year(), 9, 1),
        application_id=uuid.UUID(application_id) if application_id else None,
        occurred_at=utcnow(),
    )


def assignment(class_id: uuid.UUID, **fields: Any) -> dict[str, Any]:
    return {"class_id": str(class_id), "order": ORDER, **fields}


async def test_places_are_set_by_the_school_and_read_by_anyone(
    api: httpx.AsyncClient, world: World, as_: As, enrolment: ServiceRuntime
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    first = await set_places(api, admin, world, 50)
    assert first.status_code == 200, first.text
    assert first.json() == {"grade": 1, "free_places": 50, "taken": 0, "left": 50, "version": 1}
    stale = await set_places(api, admin, world, 40, version=0)
    assert stale.status_code == 409
    public = await api.get(f"/v1/schools/{world.school_a}/places", params={"school_year": next_school_year()})
    assert public.status_code == 200, public.text
    assert public.json() == [first.json()]
    teacher = await set_places(api, as_(Role.subject_teacher, world.school_a), world, 10)
    assert teacher.status_code == 404
    other = await set_places(api, as_(Role.school_admin, world.school_b), world, 10)
    assert other.status_code == 404
    past = await api.put(
        f"/v1/schools/{world.school_a}/places/{next_school_year() - 5}/1",
        json={"free_places": 3},
        headers=admin,
    )
    assert past.status_code == 422
    (event,) = await published(enrolment, "enrolment.places.changed.v1")
    assert event["data"]["free_places"] == 50


async def test_an_assignment_takes_a_place_and_starts_the_saga(
    api: httpx.AsyncClient,
    portal: dict[str, str],
    world: World,
    as_: As,
    classes: Classes,
    enrolment: ServiceRuntime,
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    (application_id,) = await registered(api, portal, admin, world, 1)
    no_places = await api.post(
        f"/v1/applications/{application_id}/assignment", json=assignment(classes.large), headers=admin
    )
    assert no_places.status_code == 409
    assert no_places.json()["code"] == "places_not_set"
    await set_places(api, admin, world, 10)
    wrong_grade = await api.post(
        f"/v1/applications/{application_id}/assignment", json=assignment(classes.second), headers=admin
    )
    assert wrong_grade.status_code == 422
    assert wrong_grade.json()["errors"][0]["field"] == "body.class_id"
    assigned = await api.post(
        f"/v1/applications/{application_id}/assignment", json=assignment(classes.large), headers=admin
    )
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["status"] == "assigned_to_class"
    assert assigned.json()["class_id"] == str(classes.large)
    (started,) = await published(enrolment, "enrolment.application.assigned_to_class.v1")
    assert started["data"]["class_id"] == str(classes.large)
    assert started["data"]["enrol_on"] == f"{next_school_year()}-09-01"
    assert started["data"]["child"]["first_name"] == "Ребёнока"
    assert started["data"]["order"]["number"] == "45-у"
    public = await api.get(f"/v1/schools/{world.school_a}/places", params={"school_year": next_school_year()})
    assert public.json()[0]["taken"] == 1
    assert public.json()[0]["left"] == 9
    below = await set_places(api, admin, world, 0)
    assert below.status_code == 409
    assert below.json()["errors"][0]["field"] == "body.free_places"
    unassigned = await api.post(
        f"/v1/applications/{application_id}/status", json={"status": "registered"}, headers=admin
    )
    assert unassigned.status_code == 409
    assert unassigned.json()["code"] == "awaiting_enrolment"
    again = await api.post(
        f"/v1/applications/{application_id}/assignment", json=assignment(classes.large), headers=admin
    )
    assert again.status_code == 409
    assert again.json()["code"] == "illegal_status_change"


async def test_two_administrators_at_once_never_overbook_the_grade(
    api: httpx.AsyncClient,
    portal: dict[str, str],
    world: World,
    as_: As,
    classes: Classes,
    enrolment: ServiceRuntime,
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    director = as_(Role.director, world.school_a)
    ids = await registered(api, portal, admin, world, 6)
    await set_places(api, admin, world, 3)
    answers = await asyncio.gather(
        *(
            api.post(
                f"/v1/applications/{a}/assignment",
                json=assignment(classes.large),
                headers=(admin, director)[i % 2],
            )
            for i, a in enumerate(ids)
        )
    )
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 409, 409, 409], [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"no_free_places"}
    async with enrolment.database.uow() as uow:
        holding = await uow.session.scalar(
            select(func.count()).where(Application.status == "assigned_to_class")
        )
    assert holding == 3


async def test_a_class_never_takes_more_than_its_size(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As, classes: Classes
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    ids = await registered(api, portal, admin, world, 3)
    await set_places(api, admin, world, 10)
    codes = [
        (
            await api.post(f"/v1/applications/{a}/assignment", json=assignment(classes.small), headers=admin)
        ).status_code
        for a in ids
    ]
    assert codes == [200, 200, 409]
    moved = await api.post(
        f"/v1/applications/{ids[2]}/assignment", json=assignment(classes.large), headers=admin
    )
    assert moved.status_code == 200, moved.text


async def test_contingents_answers_enrol_or_send_back_and_stale_ones_change_nothing(
    api: httpx.AsyncClient,
    portal: dict[str, str],
    world: World,
    as_: As,
    classes: Classes,
    deliver: Deliver,
    enrolment: ServiceRuntime,
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    first, second = await registered(api, portal, admin, world, 2)
    await set_places(api, admin, world, 10)
    for application_id in (first, second):
        done = await api.post(
            f"/v1/applications/{application_id}/assignment", json=assignment(classes.large), headers=admin
        )
        assert done.status_code == 200, done.text
    await deliver(
        pupil_enrolled(world, classes, classes.large, None),  # the school's own form: not an application's
        pupil_enrolled(world, classes, classes.small, first),  # not the class it was assigned to: stale
    )
    assert (await api.get(f"/v1/applications/{first}", headers=admin)).json()["status"] == "assigned_to_class"
    await deliver(
        pupil_enrolled(world, classes, classes.large, first),
        EnrolmentRefusedV1(
            application_id=uuid.UUID(second),
            school_id=world.school_a,
            class_id=classes.large,
            code="class_full",
            detail="Класс заполнен",
            occurred_at=utcnow(),
        ),
    )
    enrolled = await api.get(f"/v1/applications/{first}/history", headers=admin)
    assert enrolled.json()[-1]["to_status"] == "enrolled"
    assert enrolled.json()[-1]["by_client_id"] == "service:enrolment"
    (outcome,) = await published(enrolment, "enrolment.application.enrolled.v1")
    assert (outcome["subject"], outcome["data"]["class_id"]) == (first, str(classes.large))
    refused = await api.get(f"/v1/applications/{second}/history", headers=admin)
    assert [refused.json()[-1][k] for k in ("from_status", "to_status", "reason_code", "comment")] == [
        "assigned_to_class",
        "registered",
        "class_full",
        "Класс заполнен",
    ]
    public = await api.get(f"/v1/schools/{world.school_a}/places", params={"school_year": next_school_year()})
    assert public.json()[0]["taken"] == 1  # the enrolled one; the refused one gave its place back
