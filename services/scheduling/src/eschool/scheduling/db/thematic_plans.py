"""Thematic plans (календарно-тематическое планирование, КТП, seed 000 points 13-16): a class's topics
of one subject in its year, in order, with hours. The topics travel whole with their plan (one list,
like a curriculum's subjects): a plan is replaced whole, on the version its editor saw."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, UniqueConstraint, Uuid, select
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db import Repository
from eschool.common.db.base import UtcDateTime
from eschool.scheduling.db.contingent import SchoolClass
from eschool.scheduling.db.models import AcademicYear, Base


class ThematicPlan(Base):
    """The plan of a class's subject: its topics and their total hours."""

    __tablename__ = "thematic_plan"
    __table_args__ = (
        UniqueConstraint("school_id", "class_id", "subject_id"),
        Index("ix_thematic_plan_school_id_academic_year_id", "school_id", "academic_year_id"),
    )

    thematic_plan_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # [{"number": 1, "title": "...", "hours": 2, "section": "...", "lesson_type": "..."}, ...] in order.
    topics: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    total_hours: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ThematicPlans(Repository):
    """Plans by class and subject, and the classes a plan is copied from."""

    async def plan(
        self, school_id: uuid.UUID, class_id: uuid.UUID, subject_id: uuid.UUID, *, lock: bool = False
    ) -> ThematicPlan | None:
        """The plan of the class's subject (locked: its replacements queue)."""
        stmt = select(ThematicPlan).where(
            ThematicPlan.school_id == school_id,
            ThematicPlan.class_id == class_id,
            ThematicPlan.subject_id == subject_id,
        )
        if lock:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def of_class(self, school_id: uuid.UUID, class_id: uuid.UUID) -> Sequence[ThematicPlan]:
        """Every plan of the class."""
        stmt = select(ThematicPlan).where(
            ThematicPlan.school_id == school_id, ThematicPlan.class_id == class_id
        )
        return (await self.session.execute(stmt.order_by(ThematicPlan.subject_id))).scalars().all()

    async def year_before(self, school_id: uuid.UUID, starts_on: Any) -> AcademicYear | None:
        """The school's year that began last before ``starts_on``."""
        stmt = select(AcademicYear).where(
            AcademicYear.school_id == school_id, AcademicYear.starts_on < starts_on
        )
        return (await self.session.execute(stmt.order_by(AcademicYear.starts_on.desc()).limit(1))).scalar()

    async def classes_of_grade(
        self, school_id: uuid.UUID, year_id: uuid.UUID, grade: int
    ) -> Sequence[SchoolClass]:
        """The year's classes of a grade."""
        stmt = select(SchoolClass).where(
            SchoolClass.school_id == school_id,
            SchoolClass.academic_year_id == year_id,
            SchoolClass.grade == grade,
        )
        return (await self.session.execute(stmt)).scalars().all()
