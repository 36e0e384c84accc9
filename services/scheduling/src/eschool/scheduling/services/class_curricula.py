"""A class follows one curriculum of its school's year and grade (or none); the curricula it leaves
and joins are announced whole, with their classes."""

from __future__ import annotations

import uuid

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, not_found, unprocessable
from eschool.scheduling.db.contingent import SchoolClass
from eschool.scheduling.db.contingent_queries import ContingentViews
from eschool.scheduling.db.curricula import ClassCurriculum
from eschool.scheduling.db.load_repositories import Curricula
from eschool.scheduling.services import announce_load
from eschool.scheduling.services.load_scope import check_load


def class_not_found() -> Problem:
    """The 404 for a class contingent has not announced, or out of the caller's sight."""
    return not_found("class_not_found", "Класс не найден")


async def class_for(uow: UnitOfWork, class_id: uuid.UUID, *, actor: Principal, write: bool) -> SchoolClass:
    """The projected class if the actor may read (``write``: change) its school's load; 404 else."""
    school_class = await ContingentViews(uow.session).school_class(class_id)
    if school_class is None:
        raise class_not_found()
    await check_load(uow, actor, school_class.school_id, write=write, hidden=class_not_found())
    return school_class


async def follow_curriculum(
    uow: UnitOfWork, class_id: uuid.UUID, curriculum_id: uuid.UUID | None, *, actor: Principal
) -> uuid.UUID | None:
    """The class follows the curriculum (None: none); returns what it follows now."""
    school_class = await class_for(uow, class_id, actor=actor, write=True)
    repo = Curricula(uow.session)
    if curriculum_id is not None:
        await _fitting(uow, school_class, curriculum_id)
    current = await repo.of_class(class_id)
    before = current.curriculum_id if current is not None else None
    if before == curriculum_id:
        return curriculum_id
    await repo.leave(class_id)
    if curriculum_id is not None:
        follows = ClassCurriculum(
            class_id=class_id,
            school_id=school_class.school_id,
            curriculum_id=curriculum_id,
            assigned_at=utcnow(),
        )
        uow.session.add(follows)
    await uow.session.flush()
    for changed in (before, curriculum_id):
        curriculum = await repo.curriculum(changed, lock=True) if changed is not None else None
        if curriculum is not None:
            classes = await repo.class_ids(curriculum.school_id, curriculum.curriculum_id)
            announce_load.curriculum_saved(uow, curriculum, classes)
    return curriculum_id


async def _fitting(uow: UnitOfWork, school_class: SchoolClass, curriculum_id: uuid.UUID) -> None:
    curriculum = await Curricula(uow.session).curriculum(curriculum_id, lock=True)
    same_year = curriculum is not None and (curriculum.school_id, curriculum.academic_year_id) == (
        school_class.school_id,
        school_class.academic_year_id,
    )
    if curriculum is None or not same_year:
        raise unprocessable(
            "curriculum_not_found",
            "Учебный план не найден в учебном году класса",
            field_name="body.curriculum_id",
        )
    if curriculum.grade != school_class.grade:
        raise unprocessable(
            "curriculum_grade_mismatch",
            f"Учебный план составлен для {curriculum.grade} класса, а класс — {school_class.grade}",
            field_name="body.curriculum_id",
        )
