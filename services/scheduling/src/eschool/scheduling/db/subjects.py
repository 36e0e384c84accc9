"""Subjects: the regional catalogue and schools' own subjects in one table (one id space, so a lesson
refers to either alike), and each school's list of the subjects it teaches.

Names are unique case-insensitively with «ё» read as «е» (``name_key``): within the catalogue, and
within a school's own subjects. A subject is retired, never deleted: lessons and marks refer to it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.scheduling.db.models import Base

CATALOGUE_ONLY = text("school_id IS NULL")
CATALOGUE_NAME_INDEX = "uq_subject_catalogue_name_key"


class Subject(Base):
    """A subject of the regional catalogue (``school_id`` None, managed by the ministry) or a school's own
    (an elective), managed by the school."""

    __tablename__ = "subject"
    __table_args__ = (
        UniqueConstraint("school_id", "name_key"),
        UniqueConstraint("code"),
        Index(
            CATALOGUE_NAME_INDEX,
            "name_key",
            unique=True,
            postgresql_where=CATALOGUE_ONLY,
            sqlite_where=CATALOGUE_ONLY,
        ),
    )

    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    code: Mapped[str | None] = mapped_column(String(40))  # the catalogue's; None for a school's own
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(50))
    translations: Mapped[dict[str, str]] = mapped_column(JSON)  # {"ky": "Математика"}
    retired: Mapped[bool] = mapped_column(Boolean)  # by its owner: the ministry, or the school
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class SchoolSubject(Base):
    """A subject the school teaches: chosen from the catalogue, or its own; retired when it stops."""

    __tablename__ = "school_subject"

    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subject.subject_id"), primary_key=True)
    retired: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
