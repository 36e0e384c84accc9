"""Contingent's facts scheduling keeps: which schools exist, under which municipality, in which time
zone, closed or not; and each school's academic years with their dates.

Each fact is stored with ``upsert_newer`` keyed on its ``occurred_at``: an older fact arriving late
changes nothing. A unit's place and its state are separate rows (``db.models``), so a late registration
neither moves a unit back nor reopens a closed one.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from eschool.common.bus import ConsumerDefinition
from eschool.common.db import UnitOfWork, upsert_newer
from eschool.common.events import Envelope
from eschool.common.events.contingent import (
    AcademicYearSetUpV1,
    OrgUnitChangedV1,
    OrgUnitReassignedV1,
    OrgUnitRegisteredV1,
)
from eschool.scheduling.db.models import AcademicYear, OrgUnit, OrgUnitState


async def on_org_unit_registered(event: Envelope[OrgUnitRegisteredV1], uow: UnitOfWork) -> None:
    """A new unit: its place in the tree, and its state (open, in its time zone)."""
    data = event.data
    await _place(uow, data.org_unit_id, data.kind, data.parent_id, data.occurred_at)
    await _state(uow, data.org_unit_id, data.time_zone, False, data.occurred_at)


async def on_org_unit_changed(event: Envelope[OrgUnitChangedV1], uow: UnitOfWork) -> None:
    """A unit's card changed: its time zone, closed or reopened."""
    data = event.data
    await _state(uow, data.org_unit_id, data.time_zone, data.closed, data.occurred_at)


async def on_org_unit_reassigned(event: Envelope[OrgUnitReassignedV1], uow: UnitOfWork) -> None:
    """A unit moved under another parent (a school to another municipality)."""
    data = event.data
    await _place(uow, data.org_unit_id, data.kind, data.parent_id, data.occurred_at)


async def on_academic_year_set_up(event: Envelope[AcademicYearSetUpV1], uow: UnitOfWork) -> None:
    """A school's academic year, or its new dates."""
    data = event.data
    values = {
        "academic_year_id": data.academic_year_id,
        "school_id": data.school_id,
        "name": data.name,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "source_version": data.occurred_at,
    }
    await upsert_newer(uow.session, AcademicYear.__table__, values, key=("academic_year_id",))


async def _place(
    uow: UnitOfWork, org_unit_id: uuid.UUID, kind: str, parent_id: uuid.UUID | None, at: datetime
) -> None:
    values = {"org_unit_id": org_unit_id, "kind": kind, "parent_id": parent_id, "source_version": at}
    await upsert_newer(uow.session, OrgUnit.__table__, values, key=("org_unit_id",))


async def _state(
    uow: UnitOfWork, org_unit_id: uuid.UUID, time_zone: str | None, closed: bool, at: datetime
) -> None:
    values = {"org_unit_id": org_unit_id, "time_zone": time_zone, "closed": closed, "source_version": at}
    await upsert_newer(uow.session, OrgUnitState.__table__, values, key=("org_unit_id",))


CONTINGENT_EVENTS = ConsumerDefinition.of(
    "scheduling.contingent-events",
    {
        OrgUnitRegisteredV1: on_org_unit_registered,
        OrgUnitChangedV1: on_org_unit_changed,
        OrgUnitReassignedV1: on_org_unit_reassigned,
        AcademicYearSetUpV1: on_academic_year_set_up,
    },
)
