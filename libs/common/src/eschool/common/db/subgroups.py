"""A service's projection of contingent's subgroups and their dated stays (scheduling and the journal
keep one: a subgroup's lessons are taught, and recorded, for the pupils in it on the lesson's day).

Fed by ``contingent.subgroup.saved.v1`` and ``contingent.subgroup.membership_changed.v1``, each row
with the time of its fact (``source_version``) and written with ``upsert_newer``: newest wins.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime


class SubgroupNode:
    """The columns of a subgroup of a class (mix into a service's model of table ``subgroup``): what the
    class is divided for (``division``) and the subgroup's name."""

    subgroup_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    division: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)


class SubgroupMembershipNode:
    """The columns of a pupil's stay in a subgroup (mix into a service's model of table
    ``subgroup_membership``): from its first day to its last (None while it lasts)."""

    membership_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    subgroup_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    from_on: Mapped[date] = mapped_column(Date)
    until_on: Mapped[date | None] = mapped_column(Date)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)
