"""A school's term of lessons generated as one job with progress (the house pattern of contingent's
rollover): the request checks and queues (``request_generation``, 202); the work runs in the background
of the same process (``start_generation``), a class per transaction: its lessons, their events and the
job's progress commit together. Generation is idempotent, so a job that died is simply run again; an
unfinished job silent for two minutes counts as dead and a new request replaces it. One unfinished job
per school and term: the same request while it runs answers that job.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from eschool.common.auth import Principal
from eschool.common.db import Database, UnitOfWork, as_utc, utcnow
from eschool.common.errors import Problem, not_found, unprocessable
from eschool.common.jobs import run_units, running_here, start_job
from eschool.common.logging import get_logger
from eschool.scheduling.db.calendar import Term, TermScheme
from eschool.scheduling.db.contingent import SchoolClass
from eschool.scheduling.db.lesson_queries import Lessons
from eschool.scheduling.db.lessons import FAILED, RUNNING, LessonGenerationJob
from eschool.scheduling.services.lesson_generation import generate_class_lessons
from eschool.scheduling.services.timetable_checks import check_timetable

log = get_logger(__name__)
# The jobs this process runs; a reference keeps each task alive until it ends.
_FAILED = "Формирование уроков прервано из-за сбоя. Запустите его ещё раз: уроки не задвоятся"
_ABANDONED = "Формирование уроков прервано: выполнявший его процесс остановился"


def job_not_found() -> Problem:
    """The 404 for a job that does not exist or is out of the caller's sight."""
    return not_found("lesson_generation_not_found", "Формирование уроков не найдено")


async def request_generation(
    uow: UnitOfWork, school_id: uuid.UUID, scheme_id: uuid.UUID, term_id: uuid.UUID, *, actor: Principal
) -> tuple[LessonGenerationJob, bool]:
    """Queue the term's generation for the school's classes of the scheme; False: it already runs."""
    await check_timetable(uow, actor, school_id, write=True)
    scheme = await uow.session.get(TermScheme, scheme_id, with_for_update=True)
    if scheme is None or scheme.school_id != school_id:
        raise unprocessable(
            "term_scheme_not_found", "Схема периодов не найдена", field_name="body.term_scheme_id"
        )
    term = await uow.session.get(Term, term_id)
    if term is None or term.term_scheme_id != scheme_id:
        raise unprocessable("term_not_found", "Период в этой схеме не найден", field_name="body.term_id")
    lessons, now = Lessons(uow.session), utcnow()
    running = await lessons.unfinished_job(school_id, term_id)
    if running is not None and _abandoned(running, now):
        running.status, running.error, running.finished_at, running.updated_at = FAILED, _ABANDONED, now, now
        await uow.session.flush()
        running = None
    if running is not None:
        return running, False
    total = len(await lessons.scheme_classes(school_id, scheme_id))
    job = LessonGenerationJob(
        lesson_generation_job_id=uuid.uuid4(),
        school_id=school_id,
        term_scheme_id=scheme_id,
        term_id=term_id,
        total=total,
        done=0,
        created_lessons=0,
        removed_lessons=0,
        created_by_user_id=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(job)
    await uow.commit()
    log.info("scheduling.lessons.generation_queued", job_id=str(job.lesson_generation_job_id))
    return job, True


async def generation_job(uow: UnitOfWork, job_id: uuid.UUID, *, actor: Principal) -> LessonGenerationJob:
    """The job and its progress, for those who may set the school's timetable."""
    job = await uow.session.get(LessonGenerationJob, job_id)
    if job is None:
        raise job_not_found()
    await check_timetable(uow, actor, job.school_id, write=True, hidden=job_not_found())
    return job


def start_generation(database: Database, job_id: uuid.UUID) -> None:
    """Run the queued job in the background of this process (the request that queued it returns)."""
    start_job(job_id, lambda: run_generation(database, job_id), name=f"lessons:{job_id}")


async def run_generation(database: Database, job_id: uuid.UUID) -> None:
    """Generate each class's lessons, one transaction each; a failure ends the job as failed."""
    await run_units(
        lambda: _begin(database, job_id),
        lambda class_id: _generate_class(database, job_id, class_id),
        lambda status, error: _finish(database, job_id, status, error),
        failure=_FAILED,
        event="scheduling.lessons.generation_failed",
        job_id=str(job_id),
    )


async def _begin(database: Database, job_id: uuid.UUID) -> list[uuid.UUID]:
    async with database.uow() as uow:
        job = await uow.session.get(LessonGenerationJob, job_id)
        assert job is not None  # jobs are never deleted
        classes = await Lessons(uow.session).scheme_classes(job.school_id, job.term_scheme_id)
        job.status, job.total, job.updated_at = RUNNING, len(classes), utcnow()
        await uow.commit()
        return [c.class_id for c in classes]


async def _generate_class(database: Database, job_id: uuid.UUID, class_id: uuid.UUID) -> None:
    async with database.uow() as uow:
        job = await uow.session.get(LessonGenerationJob, job_id, populate_existing=True)
        cls = await uow.session.get(SchoolClass, class_id)
        assert job is not None
        scheme = await uow.session.get(TermScheme, job.term_scheme_id)
        term = await uow.session.get(Term, job.term_id)
        assert cls is not None  # classes, schemes and terms are never deleted
        assert scheme is not None
        assert term is not None
        made = await generate_class_lessons(uow, cls, term, scheme)
        job.created_lessons += made.created
        job.removed_lessons += made.removed
        job.done += 1
        job.updated_at = utcnow()
        await uow.commit()


async def _finish(database: Database, job_id: uuid.UUID, status: str, error: str | None) -> None:
    async with database.uow() as uow:
        job = await uow.session.get(LessonGenerationJob, job_id)
        assert job is not None
        job.status, job.error = status, error
        job.finished_at = job.updated_at = utcnow()
        await uow.commit()
    log.info("scheduling.lessons.generation_finished", job_id=str(job_id), status=status)


def _abandoned(job: LessonGenerationJob, now: datetime) -> bool:
    stale_before = now - timedelta(minutes=2)
    return not running_here(job.lesson_generation_job_id) and as_utc(job.updated_at) < stale_before
