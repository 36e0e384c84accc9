"""Dated lessons («Урок, занятие»), generated from the weekly timetable for a term, and the jobs that
generate a whole school's term.

A lesson keeps where the timetable put it (``planned_on``, ``planned_slot_number``: the natural key with
the class and subgroup, so generating twice makes nothing twice and a moved lesson is not generated
again at its old place) and where it is now (``lesson_on``, ``slot_number``). ``changed_at`` set means a
person moved or cancelled it: regeneration never touches such a lesson.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import Date, Index, Integer, SmallInteger, String, Text, Time, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.scheduling.db.models import Base

SCHEDULED, CANCELLED = "scheduled", "cancelled"
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
_UNFINISHED = text("status IN ('queued', 'running')")


class Lesson(Base):
    """A class's (or subgroup's) lesson on a day in a slot: subject, teacher, room, status."""

    __tablename__ = "lesson"
    __table_args__ = (
        Index(
            "uq_lesson_school_id_class_id_planned",
            "school_id",
            "class_id",
            "planned_on",
            "planned_slot_number",
            "subgroup_id",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
        Index("ix_lesson_school_id_class_id_lesson_on", "school_id", "class_id", "lesson_on"),
        Index(
            "ix_lesson_school_id_teacher_person_id_lesson_on", "school_id", "teacher_person_id", "lesson_on"
        ),
        Index("ix_lesson_school_id_room_id_lesson_on", "school_id", "room_id", "lesson_on"),
    )

    lesson_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    subgroup_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    term_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    timetable_entry_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    planned_on: Mapped[date] = mapped_column(Date)
    planned_slot_number: Mapped[int] = mapped_column(SmallInteger)
    lesson_on: Mapped[date] = mapped_column(Date)
    slot_number: Mapped[int] = mapped_column(SmallInteger)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    teacher_person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    room_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(20))  # scheduled, cancelled
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # The thematic plan's topic the lesson takes in order (None: none falls on it): kept on the row so a
    # change of the order is found by comparing, and reads need no plan.
    planned_topic_number: Mapped[int | None] = mapped_column(SmallInteger)
    planned_topic_title: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # by a person: regeneration keeps it
    changed_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    version: Mapped[int] = mapped_column(Integer, default=1)


class LessonGenerationJob(Base):
    """One generation of a term's lessons for a school's classes of a term scheme, and how far it got."""

    __tablename__ = "lesson_generation_job"
    __table_args__ = (
        Index(
            "ix_lesson_generation_job_school_id_unfinished",
            "school_id",
            "term_id",
            unique=True,
            postgresql_where=_UNFINISHED,
            sqlite_where=_UNFINISHED,
        ),
    )

    lesson_generation_job_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    term_scheme_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    term_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)  # queued, running, done, failed
    total: Mapped[int] = mapped_column(Integer)  # classes to go through
    done: Mapped[int] = mapped_column(Integer, default=0)
    created_lessons: Mapped[int] = mapped_column(Integer, default=0)
    removed_lessons: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)  # why the job failed, in Russian
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The heartbeat: every committed class moves it, so an unfinished job that stopped moving is dead.
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
