"""Curricula (учебные планы, seed 000 points 13-16, seed 001) of a school's year: created, listed,
read and changed whole on the version the editor saw; each change announces the whole curriculum."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, conflict, not_found
from eschool.scheduling.db.curricula import Curriculum
from eschool.scheduling.db.load_repositories import Curricula
from eschool.scheduling.db.setup_repositories import Subjects
from eschool.scheduling.domain.load import SubjectHours, check_curriculum
from eschool.scheduling.domain.names import clean, name_key
from eschool.scheduling.domain.rules import Violation
from eschool.scheduling.services import announce_load
from eschool.scheduling.services.common import check_version, refused, touch
from eschool.scheduling.services.load_scope import check_load
from eschool.scheduling.services.years import year_of_school


@dataclass(frozen=True)
class CurriculumDraft:
    """A curriculum's name, grade level, profile (10-11th grades) and subjects with weekly hours."""

    name: str
    grade: int
    profile: str | None
    subjects: Sequence[SubjectHours]


@dataclass(frozen=True)
class CurriculumView:
    """A curriculum and the classes following it."""

    curriculum: Curriculum
    class_ids: Sequence[uuid.UUID]


def curriculum_not_found() -> Problem:
    """The 404 for a curriculum that does not exist or is out of the caller's sight."""
    return not_found("curriculum_not_found", "Учебный план не найден")


def stored(subjects: Sequence[SubjectHours]) -> list[dict[str, str]]:
    """Subjects as the curriculum's row keeps them."""
    return [{"subject_id": str(s.subject_id), "weekly_hours": str(s.weekly_hours)} for s in subjects]


def curriculum_row(
    school_id: uuid.UUID, year_id: uuid.UUID, draft: CurriculumDraft, now: datetime
) -> Curriculum:
    """A new curriculum's row."""
    return Curriculum(
        curriculum_id=uuid.uuid4(),
        school_id=school_id,
        academic_year_id=year_id,
        name=draft.name,
        name_key=name_key(draft.name),
        grade=draft.grade,
        profile=draft.profile,
        subjects=stored(draft.subjects),
        created_at=now,
        updated_at=now,
        version=1,
    )


async def create_curriculum(
    uow: UnitOfWork, school_id: uuid.UUID, year_id: uuid.UUID, draft: CurriculumDraft, *, actor: Principal
) -> CurriculumView:
    """A new curriculum of the school's year."""
    await check_load(uow, actor, school_id, write=True)
    await year_of_school(uow, school_id, year_id)
    draft = await _checked(uow, school_id, year_id, draft, except_id=None)
    curriculum = curriculum_row(school_id, year_id, draft, utcnow())
    uow.session.add(curriculum)
    try:
        await uow.session.flush()
    except IntegrityError:
        raise curriculum_exists(draft.name) from None  # the same curriculum created twice at once
    announce_load.curriculum_saved(uow, curriculum, [])
    return CurriculumView(curriculum, [])


async def school_curricula(
    uow: UnitOfWork, school_id: uuid.UUID, year_id: uuid.UUID | None, *, actor: Principal
) -> list[CurriculumView]:
    """The school's curricula (of one year, if given), each with its classes."""
    await check_load(uow, actor, school_id, write=False)
    repo = Curricula(uow.session)
    classes: dict[uuid.UUID, list[uuid.UUID]] = {}
    for class_id, curriculum_id in (await repo.followed(school_id)).items():
        classes.setdefault(curriculum_id, []).append(class_id)
    return [
        CurriculumView(c, sorted(classes.get(c.curriculum_id, [])))
        for c in await repo.curricula(school_id, year_id)
    ]


async def curriculum_for(
    uow: UnitOfWork, curriculum_id: uuid.UUID, *, actor: Principal, write: bool
) -> CurriculumView:
    """The curriculum (locked when ``write``) if the actor may read or change it; 404 out of sight."""
    repo = Curricula(uow.session)
    curriculum = await repo.curriculum(curriculum_id)
    if curriculum is None:
        raise curriculum_not_found()
    await check_load(uow, actor, curriculum.school_id, write=write, hidden=curriculum_not_found())
    if write:
        curriculum = await repo.curriculum(curriculum_id, lock=True)
        if curriculum is None:
            raise curriculum_not_found()
    return CurriculumView(curriculum, await repo.class_ids(curriculum.school_id, curriculum_id))


async def change_curriculum(
    uow: UnitOfWork, curriculum_id: uuid.UUID, draft: CurriculumDraft, *, version: int, actor: Principal
) -> CurriculumView:
    """The curriculum's new name, grade, profile and subjects (all of them), on the version seen."""
    view = await curriculum_for(uow, curriculum_id, actor=actor, write=True)
    curriculum = view.curriculum
    check_version(curriculum, version)
    ids = (curriculum.school_id, curriculum.academic_year_id)
    draft = await _checked(uow, *ids, draft, except_id=curriculum_id)
    if view.class_ids and draft.grade != curriculum.grade:
        raise conflict(
            "curriculum_followed",
            "По учебному плану учатся классы: параллель изменить нельзя",
            field_name="body.grade",
        )
    new = (draft.name, draft.grade, draft.profile, stored(draft.subjects))
    if (curriculum.name, curriculum.grade, curriculum.profile, curriculum.subjects) == new:
        return view
    curriculum.name, curriculum.name_key = draft.name, name_key(draft.name)
    curriculum.grade, curriculum.profile, curriculum.subjects = draft.grade, draft.profile, new[3]
    touch(curriculum)
    announce_load.curriculum_saved(uow, curriculum, view.class_ids)
    return view


def curriculum_exists(name: str) -> Problem:
    """The 409 for a name the year already has."""
    return conflict(
        "curriculum_exists", f"Учебный план «{name}» в этом учебном году уже есть", field_name="body.name"
    )


async def _checked(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    year_id: uuid.UUID,
    draft: CurriculumDraft,
    *,
    except_id: uuid.UUID | None,
) -> CurriculumDraft:
    profile = clean(draft.profile) if draft.profile else None
    draft = CurriculumDraft(clean(draft.name), draft.grade, profile or None, list(draft.subjects))
    broken = check_curriculum(draft.name, draft.grade, draft.subjects)
    chosen = await Subjects(uow.session).chosen(school_id)
    for index, line in enumerate(draft.subjects):
        choice = chosen.get(line.subject_id)
        if choice is None or choice.retired:
            detail = "Предмет не входит в список предметов школы"
            broken.append(Violation(f"subjects.{index}.subject_id", "subject_not_taught", detail))
    if broken:
        raise refused(broken)
    same = await Curricula(uow.session).named(school_id, year_id, name_key(draft.name))
    if same is not None and same.curriculum_id != except_id:
        raise curriculum_exists(same.name)
    return draft
