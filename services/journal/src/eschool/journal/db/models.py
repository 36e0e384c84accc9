"""The journal's base, and what it keeps of contingent's facts: the org tree, classes with their class
teachers, rosters by date (classes and subgroups), staff, pupils' names, and guardians' links.

Every projection is fed by ``contingent.*`` events (``consumers.contingent``) and versioned by the time
of its fact (``source_version``): an older fact arriving late changes nothing. The journal never asks
contingent on a write; what it knows of a roster is what these rows say.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Index, SmallInteger, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from eschool.common.db import make_metadata
from eschool.common.db.base import UtcDateTime
from eschool.common.db.class_stays import ClassStayNode
from eschool.common.db.contingent_projection import ClassTeacherNode
from eschool.common.db.org_tree import OrgUnitNode, OrgUnitStateNode
from eschool.common.db.person_names import PersonNameNode
from eschool.common.db.staff import StaffMemberNode
from eschool.common.db.subgroups import SubgroupMembershipNode, SubgroupNode


class Base(DeclarativeBase):
    metadata = make_metadata()


class OrgUnit(OrgUnitNode, Base):
    """A unit of the org tree (region, municipality, school) and its parent, as contingent last said."""

    __tablename__ = "org_unit"


class OrgUnitState(OrgUnitStateNode, Base):
    """A unit's time zone and whether it is closed, as contingent last said."""

    __tablename__ = "org_unit_state"


class SchoolClass(Base):
    """A class of a school's year: its grade decides the grading scale (the first grade gets no marks)."""

    __tablename__ = "school_class"
    __table_args__ = (Index("ix_school_class_school_id_academic_year_id", "school_id", "academic_year_id"),)

    class_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    grade: Mapped[int] = mapped_column(SmallInteger)
    letter: Mapped[str] = mapped_column(String(10))
    term_scheme_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)

    @property
    def title(self) -> str:
        """The class as people name it: «5 Б»."""
        return f"{self.grade} {self.letter}"


class ClassTeacher(ClassTeacherNode, Base):
    """A class's class teacher (its own row and version: the assignment may arrive before the card)."""

    __tablename__ = "class_teacher"
    __table_args__ = (Index("ix_class_teacher_school_id_person_id", "school_id", "person_id"),)


class ClassStay(ClassStayNode, Base):
    """A pupil's stay in a class: from its first day to its last (None while it lasts)."""

    __tablename__ = "class_stay"
    __table_args__ = (
        Index("ix_class_stay_school_id_class_id", "school_id", "class_id"),
        Index("ix_class_stay_person_id", "person_id"),
    )


class Subgroup(SubgroupNode, Base):
    """A subgroup of a class: each teacher keeps the records of their own subgroup (seed 004, 4.4.7)."""

    __tablename__ = "subgroup"
    __table_args__ = (Index("ix_subgroup_school_id_class_id", "school_id", "class_id"),)


class SubgroupMembership(SubgroupMembershipNode, Base):
    """A pupil's stay in a subgroup: from its first day to its last (None while it lasts)."""

    __tablename__ = "subgroup_membership"
    __table_args__ = (
        Index("ix_subgroup_membership_school_id_subgroup_id", "school_id", "subgroup_id"),
        Index("ix_subgroup_membership_person_id", "person_id"),
    )


class StaffMember(StaffMemberNode, Base):
    """A member of a school's staff: the journal shows who taught and who marked."""

    __tablename__ = "staff_member"


class PersonName(PersonNameNode, Base):
    """A person's name (pupils in the journal's grid), newest enrolment or correction wins."""

    __tablename__ = "person_name"


class GuardianLink(Base):
    """A guardian's link to a pupil in a school: the diary opens only for linked guardians (seed 004,
    3.6: parents see only their own child). ``linked`` False once contingent unlinked them."""

    __tablename__ = "guardian_link"
    __table_args__ = (Index("ix_guardian_link_pupil_person_id", "pupil_person_id"),)

    guardian_person_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    pupil_person_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    linked: Mapped[bool] = mapped_column(Boolean)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)
