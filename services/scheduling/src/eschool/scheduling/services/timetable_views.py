"""The week in effect on a day, of a class, a teacher or a room, read by the school's people."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, today_in_zone
from eschool.common.errors import not_found
from eschool.scheduling.db.contingent_queries import ContingentViews
from eschool.scheduling.db.setup_repositories import Rooms
from eschool.scheduling.db.timetable import TimetableEntry
from eschool.scheduling.db.timetable_queries import Timetables
from eschool.scheduling.services.timetable import class_not_found
from eschool.scheduling.services.timetable_checks import check_timetable
from eschool.scheduling.services.timetable_names import Names, names_of


@dataclass(frozen=True)
class WeekView:
    """The entries in effect on ``on`` and everything they name."""

    on: date
    entries: list[TimetableEntry]
    names: Names


async def class_week(uow: UnitOfWork, class_id: uuid.UUID, on: date | None, *, actor: Principal) -> WeekView:
    """The class's week on the day (today in the school if not given)."""
    found = await Timetables(uow.session).classes([class_id])
    if not found:
        raise class_not_found()
    school_id = found[class_id].school_id
    await check_timetable(uow, actor, school_id, write=False, hidden=class_not_found())
    return await _week(uow, school_id, on, class_id=class_id)


async def teacher_week(
    uow: UnitOfWork, school_id: uuid.UUID, person_id: uuid.UUID, on: date | None, *, actor: Principal
) -> WeekView:
    """The teacher's lessons in the school in the week of the day."""
    await check_timetable(uow, actor, school_id, write=False)
    return await _week(uow, school_id, on, teacher_person_id=person_id)


async def room_week(uow: UnitOfWork, room_id: uuid.UUID, on: date | None, *, actor: Principal) -> WeekView:
    """The lessons held in the room in the week of the day."""
    hidden = not_found("room_not_found", "Кабинет не найден")
    room = await Rooms(uow.session).room(room_id)
    if room is None:
        raise hidden
    await check_timetable(uow, actor, room.school_id, write=False, hidden=hidden)
    return await _week(uow, room.school_id, on, room_id=room_id)


async def _week(uow: UnitOfWork, school_id: uuid.UUID, on: date | None, **whose: uuid.UUID) -> WeekView:
    day = on or today_in_zone(await ContingentViews(uow.session).time_zone(school_id))
    entries = list(await Timetables(uow.session).on(school_id, day, **whose))
    return WeekView(day, entries, await names_of(uow, school_id, entries))
