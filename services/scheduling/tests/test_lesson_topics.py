"""Planned topics on dated lessons: the scheduled lessons of a class's subject, by day and slot, take
the thematic plan's topics in order, one lesson per hour; a change of the plan or of the lessons moves
them and is announced for the journal's default lesson topic."""

from __future__ import annotations

import uuid
from datetime import date
from types import SimpleNamespace

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As, published
from eschool.scheduling.domain.lesson_topics import topics_in_order
from eschool.scheduling.domain.thematic_plans import Topic

from .conftest import World
from .lesson_helpers import generate, lessons_of, term_ready
from .plan_helpers import topics

CHANGED = "scheduling.lesson_topics.changed.v1"


def titles(lessons: list[dict[str, object]], subject: str) -> list[object]:
    """The planned topic numbers of the subject's scheduled lessons, in order."""
    return [
        (x["planned_topic"] or {}).get("number")  # type: ignore[union-attr]
        for x in lessons
        if x["subject_id"] == subject and x["status"] == "scheduled"
    ]


async def test_lessons_take_the_plans_topics_in_order(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    t = await term_ready(api, as_, world, deliver)
    admin = as_(Role.school_admin, world.school_a)
    maths = t.school.subjects["Математика"]
    before = f"/v1/classes/{t.school.class_6b}/thematic-plans/{maths}"
    assert (
        await api.put(before, json={"version": 0, "topics": topics(1, 1)}, headers=admin)
    ).status_code == 200
    await generate(api, admin, world, t)
    six_b = await lessons_of(api, admin, t.school.class_6b, t.starts_on, t.ends_on)
    assert titles(six_b, maths)[:3] == [1, 2, None]

    plan = f"/v1/classes/{t.school.class_5a}/thematic-plans/{maths}"
    saved = await api.put(plan, json={"version": 0, "topics": topics(2, 1)}, headers=admin)
    assert saved.status_code == 200, saved.text
    lessons = await lessons_of(api, admin, t.school.class_5a, t.starts_on, t.ends_on)
    assert titles(lessons, maths)[:4] == [1, 1, 2, None]
    assert set(titles(lessons, t.school.subjects["Русский язык"])) == {None}
    first = next(x for x in lessons if x["subject_id"] == maths)
    assert first["planned_topic"] == {"number": 1, "title": "Тема 1"}
    event = (await published(scheduling, CHANGED))[-1]["data"]
    assert (event["class_id"], event["subject_id"], event["subgroup_id"]) == (
        str(t.school.class_5a),
        maths,
        None,
    )
    assert [x["number"] for x in event["lessons"]][:4] == [1, 1, 2, None]

    count = len(await published(scheduling, CHANGED))
    cancelled = await api.post(
        f"/v1/lessons/{first['lesson_id']}/cancellation", json={"reason": "Карантин"}, headers=admin
    )
    assert (cancelled.status_code, cancelled.json()["planned_topic"]) == (200, None)
    lessons = await lessons_of(api, admin, t.school.class_5a, t.starts_on, t.ends_on)
    assert titles(lessons, maths)[:4] == [1, 1, 2, None]
    assert len(await published(scheduling, CHANGED)) == count + 1
    again = await api.put(plan, json={"version": 1, "topics": topics(2, 1)}, headers=admin)
    assert again.status_code == 200
    assert len(await published(scheduling, CHANGED)) == count + 1

    teacher = as_(Role.subject_teacher, world.school_a, person_id=t.school.teachers[0])
    query = {"from": t.starts_on.isoformat(), "to": t.ends_on.isoformat()}
    path = f"/v1/schools/{world.school_a}/teachers/{t.school.teachers[0]}/lessons"
    own = (await api.get(path, params=query, headers=teacher)).json()
    assert {"number": 2, "title": "Тема 2"} in [x["planned_topic"] for x in own]


def test_cancelled_lessons_take_no_topic_and_the_order_is_by_day_and_slot() -> None:
    day = date(2025, 9, 1)
    ids = [uuid.uuid4() for _ in range(4)]
    lessons = [
        SimpleNamespace(lesson_id=ids[0], lesson_on=day, slot_number=3, planned_on=day, status="scheduled"),
        SimpleNamespace(lesson_id=ids[1], lesson_on=day, slot_number=1, planned_on=day, status="scheduled"),
        SimpleNamespace(lesson_id=ids[2], lesson_on=day, slot_number=2, planned_on=day, status="cancelled"),
        SimpleNamespace(
            lesson_id=ids[3], lesson_on=date(2025, 9, 2), slot_number=1, planned_on=day, status="scheduled"
        ),
    ]
    placed = topics_in_order(lessons, [Topic(2, "Дроби", 1), Topic(1, "Числа", 1)])
    assert placed == {ids[1]: (1, "Числа"), ids[0]: (2, "Дроби"), ids[2]: None, ids[3]: None}
