"""A school ready for its timetable: two classes, teachers, subjects, rooms, a bell schedule, a class's
English division in two subgroups."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from eschool.common.auth import Role
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As

from .conftest import World
from .contingent_facts import class_saved, hired, subgroup_saved


@dataclass(frozen=True)
class School:
    """Ids of school A's timetable's pieces."""

    class_5a: uuid.UUID
    class_6b: uuid.UUID
    teachers: list[uuid.UUID]
    subjects: dict[str, str]
    rooms: list[str]
    schedule: str
    groups: list[uuid.UUID]


async def school_ready(api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver) -> School:
    """School A with its 5 А and 6 Б, four teachers, three subjects, two rooms, «1 смена» of six slots."""
    class_5a, class_6b = uuid.uuid4(), uuid.uuid4()
    teachers = [uuid.uuid4() for _ in range(4)]
    groups = [uuid.uuid4(), uuid.uuid4()]
    await deliver(
        class_saved(class_5a, world.school_a, world.year_a),
        class_saved(class_6b, world.school_a, world.year_a, grade=6, letter="Б"),
        *(hired(t, world.school_a, last_name=n) for t, n in zip(teachers, NAMES, strict=True)),
        subgroup_saved(groups[0], class_5a, world.school_a, world.year_a),
        subgroup_saved(groups[1], class_5a, world.school_a, world.year_a, name="2 группа"),
    )
    admin = as_(Role.school_admin, world.school_a)
    catalogue = (await api.get("/v1/subjects", headers=admin)).json()
    subjects = {x["name"]: x["subject_id"] for x in catalogue if x["name"] in SUBJECTS}
    chosen = {"subject_ids": list(subjects.values())}
    made = await api.post(f"/v1/schools/{world.school_a}/subjects/chosen", json=chosen, headers=admin)
    assert made.status_code == 200, made.text
    rooms = []
    for name in ("204", "305"):
        made = await api.post(f"/v1/schools/{world.school_a}/rooms", json={"name": name}, headers=admin)
        rooms.append(made.json()["room_id"])
    bells = {"academic_year_id": str(world.year_a), "name": "1 смена", "lessons": 6}
    made = await api.post(f"/v1/schools/{world.school_a}/bell-schedules", json=bells, headers=admin)
    assert made.status_code == 201, made.text
    return School(class_5a, class_6b, teachers, subjects, rooms, made.json()["bell_schedule_id"], groups)


SUBJECTS = ("Математика", "Русский язык", "Английский язык")
NAMES = ("Петрова", "Иванов", "Смирнова", "Кузнецов")


def lesson(
    school: School, weekday: int, slot: int, subject: str, teacher: int, **extra: Any
) -> dict[str, Any]:
    """A body entry: ``teacher`` is the index in ``school.teachers``."""
    return {
        "weekday": weekday,
        "slot_number": slot,
        "subject_id": school.subjects[subject],
        "teacher_person_id": str(school.teachers[teacher]),
        **{k: str(v) for k, v in extra.items()},
    }


def week(school: School, valid_from: str, *entries: dict[str, Any]) -> dict[str, Any]:
    """A PUT body."""
    return {"valid_from": valid_from, "bell_schedule_id": school.schedule, "entries": list(entries)}
