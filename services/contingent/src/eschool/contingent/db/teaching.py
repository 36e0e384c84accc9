"""Scheduling's teaching assignments as contingent keeps them (``teaching_assignment``, fed by
``scheduling.teaching_assignment.changed.v1``, newest wins): who teaches in which class. A teacher reads
the lists of the classes they teach or lead once their school has distributed its load; until then,
their whole school's (the issue's interim rule)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Index, Uuid, exists, select
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db import Repository
from eschool.common.db.base import UtcDateTime
from eschool.contingent.db.models import Base


class TeachingAssignment(Base):
    """A teacher's assignment to a class (of any subject, whole class or subgroup)."""

    __tablename__ = "teaching_assignment"
    __table_args__ = (
        Index("ix_teaching_assignment_school_id_teacher", "school_id", "teacher_person_id", "class_id"),
    )

    teaching_assignment_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    teacher_person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    removed: Mapped[bool] = mapped_column(Boolean)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)


class TeachingAssignments(Repository):
    """Who teaches where."""

    async def distributed(self, school_id: uuid.UUID) -> bool:
        """Whether the school has distributed any of its teaching load."""
        stmt = select(
            exists().where(TeachingAssignment.school_id == school_id, TeachingAssignment.removed.is_(False))
        )
        return bool(await self.session.scalar(stmt))

    async def classes_taught(self, school_id: uuid.UUID, person_id: uuid.UUID) -> set[uuid.UUID]:
        """The classes the person teaches something in."""
        stmt = select(TeachingAssignment.class_id).where(
            TeachingAssignment.school_id == school_id,
            TeachingAssignment.teacher_person_id == person_id,
            TeachingAssignment.removed.is_(False),
        )
        return set((await self.session.scalars(stmt)).all())
