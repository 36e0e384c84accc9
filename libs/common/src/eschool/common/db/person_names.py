"""A service's projection of people's names, for the people it shows whom no other fact names alone.

A name comes from contingent's enrolments (``contingent.pupil.enrolled.v1`` carries the name it had
then) and from corrections of a person's card (``contingent.person.changed.v1``); each is kept with
the time of its fact and the newest wins, so a late enrolment brings no old name back. A correction
names no school (a person may be in several), so a row is keyed by the person alone; it also keeps a
correction that arrives before anything else about the person, for the rows made later to take.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import String, Table, Uuid, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.common.db.projection import upsert_newer
from eschool.common.events.contingent import FullName


class PersonNameNode:
    """The columns of a projected name (mix into a service's model of table ``person_name``)."""

    person_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    name_version: Mapped[datetime] = mapped_column(UtcDateTime)

    @property
    def name(self) -> FullName:
        """The person's full name."""
        return FullName(last_name=self.last_name, first_name=self.first_name, middle_name=self.middle_name)


async def keep_name(
    session: AsyncSession, table: Table, person_id: UUID, name: FullName, at: datetime
) -> None:
    """Keep the name said at ``at``, unless a newer one is kept."""
    values = {"person_id": person_id, **name.model_dump(), "name_version": at}
    await upsert_newer(session, table, values, key=("person_id",), version_column="name_version")


async def kept_name(session: AsyncSession, table: Table, person_id: UUID) -> tuple[FullName, datetime] | None:
    """The person's newest name and its time, if any was kept."""
    stmt = select(table).where(table.c.person_id == person_id)
    row = (await session.execute(stmt)).mappings().one_or_none()
    if row is None:
        return None
    name = FullName(last_name=row["last_name"], first_name=row["first_name"], middle_name=row["middle_name"])
    return name, row["name_version"]
