"""Every query of the weekly timetable, and of what its views name (classes, staff, rooms, schedules)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.sql import ColumnElement

from eschool.common.db import Repository
from eschool.scheduling.db.bells import BellSchedule
from eschool.scheduling.db.contingent import SchoolClass, StaffMember, Subgroup
from eschool.scheduling.db.rooms import Room
from eschool.scheduling.db.timetable import TimetableEntry

Entry = TimetableEntry
_ORDER = (Entry.weekday, Entry.slot_number, Entry.class_id, Entry.subgroup_id, Entry.timetable_entry_id)


def _holds_from(day: date) -> ColumnElement[bool]:
    return or_(Entry.valid_until.is_(None), Entry.valid_until >= day)


class Timetables(Repository):
    """Classes' weeks and the lessons that meet a teacher, a room or a class on a day."""

    async def class_entries_from(
        self, school_id: uuid.UUID, class_id: uuid.UUID, day: date
    ) -> Sequence[TimetableEntry]:
        """The class's entries still in effect on ``day`` or later."""
        stmt = select(Entry).where(Entry.school_id == school_id, Entry.class_id == class_id, _holds_from(day))
        return (await self.session.execute(stmt.order_by(*_ORDER))).scalars().all()

    async def busy_from(
        self,
        school_id: uuid.UUID,
        day: date,
        *,
        except_class: uuid.UUID,
        teachers: Collection[uuid.UUID],
        rooms: Collection[uuid.UUID],
    ) -> Sequence[TimetableEntry]:
        """Other classes' entries in effect on ``day`` or later with one of the teachers or rooms."""
        stmt = select(Entry).where(
            Entry.school_id == school_id,
            Entry.class_id != except_class,
            _holds_from(day),
            or_(Entry.teacher_person_id.in_(teachers), Entry.room_id.in_(rooms)),
        )
        return (await self.session.execute(stmt.order_by(*_ORDER))).scalars().all()

    async def on(
        self,
        school_id: uuid.UUID,
        day: date,
        *,
        class_id: uuid.UUID | None = None,
        teacher_person_id: uuid.UUID | None = None,
        room_id: uuid.UUID | None = None,
    ) -> Sequence[TimetableEntry]:
        """The week in effect on ``day`` of a class, a teacher or a room, by weekday and slot."""
        stmt = select(Entry).where(Entry.school_id == school_id, Entry.valid_from <= day, _holds_from(day))
        for column, value in (
            (Entry.class_id, class_id),
            (Entry.teacher_person_id, teacher_person_id),
            (Entry.room_id, room_id),
        ):
            if value is not None:
                stmt = stmt.where(column == value)
        return (await self.session.execute(stmt.order_by(*_ORDER))).scalars().all()

    async def classes(self, class_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, SchoolClass]:
        """The projected classes of those ids."""
        stmt = select(SchoolClass).where(SchoolClass.class_id.in_(class_ids))
        return {c.class_id: c for c in (await self.session.execute(stmt)).scalars()}

    async def subgroups(self, subgroup_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Subgroup]:
        """The projected subgroups of those ids."""
        stmt = select(Subgroup).where(Subgroup.subgroup_id.in_(subgroup_ids))
        return {s.subgroup_id: s for s in (await self.session.execute(stmt)).scalars()}

    async def staff(
        self, school_id: uuid.UUID, person_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, StaffMember]:
        """The school's projected staff members of those persons (the dismissed too)."""
        stmt = select(StaffMember).where(
            StaffMember.school_id == school_id, StaffMember.person_id.in_(person_ids)
        )
        return {m.person_id: m for m in (await self.session.execute(stmt)).scalars()}

    async def rooms(self, room_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Room]:
        """The rooms of those ids."""
        stmt = select(Room).where(Room.room_id.in_(room_ids))
        return {r.room_id: r for r in (await self.session.execute(stmt)).scalars()}

    async def schedules(self, schedule_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, BellSchedule]:
        """The bell schedules of those ids."""
        stmt = select(BellSchedule).where(BellSchedule.bell_schedule_id.in_(schedule_ids))
        return {s.bell_schedule_id: s for s in (await self.session.execute(stmt)).scalars()}
