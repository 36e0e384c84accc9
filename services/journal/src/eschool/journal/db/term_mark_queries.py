"""Queries of averages and term marks: a class's marks in a subject for one or several terms, its roster
over a span of days, who teaches it, its term marks. Each is one statement for the whole class (the
rush at a term's end: a school's term marks in seconds, never a query per pupil); and the schools'
grading settings as their administration edits them."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Row, bindparam, func, or_, select

from eschool.common.db import Repository
from eschool.journal.db.models import ClassStay, SchoolClass
from eschool.journal.db.records import Exemption, GradingPolicy, Mark, TermMark, WorkType
from eschool.journal.db.schedule import Lesson, Subject, Term


@dataclass(frozen=True)
class MarkRow:
    """A live numeric mark of a class's subject: whose, in which term, its value and weight."""

    pupil_person_id: uuid.UUID
    term_id: uuid.UUID
    value: int
    weight: Decimal


# The statements a save of term marks runs, built once (see lesson_scope_queries: the term-end rush).
# The live marks of a class in a subject over terms (school_id, class_id, subject_id, term_ids).
_LIVE_MARKS = (
    Mark.school_id == bindparam("school_id"),
    Mark.class_id == bindparam("class_id"),
    Mark.subject_id == bindparam("subject_id"),
    Mark.term_id.in_(bindparam("term_ids", expanding=True)),
    Mark.deleted_at.is_(None),
)
_NUMERIC_MARKS = select(Mark.pupil_person_id, Mark.term_id, Mark.numeric_value, Mark.weight).where(
    *_LIVE_MARKS, Mark.numeric_value.is_not(None)
)
_MARKS_COUNTS = select(Mark.pupil_person_id, func.count()).where(*_LIVE_MARKS).group_by(Mark.pupil_person_id)
_CONTROL_WORK = (
    select(Mark.mark_id)
    .join(WorkType, WorkType.work_type_id == Mark.work_type_id)
    .where(*_LIVE_MARKS, WorkType.control.is_(True))
    .limit(1)
)
_ROSTER = select(ClassStay.person_id).where(
    ClassStay.school_id == bindparam("school_id"),
    ClassStay.class_id == bindparam("class_id"),
    ClassStay.from_on.is_not(None),
    ClassStay.from_on <= bindparam("end"),
    or_(ClassStay.until_on.is_(None), ClassStay.until_on >= bindparam("start")),
)
_TEACHES = (
    select(Lesson.lesson_id)
    .where(
        Lesson.school_id == bindparam("school_id"),
        Lesson.class_id == bindparam("class_id"),
        Lesson.subject_id == bindparam("subject_id"),
        Lesson.term_id.in_(bindparam("term_ids", expanding=True)),
        Lesson.teacher_person_id == bindparam("person_id"),
    )
    .limit(1)
)
_T = TermMark.__table__
_LIVE_TERM_MARKS = (
    select(
        _T.c.term_mark_id,
        _T.c.pupil_person_id,
        _T.c.class_id,
        _T.c.value,
        _T.c.numeric_value,
        _T.c.computed_average,
        _T.c.policy_version,
        _T.c.version,
        _T.c.deleted_at,
    )
    .where(
        _T.c.school_id == bindparam("school_id"),
        _T.c.subject_id == bindparam("subject_id"),
        _T.c.academic_year_id == bindparam("year_id"),
        _T.c.period_key == bindparam("period_key"),
        _T.c.pupil_person_id.in_(bindparam("pupils", expanding=True)),
    )
    .order_by(_T.c.pupil_person_id, _T.c.version)
    # A save reads a pupil's live row, then writes it: two saves of one class's subject go one at a time
    # on the rows they share (locked in one order: no deadlock); a new row's race ends at the unique index.
    .with_for_update()
)
# A term mark row as a save reads it: no ORM object per pupil (columns of ``_LIVE_TERM_MARKS``).
LiveTermMark = Row


