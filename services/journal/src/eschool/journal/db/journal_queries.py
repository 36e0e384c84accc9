"""Queries of the journal's own records for the teacher's write path: a lesson's record, marks and
attendance, pupils' exemptions, work types by id, a class's lessons of a day, and the audit trail."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy import func, or_, select

from eschool.common.db import Page, Repository
from eschool.journal.db import lesson_queries
from eschool.journal.db.records import (
    Attendance,
    Exemption,
    HomeworkAttachment,
    JournalAudit,
    LessonRecord,
    Mark,
    WorkType,
)
from eschool.journal.db.schedule import Lesson


class JournalRecords(Repository):
    """What the journal recorded of lessons, and who changed it."""

    async def record(self, lesson_id: uuid.UUID) -> LessonRecord | None:
        """The lesson's record, if one was written."""
        return await self.session.get(LessonRecord, lesson_id)

    async def attachment_count(self, lesson_id: uuid.UUID) -> int:
        """How many files the lesson's homework has (not deleted)."""
        a = HomeworkAttachment
        stmt = select(func.count()).where(a.lesson_id == lesson_id, a.deleted_at.is_(None))
        return int((await self.session.execute(stmt)).scalar_one())

    async def mark(self, mark_id: uuid.UUID) -> Mark | None:
        """A mark by id, deleted or not."""
        return await self.session.get(Mark, mark_id)

    async def live_marks(self, lesson: Lesson) -> list[Mark]:
        """The lesson's marks that are not deleted, oldest first."""
        return await lesson_queries.live_marks(self.session, lesson)

    async def roster_with_exemptions(self, lesson: Lesson) -> dict[uuid.UUID, bool]:
        """The lesson's roster on its day, each pupil with whether exempted from its subject then."""
        return await lesson_queries.roster_with_exemptions(self.session, lesson)

    async def attendance(self, lesson_id: uuid.UUID) -> dict[uuid.UUID, Attendance]:
        """Every attendance row of the lesson (deleted ones too: a pupil marked again reuses it), by pupil."""
        stmt = select(Attendance).where(Attendance.lesson_id == lesson_id)
        return {row.pupil_person_id: row for row in (await self.session.execute(stmt)).scalars()}

    async def live_attendance(self, lesson_ids: Collection[uuid.UUID]) -> list[Attendance]:
        """The absences and latenesses recorded in the lessons (not deleted)."""
        if not lesson_ids:
            return []
        stmt = select(Attendance).where(Attendance.lesson_id.in_(lesson_ids), Attendance.deleted_at.is_(None))
        return list((await self.session.execute(stmt)).scalars())

    async def exempted(
        self, school_id: uuid.UUID, subject_id: uuid.UUID, day: date, pupils: Collection[uuid.UUID]
    ) -> set[uuid.UUID]:
        """Which of the pupils are exempted from the subject on the day."""
        if not pupils:
            return set()
        e = Exemption
        stmt = select(e.pupil_person_id).where(
            e.school_id == school_id,
            e.subject_id == subject_id,
            e.pupil_person_id.in_(pupils),
            e.deleted_at.is_(None),
            e.from_on <= day,
            or_(e.until_on.is_(None), e.until_on >= day),
        )
        return set((await self.session.execute(stmt)).scalars())

    async def exemption(self, exemption_id: uuid.UUID, *, hold: bool = False) -> Exemption | None:
        """An exemption by id, deleted or not (``hold``: locked until the transaction ends)."""
        return await self.session.get(Exemption, exemption_id, with_for_update=hold or None)

    async def exemptions(self, school_id: uuid.UUID, pupil_id: uuid.UUID | None) -> list[Exemption]:
        """The school's live exemptions (of one pupil, if given), newest first."""
        stmt = select(Exemption).where(Exemption.school_id == school_id, Exemption.deleted_at.is_(None))
        if pupil_id is not None:
            stmt = stmt.where(Exemption.pupil_person_id == pupil_id)
        order = (Exemption.from_on.desc(), Exemption.exemption_id)
        return list((await self.session.execute(stmt.order_by(*order))).scalars())

    async def work_types_by_id(self, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, WorkType]:
        """The work types of the ids (the marks of a lesson name them)."""
        if not ids:
            return {}
        stmt = select(WorkType).where(WorkType.work_type_id.in_(ids))
        return {row.work_type_id: row for row in (await self.session.execute(stmt)).scalars()}

    async def class_lessons_on(self, school_id: uuid.UUID, class_id: uuid.UUID, day: date) -> list[Lesson]:
        """The class's lessons of the day (cancelled ones too), in the order of the bell."""
        stmt = select(Lesson).where(
            Lesson.school_id == school_id, Lesson.class_id == class_id, Lesson.lesson_on == day
        )
        order = (Lesson.slot_number, Lesson.starts_at, Lesson.lesson_id)
        return list((await self.session.execute(stmt.order_by(*order))).scalars())

    async def audit(
        self,
        school_id: uuid.UUID,
        *,
        pupil_id: uuid.UUID | None = None,
        lesson_id: uuid.UUID | None = None,
        entities: Collection[str] | None = None,
        cursor: str | None,
        limit: int,
    ) -> Page[JournalAudit]:
        """The changes of a pupil's or a lesson's records, or (``entities``) of the school's own
        settings, which name neither, newest first."""
        a = JournalAudit
        stmt = select(a).where(a.school_id == school_id)
        if pupil_id is not None:
            stmt = stmt.where(a.pupil_person_id == pupil_id)
        if lesson_id is not None:
            stmt = stmt.where(a.lesson_id == lesson_id)
        if entities is not None:
            # Rare rows among a school's millions: the (school, pupil, at) index finds the ones of no pupil.
            stmt = stmt.where(a.pupil_person_id.is_(None), a.lesson_id.is_(None), a.entity.in_(entities))
        return await self.paginate(stmt, keys=(a.at, a.audit_id), cursor=cursor, limit=limit, descending=True)
