"""What the tests of averages, term marks and grading settings share: marks written straight into the
database (the marks API has its own tests), the headers of the school's people, the routes, a closed
term, and counts of what a save wrote."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As, published

from .diary_helpers import put_mark
from .journal_world import World, term_1_closed

TERM_MARK_SET = "journal.term_mark.set.v1"


async def insert_marks(
    journal: ServiceRuntime,
    w: World,
    pupil: uuid.UUID,
    marks: list[tuple[int, str]],
    *,
    lessons: list[uuid.UUID] | None = None,
) -> None:
    """Live marks of the pupil, each ``(value, work type code)`` (the work type gives the weight: answer
    1, test 1.5, control 2), in the class's maths lessons of the first term by default."""
    lessons = lessons or w.maths_lessons
    for i, (value, work_type) in enumerate(marks):
        await put_mark(journal, lessons[i % len(lessons)], pupil, value, work_type=work_type)


def teacher(
    as_: As, w: World, person: uuid.UUID | None = None, *, school: uuid.UUID | None = None
) -> dict[str, str]:
    """A subject teacher's headers (the maths teacher of 5 А by default)."""
    return as_(Role.subject_teacher, school or w.school, person_id=person or w.maths_teacher)


def director(as_: As, w: World) -> dict[str, str]:
    """The school's director's headers."""
    return as_(Role.director, w.school, person_id=uuid.uuid4())


def averages_url(w: World, subject: uuid.UUID | None = None, term: uuid.UUID | None = None) -> str:
    return f"/v1/classes/{w.class_5a}/subjects/{subject or w.maths}/terms/{term or w.term_1}/averages"


def term_marks_url(w: World, subject: uuid.UUID | None = None, class_id: uuid.UUID | None = None) -> str:
    return f"/v1/classes/{class_id or w.class_5a}/subjects/{subject or w.maths}/term-marks"


def term_body(
    marks: dict[uuid.UUID, str | None],
    *,
    period: str = "term",
    term: uuid.UUID | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """A save of the pupils' marks of a period."""
    entries = [{"pupil_person_id": str(p), "value": v} for p, v in marks.items()]
    body: dict[str, Any] = {"period": period, "marks": entries}
    if term is not None:
        body["term_id"] = str(term)
    if reason is not None:
        body["reason"] = reason
    return body


async def close_term_1(deliver: Deliver, w: World) -> None:
    """Scheduling closes the first term."""
    await deliver(term_1_closed(w))


async def count(journal: ServiceRuntime, model: type, **where: Any) -> int:
    """How many rows of ``model`` match the column values."""
    async with journal.database.uow() as uow:
        stmt = select(func.count()).select_from(model)
        for column, value in where.items():
            stmt = stmt.where(getattr(model, column) == value)
        return int((await uow.session.execute(stmt)).scalar_one())


async def term_mark_events(journal: ServiceRuntime) -> list[dict[str, Any]]:
    """The data of the term mark events in the outbox, oldest first."""
    return [e["data"] for e in await published(journal, TERM_MARK_SET)]
