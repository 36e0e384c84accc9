"""The demo loader's own query: the paper applications it entered already (the rest it reads through
``db.queries`` and the use cases)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from eschool.enrolment.db.models import Application


class DemoQueries:
    """Reads for ``eschool.enrolment.demo``."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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
