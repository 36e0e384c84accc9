"""What scheduling keeps of contingent's class rosters: which pupil is in which class from which day
to which, and pupils' names (an individual curriculum is a pupil's of a class).

Fed by ``contingent.pupil.*`` events (``consumers.rosters``). A pupil's stay in a class is one row per
school, pupil and class holding two facts, each with its own version, as the staff projection does: its
first day (``opened_at``: an enrolment, an arrival, a transfer or a promotion into the class) and
whether it goes on (``source_version``: opened, or given its last day by a withdrawal, a transfer or a
promotion out of it). A withdrawal may arrive before the enrolment it ends and must not lose the first
day; an older fact arriving late changes nothing. A return into the same class opens the row again,
from the new day.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, Index, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.common.db.person_names import PersonNameNode
from eschool.scheduling.db.models import Base


class ClassStay(Base):
    """A pupil's stay in a class: from its first day to its last (None while it lasts)."""

    __tablename__ = "class_stay"
    __table_args__ = (Index("ix_class_stay_school_id_class_id", "school_id", "class_id"),)

    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # None until the opening fact arrives (its end may come first).
    from_on: Mapped[date | None] = mapped_column(Date)
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    until_on: Mapped[date | None] = mapped_column(Date)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)


class PersonName(PersonNameNode, Base):
    """A person's name, as the newest enrolment, hire or correction of the card said (keyed by the
    person: a correction names no school)."""

    __tablename__ = "person_name"
