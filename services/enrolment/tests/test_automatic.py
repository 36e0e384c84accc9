"""The school's enrolment settings, the steps the system takes by itself after the days they name (once,
however many replicas run them), the fill by class size, and the saga's timeout."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select

from eschool.common.auth import Role
from eschool.common.db import utcnow
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As
from eschool.enrolment.db.models import StatusChange
from eschool.enrolment.services.automatic import automatic_steps, mark_overdue_answers

from .conftest import INTAKE, Classes, World, application, published
from .test_places import ORDER, assignment, pupil_enrolled, registered, set_places

DAY = timedelta(days=1)


def settings_url(school: uuid.UUID) -> str:
    return f"/v1/schools/{school}/enrolment-settings"


async def put_settings(
    api: httpx.AsyncClient, school: uuid.UUID, headers: dict[str, str], **body: Any
) -> httpx.Response:
    return await api.put(settings_url(school), json={"fill_type": "grade_places", **body}, headers=headers)


async def submitted(api: httpx.AsyncClient, portal: dict[str, str], world: World, n: int) -> list[str]:
    ids = []
    for i in range(n):
        body = application(world.school_a, child={"first_name": "Авто" + "абвгдежзик"[i]})
        answer = await api.post(INTAKE, json=body, headers=portal)
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["application_id"])
    return ids


async def steps_of(enrolment: ServiceRuntime, application_id: str) -> list[tuple[str | None, str]]:
    c = StatusChange
    async with enrolment.database.uow() as uow:
        rows = await uow.session.execute(
            select(c.from_status, c.to_status)
            .where(c.application_id == uuid.UUID(application_id))
            .order_by(c.version)
        )
        return [(r.from_status, r.to_status) for r in rows]


async def test_the_school_sets_its_settings_and_others_are_refused(
    api: httpx.AsyncClient, world: World, as_: As
) -> None:
    admin, url = as_(Role.school_admin, world.school_a), settings_url(world.school_a)
    assert (await api.get(url, headers=admin)).json() == {
        "fill_type": "grade_places",
        "register_after_days": None,
        "enrol_after_days": None,
        "order": None,
        "updated_at": None,
        "version": 0,
    }
    no_order = await put_settings(api, world.school_a, admin, enrol_after_days=5)
    assert no_order.status_code == 422
    assert no_order.json()["errors"][0]["field"] == "body.order"
    bad = await put_settings(api, world.school_a, admin, register_after_days=0, fill_type="whatever")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"body.register_after_days", "body.fill_type"}
    done = await put_settings(
        api, world.school_a, admin, register_after_days=3, enrol_after_days=10, order=ORDER, version=0
    )
    assert done.status_code == 200, done.text
    assert (done.json()["register_after_days"], done.json()["order"]["number"], done.json()["version"]) == (
        3,
        "45-у",
        1,
    )
    stale = await put_settings(api, world.school_a, admin, version=0)
    assert stale.status_code == 409
    assert (await api.get(url, headers=as_(Role.municipality, world.rayon))).json()["version"] == 1
    for outsider in (
        as_(Role.school_admin, world.school_b),
        as_(Role.municipality, world.rayon),
        as_(Role.subject_teacher, world.school_a),
    ):
        assert (await put_settings(api, world.school_a, outsider)).status_code == 404
    assert (await api.get(url, headers=as_(Role.school_admin, world.school_b))).status_code == 404
    assert (await api.get(url, headers=admin)).json()["version"] == 1


async def test_applications_in_the_documents_check_are_registered_after_the_days_once(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As, enrolment: ServiceRuntime
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    assert (await put_settings(api, world.school_a, admin, register_after_days=3)).status_code == 200
    waiting = await submitted(api, portal, world, 3)
    other_school = await api.post(INTAKE, json=application(world.school_b), headers=portal)
    db = enrolment.database
    assert await automatic_steps(db, utcnow() + 2 * DAY) == 0
    # Two replicas (or a stalled run and the next) at once: each application steps once.
    moved = await asyncio.gather(
        automatic_steps(db, utcnow() + 3 * DAY), automatic_steps(db, utcnow() + 3 * DAY)
    )
    assert sum(moved) == 3
    for application_id in waiting:
        assert await steps_of(enrolment, application_id) == [
            (None, "documents_check"),
            ("documents_check", "registered"),
        ]
    history = (await api.get(f"/v1/applications/{waiting[0]}/history", headers=admin)).json()
    assert history[-1]["by_client_id"] == "service:enrolment"
    assert "3 дн." in history[-1]["comment"]
    school_b = as_(Role.school_admin, world.school_b)
    read = await api.get(f"/v1/applications/{other_school.json()['application_id']}", headers=school_b)
    assert read.json()["status"] == "documents_check"  # its school set nothing
    changes = [
        e for e in await published(enrolment) if e["type"] == "enrolment.application.status_changed.v1"
    ]
    assert len(changes) == 3
    assert await automatic_steps(db, utcnow() + 30 * DAY) == 0


async def test_registered_applications_are_enrolled_by_rank_within_the_places(
    api: httpx.AsyncClient,
    portal: dict[str, str],
    world: World,
    as_: As,
    classes: Classes,
    enrolment: ServiceRuntime,
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    first, second, third, fourth = await registered(api, portal, admin, world, 4)
    await set_places(api, admin, world, 3)
    assert (
        await put_settings(api, world.school_a, admin, enrol_after_days=2, order=ORDER)
    ).status_code == 200
    assert await automatic_steps(enrolment.database, utcnow() + DAY) == 0
    assert await automatic_steps(enrolment.database, utcnow() + 2 * DAY) == 3
    reads = [
        (await api.get(f"/v1/applications/{a}", headers=admin)).json() for a in (first, second, third, fourth)
    ]
    # The grade's three places go to the first three by rank, each to the class with the fewest children
    # so far (ties by letter): 1 А, 1 Б, 1 А.
    assert [(r["status"], r["class_id"]) for r in reads] == [
        ("assigned_to_class", str(classes.small)),
        ("assigned_to_class", str(classes.large)),
        ("assigned_to_class", str(classes.small)),
        ("registered", None),
    ]
    sent = [
        e for e in await published(enrolment) if e["type"] == "enrolment.application.assigned_to_class.v1"
    ]
    assert [e["data"]["order"]["number"] for e in sent] == ["45-у"] * 3


async def test_the_automatic_enrolment_fills_the_classes_evenly_and_skips_a_full_one(
    api: httpx.AsyncClient,
    portal: dict[str, str],
    world: World,
    as_: As,
    classes: Classes,
    enrolment: ServiceRuntime,
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    by_hand = await registered(api, portal, admin, world, 1)
    await set_places(api, admin, world, 20)
    url = f"/v1/applications/{by_hand[0]}/assignment"
    assert (await api.post(url, json=assignment(classes.small), headers=admin)).status_code == 200
    waiting = await registered(api, portal, admin, world, 6, first=1)
    assert (
        await put_settings(api, world.school_a, admin, enrol_after_days=2, order=ORDER)
    ).status_code == 200
    assert await automatic_steps(enrolment.database, utcnow() + 2 * DAY) == 6
    placed = [(await api.get(f"/v1/applications/{a}", headers=admin)).json()["class_id"] for a in waiting]
    # 1 А had one child by hand: 1 Б first (the first class by letter with room would have been 1 А),
    # then 1 А, the tie going by letter; 1 А's two seats full, the rest to 1 Б.
    small, large = str(classes.small), str(classes.large)
    assert placed == [large, small, large, large, large, large]


async def test_by_class_size_no_places_need_be_set_and_the_class_size_holds(
    api: httpx.AsyncClient, portal: dict[str, str], world: World, as_: As, classes: Classes
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    first, second, third = await registered(api, portal, admin, world, 3)
    url = "/v1/applications/{}/assignment"
    unset = await api.post(url.format(first), json=assignment(classes.small), headers=admin)
    assert unset.status_code == 409
    assert unset.json()["code"] == "places_not_set"
    assert (await put_settings(api, world.school_a, admin, fill_type="class_max_size")).status_code == 200
    answers = await asyncio.gather(
        *(
            api.post(url.format(a), json=assignment(classes.small), headers=admin)
            for a in (first, second, third)
        )
    )
    assert sorted(a.status_code for a in answers) == [200, 200, 409]
    assert [a.json()["code"] for a in answers if a.status_code == 409] == ["class_full"]


async def test_an_unanswered_assignment_is_marked_overdue_once_and_the_late_answer_still_enrols(
    api: httpx.AsyncClient,
    portal: dict[str, str],
    world: World,
    as_: As,
    classes: Classes,
    deliver: Deliver,
    enrolment: ServiceRuntime,
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    (waiting,) = await registered(api, portal, admin, world, 1)
    await set_places(api, admin, world, 5)
    url = f"/v1/applications/{waiting}"
    assert (
        await api.post(f"{url}/assignment", json=assignment(classes.large), headers=admin)
    ).status_code == 200
    now = utcnow()
    assert await mark_overdue_answers(enrolment.database, now - timedelta(hours=1), now) == 0
    later = now + timedelta(hours=2)
    marked = await asyncio.gather(
        *(mark_overdue_answers(enrolment.database, later - timedelta(hours=1), later) for _ in range(2))
    )
    assert sum(marked) == 1
    card = (await api.get(url, headers=admin)).json()
    assert (card["status"], card["answer_overdue_at"] is not None) == ("assigned_to_class", True)
    last = (await api.get(f"{url}/history", headers=admin)).json()[-1]
    assert (last["to_status"], last["reason_code"]) == ("assigned_to_class", "enrolment_answer_overdue")
    stuck = await api.post(
        f"{url}/status", json={"status": "withdrawn", "reason_code": "applicant_request"}, headers=admin
    )
    assert stuck.status_code == 409  # contingent may yet enrol the child: no half-enrolment
    await deliver(pupil_enrolled(world, classes, classes.large, waiting))
    card = (await api.get(url, headers=admin)).json()
    assert (card["status"], card["answer_overdue_at"]) == ("enrolled", None)
