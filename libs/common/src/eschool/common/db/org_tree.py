"""A service's projection of the org tree, and the schools under given municipalities read from it.

Contingent owns the tree; other services keep a projection of it fed by ``contingent.org_unit.*``
events (``OrgUnitNode`` gives its columns). Whichever table holds the tree, a row has ``org_unit_id``,
``kind`` and ``parent_id``, and ``eschool.common.auth.jurisdiction.jurisdiction_of`` asks it one question.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, String, Table, Uuid, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.auth.jurisdiction import SchoolsUnder
from eschool.common.db.base import UtcDateTime


class OrgUnitNode:
    """The columns of a projected org unit (mix into a service's model of table ``org_unit``): the
    region, a municipality or a school, and its parent, as contingent last said (``source_version``)."""

    org_unit_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)


class OrgUnitStateNode:
    """The columns of a unit's projected state (mix into a service's model of table ``org_unit_state``):
    its name as reports and printed forms show it, its time zone and whether it is closed, as contingent
    last said."""

    org_unit_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    short_name: Mapped[str | None] = mapped_column(String(200))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    closed: Mapped[bool] = mapped_column(Boolean)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)


def schools_under(session: AsyncSession, org_unit: Table) -> SchoolsUnder:
    """The ``SchoolsUnder`` query of ``jurisdiction_of`` over ``org_unit`` (closed schools included:
    their records are still the municipality's to look after)."""

    async def query(municipalities: frozenset[UUID]) -> Collection[UUID]:
        rows = await session.execute(
            select(org_unit.c.org_unit_id).where(
                org_unit.c.kind == "school", org_unit.c.parent_id.in_(municipalities)
            )
        )
        return list(rows.scalars())

    return query
