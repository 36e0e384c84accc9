"""Who sees and who changes a school's subjects, rooms and bell schedules: the same people as its
calendar (``services.scope``); and who keeps the regional catalogue of subjects: the ministry."""

from __future__ import annotations

import uuid

from eschool.common.auth import Principal, Role
from eschool.common.db import UnitOfWork
from eschool.common.errors import Problem, forbidden
from eschool.scheduling.services.scope import check_school


async def check_school_setup(
    uow: UnitOfWork, actor: Principal, school_id: uuid.UUID, *, write: bool, hidden: Problem | None = None
) -> None:
    """Pass if the actor may read (``write``: change) the school's subjects, rooms and bells, else 404
    ``hidden`` or 403, as for its calendar."""
    try:
        await check_school(uow, actor, school_id, write=write, hidden=hidden)
    except Problem as problem:
        if problem.status != 403:
            raise
        raise forbidden(
            "school_setup_write_denied" if write else "school_setup_access_denied",
            "Изменять предметы, кабинеты и расписание звонков школы могут администрация школы, "
            "диспетчер расписания, муниципалитет и министерство",
        ) from None


def check_catalogue_writer(actor: Principal) -> None:
    """Pass if the actor keeps the regional catalogue of subjects (the ministry), else 403."""
    if not actor.has_role(Role.ministry):
        raise forbidden("catalogue_write_denied", "Региональный каталог предметов ведёт министерство")
