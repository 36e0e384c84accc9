"""The HTTP shapes of the weekly timetable."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from eschool.scheduling.db.timetable import TimetableEntry
from eschool.scheduling.services.timetable import LessonDraft, WeekDraft
from eschool.scheduling.services.timetable_views import WeekView

MAX_LESSONS = 200


class LessonFields(BaseModel):
    """A lesson of the week: weekday (1 Monday .. 6 Saturday), slot number, subject, teacher, room and
    subgroup (not given: the whole class)."""

    model_config = ConfigDict(extra="forbid")

    weekday: Annotated[int, Field(ge=1, le=6, examples=[1])]
    slot_number: Annotated[int, Field(ge=0, le=20, examples=[2])]
    subject_id: uuid.UUID
    teacher_person_id: uuid.UUID
    room_id: uuid.UUID | None = None
    subgroup_id: uuid.UUID | None = None


class TimetableUpdate(BaseModel):
    """The class's whole week from ``valid_from`` on, in the slots of one bell schedule."""

    model_config = ConfigDict(extra="forbid")

    valid_from: date
    bell_schedule_id: uuid.UUID
    entries: Annotated[list[LessonFields], Field(max_length=MAX_LESSONS)]

    def draft(self) -> WeekDraft:
        """The week as the use case takes it."""
        lessons = [LessonDraft(**e.model_dump()) for e in self.entries]
        return WeekDraft(self.valid_from, self.bell_schedule_id, lessons)


class TimetableEntryRead(LessonFields):
    """A lesson of the week with the names people read and its slot's times."""

    model_config = ConfigDict(extra="ignore")

    timetable_entry_id: uuid.UUID
    class_id: uuid.UUID
    class_name: str | None
    bell_schedule_id: uuid.UUID
    starts_at: str | None = Field(examples=["08:00"])
    ends_at: str | None = Field(examples=["08:45"])
    subject_name: str | None
    teacher_name: str | None
    room_name: str | None
    subgroup_name: str | None
    valid_from: date
    valid_until: date | None


class TimetableRead(BaseModel):
    """The lessons in effect on a day, by weekday and slot."""

    on: date
    entries: list[TimetableEntryRead]

    @classmethod
    def of(cls, view: WeekView) -> TimetableRead:
        """The shape of a week."""
        return cls(on=view.on, entries=[_entry(e, view) for e in view.entries])


def _entry(entry: TimetableEntry, view: WeekView) -> TimetableEntryRead:
    names = view.names
    slot = names.slot(entry)
    school_class = names.classes.get(entry.class_id)
    subject = names.subjects.get(entry.subject_id)
    member = names.staff.get(entry.teacher_person_id)
    full = member.name if member else None
    room = names.rooms.get(entry.room_id) if entry.room_id else None
    subgroup = names.subgroups.get(entry.subgroup_id) if entry.subgroup_id else None
    return TimetableEntryRead(
        **{k: getattr(entry, k) for k in LessonFields.model_fields},
        timetable_entry_id=entry.timetable_entry_id,
        class_id=entry.class_id,
        class_name=f"{school_class.grade} {school_class.letter}" if school_class else None,
        bell_schedule_id=entry.bell_schedule_id,
        starts_at=f"{slot[0]:%H:%M}" if slot else None,
        ends_at=f"{slot[1]:%H:%M}" if slot else None,
        subject_name=subject.name if subject else None,
        teacher_name=" ".join(filter(None, (full.last_name, full.first_name, full.middle_name)))
        if full
        else None,
        room_name=room.name if room else None,
        subgroup_name=subgroup.name if subgroup else None,
        valid_from=entry.valid_from,
        valid_until=entry.valid_until,
    )
