"""Queries of a class's journal in a subject and term (seed 003, 4.5: pupils × dates): its lessons with
their records, the files of their homework, its live marks with their work types, and who was in the
class (or its subgroups) during the term. Each is one statement for the whole grid."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select

from eschool.common.db import Repository
from eschool.journal.db.models import ClassStay, SchoolClass, Subgroup, SubgroupMembership
from eschool.journal.db.records import HomeworkAttachment, LessonRecord, Mark, WorkType
from eschool.journal.db.schedule import Lesson


@dataclass(frozen=True)
class Stay:
    """A pupil's time in the class or a subgroup: first and last day (None: not said, or still there)."""

    pupil_person_id: uuid.UUID
    from_on: date | None
    until_on: date | None


def _overlaps(
    stay: type[ClassStay] | type[SubgroupMembership], start: date, end: date
) -> list[ColumnElement[bool]]:
    return [
        stay.from_on.is_not(None),
        stay.from_on <= end,
        or_(stay.until_on.is_(None), stay.until_on >= start),
    ]


def _of(
    row: type[Lesson] | type[Mark], school_class: SchoolClass, subject_id: uuid.UUID, term_id: uuid.UUID
) -> list[ColumnElement[bool]]:
    """The rows of the class's subject in the term."""
    return [
        row.school_id == school_class.school_id,
        row.class_id == school_class.class_id,
        row.subject_id == subject_id,
        row.term_id == term_id,
    ]


class GridQueries(Repository):
    """The journal grid's reads."""

    async def subgroup(self, subgroup_id: uuid.UUID) -> Subgroup | None:
        """A subgroup's card (its class)."""
        return await self.session.get(Subgroup, subgroup_id)

    async def lessons(
        self, school_class: SchoolClass, subject_id: uuid.UUID, term_id: uuid.UUID
    ) -> list[tuple[Lesson, LessonRecord | None]]:
        """The class's lessons of the subject in the term that are not cancelled, with their records, in
        the order of the days and the bell."""
        les = Lesson
        stmt = (
            select(les, LessonRecord)
            .outerjoin(LessonRecord, LessonRecord.lesson_id == les.lesson_id)
            .where(*_of(les, school_class, subject_id, term_id), les.cancelled.is_(False))
            .order_by(les.lesson_on, les.slot_number, les.starts_at, les.lesson_id)
        )
        return [(lesson, record) for lesson, record in (await self.session.execute(stmt)).all()]

    async def attachment_counts(self, lesson_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
        """How many live homework files each of the lessons has (lessons without any left out)."""
        if not lesson_ids:
            return {}
        h = HomeworkAttachment
        stmt = select(h.lesson_id, func.count()).where(h.lesson_id.in_(lesson_ids), h.deleted_at.is_(None))
        return {lesson: count for lesson, count in await self.session.execute(stmt.group_by(h.lesson_id))}

    async def marks(
        self, school_class: SchoolClass, subject_id: uuid.UUID, term_id: uuid.UUID
    ) -> list[tuple[Mark, str]]:
        """The live marks of the class in the subject and term with their work types' codes, oldest first."""
        m = Mark
        stmt = (
            select(m, WorkType.code)
            .join(WorkType, WorkType.work_type_id == m.work_type_id)
            .where(*_of(m, school_class, subject_id, term_id), m.deleted_at.is_(None))
            .order_by(m.recorded_at, m.mark_id)
        )
        return [(mark, code) for mark, code in (await self.session.execute(stmt)).all()]

    async def class_stays(self, school_class: SchoolClass, start: date, end: date) -> list[Stay]:
        """The stays in the class that take in a day of ``start``..``end``."""
        s = ClassStay
        stmt = select(s.person_id, s.from_on, s.until_on).where(
            s.school_id == school_class.school_id,
            s.class_id == school_class.class_id,
            *_overlaps(s, start, end),
        )
        return [Stay(*row) for row in await self.session.execute(stmt)]

    async def subgroup_stays(
        self, school_id: uuid.UUID, subgroup_ids: Collection[uuid.UUID], start: date, end: date
    ) -> list[Stay]:
        """The stays in the subgroups that take in a day of ``start``..``end``."""
        s = SubgroupMembership
        stmt = select(s.person_id, s.from_on, s.until_on).where(
            s.school_id == school_id, s.subgroup_id.in_(subgroup_ids), *_overlaps(s, start, end)
        )
        return [Stay(*row) for row in await self.session.execute(stmt)]
