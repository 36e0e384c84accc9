"""Contingent's tables: the org tree with the school card, academic years and classes.

Every row a school owns carries ``school_id`` (the glossary's rule). Rows people edit carry a
``version`` for optimistic concurrency: a change based on what someone saw before another's change is
refused (409), never silently overwrites it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from eschool.common.db import make_metadata
from eschool.common.db.base import UtcDateTime

# Two ministry administrators creating the region at once: the database lets only one in.
REGION_INDEX = "ix_org_unit_kind_region"


class Base(DeclarativeBase):
    metadata = make_metadata()


class OrgUnit(Base):
    """The region, a municipality or a school; a school's row is its card (seed 000, point 1)."""

    __tablename__ = "org_unit"
    __table_args__ = (
        Index(
            REGION_INDEX,
            "kind",
            unique=True,
            postgresql_where=text("kind = 'region'"),
            sqlite_where=text("kind = 'region'"),
        ),
    )

    org_unit_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # region, municipality, school
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_unit.org_unit_id"), index=True)
    full_name: Mapped[str] = mapped_column(String(500))
    short_name: Mapped[str] = mapped_column(String(200))
    # Requisites: ИНН (10 digits for an organization), ОГРН (13), ОКАТО (up to 11), ОКТМО (8 or 11).
    inn: Mapped[str | None] = mapped_column(String(12), unique=True)
    ogrn: Mapped[str | None] = mapped_column(String(15), unique=True)
    okato: Mapped[str | None] = mapped_column(String(11))
    oktmo: Mapped[str | None] = mapped_column(String(11))
    address: Mapped[str | None] = mapped_column(Text)
    time_zone: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Closed (liquidated, merged): kept for history, hidden from new work.
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class AcademicYear(Base):
    """A school's academic year (``2025/2026``, 1 Sep to 31 Aug by default); classes live in one."""

    __tablename__ = "academic_year"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.org_unit_id"), index=True)
    name: Mapped[str] = mapped_column(String(9))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class SchoolClass(Base):
    """A class of one academic year: grade level, letter, kind, shift, class teacher, maximum size."""

    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("academic_year_id", "grade", "letter"),)

    class_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.org_unit_id"), index=True)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academic_year.academic_year_id"), index=True
    )
    grade: Mapped[int] = mapped_column(SmallInteger)  # 1 to 11 (0: pre-school group)
    letter: Mapped[str] = mapped_column(String(10))  # А, Б, ... or a name the school uses
    # general, profile (with its profile), correctional, home_schooling, evening, cadet
    kind: Mapped[str] = mapped_column(String(30))
    profile: Mapped[str | None] = mapped_column(String(200))
    # The term scheme is scheduling's; contingent keeps only the reference.
    term_scheme_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    shift: Mapped[int] = mapped_column(SmallInteger, default=1)
    class_teacher_person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    max_size: Mapped[int] = mapped_column(SmallInteger)
    # The class it was promoted from in the previous year (the rollover's natural key).
    promoted_from_class_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("school_class.class_id"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
