"""Whose data an administrator looks after, by contingent's own org tree, and who sees a school.

The platform's rule (``eschool.common.auth.jurisdiction``): the ministry the whole region, a
municipality the schools under it, a school's administrator or director their own school. Contingent
owns the tree, so the schools under a municipality are read from ``org_unit`` itself, closed schools
included (their records are still the municipality's to look after). Every contingent module that
checks object-level access starts here.

A school's own records (its years, its classes) follow one rule, as identity does for accounts: a
school out of the caller's sight (not theirs to administer, no role in it) answers 404
``school_not_found``, as if it did not exist, so that nobody learns what exists elsewhere; a caller who
sees the school but lacks the right gets 403. The org tree's public cards are everyone's to read, so
there every unit is in sight and a refused write is a 403.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from eschool.common.auth import Principal, Role
from eschool.common.auth.jurisdiction import Jurisdiction
from eschool.common.auth.jurisdiction import jurisdiction_of as common_jurisdiction_of
from eschool.common.db import UnitOfWork
from eschool.common.db.org_tree import schools_under
from eschool.common.errors import Problem, conflict, forbidden, not_found
from eschool.contingent.db.models import OrgUnit

# Who changes a school's years and classes, and who also reads them.
SCHOOL_WRITERS = (Role.school_admin, Role.director, Role.deputy_director, Role.secretary)
SCHOOL_READERS = (*SCHOOL_WRITERS, Role.subject_teacher, Role.class_teacher, Role.schedule_dispatcher)


async def jurisdiction_of(uow: UnitOfWork, actor: Principal) -> Jurisdiction:
    """The actor's jurisdiction, the schools under their municipalities read from the org tree."""
    return await common_jurisdiction_of(actor, schools_under(uow.session, OrgUnit.__table__))


def administers(jurisdiction: Jurisdiction, unit: OrgUnit) -> bool:
    """Whether the actor administers the unit itself: the ministry any, a municipality itself, a school
    its own administration and its municipality (who keep the unit's card and read its requisites)."""
    if jurisdiction.everywhere:
        return True
    if unit.kind == "municipality":
        return unit.org_unit_id in jurisdiction.municipalities
    return unit.kind == "school" and jurisdiction.covers_school(unit.org_unit_id)


def oversees(jurisdiction: Jurisdiction, kind: str, parent_id: uuid.UUID | None) -> bool:
    """Whether the actor adds, closes and reopens a unit of ``kind`` under ``parent_id``: the ministry
    any, a municipality the schools under itself."""
    return jurisdiction.everywhere or (kind == "school" and parent_id in jurisdiction.municipalities)


def school_not_found() -> Problem:
    """The 404 for a school that does not exist or is out of the caller's sight."""
    return not_found("school_not_found", "Школа не найдена")


async def require_school(
    uow: UnitOfWork,
    actor: Principal,
    school_id: uuid.UUID,
    *,
    roles: Collection[Role] = (),
    refusal: Problem | None = None,
    hidden: Problem | None = None,
    lock: bool = False,
) -> OrgUnit:
    """The school (locked if ``lock``) if the actor administers it or holds one of ``roles`` in it.

    No such school, or out of sight: 404 ``hidden`` (``school_not_found`` by default); in sight (a
    role in the school) without the right: 403 ``refusal`` (``school_not_administered`` by default).
    """
    school = await uow.session.get(OrgUnit, school_id, with_for_update=lock)
    if school is None or school.kind != "school":
        raise hidden or school_not_found()
    if actor.has_role(*roles, org_unit_id=school_id):
        return school
    if (await jurisdiction_of(uow, actor)).covers_school(school_id):
        return school
    if not any(binding.org_unit_id == school_id for binding in actor.bindings):
        raise hidden or school_not_found()
    raise refusal or forbidden("school_not_administered", "Эта школа вам не подчинена")


async def school_for(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    *,
    actor: Principal,
    write: bool,
    hidden: Problem | None = None,
    lock: bool = False,
) -> OrgUnit:
    """The school if the actor may read (``write``: change) its years and classes; ``hidden`` is the
    404 to answer when it is out of sight; writing in a closed school is refused."""
    roles = SCHOOL_WRITERS if write else SCHOOL_READERS
    refusal = _school_refusal(actor, school_id, write=write)
    school = await require_school(
        uow, actor, school_id, roles=roles, refusal=refusal, hidden=hidden, lock=lock
    )
    if write and school.closed_at is not None:
        raise conflict("school_closed", "Школа закрыта: изменения в ней невозможны")
    return school


def _school_refusal(actor: Principal, school_id: uuid.UUID, *, write: bool) -> Problem:
    # The school's teachers read its years and classes: what they are refused is the change.
    if write and actor.has_role(*SCHOOL_READERS, org_unit_id=school_id):
        return forbidden(
            "school_write_denied",
            "Изменять учебные годы и классы могут администрация школы, муниципалитет и министерство",
        )
    return forbidden(
        "school_access_denied", "Учебные годы и классы школы доступны её администрации и учителям"
    )
