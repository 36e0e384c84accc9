"""The class journal, the teacher's main screen (seed 003, 4.5): a class's lessons of a subject in a term
across, its pupils down, each cell the pupil's marks and attendance in the lesson, and the term's
weighted average of each pupil under the school's rounding policy.

Read by the teachers who teach the class the subject in the term, the class teacher, the school's
administration, the municipality and the ministry (``grading_scope``). A teacher who teaches the subject
to subgroups sees their own subgroups' lessons and pupils (seed 004, 4.4.7); the class teacher and the
overseers see the whole class, or one subgroup if asked. The grid costs a dozen statements, never one
per pupil or per lesson.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, today_in_zone
from eschool.common.errors import forbidden, not_found
from eschool.common.events.contingent import FullName
from eschool.journal.api.grid_schemas import (
    GridCellRead,
    GridLessonRead,
    GridMarkRead,
    GridPupilRead,
    JournalGridRead,
)
from eschool.journal.db.grading import Grading
from eschool.journal.db.grid_queries import GridQueries, Stay
from eschool.journal.db.journal_queries import JournalRecords
from eschool.journal.db.models import SchoolClass
from eschool.journal.db.projection_queries import Projections
from eschool.journal.db.records import LessonRecord, Mark
from eschool.journal.db.schedule import Lesson, Term
from eschool.journal.db.term_mark_queries import GradingSettings, TermMarkQueries
from eschool.journal.domain.averages import RoundingPolicy, WeightedMark, term_average
from eschool.journal.services.averages import ClassTerm, class_term
from eschool.journal.services.grading_scope import check_class_subject, class_not_found
from eschool.journal.services.lesson_access import by_name, teaches_class

Rows = list[tuple[Lesson, LessonRecord | None]]


async def journal_grid(
    uow: UnitOfWork,
    class_id: uuid.UUID,
    subject_id: uuid.UUID,
    term_id: uuid.UUID | None,
    subgroup_id: uuid.UUID | None,
    *,
    actor: Principal,
) -> JournalGridRead:
    """The class's journal in the subject and term (the current one by default), for its readers."""
    found = await _class_term(uow, class_id, term_id)
    school_class, term, (start, end) = found.school_class, found.term, found.span
    overseer = await check_class_subject(uow, actor, school_class, subject_id, [term.term_id], write=False)
    grid = GridQueries(uow.session)
    rows = await grid.lessons(school_class, subject_id, term.term_id)
    groups = await _groups(uow, actor, school_class, rows, subgroup_id, overseer=overseer)
    if groups is not None:
        rows = [row for row in rows if row[0].subgroup_id in groups]
        stays = await grid.subgroup_stays(school_class.school_id, groups, start, end)
    else:
        stays = await grid.class_stays(school_class, start, end)
    shown = [lesson.lesson_id for lesson, _ in rows]
    marks = await grid.marks(school_class, subject_id, term.term_id)
    attendance = await JournalRecords(uow.session).live_attendance(shown)
    policy = await Grading(uow.session).policy(school_class.school_id)
    exempted = await TermMarkQueries(uow.session).exempted(school_class.school_id, subject_id, start, end)
    subject = await GradingSettings(uow.session).subject(school_class.school_id, subject_id)
    cells = _Cells(shown, marks, {(a.pupil_person_id, a.lesson_id): a.code for a in attendance})
    spans = _spans(stays, term)
    names = await Projections(uow.session).names(set(spans) | cells.pupils)
    return JournalGridRead(
        class_id=class_id,
        class_title=school_class.title,
        subject_id=subject_id,
        subject_name=None if subject is None else subject.name,
        term_id=term.term_id,
        term_name=term.name,
        term_starts_on=term.starts_on,
        term_ends_on=term.ends_on,
        subgroup_ids=sorted(groups or (), key=str),
        policy_version=policy.version,
        lessons=await _lessons(grid, rows),
        pupils=[
            _line(p, names.get(p), spans.get(p, (None, None)), cells, exempted=p in exempted, policy=policy)
            for p in by_name(set(spans) | cells.pupils, names)
        ],
    )


class _Cells:
    """The marks and attendance codes of the shown lessons by pupil and lesson, and every pupil's marks of
    the term (the average takes them all)."""

    def __init__(
        self,
        shown: list[uuid.UUID],
        marks: list[tuple[Mark, str]],
        codes: dict[tuple[uuid.UUID, uuid.UUID], str],
    ) -> None:
        self.shown, self.codes = shown, codes
        self.marks: dict[tuple[uuid.UUID, uuid.UUID], list[GridMarkRead]] = defaultdict(list)
        self.weighted: dict[uuid.UUID, list[WeightedMark]] = defaultdict(list)
        lessons = set(shown)
        for mark, code in marks:
            if mark.lesson_id in lessons:
                self.marks[mark.pupil_person_id, mark.lesson_id].append(_mark(mark, code))
            if mark.numeric_value is not None:  # a pass/fail mark counts for no average
                self.weighted[mark.pupil_person_id].append(
                    WeightedMark(mark.numeric_value, Decimal(mark.weight))
                )
        # Anyone marked or absent in a shown lesson has a row, on the roster or not (nothing is hidden).
        self.pupils = {pupil for pupil, _ in self.marks} | {pupil for pupil, _ in codes}

    def row(self, pupil: uuid.UUID) -> list[GridCellRead]:
        """The pupil's cells in the lessons' order."""
        return [
            GridCellRead(
                lesson_id=i, marks=self.marks.get((pupil, i), []), attendance=self.codes.get((pupil, i))
            )
            for i in self.shown
        ]


