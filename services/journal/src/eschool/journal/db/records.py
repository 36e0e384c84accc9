"""What the journal itself owns: lesson records with homework and attachments, marks, attendance,
exemptions, term marks, work types and the schools' grading policies, and the audit of every change.

Every school-owned row carries ``school_id`` and its indexes start with it. Nothing a person entered is
deleted: a deleted mark, attendance entry or term mark keeps its row with ``deleted_at``, and every
change leaves a ``journal_audit`` row (who, when, old, new, reason).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, Index, Integer, LargeBinary, Numeric, SmallInteger, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import JsonDoc, UtcDateTime
from eschool.common.db.idempotency import IdempotentRequestNode
from eschool.journal.db.models import Base

ACTIVE_MARK = "deleted_at IS NULL"


class WorkType(Base):
    """A kind of work a mark is for (answer in class, control work...), with its weight in the average.
    Regional defaults have no school; a school's row with the same ``code`` overrides the default."""

    __tablename__ = "work_type"
    # One row per school and code (the region's rows, with no school, are one per code by the seed).
    __table_args__ = (Index("uq_work_type_school_id_code", "school_id", "code", unique=True),)

    work_type_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    weight: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    # Several marks of this kind for one pupil in one lesson (e.g. answers), or one at most (a test).
    multiple: Mapped[bool] = mapped_column(Boolean)
    # A control, laboratory or practical work: the pre-close check asks that a term has one.
    control: Mapped[bool] = mapped_column(Boolean)
    retired: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class GradingPolicy(Base):
    """A school's rounding policy, versioned: a change is a new version; averages say which they used."""

    __tablename__ = "grading_policy"

    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    rounding_threshold: Mapped[Decimal] = mapped_column(Numeric(3, 2))
    min_marks: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class SubjectScale(Base):
    """A subject a school grades pass/fail (e.g. ОРКСЭ) instead of on the five-point scale."""

    __tablename__ = "subject_scale"

    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    scale: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LessonRecord(Base):
    """What the teacher recorded of a lesson: topic, homework, the kind of work, who taught it."""

    __tablename__ = "lesson_record"
    __table_args__ = (Index("ix_lesson_record_school_id_lesson_on", "school_id", "lesson_on"),)

    lesson_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    lesson_on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str | None] = mapped_column(String(500))
    homework: Mapped[str | None] = mapped_column(Text)
    # The lesson the homework is due for (None: the next lesson of the subject).
    homework_due_lesson_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # control / laboratory / practical (seed 004, 4.4.6: their topics are named too), or None.
    work_kind: Mapped[str | None] = mapped_column(String(20))
    # Who taught it: the lesson's teacher, or the substitute (seed 001, 2.1: a replacement is recorded).
    taught_by_person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    substitute: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    version: Mapped[int] = mapped_column(Integer)


class HomeworkAttachment(Base):
    """A file attached to a lesson's homework; its bytes here or, when ``storage_key`` is set, in the
    configured object store."""

    __tablename__ = "homework_attachment"
    __table_args__ = (Index("ix_homework_attachment_school_id_lesson_id", "school_id", "lesson_id"),)

    attachment_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    lesson_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    storage_key: Mapped[str | None] = mapped_column(String(300))
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Mark(Base):
    """A pupil's mark in a lesson, with the work type's weight as it was when given and the teacher's
    comment. The lesson's class, subject, term and day are copied in: the averages and the diary read
    marks without joining lessons."""

    __tablename__ = "mark"
    __table_args__ = (
        Index("ix_mark_school_id_pupil_person_id_term_id", "school_id", "pupil_person_id", "term_id"),
        Index("ix_mark_school_id_lesson_id", "school_id", "lesson_id"),
        Index("ix_mark_school_class_subject_term", "school_id", "class_id", "subject_id", "term_id"),
    )

    mark_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    lesson_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    pupil_person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    term_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    lesson_on: Mapped[date] = mapped_column(Date)
    work_type_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    weight: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    value: Mapped[str] = mapped_column(String(8))
    numeric_value: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(String(500))
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer)


class Attendance(Base):
    """A pupil's absence or lateness in a lesson (no row, or a deleted one: present)."""

    __tablename__ = "attendance"
    __table_args__ = (
        Index("ix_attendance_school_pupil_lesson_on", "school_id", "pupil_person_id", "lesson_on"),
        Index("ix_attendance_school_id_class_id_lesson_on", "school_id", "class_id", "lesson_on"),
    )

    lesson_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    pupil_person_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    term_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    lesson_on: Mapped[date] = mapped_column(Date)
    # absent (Н) / ill (Б) / excused (У) / late (О)
    code: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(String(300))
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer)


class Exemption(Base):
    """A pupil exempted from a subject's marks for a period (e.g. from physical education)."""

    __tablename__ = "exemption"
    __table_args__ = (Index("ix_exemption_school_id_pupil_person_id", "school_id", "pupil_person_id"),)

    exemption_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    pupil_person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    from_on: Mapped[date] = mapped_column(Date)
    until_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TermMark(Base):
    """A pupil's term, annual or final mark in a subject, with the computed average beside it. One live
    row per pupil, subject, year and period (``period_key``: the term's id, ``annual`` or ``final``)."""

    __tablename__ = "term_mark"
    __table_args__ = (
        Index(
            "uq_term_mark_live",
            "school_id",
            "pupil_person_id",
            "subject_id",
            "academic_year_id",
            "period_key",
            unique=True,
            postgresql_where=ACTIVE_MARK,
            sqlite_where=ACTIVE_MARK,
        ),
        Index("ix_term_mark_school_id_class_id_subject_id", "school_id", "class_id", "subject_id"),
    )

    term_mark_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    pupil_person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    period: Mapped[str] = mapped_column(String(10))
    term_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    period_key: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(8))
    numeric_value: Mapped[int | None] = mapped_column(SmallInteger)
    computed_average: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    policy_version: Mapped[int | None] = mapped_column(Integer)
    # Set when an administrator changed it after the term closed: why (recorded in the audit too).
    override_reason: Mapped[str | None] = mapped_column(String(500))
    set_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    set_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer)


class JournalAudit(Base):
    """One change of a mark, an attendance entry, a term mark or a lesson record: who, when, the old and
    the new value, and why. Listed per pupil or per lesson; never changed, never deleted."""

    __tablename__ = "journal_audit"
    __table_args__ = (
        Index("ix_journal_audit_school_id_pupil_person_id_at", "school_id", "pupil_person_id", "at"),
        Index("ix_journal_audit_school_id_lesson_id", "school_id", "lesson_id"),
    )

    audit_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    lesson_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    pupil_person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(20))
    old: Mapped[Any] = mapped_column(JsonDoc, nullable=True)
    new: Mapped[Any] = mapped_column(JsonDoc, nullable=True)
    reason: Mapped[str | None] = mapped_column(String(500))
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_client_id: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class IdempotentRequest(IdempotentRequestNode, Base):
    """A bulk save's answer, kept under the key the client sent (a retry gets it again)."""

    __tablename__ = "idempotent_request"
