"""The toy service's tables: things it creates, and things it has seen through events."""

from __future__ import annotations

import uuid

from sqlalchemy import Integer, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from eschool.common.db import make_metadata


class Base(DeclarativeBase):
    metadata = make_metadata()


class Thing(Base):
    __tablename__ = "thing"

    thing_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class ThingSeen(Base):
    __tablename__ = "thing_seen"

    thing_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # Incremented on every handling: any duplicate effect shows as a count above 1.
    seen_count: Mapped[int] = mapped_column(Integer, default=0)


class ThingProjection(Base):
    """Another service's view of a thing, kept by events that may arrive out of order."""

    __tablename__ = "thing_projection"

    thing_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    source_version: Mapped[int] = mapped_column(Integer)
