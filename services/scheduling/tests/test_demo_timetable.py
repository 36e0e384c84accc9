"""The demo's load and timetable: once contingent's demo classes, subgroups and staff arrive, every class
follows its grade's curriculum, has its teaching assignments (English by subgroup, two teachers) and a
clash-free week whose lessons per subject are its assignments' hours; a restart adds nothing."""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from eschool.common.demo import SCHOOL_IDS, demo_term_scheme_id
from eschool.common.events.base import Event
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import deliverer
from eschool.scheduling.db.curricula import ClassCurriculum, Curriculum, TeachingAssignment
from eschool.scheduling.db.lessons import Lesson
from eschool.scheduling.db.timetable import TimetableEntry
from eschool.scheduling.demo import demo_loaded

from .contingent_facts import class_saved, hired, subgroup_saved
from .test_demo import demo_years, start, table_counts

STAFF = 28


def contingent_demo(years: list) -> list[Event]:
    """Each demo school's staff, classes 1 А–11 Б with class teachers, classes 2–11 in two for English."""
    facts: list[Event] = []
    for year in years:
        school, staff = year.school_id, [uuid.uuid4() for _ in range(STAFF)]
        facts += [hired(p, school, last_name=f"Учитель{n:02d}") for n, p in enumerate(staff)]
        for n, (grade, letter) in enumerate((g, x) for g in range(1, 12) for x in "АБ"):
            class_id = uuid.uuid4()
            facts.append(
                class_saved(
                    class_id,
                    school,
                    year.academic_year_id,
                    grade=grade,
                    letter=letter,
                    teacher=staff[2 + n],
                    scheme=demo_term_scheme_id(school, year.name),  # as contingent's demo classes name it
                )
            )
            if grade >= 2:
                facts += [
                    subgroup_saved(uuid.uuid4(), class_id, school, year.academic_year_id, name=name)
                    for name in ("1 группа", "2 группа")
                ]
    return facts


async def counts(runtime: ServiceRuntime) -> dict[str, int]:
    return await table_counts(
        runtime, Curriculum, ClassCurriculum, TeachingAssignment, TimetableEntry, Lesson
    )


async def test_every_demo_class_gets_a_clash_free_week_of_its_assignments_once(tmp_path: Path) -> None:
    runtime = await start(tmp_path)
    try:
        years = demo_years()
        await deliverer(runtime)(*years, *contingent_demo(years))
        await demo_loaded(runtime)
        loaded = await counts(runtime)
        async with runtime.database.uow() as uow:
            entries = (await uow.session.execute(select(TimetableEntry))).scalars().all()
            assignments = (await uow.session.execute(select(TeachingAssignment))).scalars().all()
    finally:
        await runtime.stop()
    classes = len(SCHOOL_IDS) * 22
    assert loaded["curriculum"] == len(SCHOOL_IDS) * 11
    assert loaded["class_curriculum"] == classes
    planned = Counter(
        {(a.class_id, a.subgroup_id, a.subject_id, a.person_id): int(a.weekly_hours) for a in assignments}
    )
    held = Counter((e.class_id, e.subgroup_id, e.subject_id, e.teacher_person_id) for e in entries)
    assert held == planned
    assert len({e.class_id for e in entries}) == classes
    english = [a for a in assignments if a.subgroup_id is not None]
    assert len(english) == len(SCHOOL_IDS) * 20 * 2
    by_class: dict[uuid.UUID, set[uuid.UUID]] = {}
    for a in english:
        by_class.setdefault(a.class_id, set()).add(a.person_id)
    assert all(len(teachers) == 2 for teachers in by_class.values())
    _assert_no_clash(entries)
    # Every class has its lessons of the current term, as many a week as its timetable says.
    assert loaded["lesson"] >= classes * 20 * 4
    runtime = await start(tmp_path)
    try:
        await demo_loaded(runtime)
        assert await counts(runtime) == loaded
    finally:
        await runtime.stop()


def _assert_no_clash(entries: list[TimetableEntry]) -> None:
    """One bell schedule per school: a teacher, a room, a class (a subgroup beside its sister only) hold
    one lesson a slot."""
    seen: set[tuple[object, ...]] = set()
    whole: set[tuple[object, ...]] = set()
    for e in entries:
        at = (e.weekday, e.slot_number)
        for key in (
            ("teacher", e.teacher_person_id),
            ("room", e.room_id),
            ("class", e.class_id, e.subgroup_id),
        ):
            if key[1] is not None:
                assert (*key, *at) not in seen, (key, at)
                seen.add((*key, *at))
        whole.add((e.class_id, *at, e.subgroup_id is None))
    assert not {(c, d, s) for c, d, s, w in whole if w} & {(c, d, s) for c, d, s, w in whole if not w}
