"""Who sets and who reads a school's timetable, and what a week must name to be set.

The people of its calendar (``services.scope``): the school's administration and schedule dispatcher,
its municipality and the ministry set it; its teachers, pupils and guardians read it; anyone else
meets 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.common.errors import Problem, forbidden
from eschool.scheduling.db.contingent import SchoolClass
from eschool.scheduling.db.models import AcademicYear
from eschool.scheduling.db.setup_repositories import Subjects
from eschool.scheduling.db.subjects import SchoolSubject
from eschool.scheduling.db.timetable import TimetableEntry
from eschool.scheduling.domain.rules import Violation, YearSpan, ru
from eschool.scheduling.services.scope import check_school
from eschool.scheduling.services.timetable_names import Names

if TYPE_CHECKING:
    from eschool.scheduling.services.timetable import WeekDraft


async def check_timetable(
    uow: UnitOfWork, actor: Principal, school_id: uuid.UUID, *, write: bool, hidden: Problem | None = None
) -> None:
    """Pass if the actor may read (``write``: set) the school's timetable, else 404 ``hidden`` or 403."""
    try:
        await check_school(uow, actor, school_id, write=write, hidden=hidden)
    except Problem as problem:
        if problem.status != 403:
            raise
        raise forbidden(
            "timetable_write_denied" if write else "timetable_access_denied",
            "Составлять расписание занятий могут администрация школы, диспетчер расписания, "
            "муниципалитет и министерство",
        ) from None


async def broken_rules(
    uow: UnitOfWork,
    cls: SchoolClass,
    year: AcademicYear | None,
    draft: WeekDraft,
    new: Sequence[TimetableEntry],
    names: Names,
) -> list[Violation]:
    """Every broken rule of the week: its date in the class's year, its bell schedule the school's of
    that year, and each lesson's slot, subject, teacher, room and subgroup."""
    broken = []
    if year is not None and not YearSpan(year.starts_on, year.ends_on).holds(draft.valid_from):
        detail = f"Дата {ru(draft.valid_from)} вне учебного года класса ({year.name})"
        broken.append(Violation("valid_from", "outside_academic_year", detail))
    schedule = names.schedules.get(draft.bell_schedule_id)
    if schedule is None or (schedule.school_id, schedule.academic_year_id) != (
        cls.school_id,
        cls.academic_year_id,
    ):
        detail = "Расписание звонков не найдено среди расписаний школы на учебный год класса"
        return [*broken, Violation("bell_schedule_id", "bell_schedule_unknown", detail)]
    taught = await Subjects(uow.session).chosen(cls.school_id)
    for index, entry in enumerate(new):
        broken += _lesson_rules(f"entries.{index}.", entry, cls, names, taught)
    return broken


def _lesson_rules(
    at: str, entry: TimetableEntry, cls: SchoolClass, names: Names, taught: dict[uuid.UUID, SchoolSubject]
) -> list[Violation]:
    broken = []
    if names.slot(entry) is None:
        detail = f"В расписании звонков нет {entry.slot_number}-го урока"
        broken.append(Violation(at + "slot_number", "slot_unknown", detail))
    choice = taught.get(entry.subject_id)
    if choice is None or choice.retired:
        broken.append(Violation(at + "subject_id", "subject_not_taught", "Школа не ведёт этот предмет"))
    member = names.staff.get(entry.teacher_person_id)
    if member is None or member.dismissed_on is not None:
        detail = "Учитель не найден среди работающих сотрудников школы"
        broken.append(Violation(at + "teacher_person_id", "teacher_not_on_staff", detail))
    room = names.rooms.get(entry.room_id) if entry.room_id else None
    if entry.room_id and (room is None or room.school_id != cls.school_id or room.retired):
        detail = "Кабинет не найден среди действующих кабинетов школы"
        broken.append(Violation(at + "room_id", "room_unknown", detail))
    subgroup = names.subgroups.get(entry.subgroup_id) if entry.subgroup_id else None
    if entry.subgroup_id and (subgroup is None or subgroup.class_id != cls.class_id):
        detail = "Подгруппа не найдена среди подгрупп класса"
        broken.append(Violation(at + "subgroup_id", "subgroup_unknown", detail))
    return broken
