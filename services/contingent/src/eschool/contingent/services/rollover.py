"""The year rollover («Перевести всё», seed 001): a school's classes of one academic year carried a grade
up into the new year with their pupils, as a job that reports its progress.

The request checks and queues (``request_rollover``); the work runs in the background of the same process
(``start_rollover``), a class per transaction: the new class, its pupils' promotions, history rows and
events, and the job's progress commit together, so no class is ever half carried. Every step is
idempotent (the new class is found by ``promoted_from_class_id``, a promotion by ``pupil_promotion``'s
unique key): if the process dies mid-way, running the rollover again finishes the rest and repeats
nothing; an unfinished job silent for two minutes counts as dead and a new request replaces it. One
unfinished job per school and year: the same request while it runs answers that job (202), another one
is refused (409 ``rollover_running``, naming the job).

Grades below the last (``MAX_GRADE``, 11: a basic school's 9th grade still opens a 10th) go up one, the
last graduates and is not carried. A next-grade class the school made itself in the new year is a
conflict: reported in the job, the class skipped, never merged. Withdrawn pupils stay behind. Who: the
school's administrator or director, its municipality, the ministry (others in sight: 403; else 404).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from eschool.common.auth import Principal
from eschool.common.db import Database, UnitOfWork, as_utc, utcnow
from eschool.common.errors import Problem, conflict, forbidden, not_found, unprocessable
from eschool.common.events.contingent import PupilPromotedV1
from eschool.common.jobs import run_units, running_here, start_job
from eschool.common.logging import get_logger
from eschool.contingent.db.models import AcademicYear, OrgUnit, SchoolClass
from eschool.contingent.db.repositories import OrgUnits
from eschool.contingent.db.rollover import (
    FAILED,
    PROMOTED,
    RUNNING,
    PupilPromotion,
    RolloverJob,
    Rollovers,
    promoted_class,
    promotion_movement,
    stale_before,
)
from eschool.contingent.domain.classes import MAX_GRADE
from eschool.contingent.domain.people import Order
from eschool.contingent.services.classes import announce_class_card
from eschool.contingent.services.movement import MOVEMENT_WRITERS, check_order
from eschool.contingent.services.people import today_in
from eschool.contingent.services.scope import require_school, school_not_found
from eschool.contingent.services.years import set_up_year

log = get_logger(__name__)
# The jobs this process runs; a reference keeps each task alive until it ends.
_FAILED = "Перевод прерван из-за сбоя. Запустите его ещё раз: уже переведённые классы и ученики не задвоятся"
_ABANDONED = "Перевод прерван: выполнявший его процесс остановился. Он запущен заново"


@dataclass(frozen=True)
class RolloverRequest:
    """What «Перевести всё» is asked: from which year, into which (set up if missing), which classes."""

    from_academic_year_id: uuid.UUID
    to_year_name: str
    class_ids: tuple[uuid.UUID, ...] | None = None
    promoted_on: date | None = None
    order: Order | None = None


def job_not_found() -> Problem:
    """The 404 for a job that does not exist or is out of the caller's sight."""
    return not_found("rollover_job_not_found", "Перевод на новый учебный год не найден")


async def rollover_school(
    uow: UnitOfWork, school_id: uuid.UUID, *, actor: Principal, hidden: Problem
) -> OrgUnit:
    """The school if the actor rolls it over (or watches its rollover); else ``hidden`` (404) or 403."""
    detail = "Перевод на новый учебный год выполняет администрация школы, муниципалитет или министерство"
    refusal = forbidden("rollover_denied", detail)
    return await require_school(uow, actor, school_id, roles=MOVEMENT_WRITERS, refusal=refusal, hidden=hidden)


