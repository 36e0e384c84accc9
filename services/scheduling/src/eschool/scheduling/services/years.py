"""The academic year a calendar change is about, as scheduling's projection of contingent holds it."""

from __future__ import annotations

import uuid

from eschool.common.db import UnitOfWork
from eschool.common.errors import conflict, unprocessable
from eschool.scheduling.db.models import AcademicYear
from eschool.scheduling.db.repositories import Calendar
from eschool.scheduling.domain.rules import YearSpan


async def year_of_school(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    academic_year_id: uuid.UUID,
    *,
    lock: bool = False,
    field: str = "body.academic_year_id",
) -> AcademicYear:
    """The school's projected year; 409 while contingent has not announced it, 422 if another school's
    (both naming ``field``)."""
    year = await Calendar(uow.session).year(academic_year_id, lock=lock)
    if year is None:
        raise conflict(
            "academic_year_not_announced",
            "Учебный год ещё не получен из контингента: создайте его там или повторите через минуту",
            field_name=field,
        )
    if year.school_id != school_id:
        raise unprocessable(
            "academic_year_not_found",
            "Учебный год не найден в этой школе",
            field_name=field,
        )
    return year


def span_of(year: AcademicYear) -> YearSpan:
    """The year's first and last day."""
    return YearSpan(year.starts_on, year.ends_on)
