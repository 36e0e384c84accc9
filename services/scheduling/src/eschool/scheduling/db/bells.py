"""Bell schedules of a school's academic year («1 смена», «2 смена», «Сокращённый день»)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, SmallInteger, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.scheduling.db.models import Base


class BellSchedule(Base):
    """A bell schedule: its name (unique in the school's year, ``name_key``: the natural key that makes
    a repeated create or carry find the schedule instead of a twin), its shift, and its slots as one
    list (the schedule changes and travels whole)."""

    __tablename__ = "bell_schedule"
    __table_args__ = (UniqueConstraint("school_id", "academic_year_id", "name_key"),)

    bell_schedule_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))
    shift: Mapped[int] = mapped_column(SmallInteger)
    # [{"number": 1, "starts_at": "08:00", "ends_at": "08:45"}, ...] by number.
    slots: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
