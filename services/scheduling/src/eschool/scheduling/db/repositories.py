"""Every query of the calendar lives here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from eschool.common.db import Repository
from eschool.scheduling.db.calendar import Holiday, Term, TermScheme, TermStatusChange
from eschool.scheduling.db.models import AcademicYear, OrgUnitState


class Calendar(Repository):
    """Term schemes, terms, their history and holidays, with the projected years they live in."""

    async def year(self, academic_year_id: uuid.UUID, *, lock: bool = False) -> AcademicYear | None:
        """A projected academic year (locked: changes to its calendar's holidays queue behind)."""
        return await self.session.get(AcademicYear, academic_year_id, with_for_update=lock)

    async def year_named(self, school_id: uuid.UUID, name: str) -> AcademicYear | None:
        """The school's projected academic year of that name (``2025/2026``)."""
        stmt = select(AcademicYear).where(AcademicYear.school_id == school_id, AcademicYear.name == name)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def school_closed(self, school_id: uuid.UUID) -> bool:
        """Whether contingent said the school is closed."""
        state = await self.session.get(OrgUnitState, school_id)
        return state is not None and state.closed

    async def scheme(self, term_scheme_id: uuid.UUID, *, lock: bool = False) -> TermScheme | None:
        """A term scheme (locked: its terms change one request at a time)."""
        return await self.session.get(TermScheme, term_scheme_id, with_for_update=lock)

    async def scheme_named(self, school_id: uuid.UUID, year_id: uuid.UUID, name: str) -> TermScheme | None:
        """The school's scheme of that name in the year."""
        stmt = select(TermScheme).where(
            TermScheme.school_id == school_id,
            TermScheme.academic_year_id == year_id,
            TermScheme.name == name,
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def schemes(self, school_id: uuid.UUID, year_id: uuid.UUID | None) -> Sequence[TermScheme]:
        """The school's schemes (of one year, if given), by year then name."""
        stmt = select(TermScheme).where(TermScheme.school_id == school_id)
        if year_id is not None:
            stmt = stmt.where(TermScheme.academic_year_id == year_id)
        stmt = stmt.order_by(TermScheme.academic_year_id, TermScheme.name, TermScheme.term_scheme_id)
        return (await self.session.execute(stmt)).scalars().all()

    async def terms(self, school_id: uuid.UUID, scheme_ids: Sequence[uuid.UUID]) -> Sequence[Term]:
        """The terms of the schemes, by scheme then number."""
        stmt = select(Term).where(Term.school_id == school_id, Term.term_scheme_id.in_(scheme_ids))
        stmt = stmt.order_by(Term.term_scheme_id, Term.number)
        return (await self.session.execute(stmt)).scalars().all()

    async def history(self, school_id: uuid.UUID, term_id: uuid.UUID) -> Sequence[TermStatusChange]:
        """A term's lifecycle steps, oldest first."""
        stmt = select(TermStatusChange).where(
            TermStatusChange.school_id == school_id, TermStatusChange.term_id == term_id
        )
        stmt = stmt.order_by(TermStatusChange.changed_at, TermStatusChange.term_status_change_id)
        return (await self.session.execute(stmt)).scalars().all()

    async def holiday(self, holiday_id: uuid.UUID, *, lock: bool = False) -> Holiday | None:
        """A holiday."""
        return await self.session.get(Holiday, holiday_id, with_for_update=lock, populate_existing=lock)

    async def holidays(self, school_id: uuid.UUID, year_id: uuid.UUID | None) -> Sequence[Holiday]:
        """The school's holidays (of one year, if given), earliest first."""
        stmt = select(Holiday).where(Holiday.school_id == school_id)
        if year_id is not None:
            stmt = stmt.where(Holiday.academic_year_id == year_id)
        stmt = stmt.order_by(Holiday.starts_on, Holiday.ends_on, Holiday.holiday_id)
        return (await self.session.execute(stmt)).scalars().all()
