"""Events the journal publishes: lessons conducted, marks, attendance, term marks, archived years.

Reporting (knowledge quality, attendance, the fill report) and communications (telling families) keep
their own read models from them. They carry ids, values and dates only: no names, no teachers'
comments on marks (a comment may speak of the child; the diary shows it to the family alone). Every
event carries ``occurred_at`` and the aggregate's ``version``: consumers keep the newest.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from eschool.common.events.base import Event

AttendanceCode = Literal["absent", "ill", "excused", "late"]
WorkKind = Literal["control", "laboratory", "practical"]
Period = Literal["term", "annual", "final"]


class LessonConductedV1(Event):
    """Emitted when a teacher records a lesson (its topic, homework, kind of work) or changes the record:
    the fill report measures the journal's timeliness from it (seed 001: on the day of the lesson)."""

    event_type = "journal.lesson.conducted.v1"

    lesson_id: uuid.UUID
    school_id: uuid.UUID
    class_id: uuid.UUID
    subgroup_id: uuid.UUID | None = None
    subject_id: uuid.UUID
    term_id: uuid.UUID
    lesson_on: date
    taught_by_person_id: uuid.UUID = Field(description="The lesson's teacher, or its substitute")
    substitute: bool = False
    topic: str | None = Field(default=None, examples=["Натуральные числа и шкалы"])
    homework: str | None = Field(default=None, examples=["§ 3, № 45, 47"])
    attachments: int = Field(default=0, ge=0, description="How many files the homework has")
    work_kind: WorkKind | None = None
    version: int = Field(ge=1)
    occurred_at: datetime


class PupilLessonFacts(Event):
    """What every event of a pupil's entry in a lesson says of it (a base: not an event of its own)."""

    school_id: uuid.UUID
    lesson_id: uuid.UUID
    pupil_person_id: uuid.UUID
    class_id: uuid.UUID
    subject_id: uuid.UUID
    term_id: uuid.UUID
    lesson_on: date
    version: int = Field(ge=1)
    occurred_at: datetime


class MarkFacts(PupilLessonFacts):
    """What every mark event says of the mark (a base: not an event of its own)."""

    mark_id: uuid.UUID


class MarkRecordedV1(MarkFacts):
    """Emitted when a teacher gives a pupil a mark in a lesson."""

    event_type = "journal.mark.recorded.v1"

    work_type: str = Field(examples=["control"], description="The work type's code")
    weight: Decimal = Field(gt=0, examples=["2"])
    value: str = Field(examples=["5", "зач"])
    numeric_value: int | None = Field(default=None, ge=1, le=5, description="None on the pass/fail scale")


class MarkChangedV1(MarkFacts):
    """Emitted when a mark's value or work type is changed (the old value is in the journal's audit)."""

    event_type = "journal.mark.changed.v1"

    work_type: str = Field(examples=["control"])
    weight: Decimal = Field(gt=0, examples=["2"])
    value: str = Field(examples=["4"])
    numeric_value: int | None = Field(default=None, ge=1, le=5)
    previous_value: str = Field(examples=["3"])


class MarkDeletedV1(MarkFacts):
    """Emitted when a mark is deleted (kept in the journal, soft-deleted, with its audit)."""

    event_type = "journal.mark.deleted.v1"


class AttendanceFacts(PupilLessonFacts):
    """What every attendance event says (a base: not an event of its own)."""


class AttendanceRecordedV1(AttendanceFacts):
    """Emitted when a pupil is marked absent, ill, excused or late in a lesson."""

    event_type = "journal.attendance.recorded.v1"

    code: AttendanceCode


class AttendanceChangedV1(AttendanceFacts):
    """Emitted when a pupil's attendance in a lesson is corrected (the class teacher's daily check, seed
    004 4.3.8): ``code`` None means present after all."""

    event_type = "journal.attendance.changed.v1"

    code: AttendanceCode | None
    previous_code: AttendanceCode | None


class TermMarkSetV1(Event):
    """Emitted when a term, annual or final mark is set, changed or removed (``value`` None); the
    computed average is carried beside it."""

    event_type = "journal.term_mark.set.v1"

    term_mark_id: uuid.UUID
    school_id: uuid.UUID
    pupil_person_id: uuid.UUID
    class_id: uuid.UUID
    subject_id: uuid.UUID
    academic_year_id: uuid.UUID
    period: Period
    term_id: uuid.UUID | None = Field(default=None, description="The term, for a term mark")
    value: str | None = Field(examples=["5", "зач"], description="None: removed")
    numeric_value: int | None = Field(default=None, ge=1, le=5)
    computed_average: Decimal | None = Field(default=None, examples=["4.57"])
    overridden: bool = Field(default=False, description="Changed by the administration after the term closed")
    version: int = Field(ge=1)
    occurred_at: datetime


class JournalArchivedV1(Event):
    """Emitted when a school's journals of an academic year become read-only and go to the archive."""

    event_type = "journal.journal.archived.v1"

    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    journals_kept_until: date
    summary_sheets_kept_until: date
    occurred_at: datetime
