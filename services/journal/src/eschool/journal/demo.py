"""The demo's journal (``make run`` only): the last weeks of every demo class's lessons recorded by their
teachers (topics, homework, marks, absences), through the same use case as the teacher's whole-lesson
save, so the demo teacher's journal and the demo guardian's diary open full.

The lessons come from scheduling's demo over the bus, a class at a time: the loading runs in the
background, takes the lessons that have arrived and are not recorded yet, and ends once none has come
for a while. Idempotent: a recorded lesson is skipped. At stop it ends between two transactions.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from eschool.common.aio import BackgroundWork, background_of
from eschool.common.auth import Principal, Role, RoleBinding
from eschool.common.auth.principal import SERVICE_CLIENT_PREFIX
from eschool.common.db import today_in_zone
from eschool.common.demo import SCHOOL_IDS
from eschool.common.errors import Problem
from eschool.common.logging import get_logger
from eschool.common.service import ServiceRuntime
from eschool.journal.db.demo_queries import DemoQueries
from eschool.journal.db.grading import Grading
from eschool.journal.db.projection_queries import Projections
from eschool.journal.db.schedule import Lesson
from eschool.journal.domain.demo_lessons import DemoLesson, demo_lesson
from eschool.journal.domain.scales import FIRST_GRADE
from eschool.journal.services.attendance import AttendanceEntry
from eschool.journal.services.lesson_journal import JournalForm, MarkEntry, save_lesson_journal
from eschool.journal.services.lesson_save import RecordForm
from eschool.journal.services.marks import MarkPatch
from eschool.journal.settings import JournalSettings

DEMO_WEEKS = 3
POLL_S = 1.0
BATCH = 100
log = get_logger(__name__)

DEMO_LINES = (
    f"demo journal: the last {DEMO_WEEKS} weeks of every demo class's lessons recorded (topics, homework, "
    "marks, absences), once scheduling's lessons have arrived",
)


async def load_demo_journal(runtime: ServiceRuntime) -> None:
    """Start recording the demo lessons in the background (it waits for scheduling's lessons)."""
    settings = runtime.settings
    assert isinstance(settings, JournalSettings)
    if settings.demo_data:
        _work(runtime).start(_load(runtime, settings.demo_wait_s, settings.demo_quiet_s))


async def stop_demo_journal(runtime: ServiceRuntime) -> None:
    """At stop: the background recording ends between its transactions."""
    await _work(runtime).stop()


async def demo_recorded(runtime: ServiceRuntime) -> None:
    """Wait until the background recording is over (tests, tools)."""
    await _work(runtime).finished()


def _work(runtime: ServiceRuntime) -> BackgroundWork:
    return background_of(runtime, "journal_demo")


async def _load(runtime: ServiceRuntime, wait_s: float, quiet_s: float) -> None:
    loop, written, skipped = asyncio.get_running_loop(), 0, set()
    deadline = last = loop.time() + wait_s
    while not _work(runtime).stopping:
        done = await _record_pending(runtime, skipped)
        written += done
        now = loop.time()
        if done:
            last = now
        elif (written and now - last > quiet_s) or (not written and now > deadline):
            break
        if not done:
            await _work(runtime).pause(POLL_S)
    if not written:
        log.warning("journal.demo.no_lessons", waited_s=wait_s)
    log.info("journal.demo.loaded", lessons=written)


async def _record_pending(runtime: ServiceRuntime, skipped: set) -> int:
    """Record a batch of the demo schools' past lessons not recorded yet (nor refused before); how many
    were."""
    async with runtime.database.uow() as uow:
        queries = DemoQueries(uow.session)
        today = today_in_zone(await Projections(uow.session).school_time_zone(SCHOOL_IDS[0]))
        since = today - timedelta(weeks=DEMO_WEEKS)
        pending = await queries.unrecorded(SCHOOL_IDS, since, today, BATCH, exclude=skipped)
    written = 0
    for lesson in pending:
        if _work(runtime).stopping:
            break
        if await _record(runtime, lesson):
            written += 1
        else:
            skipped.add(lesson.lesson_id)
    return written


async def _record(runtime: ServiceRuntime, lesson: Lesson) -> bool:
    async with runtime.database.uow() as uow:
        projections = Projections(uow.session)
        school_class = await projections.class_of(lesson.class_id)
        roster = await projections.lesson_roster(lesson)
        subject = await DemoQueries(uow.session).subject_name(lesson.subject_id)
        kinds = await Grading(uow.session).work_types(lesson.school_id)
        marks = school_class is not None and school_class.grade != FIRST_GRADE
        entries = demo_lesson(
            lesson.lesson_id, lesson.lesson_on, subject, lesson.planned_topic, roster, marks=marks
        )
        form = _form(entries, {code: kind.work_type_id for code, kind in kinds.items()})
        try:
            await save_lesson_journal(uow, lesson.lesson_id, form, actor=_teacher(lesson))
        except Problem as refused:
            # A lesson the rules refuse (its term closed meanwhile, a roster changed) stays unrecorded.
            log.info("journal.demo.lesson_skipped", lesson_id=str(lesson.lesson_id), code=refused.code)
            return False
    return True


def _form(entries: DemoLesson, work_types: dict) -> JournalForm:
    record = RecordForm(
        topic=entries.topic, homework=entries.homework, work_kind="control" if entries.control else None
    )
    attendance = [AttendanceEntry(pupil, code) for pupil, code in entries.attendance.items()]
    marks = [
        MarkEntry(
            None,
            False,
            m.pupil,
            MarkPatch(m.value, work_types[m.work_type], m.comment, m.comment is not None),
        )
        for m in entries.marks
    ]
    return JournalForm(record=record, attendance=attendance, marks=marks)


def _teacher(lesson: Lesson) -> Principal:
    """The lesson's own teacher, as the demo writes in their name (no user: nobody logged in)."""
    return Principal(
        user_id=None,
        person_id=lesson.teacher_person_id,
        client_id=SERVICE_CLIENT_PREFIX + "journal-demo",
        bindings=(RoleBinding(Role.subject_teacher, lesson.school_id),),
        scopes=frozenset(),
    )
