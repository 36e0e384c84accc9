"""Substitutions (``substitution``): who teaches a dated lesson in place of its own teacher, since when
and why; withdrawn ones are kept (``removed_at``) for the report of substituted lessons."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, Index, Text, Uuid, select, text
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db import Repository
from eschool.common.db.base import UtcDateTime
from eschool.scheduling.db.models import Base

_ACTIVE = text("removed_at IS NULL")


class Substitution(Base):
    """A substitute teacher for one lesson."""

    __tablename__ = "substitution"
    __table_args__ = (
        Index(
            "uq_substitution_school_id_lesson_id_active",
            "school_id",
            "lesson_id",
            unique=True,
            postgresql_where=_ACTIVE,
            sqlite_where=_ACTIVE,
        ),
        Index(
            "ix_substitution_school_id_substitute_lesson_on", "school_id", "substitute_person_id", "lesson_on"
        ),
        Index("ix_substitution_school_id_lesson_on", "school_id", "lesson_on"),
    )

    substitution_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    lesson_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    lesson_on: Mapped[date] = mapped_column(Date)
    substitute_person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    teacher_person_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the lesson's own teacher
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    removed_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class Substitutions(Repository):
    """The queries of substitutions."""

    async def active(
        self, school_id: uuid.UUID, lesson_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, Substitution]:
        """The lessons' current substitutions (locked), by lesson."""
        if not lesson_ids:
            return {}
        stmt = (
            select(Substitution)
            .where(
                Substitution.school_id == school_id,
                Substitution.lesson_id.in_(lesson_ids),
                Substitution.removed_at.is_(None),
            )
            .with_for_update()
        )
        return {s.lesson_id: s for s in (await self.session.scalars(stmt)).all()}

    async def of_substitute(
        self, school_id: uuid.UUID, person_id: uuid.UUID, day: date
    ) -> list[Substitution]:
        """The person's current substitutions on the day."""
        stmt = select(Substitution).where(
            Substitution.school_id == school_id,
            Substitution.substitute_person_id == person_id,
            Substitution.lesson_on == day,
            Substitution.removed_at.is_(None),
        )
        return list((await self.session.scalars(stmt)).all())

    async def between(self, school_id: uuid.UUID, first: date, last: date) -> list[Substitution]:
        """The school's current substitutions between the days, by day."""
        stmt = (
            select(Substitution)
            .where(
                Substitution.school_id == school_id,
                Substitution.lesson_on >= first,
                Substitution.lesson_on <= last,
                Substitution.removed_at.is_(None),
            )
            .order_by(Substitution.lesson_on, Substitution.created_at)
        )
        return list((await self.session.scalars(stmt)).all())
