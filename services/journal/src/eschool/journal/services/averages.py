"""Read use cases of a class's results in a subject: the averages of a term with the forecast, the term
marks grid of the year with the averages beside them, and the check before a term closes.

Every pupil of the class's roster during the period is listed, with or without marks. The averages use
the school's newest rounding policy and say which version they used; a pupil exempted from the subject
for the whole term, or without marks, has no average. Each answer costs a handful of statements for
the whole class, never one per pupil.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.common.errors import not_found
from eschool.journal.db.grading import Grading
from eschool.journal.db.models import SchoolClass
from eschool.journal.db.projection_queries import Projections
from eschool.journal.db.records import TermMark
from eschool.journal.db.schedule import Term
from eschool.journal.db.term_mark_queries import MarkRow, TermMarkQueries
from eschool.journal.domain.averages import RoundingPolicy, WeightedMark, annual_average, term_average
from eschool.journal.domain.forecast import forecast
from eschool.journal.services.grading_scope import check_class_subject, class_not_found

# Seed 004, 5.3: term marks are set no later than two days before the period ends.
DAYS_BEFORE_END = 2

MarksByPupil = dict[tuple[uuid.UUID, uuid.UUID], list[WeightedMark]]


@dataclass(frozen=True)
class PupilAverage:
    """A pupil's weighted average in a term, the mark it rounds to, and the forecast."""

    pupil_person_id: uuid.UUID
    name: str | None
    exempted: bool
    average: Decimal | None
    mark: int | None
    marks_count: int
    enough_marks: bool
    marks_needed: int
    next_mark: int | None
    fives_for_next: int | None
    risk_twos: int | None


@dataclass(frozen=True)
class ClassAverages:
    """A class's averages in a subject and term under one version of the school's policy."""

    class_id: uuid.UUID
    subject_id: uuid.UUID
    term_id: uuid.UUID
    policy: RoundingPolicy
    pupils: list[PupilAverage]


@dataclass(frozen=True)
class ClassTerm:
    """A class with one term of its scheme, as the use cases check them."""

    school_class: SchoolClass
    term: Term

    @property
    def span(self) -> tuple[date, date]:
        """The term's days (unbounded where scheduling has not said)."""
        return self.year_span([self.term])

    @staticmethod
    def year_span(terms: list[Term]) -> tuple[date, date]:
        """The days from the first term's start to the last one's end (unbounded where not said)."""
        starts = [t.starts_on for t in terms if t.starts_on is not None]
        ends = [t.ends_on for t in terms if t.ends_on is not None]
        return min(starts, default=date.min), max(ends, default=date.max)


async def class_averages(
    uow: UnitOfWork, class_id: uuid.UUID, subject_id: uuid.UUID, term_id: uuid.UUID, *, actor: Principal
) -> ClassAverages:
    """The weighted average, rounded mark and forecast of every pupil of the class in the subject and term."""
    queries = TermMarkQueries(uow.session)
    found = await class_term(queries, class_id, term_id)
    await check_class_subject(uow, actor, found.school_class, subject_id, [term_id], write=False)
    policy = await Grading(uow.session).policy(found.school_class.school_id)
    pupils = await queries.roster(found.school_class, *found.span)
    marks = group_marks(await queries.numeric_marks(found.school_class, subject_id, [term_id]))
    exempted = await queries.exempted(found.school_class.school_id, subject_id, *found.span)
    names = await pupil_names(uow, pupils)
    rows = [
        pupil_average(p, names.get(p), marks.get((p, term_id), []), exempted=p in exempted, policy=policy)
        for p in pupils
    ]
    return ClassAverages(class_id, subject_id, term_id, policy, sorted(rows, key=_by_name))


async def class_term(queries: TermMarkQueries, class_id: uuid.UUID, term_id: uuid.UUID) -> ClassTerm:
    """The class and the term of its scheme, else 404."""
    school_class = await Projections(queries.session).class_of(class_id)
    if school_class is None:
        raise class_not_found()
    term = next((t for t in await queries.terms_of(school_class) if t.term_id == term_id), None)
    if term is None:
        raise not_found("term_not_found", "Учебный период класса не найден")
    return ClassTerm(school_class, term)


def group_marks(rows: Iterable[MarkRow]) -> MarksByPupil:
    """The marks by pupil and term."""
    grouped: MarksByPupil = defaultdict(list)
    for row in rows:
        grouped[row.pupil_person_id, row.term_id].append(WeightedMark(row.value, row.weight))
    return grouped


