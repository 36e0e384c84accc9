"""Bell schedules of a school's academic year: created (from given slots or the default), listed, read
and changed whole on the version the editor saw; each change announces the whole schedule."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, conflict, not_found
from eschool.scheduling.db.bells import BellSchedule
from eschool.scheduling.db.setup_repositories import BellSchedules
from eschool.scheduling.domain.bells import Slot, check_slots, hhmm
from eschool.scheduling.domain.names import clean, name_key
from eschool.scheduling.domain.rules import Violation
from eschool.scheduling.services import announce_setup
from eschool.scheduling.services.common import check_version, refused, touch
from eschool.scheduling.services.setup_scope import check_school_setup
from eschool.scheduling.services.years import year_of_school


@dataclass(frozen=True)
class BellDraft:
    """A bell schedule's name, shift and slots (by number)."""

    name: str
    shift: int
    slots: Sequence[Slot]


def bell_schedule_not_found() -> Problem:
    """The 404 for a schedule that does not exist or is out of the caller's sight."""
    return not_found("bell_schedule_not_found", "Расписание звонков не найдено")


def slots_of(schedule: BellSchedule) -> list[Slot]:
    """The schedule's slots as the domain reads them."""
    return [
        Slot(s["number"], time.fromisoformat(s["starts_at"]), time.fromisoformat(s["ends_at"]))
        for s in schedule.slots
    ]


def stored(slots: Sequence[Slot]) -> list[dict[str, Any]]:
    """Slots as the schedule's row keeps them."""
    return [{"number": s.number, "starts_at": hhmm(s.starts_at), "ends_at": hhmm(s.ends_at)} for s in slots]


def bell_row(school_id: uuid.UUID, year_id: uuid.UUID, draft: BellDraft, now: datetime) -> BellSchedule:
    """A new schedule's row."""
    return BellSchedule(
        bell_schedule_id=uuid.uuid4(),
        school_id=school_id,
        academic_year_id=year_id,
        name=draft.name,
        name_key=name_key(draft.name),
        shift=draft.shift,
        slots=stored(draft.slots),
        created_at=now,
        updated_at=now,
        version=1,
    )


async def create_bell_schedule(
    uow: UnitOfWork, school_id: uuid.UUID, academic_year_id: uuid.UUID, draft: BellDraft, *, actor: Principal
) -> BellSchedule:
    """A new bell schedule of the school's year."""
    await check_school_setup(uow, actor, school_id, write=True)
    await year_of_school(uow, school_id, academic_year_id)
    draft = await _checked(uow, school_id, academic_year_id, draft, except_id=None)
    schedule = bell_row(school_id, academic_year_id, draft, utcnow())
    uow.session.add(schedule)
    try:
        await uow.session.flush()
    except IntegrityError:
        raise bell_schedule_exists(draft.name) from None  # the same schedule created twice at once
    announce_setup.bell_schedule_saved(uow, schedule)
    return schedule


async def school_bell_schedules(
    uow: UnitOfWork, school_id: uuid.UUID, academic_year_id: uuid.UUID | None, *, actor: Principal
) -> Sequence[BellSchedule]:
    """The school's bell schedules (of one year, if given)."""
    await check_school_setup(uow, actor, school_id, write=False)
    return await BellSchedules(uow.session).schedules(school_id, academic_year_id)


async def bell_schedule_for(
    uow: UnitOfWork, bell_schedule_id: uuid.UUID, *, actor: Principal, write: bool
) -> BellSchedule:
    """The schedule (locked when ``write``) if the actor may read or change it; 404 out of sight."""
    schedules = BellSchedules(uow.session)
    schedule = await schedules.schedule(bell_schedule_id)
    if schedule is None:
        raise bell_schedule_not_found()
    hidden = bell_schedule_not_found()
    await check_school_setup(uow, actor, schedule.school_id, write=write, hidden=hidden)
    if write:
        schedule = await schedules.schedule(bell_schedule_id, lock=True)
        if schedule is None:
            raise hidden
    return schedule


async def change_bell_schedule(
    uow: UnitOfWork, bell_schedule_id: uuid.UUID, draft: BellDraft, *, version: int, actor: Principal
) -> BellSchedule:
    """The schedule's new name, shift and slots (all of them), on the version the editor saw."""
    schedule = await bell_schedule_for(uow, bell_schedule_id, actor=actor, write=True)
    check_version(schedule, version)
    ids = (schedule.school_id, schedule.academic_year_id)
    draft = await _checked(uow, *ids, draft, except_id=bell_schedule_id)
    if (schedule.name, schedule.shift, schedule.slots) == (draft.name, draft.shift, stored(draft.slots)):
        return schedule
    schedule.name, schedule.name_key, schedule.shift = draft.name, name_key(draft.name), draft.shift
    schedule.slots = stored(draft.slots)
    touch(schedule)
    announce_setup.bell_schedule_saved(uow, schedule)
    return schedule


def bell_schedule_exists(name: str) -> Problem:
    """The 409 for a name the year already has."""
    return conflict(
        "bell_schedule_exists",
        f"Расписание звонков «{name}» в этом учебном году уже есть",
        field_name="body.name",
    )


async def _checked(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    year_id: uuid.UUID,
    draft: BellDraft,
    *,
    except_id: uuid.UUID | None,
) -> BellDraft:
    draft = BellDraft(clean(draft.name), draft.shift, list(draft.slots))
    broken = [] if draft.name else [Violation("name", "name_blank", "Укажите название расписания")]
    if broken := broken + check_slots(draft.shift, draft.slots):
        raise refused(broken)
    same = await BellSchedules(uow.session).named(school_id, year_id, name_key(draft.name))
    if same is not None and same.bell_schedule_id != except_id:
        raise bell_schedule_exists(same.name)
    return draft