async def request_rollover(
    uow: UnitOfWork, school_id: uuid.UUID, form: RolloverRequest, *, actor: Principal
) -> tuple[RolloverJob, bool]:
    """Queue the school's rollover (start it with ``start_rollover``); False: the same job already runs."""
    school = await rollover_school(uow, school_id, actor=actor, hidden=school_not_found())
    if school.closed_at is not None:
        raise conflict("school_closed", "Школа закрыта: изменения в ней невозможны")
    # Two presses at once take turns on the school's row: the second finds the first one's job.
    await OrgUnits(uow.session).locked(school_id)
    from_year = await uow.session.get(AcademicYear, form.from_academic_year_id)
    if from_year is None or from_year.school_id != school_id:
        detail = "Учебный год, из которого переводят, в школе не найден"
        raise unprocessable("academic_year_not_found", detail, field_name="body.from_academic_year_id")
    to_year = await _to_year(uow, school_id, form.to_year_name, from_year, actor=actor)
    promoted_on = _promotion_day(form.promoted_on, to_year)
    class_ids, total = await _selected(uow, from_year, form.class_ids)
    order = check_order(form.order, today_in(school)) if form.order else Order("", today_in(school))
    now = utcnow()
    rollovers = Rollovers(uow.session)
    running = await rollovers.unfinished(school_id, from_year.academic_year_id)
    if running is not None and _abandoned(running, now):
        running.status, running.error, running.finished_at, running.updated_at = FAILED, _ABANDONED, now, now
        await uow.session.flush()
        running = None
    if running is not None:
        if (running.to_academic_year_id, running.class_ids, running.promoted_on) != (
            to_year.academic_year_id,
            class_ids,
            promoted_on,
        ):
            raise _running(running)
        return running, False
    job = RolloverJob(
        rollover_job_id=uuid.uuid4(),
        school_id=school_id,
        from_academic_year_id=from_year.academic_year_id,
        to_academic_year_id=to_year.academic_year_id,
        class_ids=class_ids,
        promoted_on=promoted_on,
        **{"order_series": order.series, "order_number": order.number, "order_date": order.date},
        total=total,
        created_by_user_id=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(job)
    await uow.commit()
    log.info("contingent.rollover.queued", rollover_job_id=str(job.rollover_job_id), school_id=str(school_id))
    return job, True


async def rollover_job(uow: UnitOfWork, job_id: uuid.UUID, *, actor: Principal) -> RolloverJob:
    """The job and its progress, for those who may roll its school over."""
    job = await uow.session.get(RolloverJob, job_id)
    if job is None:
        raise job_not_found()
    await rollover_school(uow, job.school_id, actor=actor, hidden=job_not_found())
    return job


def start_rollover(database: Database, job_id: uuid.UUID) -> None:
    """Run the queued job in the background of this process (the request that queued it returns)."""
    start_job(job_id, lambda: run_rollover(database, job_id), name=f"rollover:{job_id}")


async def run_rollover(database: Database, job_id: uuid.UUID) -> None:
    """Carry the job's classes, one transaction each; a failure ends the job as failed (run it again)."""
    await run_units(
        lambda: _begin(database, job_id),
        lambda class_id: _carry_class(database, job_id, class_id),
        lambda status, error: _finish(database, job_id, status, error),
        failure=_FAILED,
        event="contingent.rollover.failed",
        rollover_job_id=str(job_id),
    )


async def _begin(database: Database, job_id: uuid.UUID) -> list[uuid.UUID]:
    async with database.uow() as uow:
        job = await uow.session.get(RolloverJob, job_id)
        assert job is not None  # jobs are never deleted
        selected = None if job.class_ids is None else [uuid.UUID(c) for c in job.class_ids]
        classes = await Rollovers(uow.session).classes_of(job.from_academic_year_id, selected)
        job.status, job.total, job.updated_at = RUNNING, len(classes), utcnow()
        await uow.commit()
        return [c.class_id for c in classes]


async def _finish(database: Database, job_id: uuid.UUID, status: str, error: str | None) -> None:
    async with database.uow() as uow:
        job = await uow.session.get(RolloverJob, job_id)
        assert job is not None
        job.status, job.error = status, error
        job.finished_at = job.updated_at = utcnow()
        await uow.commit()
    log.info("contingent.rollover.finished", rollover_job_id=str(job_id), status=status)


async def _carry_class(database: Database, job_id: uuid.UUID, class_id: uuid.UUID) -> None:
    """One class, its pupils and the job's progress in one transaction."""
    async with database.uow() as uow:
        rollovers = Rollovers(uow.session)
        # First a write: two jobs on one class take turns, the second then finds everything done.
        await rollovers.lock_class(class_id)
        job = await uow.session.get(RolloverJob, job_id, populate_existing=True)
        old = await uow.session.get(SchoolClass, class_id, populate_existing=True)
        assert job is not None
        assert old is not None  # classes are never deleted
        if old.grade < MAX_GRADE:
            target = await _next_class(uow, job, old)
            if isinstance(target, SchoolClass):
                job.promoted += await _promote_pupils(uow, job, old, target)
            else:
                job.conflicts = [*job.conflicts, target]
        job.done += 1
        job.updated_at = utcnow()
        await uow.commit()


async def _next_class(uow: UnitOfWork, job: RolloverJob, old: SchoolClass) -> SchoolClass | dict[str, Any]:
    """The new year's class promoted from ``old`` (created now if missing), or the conflict to report."""
    grade, letter = old.grade + 1, old.letter
    found = await Rollovers(uow.session).successor(job.to_academic_year_id, old)
    if found is not None and found.promoted_from_class_id == old.class_id:
        return found
    if found is not None:
        detail = (
            f"Класс {old.grade} {letter} не переведён: в новом учебном году уже есть класс {grade} {letter}, "
            "созданный не переводом. Переименуйте один из них или переведите учеников вручную"
        )
        return {"class_id": str(old.class_id), "class_name": f"{old.grade} {letter}"} | {
            "code": "class_exists",
            "detail": detail,
        }
    row = promoted_class(old, job.to_academic_year_id, utcnow())
    uow.session.add(row)
    await uow.session.flush()
    announce_class_card(uow, row)
    return row


async def _promote_pupils(uow: UnitOfWork, job: RolloverJob, old: SchoolClass, target: SchoolClass) -> int:
    """Carry the class's pupils not yet promoted out of it (one query for them all); how many."""
    pupils = await Rollovers(uow.session).to_promote(old.class_id)
    now, actor_id = utcnow(), job.created_by_user_id
    movements = [
        promotion_movement(
            job, e, target.class_id, PROMOTED, job.promoted_on, actor_user_id=actor_id, now=now
        )
        for e in pupils
    ]
    uow.session.add_all(movements)
    await uow.session.flush()  # the promotions refer to these rows
    for enrolment, movement in zip(pupils, movements, strict=True):
        promotion = PupilPromotion(
            pupil_promotion_id=uuid.uuid4(),
            rollover_job_id=job.rollover_job_id,
            pupil_enrolment_id=enrolment.pupil_enrolment_id,
            person_id=enrolment.person_id,
            from_class_id=old.class_id,
            to_class_id=target.class_id,
            promoted_on=job.promoted_on,
            movement_id=movement.pupil_movement_id,
            created_at=now,
        )
        uow.session.add(promotion)
        # The stay goes on in the new class (as a transfer does): the personal file number stays with it.
        enrolment.class_id, enrolment.academic_year_id = target.class_id, target.academic_year_id
        enrolment.version, enrolment.updated_at = enrolment.version + 1, now
        announce_promotion(uow, promotion, enrolment.school_id, target.academic_year_id, now)
    await uow.session.flush()
    return len(pupils)


def announce_promotion(
    uow: UnitOfWork,
    promotion: PupilPromotion,
    school_id: uuid.UUID,
    new_year_id: uuid.UUID,
    now: datetime,
    *,
    cancelled: bool = False,
) -> None:
    event = PupilPromotedV1(
        person_id=promotion.person_id,
        school_id=school_id,
        from_class_id=promotion.from_class_id,
        to_class_id=promotion.to_class_id,
        academic_year_id=new_year_id,
        promoted_on=promotion.promoted_on,
        cancelled=cancelled,
        occurred_at=now,
    )
    uow.outbox.add(event, subject=promotion.person_id, school_id=school_id)


async def _to_year(
    uow: UnitOfWork, school_id: uuid.UUID, name: str, from_year: AcademicYear, *, actor: Principal
) -> AcademicYear:
    normalized = " ".join(name.split())
    stmt = select(AcademicYear).where(AcademicYear.school_id == school_id, AcademicYear.name == normalized)
    year = await uow.session.scalar(stmt) or await set_up_year(uow, school_id, name, actor=actor)
    if year.starts_on <= from_year.ends_on:
        detail = "Новый учебный год должен начинаться после окончания года, из которого переводят"
        raise unprocessable("to_year_not_after", detail, field_name="body.to_year_name")
    return year


def _promotion_day(day: date | None, year: AcademicYear) -> date:
    day = day or year.starts_on
    if not year.starts_on <= day <= year.ends_on:
        span = f"{year.starts_on:%d.%m.%Y}–{year.ends_on:%d.%m.%Y}"
        detail = f"Дата перевода — в пределах нового учебного года ({span})"
        raise unprocessable("date_outside_year", detail, field_name="body.promoted_on")
    return day


async def _selected(
    uow: UnitOfWork, year: AcademicYear, class_ids: tuple[uuid.UUID, ...] | None
) -> tuple[list[str] | None, int]:
    wanted = None if class_ids is None else list(set(class_ids))
    found = await Rollovers(uow.session).classes_of(year.academic_year_id, wanted)
    if wanted is None:
        return None, len(found)
    if not wanted or len(found) != len(wanted):
        detail = "Выберите классы того учебного года, из которого переводят"
        raise unprocessable("class_not_in_year", detail, field_name="body.class_ids")
    return sorted(str(c.class_id) for c in found), len(found)


def _abandoned(job: RolloverJob, now: datetime) -> bool:
    return not running_here(job.rollover_job_id) and as_utc(job.updated_at) < stale_before(now)


def _running(job: RolloverJob) -> Problem:
    detail = "Перевод школы на новый учебный год уже выполняется: дождитесь его окончания"
    problem = conflict("rollover_running", detail)
    problem.extra["rollover_job_id"] = str(job.rollover_job_id)
    return problem
