"""Pupils' individual curricula (seed 001, the administrator's start of the year): the class's
curriculum with subjects changed, added or dropped for one pupil from a day, with the reason. Edited by
those who edit the class's curriculum, read by the school's teachers too (``services.load_scope``);
each change announces the pupil's subjects whole."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, conflict, not_found, unprocessable
from eschool.common.events.scheduling import CurriculumHours, IndividualCurriculumSavedV1
from eschool.scheduling.db.contingent import SchoolClass
from eschool.scheduling.db.individual_curricula import IndividualCurriculum
from eschool.scheduling.db.load_repositories import Curricula
from eschool.scheduling.db.roster_queries import IndividualCurricula, Rosters
from eschool.scheduling.db.setup_repositories import Subjects
from eschool.scheduling.domain.individual_curricula import check_overrides, individual_hours
from eschool.scheduling.domain.load import SubjectHours
from eschool.scheduling.domain.names import clean
from eschool.scheduling.domain.rules import Violation
from eschool.scheduling.services.class_curricula import class_for
from eschool.scheduling.services.common import check_version, refused, touch
from eschool.scheduling.services.curricula import stored
from eschool.scheduling.services.load_scope import check_load
from eschool.scheduling.services.years import year_of_school


@dataclass(frozen=True)
class IndividualDraft:
    """The day it applies from, the reason, and the changed subjects (zero hours: dropped)."""

    from_on: date
    reason: str
    subjects: Sequence[SubjectHours]


@dataclass(frozen=True)
class IndividualView:
    """An individual curriculum and the pupil's subjects with it applied."""

    row: IndividualCurriculum
    hours: Sequence[SubjectHours]


def individual_not_found() -> Problem:
    """The 404 for an individual curriculum that does not exist or is out of the caller's sight."""
    return not_found("individual_curriculum_not_found", "Индивидуальный учебный план не найден")


async def create_individual_curriculum(
    uow: UnitOfWork, class_id: uuid.UUID, person_id: uuid.UUID, draft: IndividualDraft, *, actor: Principal
) -> IndividualView:
    """A pupil of the class follows an individual curriculum from a day."""
    school_class = await class_for(uow, class_id, actor=actor, write=True)
    draft, base = await _checked(uow, school_class, person_id, draft, except_id=None)
    now = utcnow()
    row = IndividualCurriculum(
        individual_curriculum_id=uuid.uuid4(),
        school_id=school_class.school_id,
        class_id=class_id,
        person_id=person_id,
        from_on=draft.from_on,
        reason=draft.reason,
        subjects=stored(draft.subjects),
        created_at=now,
        updated_at=now,
        version=1,
    )
    uow.session.add(row)
    try:
        await uow.session.flush()
    except IntegrityError:
        raise _exists() from None  # the same one created twice at once
    return _announced(uow, row, base)


async def class_individual_curricula(
    uow: UnitOfWork, class_id: uuid.UUID, *, actor: Principal
) -> list[IndividualView]:
    """The individual curricula of the class's pupils."""
    school_class = await class_for(uow, class_id, actor=actor, write=False)
    base = await _base(uow, class_id)
    rows = await IndividualCurricula(uow.session).of_class(school_class.school_id, class_id)
    return [IndividualView(r, individual_hours(base, overrides(r))) for r in rows]


async def individual_curriculum_for(
    uow: UnitOfWork, individual_id: uuid.UUID, *, actor: Principal, write: bool
) -> IndividualView:
    """The individual curriculum (locked when ``write``) if the actor may read or change it."""
    repo = IndividualCurricula(uow.session)
    row = await repo.one(individual_id)
    if row is None:
        raise individual_not_found()
    await check_load(uow, actor, row.school_id, write=write, hidden=individual_not_found())
    if write:
        row = await repo.one(individual_id, lock=True)
        if row is None:
            raise individual_not_found()
    return IndividualView(row, individual_hours(await _base(uow, row.class_id), overrides(row)))


async def change_individual_curriculum(
    uow: UnitOfWork, individual_id: uuid.UUID, draft: IndividualDraft, *, version: int, actor: Principal
) -> IndividualView:
    """The individual curriculum's new day, reason and changes (all of them), on the version seen."""
    row = (await individual_curriculum_for(uow, individual_id, actor=actor, write=True)).row
    check_version(row, version)
    school_class = await class_for(uow, row.class_id, actor=actor, write=True)
    draft, base = await _checked(uow, school_class, row.person_id, draft, except_id=individual_id)
    if (row.from_on, row.reason, row.subjects) != (draft.from_on, draft.reason, stored(draft.subjects)):
        row.from_on, row.reason, row.subjects = draft.from_on, draft.reason, stored(draft.subjects)
        touch(row)
        return _announced(uow, row, base)
    return IndividualView(row, individual_hours(base, draft.subjects))


