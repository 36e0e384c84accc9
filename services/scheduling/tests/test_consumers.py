"""Contingent's facts kept by scheduling: once per event, and never overwritten by an older one."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from eschool.common.db import utcnow
from eschool.common.events.contingent import OrgUnitChangedV1, OrgUnitReassignedV1
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.scheduling.db.models import AcademicYear, OrgUnit, OrgUnitState

from .conftest import unit_registered, year_set_up


async def test_a_year_delivered_twice_is_kept_once_and_an_older_one_changes_nothing(
    scheduling: ServiceRuntime, deliver: Deliver
) -> None:
    year, school, now = uuid.uuid4(), uuid.uuid4(), utcnow()
    event_id = uuid.uuid4()
    await deliver(year_set_up(year, school, ends_on=date(2026, 5, 31), at=now), event_id=event_id)
    await deliver(year_set_up(year, school, ends_on=date(2026, 5, 31), at=now), event_id=event_id)
    await deliver(year_set_up(year, school, ends_on=date(2026, 8, 31), at=now - timedelta(minutes=1)))
    async with scheduling.database.uow() as uow:
        kept = await uow.session.get(AcademicYear, year)
    assert kept is not None
    assert kept.ends_on == date(2026, 5, 31)


async def test_a_late_registration_neither_moves_a_school_back_nor_reopens_it(
    scheduling: ServiceRuntime, deliver: Deliver
) -> None:
    school, old_rayon, new_rayon, now = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), utcnow()
    await deliver(
        OrgUnitReassignedV1(org_unit_id=school, kind="school", parent_id=new_rayon, occurred_at=now),
        OrgUnitChangedV1(
            org_unit_id=school,
            kind="school",
            short_name="СШ",
            time_zone="Asia/Omsk",
            closed=True,
            occurred_at=now,
        ),
    )
    registered = unit_registered(school, "school", old_rayon)
    await deliver(registered.model_copy(update={"occurred_at": now - timedelta(days=1)}))
    async with scheduling.database.uow() as uow:
        place = await uow.session.get(OrgUnit, school)
        state = await uow.session.get(OrgUnitState, school)
    assert place is not None
    assert place.parent_id == new_rayon
    assert state is not None
    assert state.closed
    assert (state.time_zone, state.short_name) == ("Asia/Omsk", "СШ")
