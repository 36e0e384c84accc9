"""Curricula (учебные планы) of a school's year, the classes following them, and the teaching load
(распределение нагрузки): which teacher teaches which subject in which class or subgroup, how many
hours a week.

A curriculum's subjects travel whole with it (one list, like a bell schedule's slots). An assignment is
unique per class (or subgroup), subject and teacher: two partial unique indexes, because a NULL
subgroup would not collide in a plain one.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Index, Integer, Numeric, SmallInteger, String, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.scheduling.db.models import Base

WHOLE_CLASS = text("subgroup_id IS NULL")
SUBGROUP_ONLY = text("subgroup_id IS NOT NULL")


class Curriculum(Base):
    """A curriculum of a grade level (and profile) in the school's year: weekly hours per subject; its
    name is unique in the year (``name_key``, the natural key a retry or a carrying finds it by)."""

    __tablename__ = "curriculum"
    __table_args__ = (UniqueConstraint("school_id", "academic_year_id", "name_key"),)

    curriculum_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    grade: Mapped[int] = mapped_column(SmallInteger)
    profile: Mapped[str | None] = mapped_column(String(200))
    # [{"subject_id": "...", "weekly_hours": "2.5"}, ...] by the order the school gave.
    subjects: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ClassCurriculum(Base):
    """The curriculum a class follows (one at most)."""

    __tablename__ = "class_curriculum"
    __table_args__ = (Index("ix_class_curriculum_school_id_curriculum_id", "school_id", "curriculum_id"),)

    class_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    curriculum_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TeachingAssignment(Base):
    """A teacher's subject in a class (``subgroup_id`` None) or one of its subgroups, hours a week."""

    __tablename__ = "teaching_assignment"
    __table_args__ = (
        Index(
            "uq_teaching_assignment_whole_class",
            "school_id",
            "class_id",
            "subject_id",
            "person_id",
            unique=True,
            postgresql_where=WHOLE_CLASS,
            sqlite_where=WHOLE_CLASS,
        ),
        Index(
            "uq_teaching_assignment_subgroup",
            "school_id",
            "subgroup_id",
            "subject_id",
            "person_id",
            unique=True,
            postgresql_where=SUBGROUP_ONLY,
            sqlite_where=SUBGROUP_ONLY,
        ),
        Index("ix_teaching_assignment_school_id_academic_year_id", "school_id", "academic_year_id"),
        Index("ix_teaching_assignment_school_id_person_id", "school_id", "person_id"),
    )

    teaching_assignment_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    subgroup_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the teacher
    weekly_hours: Mapped[Decimal] = mapped_column(Numeric(3, 1))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
