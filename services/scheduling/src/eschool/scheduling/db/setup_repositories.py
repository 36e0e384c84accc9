"""Every query of subjects, rooms and bell schedules lives here."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import select

from eschool.common.db import Repository
from eschool.scheduling.db.bells import BellSchedule
from eschool.scheduling.db.rooms import Room
from eschool.scheduling.db.subjects import SchoolSubject, Subject


class Subjects(Repository):
    """The regional catalogue, schools' own subjects, and what each school teaches."""

    async def subject(self, subject_id: uuid.UUID, *, lock: bool = False) -> Subject | None:
        """A subject of the catalogue or of a school (locked: its edits queue)."""
        return await self.session.get(Subject, subject_id, with_for_update=lock, populate_existing=lock)

    async def catalogue(self, *, include_retired: bool) -> Sequence[Subject]:
        """The catalogue's subjects by name."""
        stmt = select(Subject).where(Subject.school_id.is_(None))
        if not include_retired:
            stmt = stmt.where(Subject.retired.is_(False))
        return (await self.session.execute(stmt.order_by(Subject.name_key))).scalars().all()

    async def catalogue_codes(self) -> set[str]:
        """Every code the catalogue holds, retired ones too."""
        stmt = select(Subject.code).where(Subject.school_id.is_(None))
        return {code for code in (await self.session.execute(stmt)).scalars() if code}

    async def named(self, school_id: uuid.UUID | None, key: str) -> Subject | None:
        """The catalogue's (``school_id`` None) or the school's own subject of that name key."""
        owner = Subject.school_id.is_(None) if school_id is None else Subject.school_id == school_id
        stmt = select(Subject).where(owner, Subject.name_key == key)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def coded(self, code: str) -> Subject | None:
        """The catalogue's subject of that code."""
        return (await self.session.execute(select(Subject).where(Subject.code == code))).scalar_one_or_none()

    async def choice(self, school_id: uuid.UUID, subject_id: uuid.UUID) -> SchoolSubject | None:
        """Whether (and how) the school teaches the subject."""
        return await self.session.get(SchoolSubject, (school_id, subject_id))

    async def school_list(
        self, school_id: uuid.UUID, *, include_retired: bool
    ) -> Sequence[tuple[SchoolSubject, Subject]]:
        """The subjects the school teaches (or taught), by name."""
        stmt = (
            select(SchoolSubject, Subject)
            .join(Subject, Subject.subject_id == SchoolSubject.subject_id)
            .where(SchoolSubject.school_id == school_id)
        )
        if not include_retired:
            stmt = stmt.where(SchoolSubject.retired.is_(False))
        rows = await self.session.execute(stmt.order_by(Subject.name_key, Subject.subject_id))
        return [(choice, subject) for choice, subject in rows]

    async def subjects(self, subject_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Subject]:
        """The subjects of those ids that exist."""
        stmt = select(Subject).where(Subject.subject_id.in_(subject_ids))
        return {s.subject_id: s for s in (await self.session.execute(stmt)).scalars()}

    async def chosen(self, school_id: uuid.UUID) -> dict[uuid.UUID, SchoolSubject]:
        """The school's choices, retired ones too, by subject."""
        stmt = select(SchoolSubject).where(SchoolSubject.school_id == school_id)
        return {c.subject_id: c for c in (await self.session.execute(stmt)).scalars()}


class Rooms(Repository):
    """A school's rooms."""

    async def room(self, room_id: uuid.UUID, *, lock: bool = False) -> Room | None:
        """A room (locked: its edits queue)."""
        return await self.session.get(Room, room_id, with_for_update=lock, populate_existing=lock)

    async def named(self, school_id: uuid.UUID, key: str) -> Room | None:
        """The school's room of that name key."""
        stmt = select(Room).where(Room.school_id == school_id, Room.name_key == key)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def rooms(self, school_id: uuid.UUID, *, include_retired: bool) -> Sequence[Room]:
        """The school's rooms by name."""
        stmt = select(Room).where(Room.school_id == school_id)
        if not include_retired:
            stmt = stmt.where(Room.retired.is_(False))
        return (await self.session.execute(stmt.order_by(Room.name_key, Room.room_id))).scalars().all()


class BellSchedules(Repository):
    """Schools' bell schedules."""

    async def schedule(self, bell_schedule_id: uuid.UUID, *, lock: bool = False) -> BellSchedule | None:
        """A bell schedule (locked: its edits queue)."""
        return await self.session.get(
            BellSchedule, bell_schedule_id, with_for_update=lock, populate_existing=lock
        )

    async def named(self, school_id: uuid.UUID, year_id: uuid.UUID, key: str) -> BellSchedule | None:
        """The school's schedule of that name key in the year."""
        stmt = select(BellSchedule).where(
            BellSchedule.school_id == school_id,
            BellSchedule.academic_year_id == year_id,
            BellSchedule.name_key == key,
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def schedules(self, school_id: uuid.UUID, year_id: uuid.UUID | None) -> Sequence[BellSchedule]:
        """The school's schedules (of one year, if given), by year, shift, name."""
        stmt = select(BellSchedule).where(BellSchedule.school_id == school_id)
        if year_id is not None:
            stmt = stmt.where(BellSchedule.academic_year_id == year_id)
        order = (BellSchedule.academic_year_id, BellSchedule.shift, BellSchedule.name_key)
        return (await self.session.execute(stmt.order_by(*order))).scalars().all()
