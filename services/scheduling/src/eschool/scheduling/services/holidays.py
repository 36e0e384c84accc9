"""Holidays and extra vacation days of a school's year (seed 000, point 8): added, listed, changed and
removed by the school's administration; each change announces the year's whole list."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, conflict, not_found, unprocessable
from eschool.scheduling.db.calendar import Holiday
from eschool.scheduling.db.models import AcademicYear
from eschool.scheduling.db.repositories import Calendar
from eschool.scheduling.domain.holidays import HolidayDraft, check_holiday
from eschool.scheduling.services import announce
from eschool.scheduling.services.common import check_version, refused, touch
from eschool.scheduling.services.scope import check_school
from eschool.scheduling.services.years import span_of, year_of_school


def holiday_not_found() -> Problem:
    """The 404 for a holiday that does not exist or is out of the caller's sight."""
    return not_found("holiday_not_found", "Праздник или каникулы не найдены")


def holiday_row(
    school_id: uuid.UUID,
    academic_year_id: uuid.UUID,
    term_scheme_id: uuid.UUID | None,
    draft: HolidayDraft,
    now: datetime,
) -> Holiday:
    """A new holiday's row."""
    return Holiday(
        holiday_id=uuid.uuid4(),
        school_id=school_id,
        academic_year_id=academic_year_id,
        term_scheme_id=term_scheme_id,
        kind=draft.kind.value,
        name=draft.name,
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        created_at=now,
        updated_at=now,
        version=1,
    )


async def add_holiday(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    academic_year_id: uuid.UUID,
    draft: HolidayDraft,
    *,
    term_scheme_id: uuid.UUID | None,
    actor: Principal,
) -> Holiday:
    """Days off in the school's year, for every class or for one term scheme's classes."""
    await check_school(uow, actor, school_id, write=True)
    year = await year_of_school(uow, school_id, academic_year_id, lock=True)
    draft = await _checked(uow, year, draft, term_scheme_id, except_id=None)
    now = utcnow()
    holiday = holiday_row(school_id, academic_year_id, term_scheme_id, draft, now)
    uow.session.add(holiday)
    await announce.holidays_changed(uow, year, now)
    return holiday


async def school_holidays(
    uow: UnitOfWork, school_id: uuid.UUID, academic_year_id: uuid.UUID | None, *, actor: Principal
) -> Sequence[Holiday]:
    """The school's holidays (of one year, if given), earliest first."""
    await check_school(uow, actor, school_id, write=False)
    return await Calendar(uow.session).holidays(school_id, academic_year_id)


async def change_holiday(
    uow: UnitOfWork,
    holiday_id: uuid.UUID,
    draft: HolidayDraft,
    *,
    term_scheme_id: uuid.UUID | None,
    version: int,
    actor: Principal,
) -> Holiday:
    """New kind, name, dates or scope of a holiday, on the version the editor saw."""
    holiday, year = await _holiday_for_change(uow, holiday_id, version, actor=actor)
    draft = await _checked(uow, year, draft, term_scheme_id, except_id=holiday_id)
    holiday.kind, holiday.name = draft.kind.value, draft.name
    holiday.starts_on, holiday.ends_on, holiday.term_scheme_id = (
        draft.starts_on,
        draft.ends_on,
        term_scheme_id,
    )
    now = touch(holiday)
    await announce.holidays_changed(uow, year, now)
    return holiday


async def remove_holiday(
    uow: UnitOfWork, holiday_id: uuid.UUID, *, version: int | None, actor: Principal
) -> None:
    """Delete a holiday (lessons will be held on its days again)."""
    holiday, year = await _holiday_for_change(uow, holiday_id, version, actor=actor)
    await uow.session.delete(holiday)
    await announce.holidays_changed(uow, year, utcnow())


async def _holiday_for_change(
    uow: UnitOfWork, holiday_id: uuid.UUID, version: int | None, *, actor: Principal
) -> tuple[Holiday, AcademicYear]:
    calendar = Calendar(uow.session)
    holiday = await calendar.holiday(holiday_id)
    if holiday is None:
        raise holiday_not_found()
    await check_school(uow, actor, holiday.school_id, write=True, hidden=holiday_not_found())
    # The year first, then the holiday: every change of the year's list queues on the year's row.
    year = await year_of_school(uow, holiday.school_id, holiday.academic_year_id, lock=True)
    holiday = await calendar.holiday(holiday_id, lock=True)
    if holiday is None:
        raise holiday_not_found()
    check_version(holiday, version)
    return holiday, year


async def _checked(
    uow: UnitOfWork,
    year: AcademicYear,
    draft: HolidayDraft,
    term_scheme_id: uuid.UUID | None,
    *,
    except_id: uuid.UUID | None,
) -> HolidayDraft:
    """The draft with its name trimmed, if it keeps the rules and is not already there."""
    draft = HolidayDraft(draft.kind, draft.name.strip(), draft.starts_on, draft.ends_on)
    if broken := check_holiday(draft, span_of(year)):
        raise refused(broken)
    calendar = Calendar(uow.session)
    if term_scheme_id is not None:
        scheme = await calendar.scheme(term_scheme_id)
        if scheme is None or scheme.academic_year_id != year.academic_year_id:
            raise unprocessable(
                "term_scheme_not_found",
                "Схема учебных периодов не найдена в этом учебном году школы",
                field_name="body.term_scheme_id",
            )
    for other in await calendar.holidays(year.school_id, year.academic_year_id):
        same = (other.kind, other.starts_on, other.ends_on, other.term_scheme_id)
        if other.holiday_id != except_id and same == (
            draft.kind,
            draft.starts_on,
            draft.ends_on,
            term_scheme_id,
        ):
            raise conflict(
                "holiday_exists", f"«{other.name}» на эти даты уже есть", field_name="body.starts_on"
            )
    return draft
