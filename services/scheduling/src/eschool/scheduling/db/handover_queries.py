"""Every query of a leaving teacher's handover: what they hold in the school."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import func, or_, select, tuple_

from eschool.common.db import Repository
from eschool.scheduling.db.curricula import TeachingAssignment
from eschool.scheduling.db.lessons import SCHEDULED, Lesson
from eschool.scheduling.db.thematic_plans import ThematicPlan
from eschool.scheduling.db.timetable import TimetableEntry


class Handovers(Repository):
    """A teacher's assignments, the plans of their classes' subjects, their lessons and weeks."""

    async def assignments(self, school_id: uuid.UUID, person_id: uuid.UUID) -> Sequence[TeachingAssignment]:
        """The teacher's assignments in the school."""
        stmt = select(TeachingAssignment).where(
            TeachingAssignment.school_id == school_id, TeachingAssignment.person_id == person_id
        )
        order = TeachingAssignment.class_id, TeachingAssignment.subject_id, TeachingAssignment.subgroup_id
        return (await self.session.execute(stmt.order_by(*order))).scalars().all()

    async def plans(
        self, school_id: uuid.UUID, pairs: Collection[tuple[uuid.UUID, uuid.UUID]]
    ) -> Sequence[ThematicPlan]:
        """The plans of those classes' subjects (class, subject pairs)."""
        if not pairs:
            return []
        stmt = select(ThematicPlan).where(
            ThematicPlan.school_id == school_id,
            tuple_(ThematicPlan.class_id, ThematicPlan.subject_id).in_(list(pairs)),
        )
        return (await self.session.execute(stmt.order_by(ThematicPlan.class_id))).scalars().all()

    async def lessons_from(
        self, school_id: uuid.UUID, person_id: uuid.UUID, day: date
    ) -> list[tuple[uuid.UUID, uuid.UUID, int]]:
        """The teacher's scheduled lessons from the day on, counted by class and subject."""
        stmt = (
            select(Lesson.class_id, Lesson.subject_id, func.count())
            .where(
                Lesson.school_id == school_id,
                Lesson.teacher_person_id == person_id,
                Lesson.status == SCHEDULED,
                Lesson.lesson_on >= day,
            )
            .group_by(Lesson.class_id, Lesson.subject_id)
            .order_by(Lesson.class_id, Lesson.subject_id)
        )
        return [(c, s, n) for c, s, n in (await self.session.execute(stmt)).all()]

    async def class_ids_from(self, school_id: uuid.UUID, person_id: uuid.UUID, day: date) -> list[uuid.UUID]:
        """The classes whose weeks in effect on the day or later have the teacher."""
        stmt = (
            select(TimetableEntry.class_id)
            .where(
                TimetableEntry.school_id == school_id,
                TimetableEntry.teacher_person_id == person_id,
                or_(TimetableEntry.valid_until.is_(None), TimetableEntry.valid_until >= day),
            )
            .distinct()
        )
        return sorted((await self.session.scalars(stmt)).all(), key=str)
