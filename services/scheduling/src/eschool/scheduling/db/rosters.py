"""What scheduling keeps of contingent's class rosters: which pupil is in which class from which day
to which, and pupils' names (an individual curriculum is a pupil's of a class).

Fed by ``contingent.pupil.*`` events (``eschool.common.db.contingent_projection``), kept by the rules of
``eschool.common.db.class_stays``.
"""

from __future__ import annotations

from sqlalchemy import Index

from eschool.common.db.class_stays import ClassStayNode
from eschool.common.db.person_names import PersonNameNode
from eschool.scheduling.db.models import Base


class ClassStay(ClassStayNode, Base):
    """A pupil's stay in a class: from its first day to its last (None while it lasts)."""

    __tablename__ = "class_stay"
    __table_args__ = (Index("ix_class_stay_school_id_class_id", "school_id", "class_id"),)


class PersonName(PersonNameNode, Base):
    """A person's name, as the newest enrolment, hire or correction of the card said (keyed by the
    person: a correction names no school)."""

    __tablename__ = "person_name"
