"""The one statement every lesson's read and write opens with: the lesson, its class and term, its active
substitute, whether its school's year is archived, the school's time zone, the subject's scale and how
many files its homework has.

A teacher's mark is the journal's commonest write; asking these one by one cost seven round trips and as
many statements built in Python. The statements are built once, at import (a statement object keeps its
compiled form's cache key), and a write's variant holds the lesson's row until the transaction ends, so
writes in one lesson go one at a time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from eschool.journal.db.archive import JournalArchive
from eschool.journal.db.models import OrgUnitState, SchoolClass
from eschool.journal.db.records import HomeworkAttachment, SubjectScale
from eschool.journal.db.schedule import Lesson, Substitution, Term

# The substitute teaching the lesson now (the newest, should there be two).
_SUBSTITUTE = (
    select(Substitution.substitute_person_id)
    .where(Substitution.lesson_id == Lesson.lesson_id, Substitution.removed.is_(False))
    .order_by(Substitution.source_version.desc())
    .limit(1)
    .scalar_subquery()
)
_ARCHIVED = exists().where(
    JournalArchive.school_id == Lesson.school_id,
    JournalArchive.academic_year_id == SchoolClass.academic_year_id,
)
_ZONE = select(OrgUnitState.time_zone).where(OrgUnitState.org_unit_id == Lesson.school_id).scalar_subquery()
_SCALE = (
    select(SubjectScale.scale)
    .where(SubjectScale.school_id == Lesson.school_id, SubjectScale.subject_id == Lesson.subject_id)
    .scalar_subquery()
)
_FILES = (
    select(func.count())
    .where(HomeworkAttachment.school_id == Lesson.school_id, HomeworkAttachment.lesson_id == Lesson.lesson_id)
    .where(HomeworkAttachment.deleted_at.is_(None))
    .scalar_subquery()
)
_SCOPE = (
    select(Lesson, SchoolClass, Term, _SUBSTITUTE, _ARCHIVED, _ZONE, _SCALE, _FILES)
    .join(SchoolClass, SchoolClass.class_id == Lesson.class_id)
    .outerjoin(Term, Term.term_id == Lesson.term_id)
    .where(Lesson.lesson_id == bindparam("lesson_id"))
)
_SCOPE_HELD = _SCOPE.with_for_update(of=Lesson)


@dataclass(frozen=True)
class LessonFacts:
    """A lesson with what its rules need to know around it."""

    lesson: Lesson
    school_class: SchoolClass
    term: Term | None
    substitute_id: uuid.UUID | None
    archived: bool
    time_zone: str | None
    subject_scale: str | None
    attachments: int


async def lesson_facts(session: AsyncSession, lesson_id: uuid.UUID, *, hold: bool) -> LessonFacts | None:
    """The lesson and its surroundings, None if the lesson or its class is not known (``hold``: lock the
    lesson's row until the transaction ends)."""
    result = await session.execute(_SCOPE_HELD if hold else _SCOPE, {"lesson_id": lesson_id})
    row = result.first()
    if row is None:
        return None
    lesson, school_class, term, substitute, archived, zone, scale, files = row
    return LessonFacts(lesson, school_class, term, substitute, bool(archived), zone, scale, int(files or 0))
