"""The demo's journal: the demo schools' lessons of the last weeks recorded by their teachers, nothing in
the future or further back, the first grade without marks or homework, a second run adding nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest_asyncio
from sqlalchemy import func, select

from eschool.common.db import today_in_zone, utcnow
from eschool.common.demo import SCHOOL_IDS
from eschool.common.events.scheduling import LessonsScheduledV1
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import deliverer
from eschool.common.testing.service import running
from eschool.journal.app import service
from eschool.journal.db.records import Attendance, LessonRecord, Mark
from eschool.journal.demo import DEMO_WEEKS, demo_recorded, load_demo_journal
from eschool.journal.settings import JournalSettings

from .journal_world import World, build_world, lesson_data


@pytest_asyncio.fixture
async def demo_journal(db_url: str) -> AsyncIterator[ServiceRuntime]:
    """The journal with demo data on, quick to give up waiting."""
    settings = JournalSettings(
        database_url=db_url, bus_url="memory://", demo_data=True, demo_wait_s=3, demo_quiet_s=0.3
    )
    async with running(service, settings) as runtime:
        yield runtime


async def _count(runtime: ServiceRuntime, model: type, **where: object) -> int:
    async with runtime.database.uow() as uow:
        stmt = select(func.count()).select_from(model).filter_by(**where)
        return int(await uow.session.scalar(stmt) or 0)


async def test_the_demo_records_the_last_weeks_of_the_demo_schools(demo_journal: ServiceRuntime) -> None:
    deliver = deliverer(demo_journal)
    w = await build_world(deliver, World(school=SCHOOL_IDS[0]))
    today = today_in_zone("Europe/Moscow")
    days = {"recent": today - timedelta(days=2), "old": today - timedelta(weeks=DEMO_WEEKS, days=1)}
    days["future"] = today + timedelta(days=2)
    lessons = {
        name: lesson_data(w, lesson_id, day, subject=w.maths, teacher=w.maths_teacher)
        for (name, day), lesson_id in zip(days.items(), w.maths_lessons, strict=False)
    }
    first_grade = lesson_data(
        w,
        w.first_grade_lesson,
        today - timedelta(days=1),
        subject=w.reading,
        teacher=w.first_grade_teacher,
        class_id=w.class_1a,
    )
    await deliver(
        LessonsScheduledV1(
            school_id=w.school,
            class_id=w.class_5a,
            term_id=w.term_1,
            lessons=list(lessons.values()),
            occurred_at=utcnow(),
        ),
        LessonsScheduledV1(
            school_id=w.school,
            class_id=w.class_1a,
            term_id=w.term_1,
            lessons=[first_grade],
            occurred_at=utcnow(),
        ),
    )
    await load_demo_journal(demo_journal)
    await demo_recorded(demo_journal)

    recent, old, future = (lessons[k].lesson_id for k in ("recent", "old", "future"))
    assert await _count(demo_journal, LessonRecord, lesson_id=recent) == 1
    assert await _count(demo_journal, LessonRecord, lesson_id=old) == 0
    assert await _count(demo_journal, LessonRecord, lesson_id=future) == 0
    marks = await _count(demo_journal, Mark, lesson_id=recent)
    absences = await _count(demo_journal, Attendance, lesson_id=recent)
    # Every pupil of 5 А is marked, absent, or neither; a lesson's marks go to pupils who were there.
    assert marks + absences >= 2
    async with demo_journal.database.uow() as uow:
        record = await uow.session.get(LessonRecord, w.first_grade_lesson)
        assert record is not None
        assert record.homework is None
    assert await _count(demo_journal, Mark, lesson_id=w.first_grade_lesson) == 0

    before = await _count(demo_journal, Mark)
    await load_demo_journal(demo_journal)
    await demo_recorded(demo_journal)
    assert await _count(demo_journal, Mark) == before
    assert await _count(demo_journal, LessonRecord) == 2
