"""A class's roster on a day, as contingent's enrolments, transfers and withdrawals made it: read by
those who read the class's curricula (the individual curricula are its pupils')."""

from __future__ import annotations

import uuid
from datetime import date

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.scheduling.db.roster_queries import Rosters
from eschool.scheduling.db.rosters import ClassStay, PersonName
from eschool.scheduling.services.class_curricula import class_for


async def class_roster(
    uow: UnitOfWork, class_id: uuid.UUID, day: date, *, actor: Principal
) -> list[tuple[ClassStay, PersonName | None]]:
    """The class's pupils on ``day`` with their names (None until an enrolment names them)."""
    school_class = await class_for(uow, class_id, actor=actor, write=False)
    return await Rosters(uow.session).roster(school_class.school_id, class_id, day)