async def remove_individual_curriculum(
    uow: UnitOfWork, individual_id: uuid.UUID, *, version: int | None, actor: Principal
) -> None:
    """The pupil follows the class's curriculum again (announced as removed)."""
    row = (await individual_curriculum_for(uow, individual_id, actor=actor, write=True)).row
    check_version(row, version)
    await uow.session.delete(row)
    _announced(uow, row, [], removed=True)


def overrides(row: IndividualCurriculum) -> list[SubjectHours]:
    """The changes the row keeps."""
    return _lines(row.subjects)


def _lines(kept: list[dict[str, Any]]) -> list[SubjectHours]:
    return [SubjectHours(uuid.UUID(s["subject_id"]), Decimal(s["weekly_hours"])) for s in kept]


async def _base(uow: UnitOfWork, class_id: uuid.UUID) -> list[SubjectHours]:
    """The subjects of the curriculum the class follows (none if it follows none)."""
    repo = Curricula(uow.session)
    follows = await repo.of_class(class_id)
    curriculum = await repo.curriculum(follows.curriculum_id) if follows is not None else None
    if curriculum is None:
        return []
    return _lines(curriculum.subjects)


async def _checked(
    uow: UnitOfWork,
    school_class: SchoolClass,
    person_id: uuid.UUID,
    draft: IndividualDraft,
    *,
    except_id: uuid.UUID | None,
) -> tuple[IndividualDraft, list[SubjectHours]]:
    school_id, class_id = school_class.school_id, school_class.class_id
    base = await _base(uow, class_id)
    if not base:
        detail = "Класс не следует учебному плану: сначала назначьте классу учебный план"
        raise unprocessable("class_without_curriculum", detail, field_name="body.subjects")
    draft = IndividualDraft(draft.from_on, clean(draft.reason), list(draft.subjects))
    broken = check_overrides(draft.reason, draft.subjects, base)
    year = await year_of_school(uow, school_id, school_class.academic_year_id, field="body.from_on")
    if not year.starts_on <= draft.from_on <= year.ends_on:
        broken.append(Violation("from_on", "from_on_out_of_year", "Дата должна быть в учебном году класса"))
    elif not await Rosters(uow.session).in_class(school_id, class_id, person_id, draft.from_on):
        detail = "Обучающийся не числится в классе на эту дату"
        broken.append(Violation("person_id", "pupil_not_in_class", detail))
    chosen, in_base = await Subjects(uow.session).chosen(school_id), {s.subject_id for s in base}
    for index, line in enumerate(draft.subjects):
        choice = chosen.get(line.subject_id)
        if line.subject_id not in in_base and (choice is None or choice.retired):
            detail = "Предмет не входит в список предметов школы"
            broken.append(Violation(f"subjects.{index}.subject_id", "subject_not_taught", detail))
    if broken:
        raise refused(broken)
    same = await IndividualCurricula(uow.session).same_day(school_id, class_id, person_id, draft.from_on)
    if same is not None and same.individual_curriculum_id != except_id:
        raise _exists()
    return draft, base


def _exists() -> Problem:
    return conflict(
        "individual_curriculum_exists",
        "У обучающегося уже есть индивидуальный учебный план в этом классе с этой даты",
        field_name="body.from_on",
    )


def _announced(
    uow: UnitOfWork, row: IndividualCurriculum, base: Sequence[SubjectHours], *, removed: bool = False
) -> IndividualView:
    hours = [] if removed else individual_hours(base, overrides(row))
    subjects = [CurriculumHours(subject_id=h.subject_id, weekly_hours=float(h.weekly_hours)) for h in hours]
    event = IndividualCurriculumSavedV1(
        individual_curriculum_id=row.individual_curriculum_id,
        school_id=row.school_id,
        class_id=row.class_id,
        person_id=row.person_id,
        from_on=row.from_on,
        subjects=subjects,
        removed=removed,
        occurred_at=utcnow(),
    )
    uow.outbox.add(event, subject=row.person_id, school_id=row.school_id)
    return IndividualView(row, hours)
