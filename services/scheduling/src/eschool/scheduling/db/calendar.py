"""The school year's calendar: term schemes and their terms, each term's status history, holidays.

Every row carries ``school_id`` and the indexes start with it. Rows people edit carry a ``version``:
a change based on what someone saw before another's change is refused (409), never silently applied.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.scheduling.db.models import Base


class TermScheme(Base):
    """A school's division of an academic year into terms (``Четверти, 1–4 классы``); a class has one."""

    __tablename__ = "term_scheme"
    __table_args__ = (
        # The natural key: a create retried after a lost answer finds the scheme instead of a twin.
        UniqueConstraint("school_id", "academic_year_id", "name"),
    )

    term_scheme_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # quarters, trimesters, half_years
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Term(Base):
    """One term of a scheme (a quarter, a trimester, a half-year): its dates and where it stands."""

    __tablename__ = "term"
    __table_args__ = (
        UniqueConstraint("term_scheme_id", "number"),
        Index("ix_term_school_id_term_scheme_id", "school_id", "term_scheme_id"),
    )

    term_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    term_scheme_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("term_scheme.term_scheme_id"))
    number: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))  # open, closing, closed
    status_changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TermStatusChange(Base):
    """A step of a term's lifecycle: who moved it, when, from what to what, and why (a reopening)."""

    __tablename__ = "term_status_change"
    __table_args__ = (Index("ix_term_status_change_school_id_term_id", "school_id", "term_id"),)

    term_status_change_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    term_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("term.term_id"))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    changed_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    changed_by_person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    changed_by_client_id: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Holiday(Base):
    """Days without lessons in a school's year: a vacation, a public holiday or extra vacation days,
    for every class of the school or only those of one term scheme (the first graders' February week).
    A holiday may fall inside a term: lessons are skipped on it."""

    __tablename__ = "holiday"
    __table_args__ = (Index("ix_holiday_school_id_academic_year_id", "school_id", "academic_year_id"),)

    holiday_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    term_scheme_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("term_scheme.term_scheme_id"))
    kind: Mapped[str] = mapped_column(String(20))  # vacation, holiday, extra_vacation
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
