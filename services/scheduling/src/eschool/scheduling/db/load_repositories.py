"""Every query of curricula, the classes following them, and teaching assignments."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select

from eschool.common.db import Repository
from eschool.scheduling.db.curricula import ClassCurriculum, Curriculum, TeachingAssignment


class Curricula(Repository):
    """A school's curricula by year, and which class follows which."""

    async def curriculum(self, curriculum_id: uuid.UUID, *, lock: bool = False) -> Curriculum | None:
        """A curriculum (locked: its edits and its classes' changes queue)."""
        return await self.session.get(Curriculum, curriculum_id, with_for_update=lock, populate_existing=lock)

    async def named(self, school_id: uuid.UUID, year_id: uuid.UUID, key: str) -> Curriculum | None:
        """The year's curriculum of that name key."""
        stmt = select(Curriculum).where(
            Curriculum.school_id == school_id,
            Curriculum.academic_year_id == year_id,
            Curriculum.name_key == key,
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def curricula(self, school_id: uuid.UUID, year_id: uuid.UUID | None) -> Sequence[Curriculum]:
        """The school's curricula (of one year, if given), by year, grade and name."""
        stmt = select(Curriculum).where(Curriculum.school_id == school_id)
        if year_id is not None:
            stmt = stmt.where(Curriculum.academic_year_id == year_id)
        order = (Curriculum.academic_year_id, Curriculum.grade, Curriculum.name_key)
        return (await self.session.execute(stmt.order_by(*order))).scalars().all()

    async def class_ids(self, school_id: uuid.UUID, curriculum_id: uuid.UUID) -> list[uuid.UUID]:
        """The classes following the curriculum."""
        stmt = select(ClassCurriculum.class_id).where(
            ClassCurriculum.school_id == school_id, ClassCurriculum.curriculum_id == curriculum_id
        )
        return sorted((await self.session.execute(stmt)).scalars())

    async def followed(self, school_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID]:
        """The school's classes that follow a curriculum: class → curriculum."""
        stmt = select(ClassCurriculum.class_id, ClassCurriculum.curriculum_id)
        rows = await self.session.execute(stmt.where(ClassCurriculum.school_id == school_id))
        return {class_id: curriculum_id for class_id, curriculum_id in rows}

    async def of_class(self, class_id: uuid.UUID) -> ClassCurriculum | None:
        """What the class follows."""
        return await self.session.get(ClassCurriculum, class_id)

    async def leave(self, class_id: uuid.UUID) -> None:
        """The class follows no curriculum."""
        await self.session.execute(delete(ClassCurriculum).where(ClassCurriculum.class_id == class_id))


class TeachingAssignments(Repository):
    """Who teaches what where."""

    async def assignment(self, assignment_id: uuid.UUID, *, lock: bool = False) -> TeachingAssignment | None:
        """An assignment (locked: its edits queue)."""
        return await self.session.get(
            TeachingAssignment, assignment_id, with_for_update=lock, populate_existing=lock
        )

    async def same(
        self,
        school_id: uuid.UUID,
        class_id: uuid.UUID,
        subgroup_id: uuid.UUID | None,
        subject_id: uuid.UUID,
        person_id: uuid.UUID,
    ) -> TeachingAssignment | None:
        """The assignment of that natural key, if there is one."""
        group = (
            TeachingAssignment.subgroup_id.is_(None)
            if subgroup_id is None
            else TeachingAssignment.subgroup_id == subgroup_id
        )
        stmt = select(TeachingAssignment).where(
            TeachingAssignment.school_id == school_id,
            TeachingAssignment.class_id == class_id,
            group,
            TeachingAssignment.subject_id == subject_id,
            TeachingAssignment.person_id == person_id,
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def of_year(
        self,
        school_id: uuid.UUID,
        year_id: uuid.UUID,
        *,
        class_id: uuid.UUID | None = None,
        person_id: uuid.UUID | None = None,
    ) -> Sequence[TeachingAssignment]:
        """The year's assignments (of one class, one teacher, if given)."""
        stmt = select(TeachingAssignment).where(
            TeachingAssignment.school_id == school_id, TeachingAssignment.academic_year_id == year_id
        )
        if class_id is not None:
            stmt = stmt.where(TeachingAssignment.class_id == class_id)
        if person_id is not None:
            stmt = stmt.where(TeachingAssignment.person_id == person_id)
        order = (TeachingAssignment.class_id, TeachingAssignment.subject_id, TeachingAssignment.created_at)
        return (await self.session.execute(stmt.order_by(*order))).scalars().all()
