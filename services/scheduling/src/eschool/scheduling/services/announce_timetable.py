"""The event of a class's week set from a date, written to the outbox in the use case's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from eschool.common.db import UnitOfWork, utcnow
from eschool.common.events.scheduling import TimetableLesson, TimetablePublishedV1
from eschool.scheduling.db.contingent import SchoolClass
from eschool.scheduling.db.timetable import TimetableEntry
from eschool.scheduling.services.timetable_names import Names


def timetable_published(
    uow: UnitOfWork,
    cls: SchoolClass,
    valid_from: date,
    bell_schedule_id: uuid.UUID,
    entries: Sequence[TimetableEntry],
    names: Names,
) -> None:
    """The class's whole week from the date, each lesson with its slot's times."""
    lessons = []
    for entry in entries:
        starts_at, ends_at = names.slot(entry) or (None, None)
        lessons.append(
            TimetableLesson(
                timetable_entry_id=entry.timetable_entry_id,
                weekday=entry.weekday,
                slot_number=entry.slot_number,
                starts_at=starts_at,
                ends_at=ends_at,
                subject_id=entry.subject_id,
                teacher_person_id=entry.teacher_person_id,
                room_id=entry.room_id,
                subgroup_id=entry.subgroup_id,
            )
        )
    event = TimetablePublishedV1(
        class_id=cls.class_id,
        school_id=cls.school_id,
        academic_year_id=cls.academic_year_id,
        valid_from=valid_from,
        bell_schedule_id=bell_schedule_id,
        lessons=lessons,
        occurred_at=entries[0].created_at if entries else utcnow(),
    )
    uow.outbox.add(event, subject=cls.class_id, school_id=cls.school_id)
