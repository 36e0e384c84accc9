"""The diary's term summary: per subject the marks, the weighted average, the forecast of the term mark
with what it takes to reach the next one (seed 001, Приложение 2, 3.2), the term mark once set, and
the lessons missed. Also the family's list of children and the recent entries about a pupil."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import timedelta

from eschool.common.auth import Principal, Role
from eschool.common.db import UnitOfWork, today_in_zone, utcnow
from eschool.common.errors import not_found
from eschool.journal.api.diary_schemas import (
    ChildRead,
    ClassPlace,
    ForecastRead,
    RecentChangeRead,
    SubjectSummaryRead,
    TermMarkBrief,
    TermRef,
    TermSummaryRead,
)
from eschool.journal.db.diary_queries import DiaryQueries
from eschool.journal.db.grading import Grading
from eschool.journal.db.models import ClassStay
from eschool.journal.db.records import Mark
from eschool.journal.db.schedule import Term
from eschool.journal.domain.averages import WeightedMark
from eschool.journal.domain.forecast import forecast
from eschool.journal.services.pupil_access import check_pupil_reader

RECENT_DAYS = 14


async def _pupil_terms(queries: DiaryQueries, stays: list[ClassStay]) -> tuple[list[Term], uuid.UUID | None]:
    """The terms of the pupil's newest class's scheme, and the class's school."""
    if not stays:
        return [], None
    newest = stays[-1]
    school_class = (await queries.classes([newest.class_id])).get(newest.class_id)
    if school_class is None or school_class.term_scheme_id is None:
        return [], newest.school_id
    return await queries.scheme_terms(school_class.term_scheme_id), newest.school_id


async def diary_term(
    uow: UnitOfWork, pupil_id: uuid.UUID, term_id: uuid.UUID | None, *, actor: Principal
) -> TermSummaryRead:
    """The pupil's summary of a term (the current one by default)."""
    known = await check_pupil_reader(uow, actor, pupil_id)
    queries = DiaryQueries(uow.session)
    terms, school_id = await _pupil_terms(queries, known.stays)
    if term_id is not None:
        terms = [t for t in terms if t.term_id == term_id] or await _other_term(queries, known.stays, term_id)
    else:
        today = today_in_zone(known.zones.get(school_id)) if school_id else None
        terms = [t for t in terms if t.ends_on is None or today is None or t.ends_on >= today][:1] or terms[
            -1:
        ]
    if not terms:
        raise not_found("term_not_found", "Учебный период не найден")
    term = terms[0]
    policy = await Grading(uow.session).policy(term.school_id)
    marks = await queries.term_marks_of_term(term.school_id, pupil_id, term.term_id)
    absences = await queries.absences_by_subject(term.school_id, pupil_id, term.term_id)
    set_marks = {
        m.subject_id: m.value for m in await _year_marks(queries, pupil_id, term) if m.term_id == term.term_id
    }
    by_subject: dict[uuid.UUID, list[Mark]] = defaultdict(list)
    for mark, _ in marks:
        by_subject[mark.subject_id].append(mark)
    subjects = set(by_subject) | set(absences) | set(set_marks)
    names = await queries.subject_names(subjects)
    rows = [
        _subject_row(subject, names.get(subject, ""), by_subject[subject], policy, set_marks, absences)
        for subject in sorted(subjects, key=lambda s: names.get(s, ""))
    ]
    return TermSummaryRead(
        pupil_person_id=pupil_id,
        term=TermRef(
            term_id=term.term_id,
            name=term.name,
            starts_on=term.starts_on,
            ends_on=term.ends_on,
            closed=term.closed,
        ),
        policy_version=policy.version,
        subjects=rows,
    )


async def _other_term(queries: DiaryQueries, stays: list[ClassStay], term_id: uuid.UUID) -> list[Term]:
    """A term of an earlier class of the pupil (a pupil who moved keeps their old terms' marks)."""
    classes = await queries.classes({s.class_id for s in stays})
    schemes = {c.term_scheme_id for c in classes.values()}
    return [t for t in await queries.terms([term_id]) if t.term_scheme_id in schemes]


