"""Every query of dated lessons and of their generation jobs."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, or_, select, update

from eschool.common.db import Repository
from eschool.scheduling.db.calendar import Holiday
from eschool.scheduling.db.contingent import SchoolClass
from eschool.scheduling.db.lessons import QUEUED, RUNNING, SCHEDULED, Lesson, LessonGenerationJob
from eschool.scheduling.db.timetable import TimetableEntry

_ORDER = (Lesson.lesson_on, Lesson.slot_number, Lesson.class_id, Lesson.subgroup_id, Lesson.lesson_id)


class Lessons(Repository):
    """Classes' and teachers' lessons, the timetable and holidays they are generated from, the jobs."""

    async def of_class_from(
        self, school_id: uuid.UUID, class_id: uuid.UUID, first: date, last: date
    ) -> Sequence[Lesson]:
        """The class's lessons planned between the days (both included)."""
        stmt = select(Lesson).where(
            Lesson.school_id == school_id,
            Lesson.class_id == class_id,
            Lesson.planned_on >= first,
            Lesson.planned_on <= last,
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def of_class_subjects(
        self, school_id: uuid.UUID, class_id: uuid.UUID, subject_ids: Collection[uuid.UUID] | None
    ) -> Sequence[Lesson]:
        """Every lesson of the class (of those subjects; all when None), its year's whole."""
        stmt = select(Lesson).where(Lesson.school_id == school_id, Lesson.class_id == class_id)
        if subject_ids is not None:
            stmt = stmt.where(Lesson.subject_id.in_(subject_ids))
        return (await self.session.execute(stmt.order_by(*_ORDER))).scalars().all()

    async def entries_between(
        self, school_id: uuid.UUID, class_id: uuid.UUID, first: date, last: date
    ) -> Sequence[TimetableEntry]:
        """The class's timetable entries in effect on some day between the two."""
        stmt = select(TimetableEntry).where(
            TimetableEntry.school_id == school_id,
            TimetableEntry.class_id == class_id,
            TimetableEntry.valid_from <= last,
            or_(TimetableEntry.valid_until.is_(None), TimetableEntry.valid_until >= first),
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def days_off(
        self, school_id: uuid.UUID, year_id: uuid.UUID, scheme_id: uuid.UUID
    ) -> list[tuple[date, date]]:
        """The spans of the year's holidays that apply to the scheme's classes (the school's and its own)."""
        stmt = select(Holiday.starts_on, Holiday.ends_on).where(
            Holiday.school_id == school_id,
            Holiday.academic_year_id == year_id,
            or_(Holiday.term_scheme_id.is_(None), Holiday.term_scheme_id == scheme_id),
        )
        return [(a, b) for a, b in (await self.session.execute(stmt)).all()]

    async def generated_terms(self, school_id: uuid.UUID, class_id: uuid.UUID) -> set[uuid.UUID]:
        """The terms the class has lessons of (generated once: kept in line with its timetable since)."""
        stmt = (
            select(Lesson.term_id)
            .where(Lesson.school_id == school_id, Lesson.class_id == class_id)
            .distinct()
        )
        return set((await self.session.scalars(stmt)).all())

    async def add_all(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert the lessons in one statement (batched by the driver)."""
        if rows:
            await self.session.execute(insert(Lesson), list(rows))

    async def drop(self, lesson_ids: Collection[uuid.UUID]) -> None:
        """Delete the lessons (still scheduled and untouched: the caller checked)."""
        if lesson_ids:
            await self.session.execute(delete(Lesson).where(Lesson.lesson_id.in_(lesson_ids)))

    async def between(
        self,
        school_id: uuid.UUID,
        first: date,
        last: date,
        *,
        class_id: uuid.UUID | None = None,
        teacher_person_id: uuid.UUID | None = None,
        room_id: uuid.UUID | None = None,
        scheduled_only: bool = False,
    ) -> Sequence[Lesson]:
        """The lessons held between the days of a class, a teacher or a room, by day and slot."""
        stmt = select(Lesson).where(
            Lesson.school_id == school_id, Lesson.lesson_on >= first, Lesson.lesson_on <= last
        )
        for column, value in (
            (Lesson.class_id, class_id),
            (Lesson.teacher_person_id, teacher_person_id),
            (Lesson.room_id, room_id),
        ):
            if value is not None:
                stmt = stmt.where(column == value)
        if scheduled_only:
            stmt = stmt.where(Lesson.status == SCHEDULED)
        return (await self.session.execute(stmt.order_by(*_ORDER))).scalars().all()

    async def get(self, lesson_id: uuid.UUID, *, lock: bool = False) -> Lesson | None:
        """A lesson (locked: changes to it queue)."""
        return await self.session.get(Lesson, lesson_id, with_for_update=lock, populate_existing=lock)

    async def scheme_classes(self, school_id: uuid.UUID, scheme_id: uuid.UUID) -> list[SchoolClass]:
        """The school's projected classes following the scheme, by grade then letter."""
        stmt = select(SchoolClass).where(
            SchoolClass.school_id == school_id, SchoolClass.term_scheme_id == scheme_id
        )
        order = SchoolClass.grade, SchoolClass.letter, SchoolClass.class_id
        return list((await self.session.scalars(stmt.order_by(*order))).all())

    async def lock_class(self, class_id: uuid.UUID) -> None:
        """Hold the class's projection until commit: two generations of one class take turns."""
        stmt = update(SchoolClass).where(SchoolClass.class_id == class_id)
        stmt = stmt.values(source_version=SchoolClass.source_version)
        await self.session.execute(stmt.execution_options(synchronize_session=False))

    async def unfinished_job(self, school_id: uuid.UUID, term_id: uuid.UUID) -> LessonGenerationJob | None:
        """The school's queued or running generation of the term, if any."""
        stmt = select(LessonGenerationJob).where(
            LessonGenerationJob.school_id == school_id,
            LessonGenerationJob.term_id == term_id,
            LessonGenerationJob.status.in_((QUEUED, RUNNING)),
        )
        return await self.session.scalar(stmt)
