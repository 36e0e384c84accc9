"""Scheduling's facts the journal keeps (``db.schedule``): subjects, terms with their dates and state,
dated lessons with their planned topics, and substitutions.

Each fact is kept with the time it happened (``occurred_at``) and an older one arriving late changes
nothing. A term's dates and its state, and a lesson and its planned topic, come from different events:
each has its own version column, so a late fact of one kind cannot undo a newer one of the other. Such
a row is inserted whole when absent, then each fact updated where its own version is older.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import bindparam, delete, or_, select, update

from eschool.common.bus import ConsumerDefinition
from eschool.common.db import UnitOfWork, upsert_newer
from eschool.common.db.contingent_projection import columns
from eschool.common.db.projection import insert_absent
from eschool.common.events import Envelope
from eschool.common.events.scheduling import (
    LessonCancelledV1,
    LessonData,
    LessonMovedV1,
    LessonsScheduledV1,
    LessonTopicsChangedV1,
    SubjectSavedV1,
    SubstitutionAssignedV1,
    SubstitutionRemovedV1,
    TermClosedV1,
    TermReopenedV1,
    TermSchemeSavedV1,
    TermStep,
)
from eschool.journal.db.schedule import Lesson, PendingTopic, Subject, Substitution, Term

LESSONS = Lesson.__table__
PENDING = PendingTopic.__table__
TERMS = Term.__table__


async def on_subject_saved(event: Envelope[SubjectSavedV1], uow: UnitOfWork) -> None:
    """A subject of the catalogue or of a school, its names as the journal shows them."""
    values = columns(event.data, Subject.__table__) | {"source_version": event.data.occurred_at}
    await upsert_newer(uow.session, Subject.__table__, values, key=("subject_id",))


async def on_term_scheme_saved(event: Envelope[TermSchemeSavedV1], uow: UnitOfWork) -> None:
    """A scheme's terms and their dates (newest wins by ``dates_version``); their state is left alone."""
    scheme, at = event.data, event.data.occurred_at
    for term in scheme.terms:
        card = {"term_scheme_id": scheme.term_scheme_id, "school_id": scheme.school_id}
        card |= {"academic_year_id": scheme.academic_year_id, **columns(term, TERMS)}
        await insert_absent(
            uow.session, TERMS, card | {"closed": False, "state_version": None}, key=("term_id",)
        )
        older = or_(TERMS.c.dates_version.is_(None), TERMS.c.dates_version < at)
        stmt = update(TERMS).where(TERMS.c.term_id == term.term_id, older).values(**card, dates_version=at)
        await uow.session.execute(stmt)


async def on_term_closed(event: Envelope[TermClosedV1], uow: UnitOfWork) -> None:
    """A term closed: its marks are locked (it may arrive before its scheme: the row takes its dates)."""
    await _term_state(uow, event.data, closed=True)


async def on_term_reopened(event: Envelope[TermReopenedV1], uow: UnitOfWork) -> None:
    """A closed term opened again: its marks are unlocked."""
    await _term_state(uow, event.data, closed=False)


async def _term_state(uow: UnitOfWork, step: TermStep, *, closed: bool) -> None:
    at = step.occurred_at
    # Dates a step carries (a closing does) are kept only in a row it makes: versionless, the scheme's win.
    card = {"starts_on": None, "ends_on": None} | columns(step, TERMS) | {"dates_version": None}
    await insert_absent(uow.session, TERMS, card | {"closed": closed, "state_version": at}, key=("term_id",))
    older = or_(TERMS.c.state_version.is_(None), TERMS.c.state_version < at)
    stmt = update(TERMS).where(TERMS.c.term_id == step.term_id, older).values(closed=closed, state_version=at)
    await uow.session.execute(stmt)


async def on_lessons_scheduled(event: Envelope[LessonsScheduledV1], uow: UnitOfWork) -> None:
    """A class's generated lessons, all in one statement (a term is hundreds of them)."""
    at = event.data.occurred_at
    await _keep_lessons(uow, event.data.lessons, at, cancelled=False)


async def on_lesson_moved(event: Envelope[LessonMovedV1], uow: UnitOfWork) -> None:
    """A lesson moved by hand: kept where it is now."""
    await _keep_lessons(uow, [event.data.lesson], event.data.occurred_at, cancelled=False)


async def on_lesson_cancelled(event: Envelope[LessonCancelledV1], uow: UnitOfWork) -> None:
    """A lesson cancelled: kept, flagged (its record may already hold marks)."""
    await _keep_lessons(uow, [event.data.lesson], event.data.occurred_at, cancelled=True)


