"""A service's projection of a school's staff: who works there, under which name, dismissed or not.

Contingent owns the staff; services that show people to people (the timetable's teachers, the
journal's, communications') keep a projection fed by ``contingent.staff.hired.v1`` and
``contingent.staff.dismissed.v1`` (``StaffMemberNode`` gives its columns). A row holds two facts, each
with its own version, because they come from different events and may arrive in any order:

- the hire (``hired_at``, the time of the newest hire or restoration) and the name, versioned apart
  (``name_version``): a hire carries the name it had then, a correction of the person's card
  (``contingent.person.changed.v1``, ``project_rename``) the new one; the newest name wins, so a late
  hire brings no old name back, and a dismissal arriving first throws no name away;
- the employment's state (``dismissed_on``, versioned by ``source_version``): a dismissal sets it, a
  restoration from the register of the dismissed (a hire with ``restored``) clears it, the newest wins.

A dismissed member is kept with the date: their records (lessons, marks) still name them.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Date, String, Table, Uuid, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.common.db.projection import upsert_newer
from eschool.common.events.contingent import FullName, StaffDismissedV1, StaffHiredV1

STAFF_KEY = ("school_id", "person_id")


class StaffMemberNode:
    """The columns of a projected staff member (mix into a service's model of table ``staff_member``)."""

    school_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    person_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    # None until the hire arrives (a dismissal may come first), or if the hire carried no name.
    last_name: Mapped[str | None] = mapped_column(String(100))
    first_name: Mapped[str | None] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    hired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The time of the fact the name comes from (a hire or a correction of the card); None: no name yet.
    name_version: Mapped[datetime | None] = mapped_column(UtcDateTime)
    dismissed_on: Mapped[date | None] = mapped_column(Date)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)

    @property
    def name(self) -> FullName | None:
        """The member's full name, once a hire has said it."""
        if self.last_name is None or self.first_name is None:
            return None
        return FullName(last_name=self.last_name, first_name=self.first_name, middle_name=self.middle_name)


async def project_hire(session: AsyncSession, table: Table, data: StaffHiredV1) -> None:
    """Keep a hire or a restoration: the member works there (unless dismissed later), under the name."""
    at = data.occurred_at
    state = {"school_id": data.school_id, "person_id": data.person_id, "dismissed_on": None}
    await upsert_newer(session, table, {**state, "source_version": at}, key=STAFF_KEY)
    member = (table.c.school_id == data.school_id, table.c.person_id == data.person_id)
    newer = or_(table.c.hired_at.is_(None), table.c.hired_at < at)
    await session.execute(update(table).where(*member, newer).values(hired_at=at))
    if data.name is not None:
        await project_rename(session, table, data.person_id, data.name, at, school_id=data.school_id)


async def project_rename(
    session: AsyncSession,
    table: Table,
    person_id: UUID,
    name: FullName,
    at: datetime,
    *,
    school_id: UUID | None = None,
) -> None:
    """Give the person's rows (in one school, or every school) the name, unless a newer one is there."""
    where = [table.c.person_id == person_id]
    if school_id is not None:
        where.append(table.c.school_id == school_id)
    newer = or_(table.c.name_version.is_(None), table.c.name_version < at)
    await session.execute(update(table).where(*where, newer).values(**name.model_dump(), name_version=at))


async def project_dismissal(session: AsyncSession, table: Table, data: StaffDismissedV1) -> None:
    """Keep a dismissal: the member is flagged with their last day, not removed."""
    values = {
        "school_id": data.school_id,
        "person_id": data.person_id,
        "dismissed_on": data.dismissed_on,
        "source_version": data.occurred_at,
    }
    await upsert_newer(session, table, values, key=STAFF_KEY)
