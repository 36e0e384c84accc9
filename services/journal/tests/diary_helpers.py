"""Journal entries written straight into the database, for tests of what reads them (the diary): the
write path has its own tests through the API."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from eschool.common.db import utcnow
from eschool.common.service import ServiceRuntime
from eschool.journal.db.grading import Grading
from eschool.journal.db.records import Attendance, LessonRecord, Mark
from eschool.journal.db.schedule import Lesson


async def put_mark(
    journal: ServiceRuntime,
    lesson_id: uuid.UUID,
    pupil: uuid.UUID,
    value: int,
    *,
    work_type: str = "answer",
    comment: str | None = None,
) -> uuid.UUID:
    """A live five-point mark of ``work_type`` (the region's weight) for the pupil in the lesson."""
    async with journal.database.uow() as uow:
        lesson = await uow.session.get(Lesson, lesson_id)
        assert lesson is not None
        kind = (await Grading(uow.session).work_types(lesson.school_id))[work_type]
        now, mark_id = utcnow(), uuid.uuid4()
        uow.session.add(
            Mark(
                mark_id=mark_id,
                school_id=lesson.school_id,
                lesson_id=lesson_id,
                pupil_person_id=pupil,
                class_id=lesson.class_id,
                subject_id=lesson.subject_id,
                term_id=lesson.term_id,
                lesson_on=lesson.lesson_on,
                work_type_id=kind.work_type_id,
                weight=Decimal(kind.weight),
                value=str(value),
                numeric_value=value,
                comment=comment,
                recorded_by=None,
                recorded_at=now,
                updated_at=now,
                deleted_at=None,
                version=1,
            )
        )
        await uow.commit()
    return mark_id


async def put_absence(journal: ServiceRuntime, lesson_id: uuid.UUID, pupil: uuid.UUID, code: str) -> None:
    """The pupil's attendance code in the lesson."""
    async with journal.database.uow() as uow:
        lesson = await uow.session.get(Lesson, lesson_id)
        assert lesson is not None
        uow.session.add(
            Attendance(
                lesson_id=lesson_id,
                pupil_person_id=pupil,
                school_id=lesson.school_id,
                class_id=lesson.class_id,
                subject_id=lesson.subject_id,
                term_id=lesson.term_id,
                lesson_on=lesson.lesson_on,
                code=code,
                note=None,
                recorded_by=None,
                updated_at=utcnow(),
                deleted_at=None,
                version=1,
            )
        )
        await uow.commit()


async def put_record(journal: ServiceRuntime, lesson_id: uuid.UUID, topic: str, homework: str | None) -> None:
    """The lesson's record: its topic and homework, taught by its own teacher."""
    async with journal.database.uow() as uow:
        lesson = await uow.session.get(Lesson, lesson_id)
        assert lesson is not None
        now = utcnow()
        uow.session.add(
            LessonRecord(
                lesson_id=lesson_id,
                school_id=lesson.school_id,
                lesson_on=lesson.lesson_on,
                topic=topic,
                homework=homework,
                homework_due_lesson_id=None,
                work_kind=None,
                taught_by_person_id=lesson.teacher_person_id,
                substitute=False,
                recorded_at=now,
                updated_at=now,
                updated_by=None,
                version=1,
            )
        )
        await uow.commit()


WEEK_OF_SEPTEMBER_8 = date(2025, 9, 10)
