"""The diary's HTTP shapes: a week of lessons, a term's summary, recent changes, a family's children."""

from __future__ import annotations

import uuid
from datetime import date, time
from decimal import Decimal

from pydantic import BaseModel, Field

from eschool.common.events.contingent import FullName
from eschool.common.http.request import Stamp


class ClassPlace(BaseModel):
    """A class the pupil is in."""

    school_id: uuid.UUID
    class_id: uuid.UUID
    title: str = Field(examples=["5 А"])


class ChildRead(BaseModel):
    """A pupil whose diary the caller may open."""

    pupil_person_id: uuid.UUID
    name: FullName | None
    classes: list[ClassPlace]


class DiaryMarkRead(BaseModel):
    """A mark as the family sees it: the value, its weight and work type, the teacher's comment."""

    mark_id: uuid.UUID
    value: str = Field(examples=["5"])
    weight: Decimal = Field(examples=["2"])
    work_type: str = Field(examples=["Контрольная работа"])
    comment: str | None = None
    recorded_at: Stamp


class AttachmentRead(BaseModel):
    """A file of the homework."""

    attachment_id: uuid.UUID
    file_name: str


class DiaryLessonRead(BaseModel):
    """A lesson of the pupil's week: what it was about, what is set, the marks, the absence."""

    lesson_id: uuid.UUID
    lesson_on: date
    slot_number: int
    starts_at: time
    ends_at: time
    subject_id: uuid.UUID
    subject_name: str
    topic: str | None
    homework: str | None
    attachments: list[AttachmentRead]
    work_kind: str | None
    substitute: bool
    marks: list[DiaryMarkRead]
    attendance: str | None = Field(description="absent / ill / excused / late; None: present or not noted")


class DiaryDayRead(BaseModel):
    """One day of the week."""

    day: date
    lessons: list[DiaryLessonRead]


class DiaryWeekRead(BaseModel):
    """The pupil's week, Monday to Sunday."""

    pupil_person_id: uuid.UUID
    name: FullName | None
    week_start: date
    week_end: date
    days: list[DiaryDayRead]


class TermMarkBrief(BaseModel):
    """A mark of the term in the summary's row."""

    lesson_on: date
    value: str
    weight: Decimal


class ForecastRead(BaseModel):
    """The term mark the pupil is heading for, and what it takes to reach the next one."""

    mark: int | None
    enough_marks: bool
    marks_needed: int = Field(description="Marks still missing for the school's minimum")
    next_mark: int | None
    fives_for_next: int | None = Field(description="Fives (weight 1) that lift the mark to next_mark")
    risk_twos: int | None = Field(description="Twos (weight 1) that would drop the mark")


class SubjectSummaryRead(BaseModel):
    """A subject's row of the term summary."""

    subject_id: uuid.UUID
    subject_name: str
    marks: list[TermMarkBrief]
    average: Decimal | None
    forecast: ForecastRead
    term_mark: str | None
    absences: int


class TermRef(BaseModel):
    """A term of the pupil's class."""

    term_id: uuid.UUID
    name: str
    starts_on: date | None
    ends_on: date | None
    closed: bool


class TermSummaryRead(BaseModel):
    """The pupil's term: every subject's marks, average, forecast and term mark."""

    pupil_person_id: uuid.UUID
    term: TermRef
    policy_version: int
    subjects: list[SubjectSummaryRead]


class RecentChangeRead(BaseModel):
    """A recent entry of the journal about the pupil: a mark given, changed or removed, an absence."""

    kind: str = Field(examples=["mark", "attendance"])
    at: Stamp
    lesson_on: date
    subject_id: uuid.UUID
    subject_name: str
    value: str | None = Field(description="The mark, or the attendance code; None: removed")
    deleted: bool = False
