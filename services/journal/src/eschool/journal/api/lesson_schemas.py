"""HTTP shapes of a lesson in the journal: its record, its sheet, its attendance, the whole-lesson save,
and a class's attendance of a day."""

from __future__ import annotations

import uuid
from datetime import date, time
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from eschool.common.events.contingent import FullName
from eschool.common.events.journal import AttendanceCode, WorkKind
from eschool.common.http.request import Stamp
from eschool.journal.api.deps import Reason
from eschool.journal.api.marks import MarkLine
from eschool.journal.db.records import Attendance, LessonRecord
from eschool.journal.services.attendance import AttendanceEntry, ClassDay, Correction
from eschool.journal.services.lesson_access import LessonSheet, SheetLine
from eschool.journal.services.lesson_journal import JournalForm, JournalSaved
from eschool.journal.services.lesson_save import RecordForm

Note = Annotated[str, Field(max_length=300, examples=["Справка из поликлиники"])]


class LessonRecordUpdate(BaseModel):
    """The lesson's record; fields left out keep what is recorded (the topic defaults to the plan's)."""

    model_config = ConfigDict(extra="forbid")

    topic: Annotated[str, Field(max_length=500, examples=["Натуральные числа и шкалы"])] | None = None
    homework: Annotated[str, Field(max_length=5000, examples=["§ 3, № 45, 47"])] | None = None
    homework_due_lesson_id: uuid.UUID | None = None
    work_kind: WorkKind | None = None

    def form(self) -> RecordForm:
        """The use case's form, with the fields the client sent."""
        fields = self.model_dump(include={"topic", "homework", "homework_due_lesson_id", "work_kind"})
        return RecordForm(**fields, given=frozenset(self.model_fields_set))


class LessonRecordRead(BaseModel):
    """What was recorded of the lesson, and who taught it."""

    model_config = ConfigDict(from_attributes=True)

    topic: str | None
    homework: str | None
    homework_due_lesson_id: uuid.UUID | None
    work_kind: str | None
    taught_by_person_id: uuid.UUID
    substitute: bool
    updated_at: Stamp
    version: int


class AttendanceEntryUpdate(BaseModel):
    """A pupil's attendance: absent, ill, excused or late; null is present."""

    model_config = ConfigDict(extra="forbid")

    pupil_person_id: uuid.UUID
    code: AttendanceCode | None
    note: Note | None = None

    def entry(self) -> AttendanceEntry:
        """The use case's entry."""
        return AttendanceEntry(self.pupil_person_id, self.code, self.note)


class AttendanceUpdate(BaseModel):
    """The lesson's attendance of the pupils listed (the others keep theirs)."""

    model_config = ConfigDict(extra="forbid")

    entries: list[AttendanceEntryUpdate] = Field(max_length=200)


class AttendanceRead(BaseModel):
    """A pupil's absence or lateness in a lesson."""

    model_config = ConfigDict(from_attributes=True)

    lesson_id: uuid.UUID
    pupil_person_id: uuid.UUID
    code: AttendanceCode
    note: str | None
    version: int


class SheetMarkRead(BaseModel):
    """A mark in the lesson's sheet."""

    mark_id: uuid.UUID
    value: str = Field(examples=["5"])
    work_type_id: uuid.UUID
    work_type: str = Field(examples=["control"], description="The work type's code")
    weight: Decimal
    comment: str | None
    recorded_at: Stamp
    version: int


class SheetPupilRead(BaseModel):
    """A pupil of the lesson: marks, attendance, whether exempted from the subject that day."""

    pupil_person_id: uuid.UUID
    name: FullName | None
    marks: list[SheetMarkRead]
    attendance: AttendanceRead | None
    exempted: bool

    @classmethod
    def of(cls, line: SheetLine, sheet: LessonSheet) -> SheetPupilRead:
        """The shape of one pupil's line."""
        marks = [
            SheetMarkRead(**_columns(m, SheetMarkRead), work_type=sheet.work_types[m.work_type_id].code)
            for m in line.marks
        ]
        attendance = None if line.attendance is None else AttendanceRead.model_validate(line.attendance)
        return cls(
            pupil_person_id=line.pupil_id,
            name=line.name,
            marks=marks,
            attendance=attendance,
            exempted=line.exempted,
        )


