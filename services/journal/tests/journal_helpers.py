"""What the tests of the teacher's write path share: the school's work types, the routes, a substitute
assigned and withdrawn, a term reopened, a lesson still to come, and the events of a kind."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx

from eschool.common.db import utcnow
from eschool.common.events.scheduling import (
    LessonCancelledV1,
    LessonsScheduledV1,
    SubstitutionAssignedV1,
    SubstitutionRemovedV1,
)
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import published
from eschool.journal.db.grading import Grading

from .journal_world import MATHS_DAYS, World, lesson_data, term_1_reopened

MARK_RECORDED = "journal.mark.recorded.v1"
MARK_CHANGED = "journal.mark.changed.v1"
MARK_DELETED = "journal.mark.deleted.v1"
LESSON_CONDUCTED = "journal.lesson.conducted.v1"


async def work_types(journal: ServiceRuntime, w: World) -> dict[str, str]:
    """The ids of the work types school A uses, by code (answer, test, control...)."""
    async with journal.database.uow() as uow:
        found = await Grading(uow.session).work_types(w.school)
    return {code: str(row.work_type_id) for code, row in found.items()}


def mark_body(pupil: uuid.UUID, value: str, work_type: str, **extra: Any) -> dict[str, Any]:
    """A new mark of the pupil."""
    return {"pupil_person_id": str(pupil), "value": value, "work_type_id": work_type, **extra}


async def give_mark(
    api: httpx.AsyncClient, headers: dict[str, str], lesson: uuid.UUID, body: dict[str, Any]
) -> httpx.Response:
    """POST a mark in the lesson."""
    return await api.post(f"/v1/lessons/{lesson}/marks", json=body, headers=headers)


async def events(journal: ServiceRuntime, event_type: str) -> list[dict[str, Any]]:
    """The data of the journal's events of a type, oldest first."""
    return [e["data"] for e in await published(journal, event_type)]


async def substitute(deliver: Deliver, w: World, lesson: uuid.UUID, person: uuid.UUID) -> uuid.UUID:
    """Scheduling assigns ``person`` to substitute in the maths lesson; returns the substitution."""
    day = MATHS_DAYS[w.maths_lessons.index(lesson)]
    substitution = uuid.uuid4()
    data = lesson_data(w, lesson, day, subject=w.maths, teacher=w.maths_teacher)
    await deliver(
        SubstitutionAssignedV1(
            substitution_id=substitution, lesson=data, substitute_person_id=person, occurred_at=utcnow()
        )
    )
    return substitution


async def withdraw_substitute(
    deliver: Deliver, w: World, substitution: uuid.UUID, lesson: uuid.UUID, person: uuid.UUID
) -> None:
    """Scheduling withdraws the substitution."""
    await deliver(
        SubstitutionRemovedV1(
            substitution_id=substitution,
            lesson_id=lesson,
            school_id=w.school,
            substitute_person_id=person,
            occurred_at=utcnow(),
        )
    )


async def reopen_term_1(deliver: Deliver, w: World) -> None:
    """Scheduling opens the first term again."""
    await deliver(term_1_reopened(w))


async def cancel_maths_lesson(deliver: Deliver, w: World, index: int) -> None:
    """Scheduling cancels one of the maths lessons."""
    data = lesson_data(w, w.maths_lessons[index], MATHS_DAYS[index], subject=w.maths, teacher=w.maths_teacher)
    await deliver(LessonCancelledV1(lesson=data, reason="Карантин", occurred_at=utcnow()))


async def lesson_to_come(deliver: Deliver, w: World) -> uuid.UUID:
    """A maths lesson of 5 А a week from today (in the second term)."""
    lesson = uuid.uuid4()
    day = utcnow().date() + timedelta(days=7)
    data = lesson_data(w, lesson, day, subject=w.maths, teacher=w.maths_teacher, term=w.term_2)
    await deliver(
        LessonsScheduledV1(
            school_id=w.school, class_id=w.class_5a, term_id=w.term_2, lessons=[data], occurred_at=utcnow()
        )
    )
    return lesson
