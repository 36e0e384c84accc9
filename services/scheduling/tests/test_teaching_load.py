"""Teaching assignments (a current teacher × class or subgroup × a subject the school teaches × hours)
and the check of the year's load against the curricula and the maximum of a teacher's hours."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As, published

from .conftest import World
from .contingent_facts import class_saved, dismissed, hired, subgroup_saved
from .load_helpers import chosen_subjects, new_curriculum

CHANGED = "scheduling.teaching_assignment.changed.v1"


async def assign(
    api: httpx.AsyncClient, headers: dict[str, str], world: World, **body: Any
) -> httpx.Response:
    payload = {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in body.items()}
    return await api.post(f"/v1/schools/{world.school_a}/teaching-assignments", json=payload, headers=headers)


async def test_assignments_refuse_a_dismissed_teacher_an_unchosen_subject_and_a_foreign_subgroup(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    admin = as_(Role.schedule_dispatcher, world.school_a)
    subjects = await chosen_subjects(api, as_, world, "english")
    teacher, gone, class_a, class_b, group_b = (uuid.uuid4() for _ in range(5))
    await deliver(
        hired(teacher, world.school_a),
        hired(gone, world.school_a),
        dismissed(gone, world.school_a),
        class_saved(class_a, world.school_a, world.year_a),
        class_saved(class_b, world.school_a, world.year_a, letter="Б"),
        subgroup_saved(group_b, class_b, world.school_a, world.year_a),
    )
    good = {"person_id": teacher, "class_id": class_a, "subject_id": subjects["english"], "weekly_hours": 3}
    cases = [
        ({"person_id": gone}, "body.person_id", "teacher_not_on_staff"),
        ({"person_id": uuid.uuid4()}, "body.person_id", "teacher_not_on_staff"),
        ({"subject_id": str(uuid.uuid4())}, "body.subject_id", "subject_not_taught"),
        ({"subgroup_id": group_b}, "body.subgroup_id", "subgroup_not_of_class"),
        ({"weekly_hours": 10.5}, "body.weekly_hours", "weekly_hours_out_of_range"),
    ]
    for change, field, code in cases:
        refused = await assign(api, admin, world, **(good | change))
        assert refused.status_code == 422, refused.text
        assert (refused.json()["code"], refused.json()["errors"][0]["field"]) == (code, field)
    created = await assign(api, admin, world, **good)
    assert created.status_code == 201, created.text
    twice = await assign(api, admin, world, **good)
    assert (twice.status_code, twice.json()["code"]) == (409, "teaching_assignment_exists")
    in_group = await assign(api, admin, world, **(good | {"class_id": class_b, "subgroup_id": group_b}))
    assert in_group.status_code == 201, in_group.text
    one = f"/v1/teaching-assignments/{created.json()['teaching_assignment_id']}"
    changed = await api.put(one, json={"weekly_hours": 2.5, "version": 1}, headers=admin)
    assert changed.json()["weekly_hours"] == 2.5
    stale = await api.put(one, json={"weekly_hours": 2, "version": 1}, headers=admin)
    assert stale.json()["code"] == "stale_version"
    assert (await api.delete(one, headers=admin)).status_code == 204
    assert (await api.get(one, headers=admin)).status_code == 404
    events = [e["data"] for e in await published(scheduling, CHANGED)]
    mine = [(e["weekly_hours"], e["removed"]) for e in events if e["class_id"] == str(class_a)]
    assert mine == [(3.0, False), (2.5, False), (2.5, True)]
    grouped = [e for e in events if e["class_id"] == str(class_b)]
    assert grouped[0]["subgroup_id"] == str(group_b)
    assert grouped[0]["teacher_person_id"] == str(teacher)


async def test_the_load_report_compares_curriculum_hours_and_flags_overloaded_teachers(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    s = await chosen_subjects(api, as_, world, "mathematics", "russian", "english", "music")
    plan = await new_curriculum(api, admin, world, {s["mathematics"]: 5, s["russian"]: 4.5, s["english"]: 3})
    busy, light, class_a, group_1, group_2, other = (uuid.uuid4() for _ in range(6))
    await deliver(
        hired(busy, world.school_a, last_name="Антонова"),
        hired(light, world.school_a, last_name="Борисова"),
        class_saved(class_a, world.school_a, world.year_a),
        class_saved(other, world.school_a, world.year_a, letter="Б"),
        subgroup_saved(group_1, class_a, world.school_a, world.year_a),
        subgroup_saved(group_2, class_a, world.school_a, world.year_a, name="2 группа"),
    )
    follow = {"curriculum_id": plan["curriculum_id"]}
    assert (await api.put(f"/v1/classes/{class_a}/curriculum", json=follow, headers=admin)).status_code == 200
    for body in (
        {"person_id": busy, "class_id": class_a, "subject_id": s["mathematics"], "weekly_hours": 6},
        {"person_id": light, "class_id": class_a, "subject_id": s["russian"], "weekly_hours": 4.5},
        {
            "person_id": light,
            "class_id": class_a,
            "subgroup_id": group_1,
            "subject_id": s["english"],
            "weekly_hours": 3,
        },
        {
            "person_id": busy,
            "class_id": class_a,
            "subgroup_id": group_2,
            "subject_id": s["english"],
            "weekly_hours": 2,
        },
        {"person_id": busy, "class_id": other, "subject_id": s["music"], "weekly_hours": 10},
        {"person_id": busy, "class_id": other, "subject_id": s["mathematics"], "weekly_hours": 10},
        {"person_id": busy, "class_id": other, "subject_id": s["russian"], "weekly_hours": 10},
    ):
        assert (await assign(api, admin, world, **body)).status_code == 201
    url = f"/v1/schools/{world.school_a}/teaching-load"
    report = await api.get(url, params={"academic_year_id": str(world.year_a)}, headers=admin)
    assert report.status_code == 200, report.text
    data = report.json()
    assert data["max_weekly_hours"] == 36.0
    by_class = {c["class_id"]: c for c in data["classes"]}
    rows = [
        (r["planned_hours"], r["assigned_hours"], r["coverage"]) for r in by_class[str(class_a)]["subjects"]
    ]
    assert rows == [(5.0, 6.0, "over"), (4.5, 4.5, "covered"), (3.0, 3.0, "covered")]
    assert by_class[str(other)]["curriculum_id"] is None
    assert {r["coverage"] for r in by_class[str(other)]["subjects"]} == {"unplanned"}
    teachers = [(t["last_name"], t["weekly_hours"], t["over_max"]) for t in data["teachers"]]
    assert teachers == [("Антонова", 38.0, True), ("Борисова", 7.5, False)]
    listed = await api.get(
        f"/v1/schools/{world.school_a}/teaching-assignments",
        params={"academic_year_id": str(world.year_a), "person_id": str(light)},
        headers=as_(Role.subject_teacher, world.school_a),
    )
    assert len(listed.json()) == 2


async def test_the_load_is_the_schools_administration_and_teachers_only(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    s = await chosen_subjects(api, as_, world, "mathematics")
    teacher, class_a = uuid.uuid4(), uuid.uuid4()
    await deliver(hired(teacher, world.school_a), class_saved(class_a, world.school_a, world.year_a))
    body = {"person_id": teacher, "class_id": class_a, "subject_id": s["mathematics"], "weekly_hours": 5}
    refused = await assign(api, as_(Role.subject_teacher, world.school_a), world, **body)
    assert (refused.status_code, refused.json()["code"]) == (403, "teaching_load_write_denied")
    assert (await assign(api, as_(Role.school_admin, world.school_b), world, **body)).status_code == 404
    created = await assign(api, as_(Role.municipality, world.rayon_a), world, **body)
    assert created.status_code == 201, created.text
    one = f"/v1/teaching-assignments/{created.json()['teaching_assignment_id']}"
    assert (await api.get(one, headers=as_(Role.class_teacher, world.school_a))).status_code == 200
    assert (await api.get(one, headers=as_(Role.pupil, world.school_a))).status_code == 403
    assert (await api.delete(one, headers=as_(Role.municipality, world.rayon_b))).status_code == 404
    url = f"/v1/schools/{world.school_a}/teaching-load"
    params = {"academic_year_id": str(world.year_a)}
    assert (
        await api.get(url, params=params, headers=as_(Role.subject_teacher, world.school_a))
    ).status_code == 200
    assert (
        await api.get(url, params=params, headers=as_(Role.school_admin, world.school_b))
    ).status_code == 404
    foreign_year = await api.get(
        url, params={"academic_year_id": str(world.year_b)}, headers=as_(Role.ministry, world.region)
    )
    assert foreign_year.json()["errors"][0]["field"] == "query.academic_year_id"
