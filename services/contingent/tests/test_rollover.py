"""The year rollover («Перевести всё»): classes carried a grade up into the new year with their pupils
(the same persons, the same personal files), the last grade graduating, withdrawn pupils left behind; run
twice or twice at once it creates nothing twice; selected classes only; a class the school made itself is
a reported conflict; a promotion cancelled; progress to 100 %; only the administration, the municipality
and the ministry."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from eschool.common.auth import Role
from eschool.common.db import utcnow
from eschool.common.service import ServiceRuntime
from eschool.contingent.db.rollover import RUNNING, PupilPromotion, RolloverJob

from . import test_pupils
from .conftest import As, published
from .test_classes import add_class, classes_of
from .test_movement import leaving, withdraw
from .test_pupils import School, enrolled
from .test_years import problem

tree, school = test_pupils.tree, test_pupils.school
PROMOTED = "contingent.pupil.promoted.v1"


@dataclass(frozen=True)
class Old:
    """School A's current year: 5 А (two pupils, a third withdrawn), 9 Б (one), 11 А (one)."""

    school: School
    next_year: str
    classes: dict[str, str]
    pupils: dict[str, str]


@pytest.fixture
async def old(api: httpx.AsyncClient, school: School) -> Old:
    classes = {"5 А": school.class_id}
    for grade, letter in ((9, "Б"), (11, "А")):
        made = await add_class(api, school.school_id, school.admin, school.year, grade, letter)
        classes[f"{grade} {letter}"] = made.json()["class_id"]
    pupils = {"ann": await enrolled(api, school, "1"), "bob": await enrolled(api, school, "2")}
    pupils["gone"] = await enrolled(api, school, "3")
    assert (await withdraw(api, pupils["gone"], school.admin, leaving())).status_code == 201
    for name, number, class_name in (("nine", "9", "9 Б"), ("grad", "11", "11 А")):
        nine = test_pupils.pupil_form(school, number, birth_date="2010-01-01")
        answer = await test_pupils.enrol(api, classes[class_name], school.admin, nine)
        assert answer.status_code == 201, answer.text
        pupils[name] = str(answer.json()["person_id"])
    first = school.starts_on.year + 1
    return Old(school, f"{first}/{first + 1}", classes, pupils)


def rollover(old: Old, **changes: Any) -> dict[str, Any]:
    return {"from_academic_year_id": old.school.year, "to_year_name": old.next_year} | changes


async def start(
    api: httpx.AsyncClient, old: Old, headers: dict[str, str] | None = None, **changes: Any
) -> Any:
    path = f"/v1/schools/{old.school.school_id}/rollovers"
    return await api.post(
        path, json=rollover(old, **changes), headers=old.school.admin if headers is None else headers
    )


async def finished(api: httpx.AsyncClient, answer: httpx.Response, headers: dict[str, str]) -> dict[str, Any]:
    """Poll the job the answer names until it ends (a deadline, never a bare sleep)."""
    assert answer.status_code == 202, answer.text
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job = (await api.get(answer.headers["Location"], headers=headers)).json()
        if job["status"] in ("done", "failed"):
            return dict(job)
        await asyncio.sleep(0.02)
    raise AssertionError("the rollover did not finish in 30 s")


async def rolled(api: httpx.AsyncClient, old: Old, **changes: Any) -> dict[str, Any]:
    job = await finished(api, await start(api, old, **changes), old.school.admin)
    assert (job["status"], job["percent"], job["done"]) == ("done", 100, job["total"]), job
    return job


async def new_classes(api: httpx.AsyncClient, old: Old, job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    params = {"academic_year_id": job["to_academic_year_id"]}
    page = await api.get(classes_of(old.school.school_id), params=params, headers=old.school.admin)
    return {f"{c['grade']} {c['letter']}": c for c in page.json()["items"]}


async def card(api: httpx.AsyncClient, old: Old, person: str) -> dict[str, Any]:
    return dict((await api.get(f"/v1/pupils/{person}", headers=old.school.admin)).json())


async def promotions(runtime: ServiceRuntime) -> int:
    async with runtime.database.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(PupilPromotion)) or 0)


