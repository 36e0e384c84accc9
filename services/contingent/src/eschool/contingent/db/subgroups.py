"""Subgroups of a class (``subgroup``), the pupils' dated stays in them (``subgroup_membership``), and
the term dates scheduling announces (``term_scheme``, a projection of its events).

A class is divided for something (its ``division``: a foreign language, computer science, labour) into
subgroups; a pupil is in one subgroup of a division at a time. A stay runs from ``from_on`` to
``until_on``, both days included (``until_on`` None: it lasts); a stay ended before it began
(``until_on`` = ``from_on`` - 1) is a voided placement. The open stay of a pupil in a division is unique
(``ix_subgroup_membership_current``). Stays are never deleted: they are the subgroup's history, with
the orders and the administrators' reasons for moves made inside a term.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db import Repository
from eschool.common.db.base import UtcDateTime
from eschool.contingent.db.models import Base

CURRENT_MEMBERSHIP_INDEX = "ix_subgroup_membership_current"
_CURRENT = text("until_on IS NULL")


class Subgroup(Base):
    """A subgroup of a class: what the class is divided for, and the subgroup's name."""

    __tablename__ = "subgroup"
    __table_args__ = (
        UniqueConstraint("class_id", "division", "name"),
        Index("ix_subgroup_school_id_class_id", "school_id", "class_id"),
    )

    subgroup_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.org_unit_id"))
    class_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_class.class_id"))
    division: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SubgroupMembership(Base):
    """A pupil's stay in a subgroup, with the order and reason that began it and those that ended it."""

    __tablename__ = "subgroup_membership"
    __table_args__ = (
        Index("ix_subgroup_membership_school_id_class_id", "school_id", "class_id"),
        Index(
            CURRENT_MEMBERSHIP_INDEX,
            "class_id",
            "division",
            "person_id",
            unique=True,
            postgresql_where=_CURRENT,
            sqlite_where=_CURRENT,
        ),
    )

    membership_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.org_unit_id"))
    subgroup_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subgroup.subgroup_id"), index=True)
    class_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_class.class_id"))
    division: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.person_id"), index=True)
    from_on: Mapped[date] = mapped_column(Date)
    until_on: Mapped[date | None] = mapped_column(Date)
    order_series: Mapped[str | None] = mapped_column(String(20))
    order_number: Mapped[str | None] = mapped_column(String(30))
    order_date: Mapped[date | None] = mapped_column(Date)
    override_reason: Mapped[str | None] = mapped_column(Text)  # a move inside a term: why
    end_order_series: Mapped[str | None] = mapped_column(String(20))
    end_order_number: Mapped[str | None] = mapped_column(String(30))
    end_order_date: Mapped[date | None] = mapped_column(Date)
    end_override_reason: Mapped[str | None] = mapped_column(Text)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    ended_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TermScheme(Base):
    """A term scheme of a school as scheduling last announced it: its terms with their dates."""

    __tablename__ = "term_scheme"

    term_scheme_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    name: Mapped[str] = mapped_column(String(200))
    # Each {"term_id", "number", "name", "starts_on", "ends_on"}, dates as ISO strings.
    terms: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)


class Subgroups(Repository):
    """The queries of subgroups and their stays."""

    async def of_class(self, class_id: uuid.UUID) -> list[Subgroup]:
        """The class's subgroups by division and name."""
        stmt = (
            select(Subgroup).where(Subgroup.class_id == class_id).order_by(Subgroup.division, Subgroup.name)
        )
        return list((await self.session.scalars(stmt)).all())

    async def by_name(self, class_id: uuid.UUID, division: str, name: str) -> Subgroup | None:
        """The class's subgroup of that division and name, if any."""
        stmt = select(Subgroup).where(
            Subgroup.class_id == class_id, Subgroup.division == division, Subgroup.name == name
        )
        return (await self.session.scalars(stmt)).one_or_none()

    async def open_stays(
        self, class_id: uuid.UUID, division: str, person_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, SubgroupMembership]:
        """The pupils' open stays in the class's division (locked: changes of a pupil's stay take turns)."""
        stmt = (
            select(SubgroupMembership)
            .where(
                SubgroupMembership.class_id == class_id,
                SubgroupMembership.division == division,
                SubgroupMembership.person_id.in_(person_ids),
                SubgroupMembership.until_on.is_(None),
            )
            .with_for_update()
        )
        return {m.person_id: m for m in (await self.session.scalars(stmt)).all()}

    async def last_days(
        self, class_id: uuid.UUID, division: str, person_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, date]:
        """The last day of the pupils' ended stays in the class's division, for those who had one."""
        stmt = (
            select(SubgroupMembership.person_id, func.max(SubgroupMembership.until_on))
            .where(
                SubgroupMembership.class_id == class_id,
                SubgroupMembership.division == division,
                SubgroupMembership.person_id.in_(person_ids),
                SubgroupMembership.until_on.is_not(None),
            )
            .group_by(SubgroupMembership.person_id)
        )
        return {person_id: day for person_id, day in await self.session.execute(stmt)}

    async def open_stays_of(self, class_id: uuid.UUID, person_id: uuid.UUID) -> list[SubgroupMembership]:
        """The pupil's open stays in every division of the class (locked)."""
        stmt = (
            select(SubgroupMembership)
            .where(
                SubgroupMembership.class_id == class_id,
                SubgroupMembership.person_id == person_id,
                SubgroupMembership.until_on.is_(None),
            )
            .with_for_update()
        )
        return list((await self.session.scalars(stmt)).all())

    async def stays_on(self, class_id: uuid.UUID, day: date) -> list[SubgroupMembership]:
        """The stays of the class's subgroups that hold ``day``."""
        stmt = select(SubgroupMembership).where(
            SubgroupMembership.class_id == class_id,
            SubgroupMembership.from_on <= day,
            or_(SubgroupMembership.until_on.is_(None), SubgroupMembership.until_on >= day),
        )
        return list((await self.session.scalars(stmt)).all())

    async def history(self, subgroup_id: uuid.UUID) -> list[SubgroupMembership]:
        """Every stay the subgroup has had, voided ones included, in the order they began."""
        stmt = (
            select(SubgroupMembership)
            .where(SubgroupMembership.subgroup_id == subgroup_id)
            .order_by(SubgroupMembership.from_on, SubgroupMembership.created_at)
        )
        return list((await self.session.scalars(stmt)).all())
