"""A service's projection of contingent's class rosters: which pupil is in which class from which day
to which (``ClassStayNode`` gives its columns; scheduling and the journal both keep one).

Fed by ``contingent.pupil.*`` events. A pupil's stay in a class is one row per school, pupil and class
holding two facts, each with its own version, as the staff projection does: its first day
(``opened_at``: an enrolment, an arrival, a transfer or a promotion into the class) and whether it goes
on (``source_version``: opened, or given its last day by a withdrawal, a transfer or a promotion out of
it). A withdrawal may arrive before the enrolment it ends and must not lose the first day; an older fact
arriving late changes nothing. A return into the same class opens the row again, from the new day.

A transfer or a promotion is the last day of the stay in the old class (the day before) and the first
of the stay in the new one; a cancelled promotion ends the new stay before it begins and lets the old
one go on.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import Date, Table, Uuid, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.common.db.projection import upsert_newer
from eschool.common.events.contingent import (
    PupilArrivedV1,
    PupilEnrolledV1,
    PupilPromotedV1,
    PupilTransferredV1,
    PupilWithdrawnV1,
)

STAY_KEY = ("school_id", "person_id", "class_id")


class ClassStayNode:
    """The columns of a pupil's stay in a class (mix into a service's model of table ``class_stay``):
    from its first day to its last (None while it lasts)."""

    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # None until the opening fact arrives (its end may come first).
    from_on: Mapped[date | None] = mapped_column(Date)
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    until_on: Mapped[date | None] = mapped_column(Date)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)


class ClassStays:
    """The roster facts of contingent's pupil events, kept in ``table`` (a ``ClassStayNode`` table)."""

    def __init__(self, session: AsyncSession, table: Table) -> None:
        self.session, self.table = session, table

    async def enrolled(self, data: PupilEnrolledV1) -> None:
        """A pupil enrolled into a class (or returned to it): in its roster from the day."""
        await self.open(data.school_id, data.person_id, data.class_id, data.enrolled_on, data.occurred_at)

    async def arrived(self, data: PupilArrivedV1) -> None:
        """A pupil accepted from the arrivals list: in the class's roster from the day of arrival."""
        await self.open(data.school_id, data.person_id, data.class_id, data.arrived_on, data.occurred_at)

    async def withdrawn(self, data: PupilWithdrawnV1) -> None:
        """A pupil left the school: the stay in the class (every open stay, if none named) ends that day."""
        if data.class_id is not None:
            ids = (data.school_id, data.person_id, data.class_id)
            await self.end(*ids, data.withdrawn_on, data.occurred_at)
            return
        t = self.table
        stmt = (
            update(t)
            .where(t.c.school_id == data.school_id, t.c.person_id == data.person_id)
            .where(t.c.until_on.is_(None), t.c.source_version < data.occurred_at)
            .values(until_on=data.withdrawn_on, source_version=data.occurred_at)
        )
        await self.session.execute(stmt)

    async def transferred(self, data: PupilTransferredV1) -> None:
        """A pupil moved to another class of the school from a day."""
        ids = (data.school_id, data.person_id, data.from_class_id, data.to_class_id)
        await self.move(*ids, data.transferred_on, data.occurred_at)

    async def promoted(self, data: PupilPromotedV1) -> None:
        """A pupil carried into the next grade's class (or the promotion cancelled: the old stay goes on)."""
        ids, at = (data.school_id, data.person_id), data.occurred_at
        if not data.cancelled:
            await self.move(*ids, data.from_class_id, data.to_class_id, data.promoted_on, at)
            return
        await self.end(*ids, data.to_class_id, data.promoted_on - timedelta(days=1), at)
        await self.end(*ids, data.from_class_id, None, at)

    async def move(
        self,
        school_id: uuid.UUID,
        person_id: uuid.UUID,
        from_class_id: uuid.UUID,
        to_class_id: uuid.UUID,
        day: date,
        at: datetime,
    ) -> None:
        """The stay in one class ends the day before ``day``; the stay in the other begins on it."""
        await self.end(school_id, person_id, from_class_id, day - timedelta(days=1), at)
        await self.open(school_id, person_id, to_class_id, day, at)

    async def open(
        self, school_id: uuid.UUID, person_id: uuid.UUID, class_id: uuid.UUID, day: date, at: datetime
    ) -> None:
        """The stay goes on from ``day`` (as of ``at``)."""
        await self.end(school_id, person_id, class_id, None, at)
        t = self.table
        stmt = (
            update(t)
            .where(t.c.school_id == school_id, t.c.person_id == person_id, t.c.class_id == class_id)
            .where(or_(t.c.opened_at.is_(None), t.c.opened_at < at))
            .values(from_on=day, opened_at=at)
        )
        await self.session.execute(stmt)

    async def end(
        self,
        school_id: uuid.UUID,
        person_id: uuid.UUID,
        class_id: uuid.UUID,
        last_day: date | None,
        at: datetime,
    ) -> None:
        """The stay's state as of ``at``: going on (``last_day`` None) or ended on ``last_day``."""
        values = {"school_id": school_id, "person_id": person_id, "class_id": class_id}
        values |= {"until_on": last_day, "source_version": at}
        await upsert_newer(self.session, self.table, values, key=STAY_KEY)
