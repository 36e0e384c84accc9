"""The weekly timetable («Расписание занятий»): each class's lessons of the week, valid between dates.

A change from a date closes the entries in effect the day before and opens new ones, so the weeks of
the past stay as they were (the journal's lessons were made from them); an entry is never edited.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, Index, SmallInteger, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.scheduling.db.models import Base


class TimetableEntry(Base):
    """A lesson of a class's week: weekday and slot of a bell schedule, subject, teacher, room (None: not
    said), subgroup (None: the whole class), valid from a day until a day (None: until changed)."""

    __tablename__ = "timetable_entry"
    __table_args__ = (
        Index("ix_timetable_entry_school_id_class_id_valid_from", "school_id", "class_id", "valid_from"),
        Index("ix_timetable_entry_school_id_teacher_person_id", "school_id", "teacher_person_id"),
        Index("ix_timetable_entry_school_id_room_id", "school_id", "room_id"),
    )

    timetable_entry_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    bell_schedule_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    weekday: Mapped[int] = mapped_column(SmallInteger)  # 1 Monday .. 6 Saturday
    slot_number: Mapped[int] = mapped_column(SmallInteger)
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    teacher_person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    room_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    subgroup_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
