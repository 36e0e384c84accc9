"""A class's weekly timetable set from a date (seed 003, 3.6): the week in effect the day before is
closed, a week set for a later date is replaced, the past is kept as it was; clashes are refused."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import FieldError, Problem, not_found
from eschool.scheduling.db.contingent import SchoolClass
from eschool.scheduling.db.repositories import Calendar
from eschool.scheduling.db.timetable import TimetableEntry
from eschool.scheduling.db.timetable_queries import Timetables
from eschool.scheduling.domain.timetable import Clash, clashes
from eschool.scheduling.services.announce_timetable import timetable_published
from eschool.scheduling.services.common import refused
from eschool.scheduling.services.lesson_generation import regenerate_from
from eschool.scheduling.services.timetable_checks import broken_rules, check_timetable
from eschool.scheduling.services.timetable_names import Names, names_of


@dataclass(frozen=True)
class LessonDraft:
    """A lesson of the week: weekday (1 Monday .. 6 Saturday), slot, subject, teacher, room and subgroup
    (None: not said, the whole class)."""

    weekday: int
    slot_number: int
    subject_id: uuid.UUID
    teacher_person_id: uuid.UUID
    room_id: uuid.UUID | None = None
    subgroup_id: uuid.UUID | None = None


@dataclass(frozen=True)
class WeekDraft:
    """A class's week from ``valid_from`` on, in the slots of one bell schedule."""

    valid_from: date
    bell_schedule_id: uuid.UUID
    lessons: Sequence[LessonDraft]


def class_not_found() -> Problem:
    """The 404 for a class that is not projected or is out of the caller's sight."""
    return not_found("class_not_found", "Класс не найден")


async def publish_week(
    uow: UnitOfWork, class_id: uuid.UUID, draft: WeekDraft, *, actor: Principal
) -> tuple[bool, list[TimetableEntry]]:
    """Set the class's week from the date; the same week again changes nothing (``False``)."""
    school_class = await Timetables(uow.session).classes([class_id])
    if not school_class:
        raise class_not_found()
    cls = school_class[class_id]
    await check_timetable(uow, actor, cls.school_id, write=True, hidden=class_not_found())
    # Every write of the school's year queues here, so two classes cannot take one teacher at once.
    year = await Calendar(uow.session).year(cls.academic_year_id, lock=True)
    new = [_entry(cls, draft, lesson) for lesson in draft.lessons]
    names = await names_of(uow, cls.school_id, new)
    if broken := await broken_rules(uow, cls, year, draft, new, names):
        raise refused(broken)
    tables = Timetables(uow.session)
    current = await tables.class_entries_from(cls.school_id, class_id, draft.valid_from)
    if _same_week(current, new):
        return False, list(current)
    await _refuse_clashes(uow, cls, draft.valid_from, new, names)
    for entry in current:
        if entry.valid_from >= draft.valid_from:
            await uow.session.delete(entry)
        else:
            entry.valid_until = draft.valid_from - timedelta(days=1)
    uow.session.add_all(new)
    await uow.session.flush()
    timetable_published(uow, cls, draft.valid_from, draft.bell_schedule_id, new, names)
    # The dated lessons already generated follow the new week from its first day (seed: regenerated
    # for the future only); terms not generated yet wait for their generation.
    await regenerate_from(uow, cls, draft.valid_from)
    return True, new


def _entry(cls: SchoolClass, draft: WeekDraft, lesson: LessonDraft) -> TimetableEntry:
    return TimetableEntry(
        timetable_entry_id=uuid.uuid4(),
        school_id=cls.school_id,
        class_id=cls.class_id,
        academic_year_id=cls.academic_year_id,
        bell_schedule_id=draft.bell_schedule_id,
        weekday=lesson.weekday,
        slot_number=lesson.slot_number,
        subject_id=lesson.subject_id,
        teacher_person_id=lesson.teacher_person_id,
        room_id=lesson.room_id,
        subgroup_id=lesson.subgroup_id,
        valid_from=draft.valid_from,
        valid_until=None,
        created_at=utcnow(),
    )


def _same_week(current: Sequence[TimetableEntry], new: Sequence[TimetableEntry]) -> bool:
    """Whether the class's week from the date is already exactly the new one (a retried request)."""
    if not new or any(e.valid_from != new[0].valid_from or e.valid_until for e in current):
        return not new and not current
    return sorted(map(_lesson_key, current)) == sorted(map(_lesson_key, new))


def _lesson_key(entry: TimetableEntry) -> tuple[str, ...]:
    fields = (entry.bell_schedule_id, entry.weekday, entry.slot_number, entry.subject_id)
    return tuple(map(str, (*fields, entry.teacher_person_id, entry.room_id, entry.subgroup_id)))


async def _refuse_clashes(
    uow: UnitOfWork, cls: SchoolClass, valid_from: date, new: Sequence[TimetableEntry], names: Names
) -> None:
    others = await Timetables(uow.session).busy_from(
        cls.school_id,
        valid_from,
        except_class=cls.class_id,
        teachers={e.teacher_person_id for e in new},
        rooms={e.room_id for e in new if e.room_id},
    )
    theirs = await names_of(uow, cls.school_id, others)
    # Every new entry has its slot (``broken_rules`` saw to it): the indexes stay the body's.
    mine = [b for b in map(names.booking, new) if b is not None]
    found = clashes(mine, [b for b in map(theirs.booking, others) if b is not None])
    if found:
        raise _clash_problem(found)


def _clash_problem(found: list[Clash]) -> Problem:
    errors = [FieldError("body." + c.field, c.code, c.detail) for c in found]
    code, detail = (
        (found[0].code, found[0].detail)
        if len(found) == 1
        else ("timetable_conflict", "В расписании пересечения: " + "; ".join(e.detail for e in errors))
    )
    return Problem(409, code, detail, title="Конфликт", errors=errors)
