"""Scheduling's base, and what it keeps of contingent's facts: the org tree and the academic years.

The projections are fed by ``contingent.*`` events with ``upsert_newer``: each row carries the time of
the fact it holds (``source_version``), and an older fact arriving late changes nothing. A unit's place
in the tree and its state (time zone, closed) come from different events, so each has its own row and
its own version: a late registration must not undo a newer closing, nor a closing a newer move.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from eschool.common.db import make_metadata
from eschool.common.db.base import UtcDateTime
from eschool.common.db.org_tree import OrgUnitNode, OrgUnitStateNode


class Base(DeclarativeBase):
    metadata = make_metadata()


class OrgUnit(OrgUnitNode, Base):
    """A unit of the org tree (region, municipality, school) and its parent, as contingent last said."""

    __tablename__ = "org_unit"


class OrgUnitState(OrgUnitStateNode, Base):
    """A unit's time zone and whether it is closed, as contingent last said."""

    __tablename__ = "org_unit_state"


class AcademicYear(Base):
    """A school's academic year and its dates, as contingent last said: term schemes live in one."""

    __tablename__ = "academic_year"

    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    name: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)
