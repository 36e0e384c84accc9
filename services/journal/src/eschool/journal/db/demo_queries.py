"""The demo loader's queries: the demo schools' past lessons not recorded yet."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from eschool.journal.db.records import LessonRecord
from eschool.journal.db.schedule import Lesson, Subject


class DemoQueries:
    """Reads for ``eschool.journal.demo``."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def unrecorded(
        self,
        schools: Collection[uuid.UUID],
        start: date,
        end: date,
        limit: int,
        *,
        exclude: Collection[uuid.UUID] = (),
    ) -> list[Lesson]:
        """The schools' lessons of the days with no record yet, newest first (this week fills first)."""
        stmt = (
            select(Lesson)
            .outerjoin(LessonRecord, LessonRecord.lesson_id == Lesson.lesson_id)
            .where(LessonRecord.lesson_id.is_(None), Lesson.school_id.in_(schools))
            .where(Lesson.lesson_on.between(start, end), Lesson.cancelled.is_(False))
            .order_by(Lesson.lesson_on.desc(), Lesson.class_id, Lesson.slot_number)
            .limit(limit)
        )
        if exclude:
            stmt = stmt.where(Lesson.lesson_id.not_in(exclude))
        return list((await self.session.execute(stmt)).scalars())

    async def subject_name(self, subject_id: uuid.UUID) -> str:
        """A subject's name ("" until scheduling has said it)."""
        return await self.session.scalar(select(Subject.name).where(Subject.subject_id == subject_id)) or ""
