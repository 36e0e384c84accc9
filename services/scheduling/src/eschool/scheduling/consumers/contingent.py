"""Contingent's facts scheduling keeps: which schools exist, under which municipality, in which time
zone, closed or not; each school's academic years with their dates; its classes with their class
teachers, subgroups with their pupils' dated stays, class rosters by date, people's names, and staff
(a dismissed member kept, flagged).

Each fact is stored with ``upsert_newer`` keyed on its ``occurred_at``: an older fact arriving late
changes nothing. The handlers are ``eschool.common.db.contingent_projection``'s (the journal keeps the
same facts in tables of the same names); the academic years are scheduling's own.
"""

from __future__ import annotations

from eschool.common.bus import ConsumerDefinition
from eschool.common.db import UnitOfWork
from eschool.common.db.contingent_projection import ContingentProjection, keep_card
from eschool.common.events import Envelope
from eschool.common.events.contingent import AcademicYearSetUpV1
from eschool.scheduling.db import metadata
from eschool.scheduling.db.models import AcademicYear

PROJECTION = ContingentProjection.of(metadata())


async def on_academic_year_set_up(event: Envelope[AcademicYearSetUpV1], uow: UnitOfWork) -> None:
    """A school's academic year, or its new dates."""
    await keep_card(uow, AcademicYear.__table__, event.data, key="academic_year_id")  # type: ignore[arg-type]


CONTINGENT_EVENTS = ConsumerDefinition.of(
    "scheduling.contingent-events",
    {**PROJECTION.handlers(), AcademicYearSetUpV1: on_academic_year_set_up},
)
