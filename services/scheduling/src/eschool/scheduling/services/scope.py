"""Who sees and who changes a school's calendar.

The platform's rule (``eschool.common.auth.jurisdiction``): the ministry the whole region, a
municipality the schools under it (read from scheduling's projection of contingent's org tree), a
school's administration its own school. Besides them, in the school itself: its administrator,
director, deputy director and schedule dispatcher change the calendar; its teachers, secretary, pupils
and guardians read it (the terms and holidays are public to the school's families).

Out of sight (no role in the school, not one's jurisdiction) is 404, as if the school did not exist;
in sight without the right to change is 403.
"""

from __future__ import annotations

import uuid

from eschool.common.auth import Principal, Role
from eschool.common.auth.jurisdiction import jurisdiction_of
from eschool.common.db import UnitOfWork
from eschool.common.db.org_tree import schools_under
from eschool.common.errors import Problem, conflict, forbidden, not_found
from eschool.scheduling.db.models import OrgUnit
from eschool.scheduling.db.repositories import Calendar

WRITERS = (Role.school_admin, Role.director, Role.deputy_director, Role.schedule_dispatcher)
READERS = (*WRITERS, Role.secretary, Role.subject_teacher, Role.class_teacher, Role.pupil, Role.guardian)


def school_not_found() -> Problem:
    """The 404 for a school out of the caller's sight."""
    return not_found("school_not_found", "Школа не найдена")


async def check_school(
    uow: UnitOfWork, actor: Principal, school_id: uuid.UUID, *, write: bool, hidden: Problem | None = None
) -> None:
    """Pass if the actor may read (``write``: change) the school's calendar, else 404 ``hidden`` or 403;
    changes in a closed school are refused."""
    if not await _allowed(uow, actor, school_id, write=write):
        if not any(binding.org_unit_id == school_id for binding in actor.bindings):
            raise hidden or school_not_found()
        raise forbidden(
            "calendar_write_denied" if write else "calendar_access_denied",
            "Изменять учебный календарь могут администрация школы, диспетчер расписания, "
            "муниципалитет и министерство",
        )
    if write and await Calendar(uow.session).school_closed(school_id):
        raise conflict("school_closed", "Школа закрыта: изменения в ней невозможны")


async def _allowed(uow: UnitOfWork, actor: Principal, school_id: uuid.UUID, *, write: bool) -> bool:
    if actor.has_role(*(WRITERS if write else READERS), org_unit_id=school_id):
        return True
    query = schools_under(uow.session, OrgUnit.__table__)
    return (await jurisdiction_of(actor, query)).covers_school(school_id)
