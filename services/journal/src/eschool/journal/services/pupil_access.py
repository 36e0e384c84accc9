"""Who reads a pupil's diary (seed 004, 3.6: parents see only their own child).

The pupil themself; a guardian linked to the pupil (contingent's link as the journal keeps it, not the
token's list, so an unlinked guardian loses the diary at once); the class teacher of a class the pupil
is or was in; the administration of a school the pupil is or was in; the municipality and the ministry
over those schools. Anyone else gets the same 404 as for a pupil that does not exist: the answer must
not tell a stranger that the child is a pupil anywhere.
"""

from __future__ import annotations

import uuid

from eschool.common.auth import Principal, Role
from eschool.common.auth.jurisdiction import jurisdiction_of
from eschool.common.db import UnitOfWork
from eschool.common.db.org_tree import schools_under
from eschool.common.errors import Problem, not_found
from eschool.journal.db.diary_queries import DiaryQueries
from eschool.journal.db.diary_week_queries import PupilStays, pupil_stays
from eschool.journal.db.models import OrgUnit

ADMINISTRATION = (Role.school_admin, Role.director, Role.deputy_director)


def pupil_not_found() -> Problem:
    """The one answer for a pupil out of sight and for a pupil that does not exist."""
    return not_found("pupil_not_found", "Обучающийся не найден")


async def check_pupil_reader(uow: UnitOfWork, actor: Principal, pupil_id: uuid.UUID) -> PupilStays:
    """The pupil's stays in classes (and name) if the actor may read the pupil's diary, else the 404 of a
    pupil that does not exist."""
    guardian = actor.person_id if actor.person_id is not None and actor.has_role(Role.guardian) else None
    known = await pupil_stays(uow.session, pupil_id, guardian)
    if not await _may_read(uow, actor, pupil_id, known):
        raise pupil_not_found()
    return known


async def _may_read(uow: UnitOfWork, actor: Principal, pupil_id: uuid.UUID, known: PupilStays) -> bool:
    if actor.person_id is not None and actor.person_id == pupil_id and actor.has_role(Role.pupil):
        return True
    if known.linked:  # the guardian asking is linked to the pupil
        return True
    if not known.stays:
        return False
    schools = {stay.school_id for stay in known.stays}
    if any(actor.has_role(*ADMINISTRATION, org_unit_id=school) for school in schools):
        return True
    if actor.person_id is not None and actor.has_role(Role.class_teacher, Role.subject_teacher):
        classes = {stay.class_id for stay in known.stays}
        if await DiaryQueries(uow.session).teaches_as_class_teacher(actor.person_id, classes):
            return True
    jurisdiction = await jurisdiction_of(actor, schools_under(uow.session, OrgUnit.__table__))
    return any(jurisdiction.covers_school(school) for school in schools)
