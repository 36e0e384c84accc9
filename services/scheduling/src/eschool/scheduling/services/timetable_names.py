"""What the timetable's checks and views read beside its entries: the classes, subgroups, staff, rooms,
bell schedules and subjects the entries name."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time

from eschool.common.db import UnitOfWork
from eschool.scheduling.db.bells import BellSchedule
from eschool.scheduling.db.contingent import SchoolClass, StaffMember, Subgroup
from eschool.scheduling.db.rooms import Room
from eschool.scheduling.db.setup_repositories import Subjects
from eschool.scheduling.db.subjects import Subject
from eschool.scheduling.db.timetable import TimetableEntry
from eschool.scheduling.db.timetable_queries import Timetables
from eschool.scheduling.domain.timetable import Booking


@dataclass(frozen=True)
class Names:
    """The rows an entry names, by id (a missing id: not projected, or not existing)."""

    classes: dict[uuid.UUID, SchoolClass]
    subgroups: dict[uuid.UUID, Subgroup]
    staff: dict[uuid.UUID, StaffMember]
    rooms: dict[uuid.UUID, Room]
    schedules: dict[uuid.UUID, BellSchedule]
    subjects: dict[uuid.UUID, Subject]

    def slot(self, entry: TimetableEntry) -> tuple[time, time] | None:
        """The entry's slot's start and end in its bell schedule (None: no such slot)."""
        schedule = self.schedules.get(entry.bell_schedule_id)
        for slot in schedule.slots if schedule else []:
            if slot["number"] == entry.slot_number:
                return time.fromisoformat(slot["starts_at"]), time.fromisoformat(slot["ends_at"])
        return None

    def label(self, entry: TimetableEntry) -> str:
        """How people find the entry: «5 А, Математика (1 группа)»."""
        school_class = self.classes.get(entry.class_id)
        subject = self.subjects.get(entry.subject_id)
        subgroup = self.subgroups.get(entry.subgroup_id) if entry.subgroup_id else None
        text = f"{school_class.grade} {school_class.letter}" if school_class else "класс"
        text += f", {subject.name}" if subject else ""
        return text + (f" ({subgroup.name})" if subgroup else "")

    def booking(self, entry: TimetableEntry) -> Booking | None:
        """The entry as the clash rules see it (None: its slot is gone from its schedule)."""
        slot = self.slot(entry)
        if slot is None:
            return None
        subgroup = self.subgroups.get(entry.subgroup_id) if entry.subgroup_id else None
        return Booking(
            class_id=entry.class_id,
            weekday=entry.weekday,
            slot_number=entry.slot_number,
            starts_at=slot[0],
            ends_at=slot[1],
            valid_from=entry.valid_from,
            valid_until=entry.valid_until,
            teacher_person_id=entry.teacher_person_id,
            room_id=entry.room_id,
            subgroup_id=entry.subgroup_id,
            division=subgroup.division if subgroup else None,
            label=self.label(entry),
        )


async def names_of(uow: UnitOfWork, school_id: uuid.UUID, entries: Sequence[TimetableEntry]) -> Names:
    """Everything the entries name."""
    tables = Timetables(uow.session)
    return Names(
        classes=await tables.classes({e.class_id for e in entries}),
        subgroups=await tables.subgroups({e.subgroup_id for e in entries if e.subgroup_id}),
        staff=await tables.staff(school_id, {e.teacher_person_id for e in entries}),
        rooms=await tables.rooms({e.room_id for e in entries if e.room_id}),
        schedules=await tables.schedules({e.bell_schedule_id for e in entries}),
        subjects=await Subjects(uow.session).subjects({e.subject_id for e in entries}),
    )
