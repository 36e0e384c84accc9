"""Thematic plans (КТП): replaced whole on the version seen, hours read against the curriculum,
announced once per change; who reads and who writes."""

from __future__ import annotations

import uuid

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As, published

from .conftest import World
from .contingent_facts import hired
from .plan_helpers import plan_class, topics

CHANGED = "scheduling.thematic_plan.changed.v1"


async def test_a_plan_is_replaced_whole_on_the_version_seen_and_announced_once(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    admin = as_(Role.schedule_dispatcher, world.school_a)
    cls = await plan_class(api, as_, world, deliver, weekly=1)
    empty = (await api.get(cls.url, headers=admin)).json()
    assert (empty["version"], empty["topics"], empty["hours"]["curriculum_hours"]) == (0, [], 34)
    saved = await api.put(cls.url, json={"version": 0, "topics": topics(30, 3)}, headers=admin)
    assert saved.status_code == 200, saved.text
    hours = saved.json()["hours"]
    assert (hours["planned_hours"], hours["matches"]) == (33, False)
    assert hours["message"] == "В плане 33 ч, а по учебному плану положено 34 ч"
    again = await api.put(cls.url, json={"version": 1, "topics": topics(30, 3)}, headers=admin)
    assert again.json()["version"] == 1
    stale = await api.put(cls.url, json={"version": 0, "topics": topics(34)}, headers=admin)
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    fixed = await api.put(cls.url, json={"version": 1, "topics": topics(31, 3)}, headers=admin)
    assert (fixed.json()["version"], fixed.json()["hours"]["matches"]) == (2, True)
    events = [e["data"] for e in await published(scheduling, CHANGED)]
    assert [(e["version"], e["total_hours"]) for e in events] == [(1, 33), (2, 34)]
    assert events[1]["topics"][1] == {
        "number": 2,
        "title": "Тема 2",
        "hours": 3,
        "section": "Глава 1",
        "lesson_type": "контрольная работа",
    }


async def test_broken_topics_are_refused_field_by_field(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    cls = await plan_class(api, as_, world, deliver)
    broken = topics(2, 2, 2)
    broken[0]["title"] = "  "
    broken[1]["hours"] = 0
    broken[2]["number"] = 5
    refused = await api.put(cls.url, json={"version": 0, "topics": broken}, headers=admin)
    assert refused.status_code == 422, refused.text
    fields = {(e["field"], e["code"]) for e in refused.json()["errors"]}
    assert fields == {
        ("body.topics.0.title", "title_required"),
        ("body.topics.1.hours", "invalid_hours"),
        ("body.topics.2.number", "number_out_of_sequence"),
    }
    assert (await api.get(cls.url, headers=admin)).json()["version"] == 0


async def test_the_assigned_teacher_writes_other_teachers_read_others_do_not_see(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    cls = await plan_class(api, as_, world, deliver)
    teacher, colleague = uuid.uuid4(), uuid.uuid4()
    await deliver(hired(teacher, world.school_a), hired(colleague, world.school_a, last_name="Иванова"))
    assignment = {"person_id": str(teacher), "class_id": str(cls.class_id), "subject_id": cls.subject_id}
    made = await api.post(
        f"/v1/schools/{world.school_a}/teaching-assignments",
        json=assignment | {"weekly_hours": 1},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    body = {"version": 0, "topics": topics(34)}
    own = as_(Role.subject_teacher, world.school_a, person_id=teacher)
    assert (await api.put(cls.url, json=body, headers=own)).status_code == 200
    other = as_(Role.subject_teacher, world.school_a, person_id=colleague)
    assert (await api.get(cls.url, headers=other)).json()["version"] == 1
    denied = await api.put(cls.url, json=body | {"version": 1}, headers=other)
    assert (denied.status_code, denied.json()["code"]) == (403, "thematic_plan_write_denied")
    for outsider in (
        as_(Role.guardian, world.school_a),
        as_(Role.pupil, world.school_a),
        as_(Role.school_admin, world.school_b),
        as_(Role.subject_teacher, world.school_b, person_id=teacher),
    ):
        hidden = await api.get(cls.url, headers=outsider)
        assert (hidden.status_code, hidden.json()["code"]) == (404, "class_not_found")
        assert (await api.put(cls.url, json=body, headers=outsider)).status_code == 404
    assert (await api.get(cls.url, headers=as_(Role.municipality, world.rayon_a))).status_code == 200
