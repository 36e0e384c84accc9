"""Curricula of a school's year: created from the school's subjects with weekly hours, changed on a
version, followed by classes of their grade, carried into another year once, announced whole."""

from __future__ import annotations

import uuid

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As, published

from .conftest import World, year_set_up
from .contingent_facts import class_saved
from .load_helpers import chosen_subjects, new_curriculum

SAVED = "scheduling.curriculum.saved.v1"


async def test_a_curriculum_is_created_from_the_schools_subjects_and_changed_on_its_version(
    api: httpx.AsyncClient, as_: As, world: World, scheduling: ServiceRuntime
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    subjects = await chosen_subjects(api, as_, world, "mathematics", "russian")
    created = await new_curriculum(api, admin, world, {subjects["mathematics"]: 5, subjects["russian"]: 4.5})
    assert [s["weekly_hours"] for s in created["subjects"]] == [5.0, 4.5]
    url = f"/v1/schools/{world.school_a}/curricula"
    again = await api.post(
        url,
        json={
            "academic_year_id": str(world.year_a),
            "name": " 5 КЛАССЫ,  фгос ООО",
            "grade": 5,
            "subjects": [{"subject_id": subjects["russian"], "weekly_hours": 1}],
        },
        headers=admin,
    )
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "body.name"
    one = f"/v1/curricula/{created['curriculum_id']}"
    body = {
        "name": "5 классы",
        "grade": 5,
        "subjects": [{"subject_id": subjects["mathematics"], "weekly_hours": 6}],
        "version": 1,
    }
    changed = await api.put(one, json=body, headers=admin)
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2
    stale = await api.put(one, json=body | {"name": "Другое"}, headers=admin)
    assert stale.json()["code"] == "stale_version"
    events = [e for e in await published(scheduling, SAVED) if e["subject"] == created["curriculum_id"]]
    assert [[s["weekly_hours"] for s in e["data"]["subjects"]] for e in events] == [[5.0, 4.5], [6.0]]
    assert events[0]["school_id"] == str(world.school_a)


async def test_a_curriculum_names_the_field_a_rule_is_broken_in(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    admin = as_(Role.schedule_dispatcher, world.school_a)
    subjects = await chosen_subjects(api, as_, world, "mathematics")
    math = subjects["mathematics"]
    body = {
        "academic_year_id": str(world.year_a),
        "name": "План",
        "grade": 5,
        "subjects": [
            {"subject_id": math, "weekly_hours": 11},
            {"subject_id": math, "weekly_hours": 2},
            {"subject_id": str(uuid.uuid4()), "weekly_hours": 0.5},
        ],
    }
    refused = await api.post(f"/v1/schools/{world.school_a}/curricula", json=body, headers=admin)
    assert refused.status_code == 422
    assert {(e["field"], e["code"]) for e in refused.json()["errors"]} == {
        ("body.subjects.0.weekly_hours", "weekly_hours_out_of_range"),
        ("body.subjects.1.subject_id", "subject_repeated"),
        ("body.subjects.2.subject_id", "subject_not_taught"),
    }
    precise = body | {"subjects": [{"subject_id": math, "weekly_hours": 2.25}]}
    too_precise = await api.post(f"/v1/schools/{world.school_a}/curricula", json=precise, headers=admin)
    assert too_precise.status_code == 422
    assert too_precise.json()["errors"][0]["field"].startswith("body.subjects.0.weekly_hours")


async def test_a_class_follows_a_curriculum_of_its_grade_and_year_only(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    subjects = await chosen_subjects(api, as_, world, "mathematics")
    fifth = await new_curriculum(api, admin, world, {subjects["mathematics"]: 5})
    sixth = await new_curriculum(api, admin, world, {subjects["mathematics"]: 5}, name="6 классы", grade=6)
    class_5, class_6 = uuid.uuid4(), uuid.uuid4()
    await deliver(
        class_saved(class_5, world.school_a, world.year_a, grade=5),
        class_saved(class_6, world.school_a, world.year_a, grade=6),
    )
    url = f"/v1/classes/{class_5}/curriculum"
    wrong = await api.put(url, json={"curriculum_id": sixth["curriculum_id"]}, headers=admin)
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "curriculum_grade_mismatch"
    assert wrong.json()["errors"][0]["field"] == "body.curriculum_id"
    for _ in range(2):
        follows = await api.put(url, json={"curriculum_id": fifth["curriculum_id"]}, headers=admin)
        assert follows.status_code == 200, follows.text
    read = (await api.get(f"/v1/curricula/{fifth['curriculum_id']}", headers=admin)).json()
    assert read["class_ids"] == [str(class_5)]
    regrade = {"name": read["name"], "grade": 6, "subjects": read["subjects"], "version": read["version"]}
    refused = await api.put(f"/v1/curricula/{fifth['curriculum_id']}", json=regrade, headers=admin)
    assert refused.json()["code"] == "curriculum_followed"
    assert (await api.put(url, json={"curriculum_id": None}, headers=admin)).json()["curriculum_id"] is None
    events = [e for e in await published(scheduling, SAVED) if e["subject"] == fifth["curriculum_id"]]
    assert [e["data"]["class_ids"] for e in events] == [[], [str(class_5)], []]


async def test_carrying_curricula_twice_creates_nothing_twice(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    subjects = await chosen_subjects(api, as_, world, "mathematics")
    await new_curriculum(api, admin, world, {subjects["mathematics"]: 5})
    await new_curriculum(api, admin, world, {subjects["mathematics"]: 4}, name="6 классы", grade=6)
    next_year = uuid.uuid4()
    await deliver(year_set_up(next_year, world.school_a))
    url = f"/v1/schools/{world.school_a}/curricula"
    body = {"from_academic_year_id": str(world.year_a), "to_academic_year_id": str(next_year)}
    first = (await api.post(url + "/carry", json=body, headers=admin)).json()
    second = (await api.post(url + "/carry", json=body, headers=admin)).json()
    assert (len(first["created"]), len(first["existing"])) == (2, 0)
    assert (len(second["created"]), len(second["existing"])) == (0, 2)
    listed = (await api.get(url, params={"academic_year_id": str(next_year)}, headers=admin)).json()
    assert sorted(c["name"] for c in listed) == ["5 классы, ФГОС ООО", "6 классы"]
    same = await api.post(
        url + "/carry", json=body | {"to_academic_year_id": str(world.year_a)}, headers=admin
    )
    assert same.json()["errors"][0]["field"] == "body.to_academic_year_id"


async def test_curricula_are_the_schools_administration_and_teachers_only(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    subjects = await chosen_subjects(api, as_, world, "mathematics")
    curriculum = await new_curriculum(
        api, as_(Role.municipality, world.rayon_a), world, {subjects["mathematics"]: 5}
    )
    one = f"/v1/curricula/{curriculum['curriculum_id']}"
    assert (await api.get(one, headers=as_(Role.subject_teacher, world.school_a))).status_code == 200
    denied = await api.get(one, headers=as_(Role.guardian, world.school_a))
    assert denied.status_code == 403
    assert denied.json()["code"] == "teaching_load_access_denied"
    body = {"name": "x", "grade": 5, "subjects": curriculum["subjects"], "version": 1}
    teacher_write = await api.put(one, json=body, headers=as_(Role.subject_teacher, world.school_a))
    assert teacher_write.json()["code"] == "teaching_load_write_denied"
    for who, org in ((Role.school_admin, world.school_b), (Role.municipality, world.rayon_b)):
        assert (await api.get(one, headers=as_(who, org))).status_code == 404
        assert (await api.put(one, json=body, headers=as_(who, org))).status_code == 404