def _line(
    pupil: uuid.UUID,
    name: FullName | None,
    span: tuple[date | None, date | None],
    cells: _Cells,
    *,
    exempted: bool,
    policy: RoundingPolicy,
) -> GridPupilRead:
    result = term_average([] if exempted else cells.weighted.get(pupil, []), policy)
    return GridPupilRead(
        pupil_person_id=pupil,
        name=name,
        from_on=span[0],
        until_on=span[1],
        exempted=exempted,
        cells=cells.row(pupil),
        average=result.average,
        mark=result.mark,
        marks_count=result.marks_count,
    )


async def _class_term(uow: UnitOfWork, class_id: uuid.UUID, term_id: uuid.UUID | None) -> ClassTerm:
    """The class and the term asked for, else its term of today in the school (the last begun, the first)."""
    queries = TermMarkQueries(uow.session)
    if term_id is not None:
        return await class_term(queries, class_id, term_id)
    projections = Projections(uow.session)
    school_class = await projections.class_of(class_id)
    if school_class is None:
        raise class_not_found()
    terms = [t for t in await queries.terms_of(school_class) if t.starts_on is not None]
    today = today_in_zone(await projections.time_zone(school_class.school_id))
    begun = [t for t in terms if t.starts_on is not None and t.starts_on <= today]
    term = begun[-1] if begun else next(iter(terms), None)
    if term is None:
        raise not_found("term_not_found", "Учебный период класса не найден")
    return ClassTerm(school_class, term)


async def _groups(
    uow: UnitOfWork,
    actor: Principal,
    school_class: SchoolClass,
    rows: Rows,
    subgroup_id: uuid.UUID | None,
    *,
    overseer: bool,
) -> set[uuid.UUID] | None:
    """The subgroups the grid shows (None: the whole class)."""
    own = {lesson.subgroup_id for lesson, _ in rows if lesson.teacher_person_id == actor.person_id}
    whole = overseer or await teaches_class(uow, actor, school_class)
    if subgroup_id is not None:
        subgroup = await GridQueries(uow.session).subgroup(subgroup_id)
        if subgroup is None or subgroup.class_id != school_class.class_id:
            raise not_found("subgroup_not_found", "Подгруппа класса не найдена")
        if not whole and subgroup_id not in own:
            raise forbidden(
                "journal_subgroup_denied",
                "Журнал подгруппы видят её учитель, классный руководитель и администрация",
            )
        return {subgroup_id}
    return None if whole or None in own else {group for group in own if group is not None}


def _spans(stays: Iterable[Stay], term: Term) -> dict[uuid.UUID, tuple[date | None, date | None]]:
    """Each pupil's first and last day in the term, where it is not the term's own."""
    first: dict[uuid.UUID, date] = {}
    last: dict[uuid.UUID, date | None] = {}
    for stay in stays:
        pupil, begin = stay.pupil_person_id, stay.from_on or date.min
        first[pupil] = min(first.get(pupil, begin), begin)
        end = last.get(pupil, date.min)
        last[pupil] = None if stay.until_on is None or end is None else max(end, stay.until_on)
    joined = {p: d if term.starts_on is not None and d > term.starts_on else None for p, d in first.items()}
    left = {
        p: d if d is not None and term.ends_on is not None and d < term.ends_on else None
        for p, d in last.items()
    }
    return {p: (joined[p], left[p]) for p in first}


def _mark(mark: Mark, code: str) -> GridMarkRead:
    return GridMarkRead(
        mark_id=mark.mark_id,
        value=mark.value,
        work_type=code,
        weight=Decimal(mark.weight),
        comment=mark.comment,
    )


async def _lessons(grid: GridQueries, rows: Rows) -> list[GridLessonRead]:
    files = await grid.attachment_counts([lesson.lesson_id for lesson, _ in rows])
    return [
        GridLessonRead(
            lesson_id=lesson.lesson_id,
            lesson_on=lesson.lesson_on,
            slot_number=lesson.slot_number,
            subgroup_id=lesson.subgroup_id,
            teacher_person_id=lesson.teacher_person_id,
            topic=(record.topic if record is not None else None) or lesson.planned_topic,
            homework=record is not None and bool(record.homework),
            attachments=files.get(lesson.lesson_id, 0),
            work_kind=None if record is None else record.work_kind,
        )
        for lesson, record in rows
    ]