class TermMarkQueries(Repository):
    """Reads and locks of a class's marks, rosters and term marks."""

    async def terms_of(self, school_class: SchoolClass) -> list[Term]:
        """The terms of the class's term scheme in its year, in order."""
        t = Term
        stmt = select(t).where(t.term_scheme_id == school_class.term_scheme_id)
        stmt = stmt.where(
            or_(t.academic_year_id.is_(None), t.academic_year_id == school_class.academic_year_id)
        )
        return list((await self.session.execute(stmt.order_by(t.number))).scalars())

    async def numeric_marks(
        self, school_class: SchoolClass, subject_id: uuid.UUID, term_ids: Collection[uuid.UUID]
    ) -> list[MarkRow]:
        """The live numeric marks of the class in the subject over the terms, in one statement."""
        params = _class_subject(school_class, subject_id) | {"term_ids": list(term_ids)}
        rows = await self.session.execute(_NUMERIC_MARKS, params)
        return [MarkRow(p, t, v, w) for p, t, v, w in rows]

    async def weighted_marks(
        self, school_class: SchoolClass, subject_id: uuid.UUID, term_id: uuid.UUID
    ) -> list[tuple[uuid.UUID, int, Decimal]]:
        """The live numeric marks of the class in the subject and term: (pupil, value, weight) each."""
        params = _class_subject(school_class, subject_id) | {"term_ids": [term_id]}
        return [(p, v, w) for p, _, v, w in await self.session.execute(_NUMERIC_MARKS, params)]

    async def marks_counts(
        self, school_class: SchoolClass, subject_id: uuid.UUID, term_id: uuid.UUID
    ) -> dict[uuid.UUID, int]:
        """How many live marks (of any scale) each pupil of the class has in the subject and term."""
        params = _class_subject(school_class, subject_id) | {"term_ids": [term_id]}
        return {pupil: count for pupil, count in await self.session.execute(_MARKS_COUNTS, params)}

    async def roster(self, school_class: SchoolClass, start: date, end: date) -> list[uuid.UUID]:
        """The pupils in the class on any day of ``start``..``end``."""
        params = {"school_id": school_class.school_id, "class_id": school_class.class_id}
        rows = await self.session.execute(_ROSTER, params | {"start": start, "end": end})
        return sorted(set(rows.scalars()))

    async def exempted(
        self, school_id: uuid.UUID, subject_id: uuid.UUID, start: date, end: date
    ) -> set[uuid.UUID]:
        """The pupils exempted from the subject for the whole of ``start``..``end``."""
        e = Exemption
        stmt = select(e.pupil_person_id).where(
            e.school_id == school_id,
            e.subject_id == subject_id,
            e.deleted_at.is_(None),
            e.from_on <= start,
            or_(e.until_on.is_(None), e.until_on >= end),
        )
        return set((await self.session.execute(stmt)).scalars())

    async def teaches(
        self,
        school_class: SchoolClass,
        subject_id: uuid.UUID,
        term_ids: Collection[uuid.UUID],
        person_id: uuid.UUID,
    ) -> bool:
        """True if the person teaches the class the subject in one of the terms (any lesson of theirs)."""
        params = _class_subject(school_class, subject_id) | {
            "term_ids": list(term_ids),
            "person_id": person_id,
        }
        return (await self.session.execute(_TEACHES, params)).first() is not None

    async def has_control_work(
        self, school_class: SchoolClass, subject_id: uuid.UUID, term_id: uuid.UUID
    ) -> bool:
        """True if the class has a live mark of a control, laboratory or practical work in the term."""
        params = _class_subject(school_class, subject_id) | {"term_ids": [term_id]}
        return (await self.session.execute(_CONTROL_WORK, params)).first() is not None

    async def term_marks(
        self,
        school_id: uuid.UUID,
        subject_id: uuid.UUID,
        year_id: uuid.UUID,
        pupils: Collection[uuid.UUID],
        *,
        period_keys: Collection[str] | None = None,
    ) -> list[TermMark]:
        """The pupils' live term marks of the subject and year (only ``period_keys``), oldest version
        first."""
        if not pupils:
            return []
        t = TermMark
        stmt = select(t).where(
            t.school_id == school_id,
            t.subject_id == subject_id,
            t.academic_year_id == year_id,
            t.pupil_person_id.in_(pupils),
        )
        if period_keys is not None:
            stmt = stmt.where(t.period_key.in_(period_keys))
        stmt = stmt.where(t.deleted_at.is_(None))
        return list((await self.session.execute(stmt.order_by(t.version))).scalars())

    async def live_term_marks(
        self,
        school_id: uuid.UUID,
        subject_id: uuid.UUID,
        year_id: uuid.UUID,
        period_key: str,
        pupils: Collection[uuid.UUID],
    ) -> list[LiveTermMark]:
        """The pupils' rows of one period (removed ones too), by pupil and oldest version first, as plain
        rows, held until the transaction ends."""
        if not pupils:
            return []
        params = {
            "school_id": school_id,
            "subject_id": subject_id,
            "year_id": year_id,
            "period_key": period_key,
            "pupils": list(pupils),
        }
        return list((await self.session.execute(_LIVE_TERM_MARKS, params)).all())


def _class_subject(school_class: SchoolClass, subject_id: uuid.UUID) -> dict[str, uuid.UUID]:
    return {"school_id": school_class.school_id, "class_id": school_class.class_id, "subject_id": subject_id}


class GradingSettings(Repository):
    """A school's grading settings as its administration edits them (``Grading`` reads them for use)."""

    async def policies(self, school_id: uuid.UUID) -> list[GradingPolicy]:
        """Every version of the school's rounding policy, newest first."""
        stmt = select(GradingPolicy).where(GradingPolicy.school_id == school_id)
        return list((await self.session.execute(stmt.order_by(GradingPolicy.version.desc()))).scalars())

    async def work_type_rows(
        self, school_id: uuid.UUID, code: str
    ) -> tuple[WorkType | None, WorkType | None]:
        """The region's work type of the code and the school's own row of it, either may be missing; held
        until the transaction ends (two administrators' changes of one type go one after the other)."""
        stmt = select(WorkType).where(WorkType.code == code)
        stmt = stmt.where(or_(WorkType.school_id.is_(None), WorkType.school_id == school_id))
        stmt = stmt.with_for_update()
        rows = list((await self.session.execute(stmt)).scalars())
        regional = next((r for r in rows if r.school_id is None), None)
        return regional, next((r for r in rows if r.school_id is not None), None)

    async def subject(self, school_id: uuid.UUID, subject_id: uuid.UUID) -> Subject | None:
        """A subject the school may teach: the region's or its own."""
        row = await self.session.get(Subject, subject_id)
        return row if row is not None and row.school_id in (None, school_id) else None
