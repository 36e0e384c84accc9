"""A school's academic years.

Who (``scope.school_for``): the school's administration (administrator, director, deputy director,
secretary), its municipality and the ministry write; the school's teachers and schedule dispatcher also
read. Anyone else meets 404, as if the school did not exist, the way identity answers for accounts out
of sight; someone who holds another role in the school (a pupil, a guardian) knows it exists and gets
403.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, not_found
from eschool.common.events.contingent import AcademicYearSetUpV1
from eschool.contingent.db.models import AcademicYear
from eschool.contingent.domain.classes import Violation, YearDates, check_dates, year_dates
from eschool.contingent.services.common import check_version, conflict_at, refused, touch
from eschool.contingent.services.scope import school_for


async def school_years(uow: UnitOfWork, school_id: uuid.UUID, *, actor: Principal) -> Sequence[AcademicYear]:
    """The school's academic years, earliest first."""
    await school_for(uow, school_id, actor=actor, write=False)
    rows = await uow.session.execute(
        select(AcademicYear).where(AcademicYear.school_id == school_id).order_by(AcademicYear.starts_on)
    )
    return rows.scalars().all()


async def set_up_year(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    name: str,
    *,
    actor: Principal,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> AcademicYear:
    """Set up an academic year in a school: named ``2025/2026``, 1 Sep to 31 Aug unless dates are given."""
    # The school's row is locked so that two years set up at once cannot both pass the overlap check.
    await school_for(uow, school_id, actor=actor, write=True, lock=True)
    try:
        dates = year_dates(name, starts_on, ends_on)
    except Violation as violation:
        raise refused(violation) from None
    if await _named(uow, school_id, dates.name) is not None:
        raise _year_exists(dates.name)
    await _refuse_overlap(uow, school_id, dates, except_id=None)
    now = utcnow()
    year = AcademicYear(
        academic_year_id=uuid.uuid4(),
        school_id=school_id,
        name=dates.name,
        starts_on=dates.starts_on,
        ends_on=dates.ends_on,
        created_at=now,
        updated_at=now,
        version=1,
    )
    uow.session.add(year)
    try:
        await uow.session.flush()
    except IntegrityError:
        # Only the (school, name) key can collide here: the same year set up twice at once.
        raise _year_exists(dates.name) from None
    _announce(uow, year)
    return year


async def change_year_dates(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    academic_year_id: uuid.UUID,
    *,
    actor: Principal,
    version: int,
    starts_on: date | None,
    ends_on: date | None,
) -> AcademicYear:
    """Move a year's first or last day; refused if someone changed the year since ``version``."""
    await school_for(uow, school_id, actor=actor, write=True, lock=True)
    year = await uow.session.get(AcademicYear, academic_year_id, with_for_update=True)
    if year is None or year.school_id != school_id:
        raise not_found("academic_year_not_found", "Учебный год не найден")
    check_version(year, version)
    try:
        dates = check_dates(year.name, starts_on or year.starts_on, ends_on or year.ends_on)
    except Violation as violation:
        raise refused(violation) from None
    if (dates.starts_on, dates.ends_on) == (year.starts_on, year.ends_on):
        return year
    await _refuse_overlap(uow, school_id, dates, except_id=year.academic_year_id)
    year.starts_on, year.ends_on = dates.starts_on, dates.ends_on
    touch(year)
    _announce(uow, year)
    return year


def _year_exists(name: str) -> Problem:
    return conflict_at("academic_year_exists", f"Учебный год {name} в школе уже есть", "body.name")


async def _named(uow: UnitOfWork, school_id: uuid.UUID, name: str) -> uuid.UUID | None:
    rows = await uow.session.execute(
        select(AcademicYear.academic_year_id).where(
            AcademicYear.school_id == school_id, AcademicYear.name == name
        )
    )
    return rows.scalar_one_or_none()


async def _refuse_overlap(
    uow: UnitOfWork, school_id: uuid.UUID, dates: YearDates, *, except_id: uuid.UUID | None
) -> None:
    stmt = select(AcademicYear).where(
        AcademicYear.school_id == school_id,
        AcademicYear.starts_on <= dates.ends_on,
        AcademicYear.ends_on >= dates.starts_on,
    )
    if except_id is not None:
        stmt = stmt.where(AcademicYear.academic_year_id != except_id)
    other = (await uow.session.execute(stmt.limit(1))).scalar_one_or_none()
    if other is not None:
        detail = (
            f"Даты пересекаются с учебным годом {other.name} "
            f"({other.starts_on:%d.%m.%Y} – {other.ends_on:%d.%m.%Y})"
        )
        raise conflict_at("academic_years_overlap", detail, "body.starts_on")


def _announce(uow: UnitOfWork, year: AcademicYear) -> None:
    event = AcademicYearSetUpV1(
        academic_year_id=year.academic_year_id,
        school_id=year.school_id,
        name=year.name,
        starts_on=year.starts_on,
        ends_on=year.ends_on,
        occurred_at=year.updated_at,
    )
    uow.outbox.add(event, subject=year.academic_year_id, school_id=year.school_id)
