"""Queries of the schools' grading rules: rounding policies (newest version), work types (a school's
own over the region's defaults), subjects graded pass/fail."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from eschool.journal.db.records import GradingPolicy, WorkType
from eschool.journal.domain.averages import DEFAULT_POLICY, RoundingPolicy


class Grading:
    """The grading rules of schools."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def policy(self, school_id: uuid.UUID) -> RoundingPolicy:
        """The school's newest rounding policy; the region's default until the school sets one."""
        stmt = (
            select(GradingPolicy)
            .where(GradingPolicy.school_id == school_id)
            .order_by(GradingPolicy.version.desc())
            .limit(1)
        )
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        if row is None:
            return DEFAULT_POLICY
        return policy_of(row.rounding_threshold, row.min_marks, row.version)

    async def work_types(self, school_id: uuid.UUID) -> dict[str, WorkType]:
        """The work types a school uses, by code: its own rows over the region's of the same code."""
        stmt = select(WorkType).where(or_(WorkType.school_id.is_(None), WorkType.school_id == school_id))
        chosen: dict[str, WorkType] = {}
        for row in (await self.session.execute(stmt)).scalars():
            if row.code not in chosen or row.school_id is not None:
                chosen[row.code] = row
        return chosen

    async def work_type(self, school_id: uuid.UUID, work_type_id: uuid.UUID) -> WorkType | None:
        """A work type the school may use (its own or a regional one), by id."""
        row = await self.session.get(WorkType, work_type_id)
        if row is None or row.school_id not in (None, school_id):
            return None
        return row


def policy_of(threshold: Decimal | None, min_marks: int | None, version: int | None) -> RoundingPolicy:
    """The policy of a stored version's columns; the region's default when the school has set none."""
    if threshold is None or min_marks is None or version is None:
        return DEFAULT_POLICY
    return RoundingPolicy(threshold=Decimal(threshold), min_marks=min_marks, version=version)
