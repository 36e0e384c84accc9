"""Bell schedules carried into another academic year (seed 001, Приложение 8, «Перевести звонки»):
the new year starts from last year's schedules, then they are edited there.

A schedule is found in the target year by its name (the natural key): carrying twice, or after the
target's copy was edited, creates nothing twice and changes nothing already there.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import unprocessable
from eschool.scheduling.db.bells import BellSchedule
from eschool.scheduling.db.setup_repositories import BellSchedules
from eschool.scheduling.services import announce_setup
from eschool.scheduling.services.bells import BellDraft, bell_row, slots_of
from eschool.scheduling.services.setup_scope import check_school_setup
from eschool.scheduling.services.years import year_of_school


@dataclass(frozen=True)
class Carried:
    """What the carrying made in the target year, and what it found already there (by name)."""

    created: Sequence[BellSchedule]
    existing: Sequence[BellSchedule]


async def carry_bell_schedules(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    from_year_id: uuid.UUID,
    to_year_id: uuid.UUID,
    *,
    bell_schedule_ids: Sequence[uuid.UUID] | None,
    actor: Principal,
) -> Carried:
    """Copy the year's schedules (those of ``bell_schedule_ids``, or all) into another year of the
    school, except those whose name the target year already has."""
    await check_school_setup(uow, actor, school_id, write=True)
    await year_of_school(uow, school_id, from_year_id, field="body.from_academic_year_id")
    # The target year locked: two carryings at once queue, the second finds the first's copies.
    await year_of_school(uow, school_id, to_year_id, lock=True, field="body.to_academic_year_id")
    if from_year_id == to_year_id:
        raise unprocessable(
            "same_academic_year", "Выберите другой учебный год", field_name="body.to_academic_year_id"
        )
    schedules = BellSchedules(uow.session)
    sources = _picked(await schedules.schedules(school_id, from_year_id), bell_schedule_ids)
    there = {s.name_key: s for s in await schedules.schedules(school_id, to_year_id)}
    created, existing, now = [], [], utcnow()
    for source in sources:
        if source.name_key in there:
            existing.append(there[source.name_key])
            continue
        copy = bell_row(school_id, to_year_id, BellDraft(source.name, source.shift, slots_of(source)), now)
        uow.session.add(copy)
        announce_setup.bell_schedule_saved(uow, copy)
        created.append(copy)
        there[copy.name_key] = copy
    return Carried(created, existing)


def _picked(sources: Sequence[BellSchedule], wanted: Sequence[uuid.UUID] | None) -> Sequence[BellSchedule]:
    if wanted is None:
        return sources
    by_id = {s.bell_schedule_id: s for s in sources}
    for index, bell_schedule_id in enumerate(wanted):
        if bell_schedule_id not in by_id:
            raise unprocessable(
                "bell_schedule_not_in_year",
                "Расписание звонков не найдено в учебном году, из которого переводят",
                field_name=f"body.bell_schedule_ids.{index}",
            )
    return [by_id[i] for i in dict.fromkeys(wanted)]
