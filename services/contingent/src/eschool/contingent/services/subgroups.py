"""Subgroups of a class: adding them, the class's division on a day, each subgroup's history. Placing
pupils and moving them: ``services.subgroup_moves``; the rules themselves: ``domain.subgroups``.

Who: the school's administration and the class's class teacher add subgroups and divide the class;
only the administration moves a pupil between subgroups or takes them out; the school's staff read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, not_found
from eschool.common.events.contingent import SubgroupSavedV1
from eschool.common.logging import get_logger
from eschool.contingent.db.models import AcademicYear, OrgUnit, SchoolClass
from eschool.contingent.db.people import Person
from eschool.contingent.db.subgroups import Subgroup, SubgroupMembership, Subgroups
from eschool.contingent.domain.people import Refusal, collecting
from eschool.contingent.domain.subgroups import clean_label
from eschool.contingent.services.classes import class_not_found
from eschool.contingent.services.common import refused
from eschool.contingent.services.people import school_of_pupils, today_in

log = get_logger(__name__)


@dataclass(frozen=True)
class Where:
    """A subgroup with its class, the class's year and school."""

    subgroup: Subgroup
    school_class: SchoolClass
    year: AcademicYear
    school: OrgUnit


def subgroup_not_found() -> Problem:
    """The 404 for a subgroup that does not exist or is out of the caller's sight."""
    return not_found("subgroup_not_found", "Подгруппа не найдена")


async def add_subgroup(
    uow: UnitOfWork, class_id: uuid.UUID, division: str, name: str, *, actor: Principal
) -> tuple[Subgroup, bool]:
    """Add a subgroup to the class; False when it has one of that division and name already (a retry)."""
    school_class = await uow.session.get(SchoolClass, class_id)
    if school_class is None:
        raise class_not_found()
    await _school(uow, actor, school_class, write=True, hidden=class_not_found())
    try:
        division, name = collecting(
            lambda: clean_label(division, "division", "для чего делится класс (например, «Английский язык»)"),
            lambda: clean_label(name, "name", "название подгруппы"),
        )
    except Refusal as refusal:
        raise refused(*refusal.broken) from None
    repo = Subgroups(uow.session)
    if (existing := await repo.by_name(class_id, division, name)) is not None:
        return existing, False
    now = utcnow()
    row = Subgroup(
        subgroup_id=uuid.uuid4(),
        school_id=school_class.school_id,
        class_id=class_id,
        division=division,
        name=name,
        created_by_user_id=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    try:
        await uow.session.flush()
    except IntegrityError:
        # Another request added the same subgroup meanwhile: answer it, as a retry.
        await uow.rollback()
        existing = await repo.by_name(class_id, division, name)
        assert existing is not None  # the unique key that refused the insert holds it
        return existing, False
    event = SubgroupSavedV1(
        subgroup_id=row.subgroup_id,
        class_id=class_id,
        school_id=row.school_id,
        academic_year_id=school_class.academic_year_id,
        division=division,
        name=name,
        occurred_at=now,
    )
    uow.outbox.add(event, subject=row.subgroup_id, school_id=row.school_id)
    await uow.commit()
    log.info("contingent.subgroup.added", subgroup_id=str(row.subgroup_id), class_id=str(class_id))
    return row, True


async def class_division(
    uow: UnitOfWork, class_id: uuid.UUID, on: date | None, *, actor: Principal
) -> tuple[date, list[Subgroup], dict[uuid.UUID, list[tuple[SubgroupMembership, Person]]]]:
    """The day (``on``, else today at the school), the class's subgroups and, for each, its pupils on
    that day by name."""
    school_class = await uow.session.get(SchoolClass, class_id)
    if school_class is None:
        raise class_not_found()
    school = await _school(uow, actor, school_class, write=False, hidden=class_not_found())
    day = on or today_in(school)
    stays = await Subgroups(uow.session).stays_on(class_id, day)
    persons = {p.person_id: p for p in await _persons(uow, [s.person_id for s in stays])}
    members: dict[uuid.UUID, list[tuple[SubgroupMembership, Person]]] = {}
    for stay in stays:
        members.setdefault(stay.subgroup_id, []).append((stay, persons[stay.person_id]))
    for pupils in members.values():
        pupils.sort(key=lambda pair: (pair[1].last_name, pair[1].first_name, pair[1].middle_name or ""))
    return day, await Subgroups(uow.session).of_class(class_id), members


async def subgroup_history(
    uow: UnitOfWork, subgroup_id: uuid.UUID, *, actor: Principal
) -> tuple[Subgroup, list[tuple[SubgroupMembership, Person]]]:
    """Every stay the subgroup has had, with the pupils' persons (the school's staff read it)."""
    where = await where_of(uow, subgroup_id, actor=actor, write=False)
    stays = await Subgroups(uow.session).history(subgroup_id)
    persons = {p.person_id: p for p in await _persons(uow, [s.person_id for s in stays])}
    return where.subgroup, [(s, persons[s.person_id]) for s in stays]


async def where_of(uow: UnitOfWork, subgroup_id: uuid.UUID, *, actor: Principal, write: bool) -> Where:
    subgroup = await uow.session.get(Subgroup, subgroup_id)
    if subgroup is None:
        raise subgroup_not_found()
    school_class = await uow.session.get(SchoolClass, subgroup.class_id)
    assert school_class is not None  # classes are never deleted
    school = await _school(uow, actor, school_class, write=write, hidden=subgroup_not_found())
    year = await uow.session.get(AcademicYear, school_class.academic_year_id)
    assert year is not None  # years are never deleted
    return Where(subgroup, school_class, year, school)


async def _school(
    uow: UnitOfWork, actor: Principal, school_class: SchoolClass, *, write: bool, hidden: Problem
) -> OrgUnit:
    return await school_of_pupils(
        uow,
        actor,
        school_class.school_id,
        hidden=hidden,
        write=write,
        class_teacher_id=school_class.class_teacher_person_id,
        class_id=school_class.class_id,
    )


async def _persons(uow: UnitOfWork, ids: list[uuid.UUID]) -> list[Person]:
    if not ids:
        return []
    return list((await uow.session.scalars(select(Person).where(Person.person_id.in_(set(ids))))).all())
