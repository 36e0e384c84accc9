"""The hot reads of a lesson's write: who is on its roster that day, each with whether they are exempted
from the subject then (one statement, not two), and its live marks.

Built once, at import: a statement object keeps its compiled form's cache key, so the write path pays
neither the building nor the keying of its statements per request.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, bindparam, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from eschool.journal.db.models import ClassStay, SubgroupMembership
from eschool.journal.db.projection_queries import covers
from eschool.journal.db.records import Exemption, Mark
from eschool.journal.db.schedule import Lesson

_DAY = bindparam("day")


def _exempted(pupil: ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
    e = Exemption
    return exists().where(
        e.school_id == bindparam("school_id"),
        e.subject_id == bindparam("subject_id"),
        e.pupil_person_id == pupil,
        e.deleted_at.is_(None),
        e.from_on <= _DAY,
        or_(e.until_on.is_(None), e.until_on >= _DAY),
    )


_CLASS_ROSTER = select(ClassStay.person_id, _exempted(ClassStay.person_id)).where(
    ClassStay.school_id == bindparam("school_id"),
    ClassStay.class_id == bindparam("group_id"),
    covers(ClassStay, _DAY),
)
_SUBGROUP_ROSTER = (
    select(SubgroupMembership.person_id, _exempted(SubgroupMembership.person_id))
    .where(
        SubgroupMembership.school_id == bindparam("school_id"),
        SubgroupMembership.subgroup_id == bindparam("group_id"),
        covers(SubgroupMembership, _DAY),
    )
    .distinct()
)
_LIVE_MARKS = (
    select(Mark)
    .where(Mark.school_id == bindparam("school_id"), Mark.lesson_id == bindparam("lesson_id"))
    .where(Mark.deleted_at.is_(None))
    .order_by(Mark.recorded_at, Mark.mark_id)
)


async def roster_with_exemptions(session: AsyncSession, lesson: Lesson) -> dict[uuid.UUID, bool]:
    """Who the lesson is for on its day (its subgroup's pupils, or its class's), each with whether they
    are exempted from the lesson's subject that day."""
    subgroup = lesson.subgroup_id is not None
    params = {
        "school_id": lesson.school_id,
        "subject_id": lesson.subject_id,
        "group_id": lesson.subgroup_id if subgroup else lesson.class_id,
        "day": lesson.lesson_on,
    }
    rows = await session.execute(_SUBGROUP_ROSTER if subgroup else _CLASS_ROSTER, params)
    return {pupil: bool(exempt) for pupil, exempt in rows}


async def live_marks(session: AsyncSession, lesson: Lesson) -> list[Mark]:
    """The lesson's marks that are not deleted, oldest first."""
    params = {"school_id": lesson.school_id, "lesson_id": lesson.lesson_id}
    return list((await session.execute(_LIVE_MARKS, params)).scalars())