def pupil_average(
    pupil: uuid.UUID, name: str | None, marks: list[WeightedMark], *, exempted: bool, policy: RoundingPolicy
) -> PupilAverage:
    """A pupil's line: the average and forecast of the marks (none for an exempted pupil)."""
    if exempted:
        marks = []
    now = forecast(marks, policy)
    return PupilAverage(
        pupil_person_id=pupil,
        name=name,
        exempted=exempted,
        average=now.average,
        mark=now.mark,
        marks_count=len(marks),
        enough_marks=now.enough_marks,
        marks_needed=0 if exempted else now.marks_needed,
        next_mark=now.next_mark,
        fives_for_next=now.fives_for_next,
        risk_twos=now.risk_twos,
    )


async def pupil_names(uow: UnitOfWork, pupils: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The pupils' names as people read them («Иванов Иван»)."""
    names = await Projections(uow.session).names(pupils)
    return {p: " ".join(filter(None, (n.last_name, n.first_name, n.middle_name))) for p, n in names.items()}


def due_on(term: Term) -> date | None:
    """The last day to set the term's marks (seed 004, 5.3)."""
    return None if term.ends_on is None else term.ends_on - timedelta(days=DAYS_BEFORE_END)


def _by_name(row: PupilAverage) -> tuple[str, str]:
    return row.name or "", str(row.pupil_person_id)


@dataclass(frozen=True)
class GridCell:
    """A pupil's mark of one period (None: not set), the average kept beside it when it was set, and the
    average the marks give now with the mark it rounds to."""

    term_id: uuid.UUID | None
    value: str | None
    computed_average: Decimal | None
    average: Decimal | None
    mark: int | None


@dataclass(frozen=True)
class GridRow:
    """A pupil's marks of every term of the year, the annual and the final mark."""

    pupil_person_id: uuid.UUID
    name: str | None
    terms: list[GridCell]
    annual: GridCell
    final: GridCell


@dataclass(frozen=True)
class TermMarkGrid:
    """A class's term marks in a subject for its year (seed 003, 4.6: the quarters, then the year)."""

    school_class: SchoolClass
    subject_id: uuid.UUID
    terms: list[Term]
    policy: RoundingPolicy
    pupils: list[GridRow]


async def term_mark_grid(
    uow: UnitOfWork,
    class_id: uuid.UUID,
    subject_id: uuid.UUID,
    year_id: uuid.UUID | None,
    *,
    actor: Principal,
) -> TermMarkGrid:
    """Every pupil of the class × each term's mark with its average, and the annual mark from them."""
    queries = TermMarkQueries(uow.session)
    school_class = await Projections(uow.session).class_of(class_id)
    if school_class is None or year_id not in (None, school_class.academic_year_id):
        raise class_not_found()
    terms = await queries.terms_of(school_class)
    term_ids = [t.term_id for t in terms]
    await check_class_subject(uow, actor, school_class, subject_id, term_ids, write=False)
    policy = await Grading(uow.session).policy(school_class.school_id)
    span = ClassTerm.year_span(terms)
    pupils = await queries.roster(school_class, *span)
    marks = group_marks(await queries.numeric_marks(school_class, subject_id, term_ids))
    year = school_class.academic_year_id
    kept = {
        (r.pupil_person_id, r.period_key): r
        for r in await queries.term_marks(school_class.school_id, subject_id, year, pupils)
    }
    names = await pupil_names(uow, pupils)
    rows = [_grid_row(p, names.get(p), terms, marks, kept, policy) for p in pupils]
    rows.sort(key=lambda row: (row.name or "", str(row.pupil_person_id)))
    return TermMarkGrid(school_class, subject_id, terms, policy, rows)


def _grid_row(
    pupil: uuid.UUID,
    name: str | None,
    terms: list[Term],
    marks: MarksByPupil,
    kept: dict[tuple[uuid.UUID, str], TermMark],
    policy: RoundingPolicy,
) -> GridRow:
    cells = []
    for term in terms:
        now = term_average(marks.get((pupil, term.term_id), []), policy)
        cells.append(_cell(term.term_id, kept.get((pupil, str(term.term_id))), now.average, now.mark))
    numeric = [
        row.numeric_value for t in terms if (row := kept.get((pupil, str(t.term_id)))) and row.numeric_value
    ]
    year = annual_average(numeric, policy)
    annual = _cell(None, kept.get((pupil, "annual")), year.average, year.mark)
    return GridRow(pupil, name, cells, annual, _cell(None, kept.get((pupil, "final")), None, None))


def _cell(
    term_id: uuid.UUID | None, row: TermMark | None, average: Decimal | None, mark: int | None
) -> GridCell:
    kept = None if row is None or row.computed_average is None else Decimal(row.computed_average)
    return GridCell(term_id, None if row is None else row.value, kept, average, mark)
