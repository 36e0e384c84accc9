"""A school's grading settings: the rounding policy's versions, the work types in force with the
school's overrides, the subjects marked pass/fail; changed by the school's administration only."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from sqlalchemy import select

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.service import As
from eschool.journal.db.records import WorkType

from .journal_world import World
from .term_helpers import director, teacher, term_body, term_marks_url


def policy_url(w: World) -> str:
    return f"/v1/schools/{w.school}/grading-policy"


async def test_each_policy_change_is_a_new_version(api: httpx.AsyncClient, as_: As, world: World) -> None:
    w = world
    default = (await api.get(policy_url(w), headers=director(as_, w))).json()
    assert default["is_default"] is True
    assert (default["current"]["version"], default["history"]) == (1, [])

    for threshold in ("0.6", "0.7"):
        body = {"rounding_threshold": threshold, "min_marks": 4}
        assert (await api.put(policy_url(w), json=body, headers=director(as_, w))).status_code == 200

    found = (await api.get(policy_url(w), headers=teacher(as_, w))).json()
    assert found["is_default"] is False
    assert (found["current"]["version"], found["current"]["rounding_threshold"]) == (3, "0.70")
    assert [v["version"] for v in found["history"]] == [3, 2]


async def test_only_the_administration_changes_the_policy(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    body = {"rounding_threshold": "0.6", "min_marks": 3}

    by_teacher = await api.put(policy_url(w), json=body, headers=teacher(as_, w))
    by_municipality = await api.put(policy_url(w), json=body, headers=as_(Role.municipality, w.municipality))
    by_deputy = await api.put(policy_url(w), json=body, headers=as_(Role.deputy_director, w.school))

    assert (by_teacher.status_code, by_teacher.json()["code"]) == (403, "grading_settings_denied")
    assert by_municipality.status_code == 403
    assert by_deputy.status_code == 200
    assert (await api.get(policy_url(w), headers=as_(Role.municipality, w.municipality))).status_code == 200
    other_school = teacher(as_, w, w.teacher_b, school=w.school_b)
    assert (await api.get(policy_url(w), headers=other_school)).status_code == 404


async def test_a_policy_out_of_range_is_refused(api: httpx.AsyncClient, as_: As, world: World) -> None:
    w = world
    for body in ({"rounding_threshold": "1", "min_marks": 3}, {"rounding_threshold": "0.5", "min_marks": 0}):
        assert (await api.put(policy_url(world), json=body, headers=director(as_, w))).status_code == 422


async def test_a_schools_override_of_a_work_type_is_in_force_there_only(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    url = f"/v1/schools/{w.school}/work-types"

    control = await api.put(f"{url}/control", json={"weight": "3"}, headers=director(as_, w))
    no_weight = await api.put(f"{url}/project", json={"name": "Проект"}, headers=director(as_, w))
    own = await api.put(f"{url}/project", json={"name": "Проект", "weight": "2.5"}, headers=director(as_, w))
    retired = await api.put(f"{url}/dictation", json={"retired": True}, headers=director(as_, w))
    by_teacher = await api.put(f"{url}/answer", json={"weight": "2"}, headers=teacher(as_, w))

    assert control.status_code == 200, control.text
    assert (control.json()["school_id"], control.json()["weight"], control.json()["control"]) == (
        str(w.school),
        "3.00",
        True,
    )
    assert (no_weight.status_code, no_weight.json()["errors"][0]["field"]) == (422, "body.weight")
    assert own.status_code == retired.status_code == 200
    assert by_teacher.status_code == 403
    listed = {t["code"]: t for t in (await api.get(url, headers=teacher(as_, w))).json()}
    assert (listed["control"]["weight"], listed["control"]["school_id"]) == ("3.00", str(w.school))
    assert (listed["answer"]["weight"], listed["answer"]["school_id"]) == ("1.00", None)
    assert (listed["project"]["weight"], listed["dictation"]["retired"]) == ("2.50", True)
    in_b = f"/v1/schools/{w.school_b}/work-types"
    listed_b = {t["code"]: t for t in (await api.get(in_b, headers=as_(Role.director, w.school_b))).json()}
    assert listed_b["control"]["weight"] == "2.00"
    assert "project" not in listed_b


async def test_a_pass_fail_subject_takes_pass_fail_term_marks(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    url = f"/v1/schools/{w.school}/subjects/{w.maths}/scale"
    assert (await api.put(url, json={"scale": "pass_fail"}, headers=teacher(as_, w))).status_code == 403
    assert (await api.put(url, json={"scale": "pass_fail"}, headers=director(as_, w))).status_code == 200
    unknown = f"/v1/schools/{w.school}/subjects/{uuid.uuid4()}/scale"
    assert (await api.put(unknown, json={"scale": "pass_fail"}, headers=director(as_, w))).status_code == 404

    five = await api.put(
        term_marks_url(w), json=term_body({w.pupils[0]: "5"}, term=w.term_1), headers=teacher(as_, w)
    )
    passed = await api.put(
        term_marks_url(w), json=term_body({w.pupils[0]: "Зачёт"}, term=w.term_1), headers=teacher(as_, w)
    )

    assert (five.status_code, five.json()["errors"][0]["field"]) == (422, "body.marks.0.value")
    assert passed.status_code == 200, passed.text
    assert (passed.json()["marks"][0]["value"], passed.json()["marks"][0]["numeric_value"]) == ("зач", None)


async def test_every_settings_change_is_audited_and_listed_for_the_administration_only(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    headers = as_(Role.director, w.school, person_id=(director_id := uuid.uuid4()))
    base = f"/v1/schools/{w.school}"
    policy = {"rounding_threshold": "0.6", "min_marks": 4}
    assert (await api.put(policy_url(w), json=policy, headers=headers)).status_code == 200
    assert (await api.put(f"{base}/work-types/control", json={"weight": "3"}, headers=headers)).is_success
    # The same weight again changes nothing and leaves no row.
    assert (await api.put(f"{base}/work-types/control", json={"weight": "3"}, headers=headers)).is_success
    scale = f"{base}/subjects/{w.maths}/scale"
    assert (await api.put(scale, json={"scale": "pass_fail"}, headers=headers)).is_success
    assert (await api.put(scale, json={"scale": "five_point"}, headers=headers)).is_success

    listed = await api.get(f"{base}/grading-audit", headers=as_(Role.municipality, w.municipality))

    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert [(i["entity"], i["action"]) for i in items] == [
        ("subject_scale", "changed"),
        ("subject_scale", "set"),
        ("work_type", "changed"),
        ("grading_policy", "changed"),
    ]
    assert {i["actor_person_id"] for i in items} == {str(director_id)}
    assert (items[0]["old"], items[0]["new"]) == ({"scale": "pass_fail"}, {"scale": "five_point"})
    work_type = items[2]
    assert (work_type["old"]["weight"], work_type["new"]["weight"]) == ("2.00", "3.00")
    assert work_type["old"]["code"] == work_type["new"]["code"] == "control"
    policy_row = items[3]
    assert policy_row["old"] == {"version": 1, "rounding_threshold": "0.5", "min_marks": 3}
    assert policy_row["new"] == {"version": 2, "rounding_threshold": "0.60", "min_marks": 4}
    assert (await api.get(f"{base}/grading-audit", headers=teacher(as_, w))).status_code == 403
    stranger = teacher(as_, w, w.teacher_b, school=w.school_b)
    assert (await api.get(f"{base}/grading-audit", headers=stranger)).status_code == 404
    paged = await api.get(f"{base}/grading-audit", params={"limit": 3}, headers=headers)
    cursor = paged.json()["next_cursor"]
    rest = await api.get(f"{base}/grading-audit", params={"limit": 3, "cursor": cursor}, headers=headers)
    assert [i["entity"] for i in rest.json()["items"]] == ["grading_policy"]


async def test_two_first_overrides_of_a_work_type_at_once_leave_one_row(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    url = f"/v1/schools/{w.school}/work-types/control"
    bodies = [{"weight": w} for w in ("3", "3.5", "4", "4.5")]  # the region weighs a control work 2

    answers = await asyncio.gather(*(api.put(url, json=body, headers=director(as_, w)) for body in bodies))

    # Each is applied after the other or refused with a 409 to retry; never two rows of one code.
    assert {a.status_code for a in answers} <= {200, 409}, [a.text for a in answers]
    async with journal.database.uow() as uow:
        rows = (await uow.session.execute(select(WorkType).where(WorkType.school_id == w.school))).all()
    assert len(rows) == 1
    listed = await api.get(f"/v1/schools/{w.school}/grading-audit", headers=director(as_, w))
    assert len(listed.json()["items"]) == sum(a.status_code == 200 for a in answers)
