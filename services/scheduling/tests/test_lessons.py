"""Dated lessons: a term generated as a job skipping holidays, twice making nothing twice, a timetable
change regenerating only the future, cancel and move with clash refusal, scope refusals."""

from __future__ import annotations

from datetime import date

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As, published

from .conftest import World
from .lesson_helpers import generate, lessons_of, term_ready, weekdays
from .timetable_setup import lesson, week

SCHEDULED, MOVED = "scheduling.lessons.scheduled.v1", "scheduling.lesson.moved.v1"
CANCELLED = "scheduling.lesson.cancelled.v1"


def day_off(world: World, day: str, scheme_id: str | None = None) -> dict[str, object]:
    body = {"academic_year_id": str(world.year_a), "kind": "holiday", "name": "Выходной", "starts_on": day}
    return body | {"ends_on": day} | ({"term_scheme_id": scheme_id} if scheme_id else {})


async def test_a_term_is_generated_skipping_holidays_and_twice_makes_nothing_twice(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    t = await term_ready(api, as_, world, deliver)
    admin = as_(Role.school_admin, world.school_a)
    for body in (day_off(world, "2025-09-15"), day_off(world, "2025-09-17", t.scheme_id)):
        added = await api.post(f"/v1/schools/{world.school_a}/holidays", json=body, headers=admin)
        assert added.status_code == 201, added.text
    job = await generate(api, admin, world, t)
    assert (job["status"], job["done"], job["total"], job["percent"]) == ("done", 2, 2, 100)
    found = await lessons_of(api, admin, t.school.class_5a, t.starts_on, t.ends_on)
    mondays = weekdays(t.starts_on, t.ends_on, 1, {date(2025, 9, 15)})
    wednesdays = weekdays(t.starts_on, t.ends_on, 3, {date(2025, 9, 17)})
    assert sorted(date.fromisoformat(x["lesson_on"]) for x in found) == sorted(mondays + wednesdays)
    first = found[0]
    assert (first["slot_number"], first["status"], first["room_id"]) == (1, "scheduled", t.school.rooms[0])
    assert first["starts_at"] < first["ends_at"]
    assert job["created_lessons"] == len(found) + len(mondays)  # 6 Б has Mondays only
    events = await published(scheduling, SCHEDULED)  # a message per class: 5 А and 6 Б
    assert len(events) == 2
    announced = [lesson for e in events for lesson in e["data"]["lessons"]]
    assert len(announced) == job["created_lessons"]
    assert (
        {e["data"]["term_id"] for e in events} == {lesson["term_id"] for lesson in announced} == {t.term_id}
    )
    assert {lesson["lesson_id"] for lesson in announced} >= {x["lesson_id"] for x in found}
    again = await generate(api, admin, world, t)
    assert (again["status"], again["created_lessons"], again["removed_lessons"]) == ("done", 0, 0)
    assert await lessons_of(api, admin, t.school.class_5a, t.starts_on, t.ends_on) == found


async def test_a_timetable_change_from_a_date_regenerates_only_the_untouched_future(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    t = await term_ready(api, as_, world, deliver)
    s, dispatcher = t.school, as_(Role.schedule_dispatcher, world.school_a)
    await generate(api, dispatcher, world, t)
    before = await lessons_of(api, dispatcher, s.class_5a, t.starts_on, t.ends_on)
    cancelled = next(x for x in before if x["lesson_on"] == "2025-10-13")
    reason = {"reason": "Карантин"}
    done = await api.post(
        f"/v1/lessons/{cancelled['lesson_id']}/cancellation", json=reason, headers=dispatcher
    )
    assert done.status_code == 200, done.text
    body = week(s, "2025-10-06", lesson(s, 1, 3, "Математика", 0), lesson(s, 3, 2, "Русский язык", 1))
    assert (
        await api.put(f"/v1/classes/{s.class_5a}/timetable", json=body, headers=dispatcher)
    ).status_code == 200
    # The week's change brings the generated lessons in line at once; a generation then has nothing to do.
    after = await lessons_of(api, dispatcher, s.class_5a, t.starts_on, t.ends_on)
    job = await generate(api, dispatcher, world, t)
    assert (job["created_lessons"], job["removed_lessons"]) == (0, 0)
    assert await lessons_of(api, dispatcher, s.class_5a, t.starts_on, t.ends_on) == after
    past = [x for x in before if x["lesson_on"] < "2025-10-06"]
    assert [x for x in after if x["lesson_on"] < "2025-10-06"] == past
    mondays = [
        x
        for x in after
        if x["lesson_on"] >= "2025-10-06" and date.fromisoformat(x["lesson_on"]).isoweekday() == 1
    ]
    kept = [x for x in mondays if x["lesson_id"] == cancelled["lesson_id"]]
    assert kept
    assert kept[0]["status"] == "cancelled"
    assert {x["slot_number"] for x in mondays if x["status"] == "scheduled"} == {3}
    replaced = [e for e in await published(scheduling, CANCELLED) if e["data"]["replaced"]]
    assert len(replaced) == len([x for x in before if x["lesson_on"] >= "2025-10-06"]) - 1


async def test_a_move_is_refused_on_a_clash_and_a_moved_lesson_is_not_generated_again(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    t = await term_ready(api, as_, world, deliver)
    admin = as_(Role.school_admin, world.school_a)
    await generate(api, admin, world, t)
    [monday] = [
        x
        for x in await lessons_of(api, admin, t.school.class_5a, t.starts_on, t.ends_on)
        if x["lesson_on"] == "2025-09-08"
    ]
    path = f"/v1/lessons/{monday['lesson_id']}/move"
    busy = await api.post(path, json={"lesson_on": "2025-09-08", "slot_number": 2}, headers=admin)
    assert (busy.status_code, busy.json()["code"]) == (409, "teacher_busy")
    own = await api.post(path, json={"lesson_on": "2025-09-10", "slot_number": 2}, headers=admin)
    assert (own.status_code, own.json()["code"]) == (409, "class_busy")
    outside = await api.post(path, json={"lesson_on": "2026-03-02", "slot_number": 4}, headers=admin)
    assert (outside.status_code, outside.json()["code"]) == (422, "outside_term")
    moved = await api.post(path, json={"lesson_on": "2025-09-09", "slot_number": 4}, headers=admin)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["lesson_on"], moved.json()["planned_on"]) == ("2025-09-09", "2025-09-08")
    [event] = await published(scheduling, MOVED)
    assert (event["data"]["from_on"], event["data"]["lesson"]["slot_number"]) == ("2025-09-08", 4)
    again = await generate(api, admin, world, t)
    assert again["created_lessons"] == 0
    teacher = await api.get(
        f"/v1/schools/{world.school_a}/teachers/{t.school.teachers[0]}/lessons",
        params={"from": "2025-09-08", "to": "2025-09-09"},
        headers=as_(Role.subject_teacher, world.school_a),
    )
    assert [(x["lesson_on"], x["slot_number"]) for x in teacher.json()] == [
        ("2025-09-08", 2),
        ("2025-09-09", 4),
    ]


async def test_teachers_cannot_generate_or_change_lessons_and_other_schools_see_nothing(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    t = await term_ready(api, as_, world, deliver)
    admin, teacher = as_(Role.school_admin, world.school_a), as_(Role.subject_teacher, world.school_a)
    body = {"term_scheme_id": t.scheme_id, "term_id": t.term_id}
    path = f"/v1/schools/{world.school_a}/lesson-generations"
    assert (await api.post(path, json=body, headers=teacher)).status_code == 403
    other = as_(Role.school_admin, world.school_b)
    assert (await api.post(path, json=body, headers=other)).status_code == 404
    job = await generate(api, admin, world, t)
    assert (
        await api.get(f"/v1/lesson-generations/{job['lesson_generation_job_id']}", headers=other)
    ).status_code == 404
    [first, *_] = await lessons_of(api, teacher, t.school.class_5a, t.starts_on, t.ends_on)
    cancel = await api.post(
        f"/v1/lessons/{first['lesson_id']}/cancellation", json={"reason": "Нет"}, headers=teacher
    )
    assert cancel.status_code == 403
    assert (
        await api.post(
            f"/v1/lessons/{first['lesson_id']}/cancellation", json={"reason": "Нет"}, headers=other
        )
    ).status_code == 404
    query = {"from": "2025-09-01", "to": "2025-09-30"}
    assert (
        await api.get(f"/v1/classes/{t.school.class_5a}/lessons", params=query, headers=other)
    ).status_code == 404
