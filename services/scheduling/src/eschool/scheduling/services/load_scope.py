"""Who sees and who changes a school's curricula and teaching load: the same people as change its
calendar (``services.scope``) change them; besides them only the school's teachers read them (pupils,
guardians and the secretary have no business with the load: 403); out of sight is 404."""

from __future__ import annotations

import uuid

from eschool.common.auth import Principal, Role
from eschool.common.db import UnitOfWork
from eschool.common.errors import Problem, forbidden
from eschool.scheduling.services.scope import WRITERS, check_school

LOAD_READERS = (*WRITERS, Role.subject_teacher, Role.class_teacher)


async def check_load(
    uow: UnitOfWork, actor: Principal, school_id: uuid.UUID, *, write: bool, hidden: Problem | None = None
) -> None:
    """Pass if the actor may read (``write``: change) the school's curricula and load, else 404
    ``hidden`` or 403."""
    try:
        await check_school(uow, actor, school_id, write=write, hidden=hidden)
    except Problem as problem:
        if problem.status != 403:
            raise
        raise _denied(write) from None
    bound_here = any(binding.org_unit_id == school_id for binding in actor.bindings)
    if not write and bound_here and not actor.has_role(*LOAD_READERS, org_unit_id=school_id):
        raise _denied(write)


def _denied(write: bool) -> Problem:
    return forbidden(
        "teaching_load_write_denied" if write else "teaching_load_access_denied",
        "Учебные планы и нагрузку изменяют администрация школы, диспетчер расписания, муниципалитет и "
        "министерство; видят ещё учителя школы",
    )
