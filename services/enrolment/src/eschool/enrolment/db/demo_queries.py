"""The demo loader's queries: whether contingent's school, next year and first grade have arrived, and
the demo's applications already received."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from eschool.enrolment.db.models import AcademicYear, Application, OrgUnit, OrgUnitState, SchoolClass


class DemoQueries:
    """Reads for ``eschool.enrolment.demo``."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_school_zone(self, school_id: uuid.UUID) -> str | None:
        """The school's time zone if contingent has said it is an open school (else None)."""
        found = await self.session.execute(
            select(OrgUnitState.time_zone, OrgUnitState.closed)
            .join(OrgUnit, OrgUnit.org_unit_id == OrgUnitState.org_unit_id)
            .where(OrgUnit.org_unit_id == school_id, OrgUnit.kind == "school")
        )
        row = found.one_or_none()
        return None if row is None or row.closed else (row.time_zone or "UTC")

    async def classes_of_grade(self, school_id: uuid.UUID, school_year: int, grade: int) -> list[SchoolClass]:
        """The school's classes of the grade in the year starting in ``school_year``, by letter."""
        c, y = SchoolClass, AcademicYear
        stmt = (
            select(c)
            .join(y, y.academic_year_id == c.academic_year_id)
            .where(c.school_id == school_id, c.grade == grade)
            .where(y.starts_on.between(date(school_year, 1, 1), date(school_year, 12, 31)))
            .order_by(c.letter)
        )
        return list((await self.session.scalars(stmt)).all())

    async def by_portal_number(self, source: str, number: str) -> Application | None:
        """A portal's application by its number."""
        a = Application
        stmt = select(a).where(a.source == source, a.portal_number == number)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def entered_at_school(
        self, school_id: uuid.UUID, school_year: int, last_name: str, first_name: str, birth_date: date
    ) -> Application | None:
        """A paper application the school entered for the child (the demo's children differ by these)."""
        a = Application
        stmt = (
            select(a)
            .where(a.school_id == school_id, a.child_birth_date == birth_date, a.source == "school")
            .where(a.school_year == school_year, a.child_last_name == last_name)
            .where(a.child_first_name == first_name)
            .order_by(a.received_at)
        )
        return (await self.session.execute(stmt.limit(1))).scalar_one_or_none()
