"""Sub-periods of a term (``sub_term``; seed 000, point 8: «Подпериоды»), e.g. the halves of a quarter
the school gives interim marks for."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, SmallInteger, String, Uuid, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db import Repository
from eschool.scheduling.db.models import Base


class SubTerm(Base):
    """A sub-period of a term, both days included."""

    __tablename__ = "sub_term"
    __table_args__ = (Index("ix_sub_term_school_id_term_id", "school_id", "term_id"),)

    sub_term_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    term_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("term.term_id"))
    number: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class SubTerms(Repository):
    """The queries of sub-terms."""

    async def of_terms(self, school_id: uuid.UUID, term_ids: Collection[uuid.UUID]) -> list[SubTerm]:
        """The terms' sub-terms, by term and number."""
        if not term_ids:
            return []
        stmt = select(SubTerm).where(SubTerm.school_id == school_id, SubTerm.term_id.in_(term_ids))
        return list((await self.session.scalars(stmt.order_by(SubTerm.term_id, SubTerm.number))).all())

    async def drop_of_term(self, school_id: uuid.UUID, term_id: uuid.UUID) -> None:
        """Delete the term's sub-terms (they are replaced whole)."""
        await self.session.execute(
            delete(SubTerm).where(SubTerm.school_id == school_id, SubTerm.term_id == term_id)
        )
