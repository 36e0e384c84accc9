"""What the timetable's builders read of contingent's classes, subgroups and staff, and who may read it.

Readers: the school's administration (administrator, director, deputy director), its schedule
dispatcher and its teachers; the municipality over the school and the ministry. Anyone else (another
school's people, and in the school its secretary, pupils and guardians: staff lists and subgroup
rosters are not theirs) meets 404, as if the school did not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from eschool.common.auth import Principal, Role
from eschool.common.auth.jurisdiction import jurisdiction_of
from eschool.common.db import UnitOfWork, today_in_zone
from eschool.common.db.org_tree import schools_under
from eschool.common.errors import Problem, not_found
from eschool.scheduling.db.contingent import StaffMember, Subgroup
from eschool.scheduling.db.contingent_queries import ClassRow, ContingentViews
from eschool.scheduling.db.models import OrgUnit
from eschool.scheduling.services.scope import school_not_found

VIEWERS = (
    Role.school_admin,
    Role.director,
    Role.deputy_director,
    Role.schedule_dispatcher,
    Role.subject_teacher,
    Role.class_teacher,
)
# Seed 000, point 8: a class's periods must exist before the class; a dispatcher sees where they do not.
TermSchemeState = Literal["missing", "unknown", "defined"]


@dataclass(frozen=True)
class ClassView:
    """A class as the timetable's builders see it, with the state of the term scheme its card names:
    none named (``missing``), named but not one of the school's schemes of that year (``unknown``), or
    ``defined``."""

    row: ClassRow
    term_scheme_state: TermSchemeState


@dataclass(frozen=True)
class SubgroupView:
    """A subgroup and the pupils (person ids) in it on the day asked."""

    subgroup: Subgroup
    person_ids: list[uuid.UUID]


async def check_viewer(
    uow: UnitOfWork, actor: Principal, school_id: uuid.UUID, *, hidden: Problem | None = None
) -> None:
    """Pass if the actor may read the school's classes, subgroups and staff, else 404 ``hidden``."""
    if actor.has_role(*VIEWERS, org_unit_id=school_id):
        return
    query = schools_under(uow.session, OrgUnit.__table__)
    if not (await jurisdiction_of(actor, query)).covers_school(school_id):
        raise hidden or school_not_found()


async def school_classes(
    uow: UnitOfWork, school_id: uuid.UUID, year_id: uuid.UUID | None, *, actor: Principal
) -> list[ClassView]:
    """The school's classes (of one year, if given), each with its class teacher and term scheme."""
    await check_viewer(uow, actor, school_id)
    rows = await ContingentViews(uow.session).classes(school_id, year_id)
    return [ClassView(row, _scheme_state(row)) for row in rows]


async def class_subgroups(
    uow: UnitOfWork, class_id: uuid.UUID, on: date | None, *, actor: Principal
) -> tuple[date, list[SubgroupView]]:
    """The class's subgroups with their pupils on ``on`` (today in the school, if not given)."""
    views = ContingentViews(uow.session)
    school_class = await views.school_class(class_id)
    hidden = not_found("class_not_found", "Класс не найден")
    if school_class is None:
        raise hidden
    await check_viewer(uow, actor, school_class.school_id, hidden=hidden)
    day = on or today_in_zone(await views.time_zone(school_class.school_id))
    stays = await views.stays_on(school_class.school_id, class_id, day)
    subgroups = await views.subgroups(school_class.school_id, class_id)
    members = {
        s.subgroup_id: [m.person_id for m in stays if m.subgroup_id == s.subgroup_id] for s in subgroups
    }
    return day, [SubgroupView(s, members[s.subgroup_id]) for s in subgroups]


async def school_teachers(
    uow: UnitOfWork, school_id: uuid.UUID, *, include_dismissed: bool, actor: Principal
) -> Sequence[StaffMember]:
    """The school's staff by name (contingent does not say who teaches: every member is listed)."""
    await check_viewer(uow, actor, school_id)
    return await ContingentViews(uow.session).staff(school_id, include_dismissed=include_dismissed)


def _scheme_state(row: ClassRow) -> TermSchemeState:
    if row.school_class.term_scheme_id is None:
        return "missing"
    return "unknown" if row.term_scheme is None else "defined"
