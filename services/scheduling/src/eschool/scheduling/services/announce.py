"""The calendar's events, written to the outbox in the use case's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from eschool.common.db import UnitOfWork
from eschool.common.events.scheduling import HolidayDates, HolidaysChangedV1, TermDates, TermSchemeSavedV1
from eschool.scheduling.db.calendar import Term, TermScheme
from eschool.scheduling.db.models import AcademicYear
from eschool.scheduling.db.repositories import Calendar


def scheme_saved(uow: UnitOfWork, scheme: TermScheme, terms: Sequence[Term]) -> None:
    """The whole scheme with its terms' dates (contingent and the journal keep them)."""
    event = TermSchemeSavedV1(
        term_scheme_id=scheme.term_scheme_id,
        school_id=scheme.school_id,
        academic_year_id=scheme.academic_year_id,
        name=scheme.name,
        terms=[
            TermDates(
                term_id=t.term_id, number=t.number, name=t.name, starts_on=t.starts_on, ends_on=t.ends_on
            )
            for t in terms
        ],
        occurred_at=scheme.updated_at,
    )
    uow.outbox.add(event, subject=scheme.term_scheme_id, school_id=scheme.school_id)


async def holidays_changed(uow: UnitOfWork, year: AcademicYear, now: datetime) -> None:
    """The year's whole list of holidays, as it stands in this transaction."""
    await uow.session.flush()
    holidays = await Calendar(uow.session).holidays(year.school_id, year.academic_year_id)
    event = HolidaysChangedV1(
        school_id=year.school_id,
        academic_year_id=year.academic_year_id,
        holidays=[
            HolidayDates(
                holiday_id=h.holiday_id,
                kind=h.kind,
                name=h.name,
                starts_on=h.starts_on,
                ends_on=h.ends_on,
                term_scheme_id=h.term_scheme_id,
            )
            for h in holidays
        ],
        occurred_at=now,
    )
    uow.outbox.add(event, subject=year.academic_year_id, school_id=year.school_id)
