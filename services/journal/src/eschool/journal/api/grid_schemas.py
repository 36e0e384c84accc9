"""HTTP shapes of a class's journal in a subject and term (seed 003, 4.5): the lessons across, the
pupils down, each cell a pupil's marks and attendance in a lesson, the term's average at the right."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from eschool.common.events.contingent import FullName
from eschool.common.events.journal import AttendanceCode


class GridLessonRead(BaseModel):
    """A column of the journal: a dated lesson, its topic (recorded, else planned), whether homework is
    set, how many files it has, and the kind of work."""

    lesson_id: uuid.UUID
    lesson_on: date
    slot_number: int
    subgroup_id: uuid.UUID | None
    teacher_person_id: uuid.UUID
    topic: str | None = Field(examples=["Натуральные числа и шкалы"])
    homework: bool
    attachments: int
    work_kind: str | None = Field(examples=["control"])


class GridMarkRead(BaseModel):
    """A mark in a cell: its value, work type and weight, the teacher's comment."""

    mark_id: uuid.UUID
    value: str = Field(examples=["5"])
    work_type: str = Field(examples=["answer"])
    weight: Decimal = Field(examples=["1.00"])
    comment: str | None


class GridCellRead(BaseModel):
    """A pupil in a lesson: the marks, and the attendance code (null: present or not recorded)."""

    lesson_id: uuid.UUID
    marks: list[GridMarkRead]
    attendance: AttendanceCode | None


class GridPupilRead(BaseModel):
    """A row of the journal: a pupil (with the day they joined or left if mid-term), a cell per lesson in
    the lessons' order, and the term's weighted average with the mark it rounds to."""

    pupil_person_id: uuid.UUID
    name: FullName | None
    from_on: date | None = Field(description="The day the pupil joined, if after the term began")
    until_on: date | None = Field(description="The pupil's last day, if before the term ended")
    exempted: bool
    cells: list[GridCellRead]
    average: Decimal | None = Field(examples=["4.25"])
    mark: int | None = Field(examples=[4])
    marks_count: int


class JournalGridRead(BaseModel):
    """A class's journal in a subject and term (of one subgroup, or the subgroups the reader teaches)."""

    class_id: uuid.UUID
    class_title: str = Field(examples=["5 А"])
    subject_id: uuid.UUID
    subject_name: str | None = Field(examples=["Математика"])
    term_id: uuid.UUID
    term_name: str = Field(examples=["1 четверть"])
    term_starts_on: date | None
    term_ends_on: date | None
    subgroup_ids: list[uuid.UUID] = Field(description="The subgroups shown (empty: the whole class)")
    policy_version: int
    lessons: list[GridLessonRead]
    pupils: list[GridPupilRead]
