"""What scheduling keeps of contingent's classes, subgroups and staff, for the timetable and its lessons.

Fed by ``contingent.*`` events with ``upsert_newer`` (``consumers.contingent``): each row carries the
time of the fact it holds (``source_version``), and an older fact arriving late changes nothing. A
class's teacher is its own row with its own version: the assignment may arrive before the card, and
a late card must not take back a newer assignment. Subgroup stays are kept dated, so the roster of a
subgroup on any day can be read (a lesson's roster is the one of its day).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, Integer, SmallInteger, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.common.db.contingent_projection import ClassTeacherNode
from eschool.common.db.staff import StaffMemberNode
from eschool.common.db.subgroups import SubgroupMembershipNode, SubgroupNode
from eschool.scheduling.db.models import Base


class SchoolClass(Base):
    """A class of a school's year, as contingent's card last said: grade, letter, shift, term scheme."""

    __tablename__ = "school_class"
    __table_args__ = (Index("ix_school_class_school_id_academic_year_id", "school_id", "academic_year_id"),)

    class_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    grade: Mapped[int] = mapped_column(SmallInteger)
    letter: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(30))  # general, profile, correctional, ...
    profile: Mapped[str | None] = mapped_column(String(200))
    shift: Mapped[int] = mapped_column(SmallInteger)
    # Scheduling's own scheme, named by contingent's card: it may not exist here (yet).
    term_scheme_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    max_size: Mapped[int] = mapped_column(Integer)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)


class ClassTeacher(ClassTeacherNode, Base):
    """A class's class teacher (None: none), as the newest card or assignment said."""

    __tablename__ = "class_teacher"


class Subgroup(SubgroupNode, Base):
    """A subgroup of a class: what the class is divided for (``division``) and the subgroup's name."""

    __tablename__ = "subgroup"
    __table_args__ = (Index("ix_subgroup_school_id_class_id", "school_id", "class_id"),)


class SubgroupMembership(SubgroupMembershipNode, Base):
    """A pupil's stay in a subgroup: from its first day to its last (None while it lasts)."""

    __tablename__ = "subgroup_membership"
    __table_args__ = (
        Index("ix_subgroup_membership_school_id_class_id", "school_id", "class_id"),
        Index("ix_subgroup_membership_school_id_subgroup_id", "school_id", "subgroup_id"),
    )


class StaffMember(StaffMemberNode, Base):
    """A member of a school's staff: name, newest hire, dismissal day (kept: their lessons need a
    substitute)."""

    __tablename__ = "staff_member"