async def _year_marks(queries: DiaryQueries, pupil_id: uuid.UUID, term: Term) -> list:
    if term.academic_year_id is None:
        return []
    return await queries.term_marks(term.school_id, pupil_id, term.academic_year_id)


def _subject_row(
    subject_id: uuid.UUID,
    name: str,
    marks: list[Mark],
    policy: object,
    set_marks: dict[uuid.UUID, str],
    absences: dict[uuid.UUID, int],
) -> SubjectSummaryRead:
    weighted = [WeightedMark(m.numeric_value, m.weight) for m in marks if m.numeric_value is not None]
    outlook = forecast(weighted, policy)  # type: ignore[arg-type]
    return SubjectSummaryRead(
        subject_id=subject_id,
        subject_name=name,
        marks=[TermMarkBrief(lesson_on=m.lesson_on, value=m.value, weight=m.weight) for m in marks],
        average=outlook.average,
        forecast=ForecastRead(
            mark=outlook.mark,
            enough_marks=outlook.enough_marks,
            marks_needed=outlook.marks_needed,
            next_mark=outlook.next_mark,
            fives_for_next=outlook.fives_for_next,
            risk_twos=outlook.risk_twos,
        ),
        term_mark=set_marks.get(subject_id),
        absences=absences.get(subject_id, 0),
    )


async def diary_children(uow: UnitOfWork, *, actor: Principal) -> list[ChildRead]:
    """The pupils whose diaries the caller opens as a family: a guardian's children in every school, or
    the pupil themself."""
    queries = DiaryQueries(uow.session)
    pupils: list[uuid.UUID] = []
    if actor.person_id is not None and actor.has_role(Role.guardian):
        pupils += await queries.children_of(actor.person_id)
    if actor.person_id is not None and actor.has_role(Role.pupil):
        pupils.append(actor.person_id)
    names = await queries.names(pupils)
    children = []
    for pupil in dict.fromkeys(pupils):
        stays = [s for s in await queries.stays_of(pupil) if s.until_on is None]
        classes = await queries.classes({s.class_id for s in stays})
        places = [
            ClassPlace(school_id=c.school_id, class_id=c.class_id, title=c.title) for c in classes.values()
        ]
        name = names[pupil].name if pupil in names else None
        children.append(ChildRead(pupil_person_id=pupil, name=name, classes=places))
    return children


async def diary_recent(
    uow: UnitOfWork, pupil_id: uuid.UUID, limit: int, *, actor: Principal
) -> list[RecentChangeRead]:
    """The newest marks and absences entered, changed or removed for the pupil in the last two weeks."""
    known = await check_pupil_reader(uow, actor, pupil_id)
    queries = DiaryQueries(uow.session)
    since = utcnow() - timedelta(days=RECENT_DAYS)
    schools = {stay.school_id for stay in known.stays}
    marks, absences = await queries.recent(schools, pupil_id, since, limit)
    names = await queries.subject_names({m.subject_id for m in marks} | {a.subject_id for a in absences})
    changes = [
        RecentChangeRead(
            kind="mark",
            at=m.updated_at,
            lesson_on=m.lesson_on,
            subject_id=m.subject_id,
            subject_name=names.get(m.subject_id, ""),
            value=None if m.deleted_at else m.value,
            deleted=m.deleted_at is not None,
        )
        for m in marks
    ] + [
        RecentChangeRead(
            kind="attendance",
            at=a.updated_at,
            lesson_on=a.lesson_on,
            subject_id=a.subject_id,
            subject_name=names.get(a.subject_id, ""),
            value=None if a.deleted_at else a.code,
            deleted=a.deleted_at is not None,
        )
        for a in absences
    ]
    return sorted(changes, key=lambda c: c.at, reverse=True)[:limit]
