"""The weekly timetable: set from a date all or nothing, every clash refused naming the field and the
other lesson, subgroups of one division side by side, the past kept, read by the school's people."""

from __future__ import annotations

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As, published

from .conftest import World
from .timetable_setup import School, lesson, school_ready, week

PUBLISHED = "scheduling.timetable.published.v1"


def url(school: School, class_id: object = None) -> str:
    return f"/v1/classes/{class_id or school.class_5a}/timetable"


async def put(api: httpx.AsyncClient, as_: As, world: World, path: str, body: dict) -> httpx.Response:
    return await api.put(path, json=body, headers=as_(Role.schedule_dispatcher, world.school_a))


async def test_a_week_is_set_shown_by_class_teacher_and_room_and_a_retry_changes_nothing(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    s = await school_ready(api, as_, world, deliver)
    body = week(
        s,
        "2025-09-01",
        lesson(s, 1, 2, "Русский язык", 1),
        lesson(s, 1, 1, "Математика", 0, room_id=s.rooms[0]),
    )
    first = await put(api, as_, world, url(s), body)
    assert first.status_code == 200, first.text
    assert (await put(api, as_, world, url(s), body)).json() == first.json()
    [event] = await published(scheduling, PUBLISHED)
    data = event["data"]
    assert (data["class_id"], data["valid_from"], len(data["lessons"])) == (str(s.class_5a), "2025-09-01", 2)
    assert {(x["slot_number"], x["starts_at"]) for x in data["lessons"]} == {(1, "08:00:00"), (2, "08:55:00")}
    pupil = as_(Role.pupil, world.school_a)
    shown = (await api.get(url(s), params={"on": "2025-09-03"}, headers=pupil)).json()["entries"]
    assert [(e["slot_number"], e["subject_name"], e["starts_at"], e["ends_at"]) for e in shown] == [
        (1, "Математика", "08:00", "08:45"),
        (2, "Русский язык", "08:55", "09:40"),
    ]
    assert (shown[0]["teacher_name"], shown[0]["room_name"], shown[0]["class_name"]) == (
        "Петрова Анна Сергеевна",
        "204",
        "5 А",
    )
    teacher = f"/v1/schools/{world.school_a}/teachers/{s.teachers[1]}/timetable"
    by_teacher = (await api.get(teacher, params={"on": "2025-09-03"}, headers=pupil)).json()["entries"]
    assert [e["subject_name"] for e in by_teacher] == ["Русский язык"]
    room = f"/v1/rooms/{s.rooms[0]}/timetable"
    by_room = (await api.get(room, params={"on": "2025-09-03"}, headers=pupil)).json()["entries"]
    assert [e["subject_name"] for e in by_room] == ["Математика"]


async def test_every_clash_is_refused_at_once_naming_the_field_and_the_other_lesson(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    s = await school_ready(api, as_, world, deliver)
    other = week(
        s,
        "2025-09-01",
        lesson(s, 1, 1, "Математика", 0),
        lesson(s, 1, 2, "Русский язык", 1, room_id=s.rooms[0]),
    )
    assert (await put(api, as_, world, url(s, s.class_6b), other)).status_code == 200
    body = week(
        s,
        "2025-10-01",
        lesson(s, 1, 1, "Математика", 0),
        lesson(s, 1, 2, "Английский язык", 2, room_id=s.rooms[0]),
        lesson(s, 1, 3, "Математика", 3),
        lesson(s, 1, 3, "Русский язык", 1),
    )
    refused = await put(api, as_, world, url(s), body)
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["code"] == "timetable_conflict"
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [
        ("body.entries.0.teacher_person_id", "teacher_busy"),
        ("body.entries.1.room_id", "room_busy"),
        ("body.entries.2.slot_number", "class_busy"),
        ("body.entries.3.slot_number", "class_busy"),
    ]
    assert problem["errors"][0]["detail"] == (
        "Учитель уже ведёт урок в понедельник, 1-й урок (08:00–08:45): 6 Б, Математика, с 01.09.2025"
    )
    assert "6 Б, Русский язык" in problem["errors"][1]["detail"]
    assert (
        await api.get(url(s), params={"on": "2025-10-01"}, headers=as_(Role.pupil, world.school_a))
    ).json()["entries"] == []
    assert len(await published(scheduling, PUBLISHED)) == 1


async def test_two_subgroups_of_a_division_share_a_slot_but_not_with_their_whole_class(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    s = await school_ready(api, as_, world, deliver)
    groups = [
        lesson(s, 2, 1, "Английский язык", 2, subgroup_id=s.groups[0], room_id=s.rooms[0]),
        lesson(s, 2, 1, "Английский язык", 3, subgroup_id=s.groups[1], room_id=s.rooms[1]),
    ]
    assert (await put(api, as_, world, url(s), week(s, "2025-09-01", *groups))).status_code == 200
    whole = lesson(s, 2, 1, "Математика", 0)
    refused = await put(api, as_, world, url(s), week(s, "2025-09-01", *groups, whole))
    assert refused.status_code == 409
    assert {e["field"] for e in refused.json()["errors"]} == {
        f"body.entries.{i}.slot_number" for i in range(3)
    }


async def test_a_change_from_a_date_keeps_the_earlier_week_and_frees_the_teacher_after_it(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    s = await school_ready(api, as_, world, deliver)
    pupil = as_(Role.pupil, world.school_a)
    assert (
        await put(api, as_, world, url(s), week(s, "2025-09-01", lesson(s, 1, 1, "Математика", 0)))
    ).status_code == 200
    changed = await put(api, as_, world, url(s), week(s, "2025-11-10", lesson(s, 1, 1, "Русский язык", 1)))
    assert changed.status_code == 200, changed.text
    before = (await api.get(url(s), params={"on": "2025-10-06"}, headers=pupil)).json()["entries"]
    assert [(e["subject_name"], e["valid_from"], e["valid_until"]) for e in before] == [
        ("Математика", "2025-09-01", "2025-11-09")
    ]
    after = (await api.get(url(s), params={"on": "2025-11-10"}, headers=pupil)).json()["entries"]
    assert [(e["subject_name"], e["valid_until"]) for e in after] == [("Русский язык", None)]
    # Петрова is free from 10 November on, not before.
    taken = lesson(s, 1, 1, "Математика", 0)
    early = await put(api, as_, world, url(s, s.class_6b), week(s, "2025-11-03", taken))
    assert early.json()["code"] == "teacher_busy"
    assert "по 09.11.2025" in early.json()["detail"]
    assert (await put(api, as_, world, url(s, s.class_6b), week(s, "2025-11-10", taken))).status_code == 200
    events = await published(scheduling, PUBLISHED)
    assert [e["data"]["valid_from"] for e in events] == ["2025-09-01", "2025-11-10", "2025-11-10"]


async def test_what_a_week_names_must_be_the_schools_and_the_field_is_named(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    s = await school_ready(api, as_, world, deliver)
    bad = lesson(s, 1, 9, "Математика", 0, room_id=s.class_6b, subgroup_id=s.class_6b)
    bad["teacher_person_id"] = str(s.class_6b)
    bad["subject_id"] = str(s.class_6b)
    refused = await put(api, as_, world, url(s), week(s, "2026-09-01", bad, {"weekday": 7}))
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} >= {"body.entries.1.weekday"}
    refused = await put(api, as_, world, url(s), week(s, "2026-09-01", bad))
    assert refused.status_code == 422
    assert {(e["field"], e["code"]) for e in refused.json()["errors"]} == {
        ("body.valid_from", "outside_academic_year"),
        ("body.entries.0.slot_number", "slot_unknown"),
        ("body.entries.0.subject_id", "subject_not_taught"),
        ("body.entries.0.teacher_person_id", "teacher_not_on_staff"),
        ("body.entries.0.room_id", "room_unknown"),
        ("body.entries.0.subgroup_id", "subgroup_unknown"),
    }


async def test_the_timetable_is_set_by_the_administration_and_read_by_the_schools_people(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    s = await school_ready(api, as_, world, deliver)
    body = week(s, "2025-09-01", lesson(s, 1, 1, "Математика", 0, room_id=s.rooms[0]))
    for role, unit in ((Role.municipality, world.rayon_a), (Role.director, world.school_a)):
        assert (await api.put(url(s), json=body, headers=as_(role, unit))).status_code == 200
    teacher = as_(Role.subject_teacher, world.school_a)
    refused = await api.put(url(s), json=body, headers=teacher)
    assert (refused.status_code, refused.json()["code"]) == (403, "timetable_write_denied")
    for role in (Role.subject_teacher, Role.guardian):
        assert (await api.get(url(s), headers=as_(role, world.school_a))).status_code == 200
    stranger = as_(Role.school_admin, world.school_b)
    teacher_view = f"/v1/schools/{world.school_a}/teachers/{s.teachers[0]}/timetable"
    for path in (url(s), teacher_view, f"/v1/rooms/{s.rooms[0]}/timetable"):
        assert (await api.get(path, headers=stranger)).status_code == 404
    hidden = await api.put(url(s), json=body, headers=as_(Role.municipality, world.rayon_b))
    assert (hidden.status_code, hidden.json()["code"]) == (404, "class_not_found")