async def on_lesson_topics_changed(event: Envelope[LessonTopicsChangedV1], uow: UnitOfWork) -> None:
    """The planned topics of lessons, newest wins by ``topic_version``. Scheduling announces topics
    after the lessons they fall on, but a lessons event retried or taken by the other consumer may come
    later: a topic of a lesson not kept yet waits for it (``pending_topic``)."""
    data, at = event.data, event.data.occurred_at
    topics = {t.lesson_id: t.title for t in data.lessons}
    if not topics:
        return
    await _set_topics(uow, [(lesson_id, title, at) for lesson_id, title in topics.items()])
    kept = set(await uow.session.scalars(select(LESSONS.c.lesson_id).where(LESSONS.c.lesson_id.in_(topics))))
    waiting = [
        {"lesson_id": lesson_id, "school_id": data.school_id, "title": title, "source_version": at}
        for lesson_id, title in topics.items()
        if lesson_id not in kept
    ]
    if waiting:
        await upsert_newer(uow.session, PENDING, waiting, key=("lesson_id",))


async def _set_topics(uow: UnitOfWork, topics: list[tuple[uuid.UUID, str | None, datetime]]) -> None:
    """Each lesson's planned topic, where the lesson's is older."""
    older = or_(LESSONS.c.topic_version.is_(None), LESSONS.c.topic_version < bindparam("topic_at"))
    stmt = (
        update(LESSONS)
        .where(LESSONS.c.lesson_id == bindparam("topic_lesson_id"), older)
        .values(planned_topic=bindparam("topic_title"), topic_version=bindparam("topic_at"))
    )
    rows = [{"topic_lesson_id": i, "topic_title": title, "topic_at": at} for i, title, at in topics]
    await uow.session.execute(stmt, rows)


async def _take_waiting_topics(uow: UnitOfWork, lesson_ids: list[uuid.UUID]) -> None:
    """Lessons just kept take the topics that came before them."""
    found = await uow.session.execute(
        select(PENDING.c.lesson_id, PENDING.c.title, PENDING.c.source_version).where(
            PENDING.c.lesson_id.in_(lesson_ids)
        )
    )
    waiting = [(row.lesson_id, row.title, row.source_version) for row in found]
    if waiting:
        await _set_topics(uow, waiting)
        await uow.session.execute(delete(PENDING).where(PENDING.c.lesson_id.in_([w[0] for w in waiting])))


async def on_substitution_assigned(event: Envelope[SubstitutionAssignedV1], uow: UnitOfWork) -> None:
    """A substitute for a lesson (and the lesson as it stands, if newer than the one kept)."""
    data = event.data
    await _keep_lessons(uow, [data.lesson], data.occurred_at, cancelled=False)
    await _substitution(uow, data, data.lesson.school_id, data.lesson.lesson_id, removed=False)


async def on_substitution_removed(event: Envelope[SubstitutionRemovedV1], uow: UnitOfWork) -> None:
    """A substitution withdrawn: kept, flagged, so a late assignment does not bring it back."""
    data = event.data
    await _substitution(uow, data, data.school_id, data.lesson_id, removed=True)


async def _keep_lessons(uow: UnitOfWork, lessons: list[LessonData], at: datetime, *, cancelled: bool) -> None:
    rows = [columns(lesson, LESSONS) | {"cancelled": cancelled, "source_version": at} for lesson in lessons]
    await upsert_newer(uow.session, LESSONS, rows, key=("lesson_id",))
    await _take_waiting_topics(uow, [lesson.lesson_id for lesson in lessons])


async def _substitution(
    uow: UnitOfWork,
    data: SubstitutionAssignedV1 | SubstitutionRemovedV1,
    school_id: uuid.UUID,
    lesson_id: uuid.UUID,
    *,
    removed: bool,
) -> None:
    values = {"substitution_id": data.substitution_id, "school_id": school_id, "lesson_id": lesson_id}
    values |= {"substitute_person_id": data.substitute_person_id, "removed": removed}
    values |= {"source_version": data.occurred_at}
    await upsert_newer(uow.session, Substitution.__table__, values, key=("substitution_id",))


SCHEDULING_EVENTS = ConsumerDefinition.of(
    "journal.scheduling-events",
    {
        SubjectSavedV1: on_subject_saved,
        TermSchemeSavedV1: on_term_scheme_saved,
        TermClosedV1: on_term_closed,
        TermReopenedV1: on_term_reopened,
        LessonsScheduledV1: on_lessons_scheduled,
        LessonMovedV1: on_lesson_moved,
        LessonCancelledV1: on_lesson_cancelled,
        LessonTopicsChangedV1: on_lesson_topics_changed,
        SubstitutionAssignedV1: on_substitution_assigned,
        SubstitutionRemovedV1: on_substitution_removed,
    },
)
