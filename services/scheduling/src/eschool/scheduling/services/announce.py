"""The calendar's events, written to the outbox in the use case's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from eschool.common.db import UnitOfWork
from eschool.common.events.scheduling import (
    HolidayDates,
    HolidaysChangedV1,
    SubTermDates,
    TermDates,
    TermSchemeSavedV1,
)
from eschool.scheduling.db.calendar import Term, TermScheme
from eschool.scheduling.db.models import AcademicYear
from eschool.scheduling.db.repositories import Calendar
from eschool.scheduling.db.sub_terms import SubTerms


async def scheme_saved(uow: UnitOfWork, scheme: TermScheme, terms: Sequence[Term]) -> None:
    """The whole scheme with its terms' dates and their sub-terms (contingent and the journal keep them)."""
    await uow.session.flush()
    subs = await SubTerms(uow.session).of_terms(scheme.school_id, [t.term_id for t in terms])
    event = TermSchemeSavedV1(
        term_scheme_id=scheme.term_scheme_id,
        school_id=scheme.school_id,
        academic_year_id=scheme.academic_year_id,
        name=scheme.name,
        terms=[
            TermDates(
                term_id=t.term_id,
                number=t.number,
                name=t.name,
                starts_on=t.starts_on,
                ends_on=t.ends_on,
                sub_terms=[
                    SubTermDates(
                        sub_term_id=x.sub_term_id,
                        number=x.number,
                        name=x.name,
                        starts_on=x.starts_on,
                        ends_on=x.ends_on,
                    )
                    for x in subs
                    if x.term_id == t.term_id
                ],
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