async def test_rollover_carries_classes_and_pupils_a_grade_up(
    api: httpx.AsyncClient, contingent: ServiceRuntime, old: Old
) -> None:
    job = await rolled(api, old)
    assert (job["total"], job["promoted"], job["conflicts"], job["error"]) == (3, 3, [], None)
    made = await new_classes(api, old, job)
    assert set(made) == {"6 А", "10 Б"}
    assert made["6 А"]["promoted_from_class_id"] == old.classes["5 А"]
    assert made["6 А"]["class_teacher_person_id"] == str(old.school.teacher)
    assert (made["10 Б"]["promoted_from_class_id"], made["10 Б"]["kind"]) == (old.classes["9 Б"], "general")
    for name, number, class_name in (("ann", "1", "6 А"), ("bob", "2", "6 А"), ("nine", "9", "10 Б")):
        pupil = await card(api, old, old.pupils[name])
        assert (pupil["person_id"], pupil["class_id"]) == (old.pupils[name], made[class_name]["class_id"])
        assert (pupil["personal_file_number"], pupil["status"]) == (number, "enrolled")
    assert (await card(api, old, old.pupils["grad"]))["class_id"] == old.classes["11 А"]
    assert (await card(api, old, old.pupils["gone"]))["status"] == "withdrawn"
    events = {e["data"]["person_id"]: e["data"] for e in await published(contingent, PROMOTED)}
    assert set(events) == {old.pupils[n] for n in ("ann", "bob", "nine")}
    ann = events[old.pupils["ann"]]
    assert (ann["from_class_id"], ann["to_class_id"]) == (old.classes["5 А"], made["6 А"]["class_id"])
    assert (ann["academic_year_id"], ann["cancelled"]) == (job["to_academic_year_id"], False)
    assert ann["promoted_on"] == f"{old.next_year[:4]}-09-01"


async def test_rollover_twice_and_at_once_creates_nothing_twice(
    api: httpx.AsyncClient, contingent: ServiceRuntime, old: Old
) -> None:
    both = await asyncio.gather(start(api, old), start(api, old))
    jobs = [await finished(api, answer, old.school.admin) for answer in both]
    again = await rolled(api, old)
    assert [j["status"] for j in jobs] == ["done", "done"]
    # The second press meets the first job (the same one), or, once it is done, starts one that finds
    # everything carried: either way three pupils are promoted once.
    distinct = {j["rollover_job_id"]: j["promoted"] for j in (*jobs, again)}
    assert sum(distinct.values()) == 3
    assert set(await new_classes(api, old, again)) == {"6 А", "10 Б"}
    assert (await promotions(contingent), len(await published(contingent, PROMOTED))) == (3, 3)


async def test_only_the_selected_classes_are_carried(api: httpx.AsyncClient, old: Old) -> None:
    job = await rolled(api, old, class_ids=[old.classes["9 Б"]])
    assert (job["total"], job["promoted"]) == (1, 1)
    assert set(await new_classes(api, old, job)) == {"10 Б"}
    assert (await card(api, old, old.pupils["ann"]))["class_id"] == old.classes["5 А"]
    foreign = await start(api, old, class_ids=[str(uuid.uuid4())])
    assert problem(foreign) == (422, "class_not_in_year", ["body.class_ids"])


async def test_a_class_the_school_made_itself_is_a_reported_conflict(
    api: httpx.AsyncClient, old: Old
) -> None:
    admin = old.school.admin
    year = await api.post(
        f"/v1/schools/{old.school.school_id}/academic-years", json={"name": old.next_year}, headers=admin
    )
    assert year.status_code == 201, year.text
    await add_class(api, old.school.school_id, admin, year.json()["academic_year_id"], 6, "А")
    job = await rolled(api, old)
    [conflict] = job["conflicts"]
    assert (conflict["class_id"], conflict["class_name"], conflict["code"]) == (
        old.classes["5 А"],
        "5 А",
        "class_exists",
    )
    assert "6 А" in conflict["detail"]
    assert (job["promoted"], (await card(api, old, old.pupils["ann"]))["class_id"]) == (1, old.classes["5 А"])


