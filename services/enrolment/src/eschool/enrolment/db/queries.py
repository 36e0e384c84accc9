"""Reads more than one use case makes: whether a school is open (and its time zone), and a grade's classes
in a school year, as contingent last said."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from eschool.enrolment.db.models import AcademicYear, OrgUnit, OrgUnitState, SchoolClass


async def open_school_zone(session: AsyncSession, school_id: uuid.UUID) -> str | None:
    """The school's time zone if contingent has said it is an open school, else None."""
    found = await session.execute(
        select(OrgUnitState.time_zone, OrgUnitState.closed)
        .join(OrgUnit, OrgUnit.org_unit_id == OrgUnitState.org_unit_id)
        .where(OrgUnit.org_unit_id == school_id, OrgUnit.kind == "school")
    )
    row = found.one_or_none()
    return None if row is None or row.closed else (row.time_zone or "UTC")


async def classes_of_grade(
    session: AsyncSession, school_id: uuid.UUID, school_year: int, grade: int
) -> list[SchoolClass]:
    """The school's classes of the grade in the year starting in ``school_year``, by letter."""
    c, y = SchoolClass, AcademicYear
    stmt = (
        select(c)
        .join(y, y.academic_year_id == c.academic_year_id)
        .where(c.school_id == school_id, c.grade == grade)
        .where(y.starts_on.between(date(school_year, 1, 1), date(school_year, 12, 31)))
        .order_by(c.letter)
    )
    return list((await session.scalars(stmt)).all())
