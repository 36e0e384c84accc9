"""The events of dated lessons, written to the outbox in the use case's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from eschool.common.db import UnitOfWork
from eschool.common.events.scheduling import (
    MAX_LESSONS_PER_MESSAGE,
    LessonCancelledV1,
    LessonData,
    LessonMovedV1,
    LessonsScheduledV1,
    LessonTopic,
    LessonTopicsChangedV1,
)
from eschool.scheduling.db.lessons import Lesson

_FIELDS = tuple(LessonData.model_fields)


def lesson_data(lesson: Lesson) -> LessonData:
    """The lesson as the journal keeps it."""
    return LessonData.model_validate({f: getattr(lesson, f) for f in _FIELDS})


def lessons_scheduled(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    class_id: uuid.UUID,
    term_id: uuid.UUID,
    rows: Sequence[Mapping[str, object]],
    now: datetime,
) -> None:
    """A class's lessons generated from the timetable (``rows``: their columns), a message per
    ``MAX_LESSONS_PER_MESSAGE``. The rows are the service's own, just built: not validated again."""
    for start in range(0, len(rows), MAX_LESSONS_PER_MESSAGE):
        chunk = [
            LessonData.model_construct(**{f: row[f] for f in _FIELDS})
            for row in rows[start : start + MAX_LESSONS_PER_MESSAGE]
        ]
        event = LessonsScheduledV1(
            school_id=school_id, class_id=class_id, term_id=term_id, lessons=chunk, occurred_at=now
        )
        uow.outbox.add(event, subject=class_id, school_id=school_id, time=now)


def lesson_moved(uow: UnitOfWork, lesson: Lesson, from_on: date, from_slot: int, now: datetime) -> None:
    """A lesson moved by hand from a day and slot to where it is now."""
    event = LessonMovedV1(
        lesson=lesson_data(lesson), from_on=from_on, from_slot_number=from_slot, occurred_at=now
    )
    uow.outbox.add(event, subject=lesson.lesson_id, school_id=lesson.school_id, time=now)


def lesson_cancelled(
    uow: UnitOfWork, lesson: Lesson, reason: str, now: datetime, *, replaced: bool = False
) -> None:
    """A lesson cancelled by hand, or dropped because the timetable changed (``replaced``)."""
    event = LessonCancelledV1(lesson=lesson_data(lesson), reason=reason, replaced=replaced, occurred_at=now)
    uow.outbox.add(event, subject=lesson.lesson_id, school_id=lesson.school_id, time=now)


def lesson_topics_changed(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    class_id: uuid.UUID,
    subject_id: uuid.UUID,
    subgroup_id: uuid.UUID | None,
    topics: Mapping[uuid.UUID, tuple[int, str] | None],
    now: datetime,
) -> None:
    """The planned topics of every lesson of the class's (subgroup's) subject in the year."""
    lessons = [
        LessonTopic(lesson_id=lesson_id, number=t[0] if t else None, title=t[1] if t else None)
        for lesson_id, t in topics.items()
    ]
    event = LessonTopicsChangedV1(
        school_id=school_id,
        class_id=class_id,
        subject_id=subject_id,
        subgroup_id=subgroup_id,
        lessons=lessons,
        occurred_at=now,
    )
    uow.outbox.add(event, subject=class_id, school_id=school_id, time=now)