class LessonSheetRead(BaseModel):
    """The lesson as its readers see it: when and what, its record, its pupils on that day."""

    lesson_id: uuid.UUID
    school_id: uuid.UUID
    class_id: uuid.UUID
    class_title: str = Field(examples=["5 А"])
    subgroup_id: uuid.UUID | None
    subject_id: uuid.UUID
    term_id: uuid.UUID
    term_closed: bool
    teacher_person_id: uuid.UUID
    substitute_person_id: uuid.UUID | None
    lesson_on: date
    slot_number: int
    starts_at: time
    ends_at: time
    cancelled: bool
    planned_topic: str | None
    record: LessonRecordRead | None
    pupils: list[SheetPupilRead]

    @classmethod
    def of(cls, sheet: LessonSheet) -> LessonSheetRead:
        """The shape of a lesson's sheet."""
        scope, lesson = sheet.scope, sheet.scope.lesson
        return cls(
            **_columns(lesson, LessonSheetRead),
            class_title=scope.school_class.title,
            term_closed=scope.term is not None and scope.term.closed,
            substitute_person_id=scope.substitute_id,
            record=None if sheet.record is None else LessonRecordRead.model_validate(sheet.record),
            pupils=[SheetPupilRead.of(line, sheet) for line in sheet.lines],
        )


class LessonJournalUpdate(BaseModel):
    """The whole lesson in one request: record, attendance, marks; all saved, or none."""

    model_config = ConfigDict(extra="forbid")

    record: LessonRecordUpdate | None = None
    attendance: list[AttendanceEntryUpdate] = Field(default_factory=list, max_length=200)
    marks: list[MarkLine] = Field(default_factory=list, max_length=500)

    def form(self) -> JournalForm:
        """The use case's form."""
        record = None if self.record is None else self.record.form()
        return JournalForm(record, [a.entry() for a in self.attendance], [m.entry() for m in self.marks])


class LessonJournalRead(BaseModel):
    """The lesson after the save, and the mark of every mark line in the lines' order."""

    lesson: LessonSheetRead
    mark_ids: list[uuid.UUID]

    @classmethod
    def of(cls, saved: JournalSaved) -> LessonJournalRead:
        """The shape of a whole-lesson save's answer."""
        return cls(lesson=LessonSheetRead.of(saved.sheet), mark_ids=saved.mark_ids)


class ClassCorrection(BaseModel):
    """The class teacher's correction of a pupil's attendance in one lesson of the day."""

    model_config = ConfigDict(extra="forbid")

    lesson_id: uuid.UUID
    pupil_person_id: uuid.UUID
    code: AttendanceCode | None
    note: Note | None = None
    reason: Reason | None = None

    def correction(self) -> Correction:
        """The use case's correction."""
        return Correction(
            self.lesson_id, AttendanceEntry(self.pupil_person_id, self.code, self.note), self.reason
        )


class ClassAttendanceUpdate(BaseModel):
    """Corrections of the class's attendance of the day."""

    model_config = ConfigDict(extra="forbid")

    entries: list[ClassCorrection] = Field(min_length=1, max_length=500)


class DayLessonRead(BaseModel):
    """A lesson of the class's day."""

    lesson_id: uuid.UUID
    slot_number: int
    subject_id: uuid.UUID
    subgroup_id: uuid.UUID | None
    teacher_person_id: uuid.UUID
    cancelled: bool
    pupils: list[uuid.UUID] = Field(description="Who the lesson is for that day")


class DayPupilRead(BaseModel):
    """A pupil of the class and what was recorded of them in the day's lessons."""

    pupil_person_id: uuid.UUID
    name: FullName | None
    attendance: list[AttendanceRead]


class ClassDayRead(BaseModel):
    """A class's attendance of a day: its lessons, its pupils with their absences."""

    class_id: uuid.UUID
    class_title: str
    day: date
    lessons: list[DayLessonRead]
    pupils: list[DayPupilRead]

    @classmethod
    def of(cls, view: ClassDay) -> ClassDayRead:
        """The shape of a class's day."""
        lessons = [
            DayLessonRead(**_columns(x, DayLessonRead), pupils=sorted(view.rosters[x.lesson_id]))
            for x in view.lessons
        ]
        pupils = [
            DayPupilRead(pupil_person_id=p, name=view.names.get(p), attendance=_absences(view.attendance, p))
            for p in view.pupils
        ]
        return cls(
            class_id=view.school_class.class_id,
            class_title=view.school_class.title,
            day=view.day,
            lessons=lessons,
            pupils=pupils,
        )


def _columns(row: object, shape: type[BaseModel]) -> dict[str, Any]:
    """The row's attributes that the shape has fields of the same name for."""
    return {name: getattr(row, name) for name in shape.model_fields if hasattr(row, name)}


def _absences(rows: list[Attendance], pupil: uuid.UUID) -> list[AttendanceRead]:
    return [AttendanceRead.model_validate(r) for r in rows if r.pupil_person_id == pupil]


def record_read(record: LessonRecord) -> LessonRecordRead:
    """The shape of a lesson's record."""
    return LessonRecordRead.model_validate(record)
