"""A school's rooms («Кабинеты»): the timetable puts a lesson in one."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Integer, SmallInteger, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.scheduling.db.models import Base


class Room(Base):
    """A room of a school: its number or name (unique in the school, ``name_key``), what it is for, how
    many it seats; retired, never deleted, once lessons were held in it."""

    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("school_id", "name_key"),)

    room_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(50))
    name_key: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(20))  # classroom, laboratory, computer_lab, gym...
    capacity: Mapped[int | None] = mapped_column(SmallInteger)
    retired: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