async def test_a_promotion_is_cancelled_before_any_later_movement(
    api: httpx.AsyncClient, contingent: ServiceRuntime, old: Old
) -> None:
    await rolled(api, old)
    path = f"/v1/pupils/{old.pupils['ann']}/promotion/cancellation"
    cancelled = await api.post(path, headers=old.school.admin)
    assert cancelled.status_code == 201, cancelled.text
    assert cancelled.json()["cancelled_at"] is not None
    assert (await api.post(path, headers=old.school.admin)).status_code == 200
    assert (await card(api, old, old.pupils["ann"]))["class_id"] == old.classes["5 А"]
    history = await api.get(f"/v1/pupils/{old.pupils['ann']}/movements", headers=old.school.admin)
    assert history.status_code == 200, history.text
    assert [m["kind"] for m in history.json()["items"]][-2:] == ["promoted", "promotion_cancelled"]
    [event] = [e["data"] for e in await published(contingent, PROMOTED) if e["data"]["cancelled"]]
    assert (event["person_id"], event["from_class_id"]) == (old.pupils["ann"], old.classes["5 А"])
    # A second run finishes the rest, yet does not promote the pupil whose promotion was cancelled.
    await rolled(api, old)
    assert (await card(api, old, old.pupils["ann"]))["class_id"] == old.classes["5 А"]
    not_promoted = await api.post(
        f"/v1/pupils/{old.pupils['grad']}/promotion/cancellation", headers=old.school.admin
    )
    assert problem(not_promoted)[:2] == (409, "pupil_not_promoted")
    bob = old.pupils["bob"]
    leaving_new = leaving(withdrawn_on=f"{old.next_year[:4]}-09-01")
    await withdraw(api, bob, old.school.admin, leaving_new)
    moved = await api.post(f"/v1/pupils/{bob}/promotion/cancellation", headers=old.school.admin)
    assert problem(moved)[:2] == (409, "pupil_moved_since_promotion")


async def test_an_abandoned_job_is_replaced_and_a_running_one_answered(
    api: httpx.AsyncClient, contingent: ServiceRuntime, old: Old
) -> None:
    job = await rolled(api, old, class_ids=[old.classes["9 Б"]])
    async with contingent.database.uow() as uow:
        row = await uow.session.get(RolloverJob, uuid.UUID(job["rollover_job_id"]))
        assert row is not None
        row.status, row.updated_at = RUNNING, utcnow()
        await uow.commit()
    same = await start(api, old, class_ids=[old.classes["9 Б"]])
    assert (same.status_code, same.json()["rollover_job_id"]) == (202, job["rollover_job_id"])
    other = await start(api, old)
    assert problem(other)[:2] == (409, "rollover_running")
    assert other.json()["rollover_job_id"] == job["rollover_job_id"]
    async with contingent.database.uow() as uow:
        row = await uow.session.get(RolloverJob, uuid.UUID(job["rollover_job_id"]))
        assert row is not None
        row.updated_at = utcnow() - timedelta(minutes=5)  # its process died: no heartbeat since
        await uow.commit()
    fresh = await rolled(api, old)
    assert fresh["rollover_job_id"] != job["rollover_job_id"]
    assert set(await new_classes(api, old, fresh)) == {"6 А", "10 Б"}
    stale = (await api.get(f"/v1/rollovers/{job['rollover_job_id']}", headers=old.school.admin)).json()
    assert stale["status"] == "failed"
    assert "прерван" in stale["error"]


async def test_only_the_administration_the_municipality_and_the_ministry_roll_over(
    api: httpx.AsyncClient, as_: As, old: Old
) -> None:
    tree = old.school.tree
    teacher = as_(Role.class_teacher, tree.school_a, person_id=old.school.teacher)
    for refused in (teacher, as_(Role.secretary, tree.school_a), as_(Role.deputy_director, tree.school_a)):
        assert problem(await start(api, old, refused))[:2] == (403, "rollover_denied")
    for hidden in (as_(Role.school_admin, tree.school_b), as_(Role.municipality, tree.rayon_b)):
        assert problem(await start(api, old, hidden))[:2] == (404, "school_not_found")
    assert (await start(api, old, {})).status_code == 401
    for allowed in (as_(Role.director, tree.school_a), as_(Role.municipality, tree.rayon_a)):
        job = await finished(api, await start(api, old, allowed), allowed)
        assert job["status"] == "done"
        assert (
            await api.get(f"/v1/rollovers/{job['rollover_job_id']}", headers=as_(Role.ministry, tree.region))
        ).status_code == 200
        peek = await api.get(
            f"/v1/rollovers/{job['rollover_job_id']}", headers=as_(Role.school_admin, tree.school_b)
        )
        assert problem(peek)[:2] == (404, "rollover_job_not_found")
        cancel = await api.post(f"/v1/pupils/{old.pupils['ann']}/promotion/cancellation", headers=teacher)
        assert cancel.status_code == 403
