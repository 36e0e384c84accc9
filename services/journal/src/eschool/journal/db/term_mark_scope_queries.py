"""The one statement a save of term marks opens with: the class with the terms of its scheme and year,
whether its school's year is archived, the subject's scale and the school's newest rounding policy.

At a term's end every teacher of a school saves a class's term marks in each subject, hundreds of saves
in minutes; asked one by one these facts cost five round trips and as many statements built in Python.
The statement is built once, at import (a statement object keeps its compiled form's cache key). It holds
no lock: the saves of a class's subjects by their teachers go side by side, and two saves of the same
subject meet on the rows of its marks (``TermMarkQueries.live_term_marks``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from eschool.journal.db.archive import JournalArchive
from eschool.journal.db.grading import policy_of
from eschool.journal.db.models import SchoolClass
from eschool.journal.db.records import GradingPolicy, SubjectScale
from eschool.journal.db.schedule import Term
from eschool.journal.domain.averages import RoundingPolicy
from eschool.journal.domain.scales import GradingScale

_ARCHIVED = exists().where(
    JournalArchive.school_id == SchoolClass.school_id,
    JournalArchive.academic_year_id == SchoolClass.academic_year_id,
)
_SCALE = (
    select(SubjectScale.scale)
    .where(
        SubjectScale.school_id == SchoolClass.school_id, SubjectScale.subject_id == bindparam("subject_id")
    )
    .scalar_subquery()
)
_VERSIONS = aliased(GradingPolicy)
_NEWEST_POLICY = (
    select(func.max(_VERSIONS.version)).where(_VERSIONS.school_id == SchoolClass.school_id).scalar_subquery()
)
_SCOPE = (
    select(
        SchoolClass,
        Term,
        _ARCHIVED,
        _SCALE,
        GradingPolicy.rounding_threshold,
        GradingPolicy.min_marks,
        GradingPolicy.version,
    )
    .outerjoin(
        Term,
        and_(
            Term.term_scheme_id == SchoolClass.term_scheme_id,
            or_(Term.academic_year_id.is_(None), Term.academic_year_id == SchoolClass.academic_year_id),
        ),
    )
    .outerjoin(
        GradingPolicy,
        and_(GradingPolicy.school_id == SchoolClass.school_id, GradingPolicy.version == _NEWEST_POLICY),
    )
    .where(SchoolClass.class_id == bindparam("class_id"))
    .order_by(Term.number)
)


@dataclass(frozen=True)
class TermMarkFacts:
    """A class with what a save of its term marks in a subject needs to know around it."""

    school_class: SchoolClass
    terms: list[Term]
    archived: bool
    subject_scale: GradingScale | None
    policy: RoundingPolicy


async def term_mark_facts(
    session: AsyncSession, class_id: uuid.UUID, subject_id: uuid.UUID
) -> TermMarkFacts | None:
    """The class and its surroundings, None if the class is not known."""
    params = {"class_id": class_id, "subject_id": subject_id}
    rows = (await session.execute(_SCOPE, params)).all()
    if not rows:
        return None
    school_class, _, archived, scale, threshold, min_marks, version = rows[0]
    return TermMarkFacts(
        school_class,
        [row[1] for row in rows if row[1] is not None],
        bool(archived),
        None if scale is None else GradingScale(scale),
        policy_of(threshold, min_marks, version),
    )
