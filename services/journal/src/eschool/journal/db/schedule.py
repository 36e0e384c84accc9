"""What the journal keeps of scheduling's facts: subjects, terms with their state, dated lessons with
their planned topics, and substitutions (``consumers.scheduling``).

Each row is versioned by the time of its fact; facts that come from different events about one thing
(a term's dates and its closing; a lesson and its planned topic) have their own version columns, so a
late one of one kind cannot undo a newer one of the other.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, Index, SmallInteger, String, Time, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.journal.db.models import Base


class Subject(Base):
    """A subject of the regional catalogue (``school_id`` None) or a school's own."""

    __tablename__ = "subject"

    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(50))
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)


class Term(Base):
    """A term of a school's term scheme: its dates (``dates_version``) and whether it is closed
    (``state_version``): a closed term locks its marks, attendance and term marks."""

    __tablename__ = "term"
    __table_args__ = (Index("ix_term_school_id_term_scheme_id", "school_id", "term_scheme_id"),)

    term_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    term_scheme_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    academic_year_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    number: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    dates_version: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed: Mapped[bool] = mapped_column(Boolean)
    state_version: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Lesson(Base):
    """A dated lesson as scheduling last said (``source_version``); ``cancelled`` lessons are kept, as
    their records may already hold marks; the planned topic has its own version (``topic_version``)."""

    __tablename__ = "lesson"
    __table_args__ = (
        Index("ix_lesson_school_id_class_id_lesson_on", "school_id", "class_id", "lesson_on"),
        Index("ix_lesson_school_teacher_lesson_on", "school_id", "teacher_person_id", "lesson_on"),
    )

    lesson_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    subgroup_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    term_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    teacher_person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    lesson_on: Mapped[date] = mapped_column(Date)
    slot_number: Mapped[int] = mapped_column(SmallInteger)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    cancelled: Mapped[bool] = mapped_column(Boolean)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)
    planned_topic: Mapped[str | None] = mapped_column(String(500))
    topic_version: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PendingTopic(Base):
    """A planned topic that came before its lesson (a redelivered or retried lessons event, competing
    consumers): kept, newest wins, until the lesson arrives and takes it."""

    __tablename__ = "pending_topic"

    lesson_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    title: Mapped[str | None] = mapped_column(String(500))
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)


class Substitution(Base):
    """A substitute teaching a lesson in place of its teacher; ``removed`` once withdrawn."""

    __tablename__ = "substitution"
    __table_args__ = (Index("ix_substitution_lesson_id", "lesson_id"),)

    substitution_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    lesson_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    substitute_person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    removed: Mapped[bool] = mapped_column(Boolean)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)
