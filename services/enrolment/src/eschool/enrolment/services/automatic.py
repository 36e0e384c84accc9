"""The steps the system takes by itself (seed 000, point 7: «если в блоке Количество дней указаны
конкретные значения параметров, то система меняет статусы заявлений и проводит зачисление
автоматически»), and the saga's timeout. Run by the periodic tasks (``eschool.common.periodic``).

- Registration: an application in the documents check for ``register_after_days`` of its school's
  settings is registered.
- Enrolment: a registered application ``enrol_after_days`` after its registration is assigned to the
  class of its grade and year with the fewest children so far (ties by letter) that has room, so the
  classes fill evenly, under the school's order for automatic
  enrolments, in the order of the ranked list (priority group, then receipt time): the places go to
  those first in the list. The same use case as the school's own assignment, so the free places and
  class sizes hold; where none is left, the rest wait for the school.
- The saga's timeout: an application assigned to a class that contingent has not answered within the
  timeout is marked overdue, visibly (its history and its card), for people to act (contingent's
  dead letters, say); it stays assigned (contingent may yet enrol the child: never a half-enrolment),
  and the answer, when it comes, clears the mark.

Each application is taken in a transaction of its own, locked and checked again, so two replicas (or a
run stalled past its interval) never step one twice, and one failing application stops no other.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from eschool.common.auth import Principal, school_service_principal
from eschool.common.db import Database, UnitOfWork, as_utc
from eschool.common.errors import Problem
from eschool.common.events.enrolment import EnrolmentOrder
from eschool.common.logging import get_logger
from eschool.enrolment.db.models import Application, SchoolSettings
from eschool.enrolment.db.queries import classes_of_grade
from eschool.enrolment.domain.workflow import STATUS_TITLES, Status
from eschool.enrolment.services.applications import locked_application, record_step, take_step
from eschool.enrolment.services.places import Assignment, assign_to_class, children_in
from eschool.enrolment.services.settings import automatic_order

log = get_logger(__name__)
SERVICE = "enrolment"
# Refusals that say the grade is full: the applications after this one in the list wait too.
_GRADE_FULL = frozenset({"no_free_places", "places_not_set"})


def system_actor(school_id: uuid.UUID) -> Principal:
    """Enrolment itself, with the rights of the school's administration in that school only."""
    return school_service_principal(SERVICE, school_id)


async def automatic_steps(database: Database, now: datetime) -> int:
    """Register and enrol what the schools' settings say is due at ``now``: the applications moved."""
    async with database.reader() as uow:
        schools = list((await uow.session.scalars(select(SchoolSettings))).all())
    moved = 0
    for settings in schools:
        if settings.register_after_days is not None:
            moved += await _register(database, settings, now - timedelta(days=settings.register_after_days))
        if settings.enrol_after_days is not None:
            moved += await _enrol(database, settings, now - timedelta(days=settings.enrol_after_days))
    return moved


async def _due(database: Database, school_id: uuid.UUID, status: Status, since: datetime) -> list[uuid.UUID]:
    a = Application
    stmt = (
        select(a.application_id)
        .where(a.school_id == school_id, a.status == status.value, a.status_since <= since)
        .order_by(a.priority_group, a.received_at)
    )
    async with database.reader() as uow:
        return list((await uow.session.scalars(stmt)).all())


async def _locked(
    uow: UnitOfWork, application_id: uuid.UUID, status: Status, since: datetime
) -> Application | None:
    """The application, locked, if it is still in ``status`` since before ``since``."""
    found = await locked_application(uow, application_id)
    if found is None or found.status != status.value or as_utc(found.status_since) > since:
        return None
    return found


async def _register(database: Database, settings: SchoolSettings, since: datetime) -> int:
    days, moved = settings.register_after_days, 0
    comment = f"Автоматически: {days} дн. в статусе «{STATUS_TITLES[Status.documents_check]}»"
    for application_id in await _due(database, settings.school_id, Status.documents_check, since):
        async with database.uow() as uow:
            application = await _locked(uow, application_id, Status.documents_check, since)
            if application is None:
                continue  # another replica took it, or the school did
            await take_step(
                uow,
                application,
                Status.registered,
                reason_code=None,
                comment=comment,
                version=None,
                actor=system_actor(settings.school_id),
            )
            await uow.commit()
            moved += 1
    return moved


async def _enrol(database: Database, settings: SchoolSettings, since: datetime) -> int:
    order = automatic_order(settings)
    if order is None:
        return 0
    moved, full_grades = 0, set[tuple[int, int]]()
    for application_id in await _due(database, settings.school_id, Status.registered, since):
        async with database.uow() as uow:
            application = await _locked(uow, application_id, Status.registered, since)
            if application is None or (application.school_year, application.grade) in full_grades:
                continue
            grade = (application.school_year, application.grade)
            classes = await _classes_for(uow, application)
        outcome = await _assign_somewhere(database, application_id, classes, order, since, settings.school_id)
        if outcome == "assigned":
            moved += 1
        elif outcome == "grade_full":
            full_grades.add(grade)
    return moved


async def _classes_for(uow: UnitOfWork, application: Application) -> list[uuid.UUID]:
    """The classes of the application's grade and year, the one with the fewest children assigned or
    enrolled first (ties by letter): the automatic enrolment fills the classes evenly."""
    classes = await classes_of_grade(
        uow.session, application.school_id, application.school_year, application.grade
    )
    held = await children_in(uow, [c.class_id for c in classes])
    return [c.class_id for c in sorted(classes, key=lambda c: held.get(c.class_id, 0))]  # stable: by letter


async def _assign_somewhere(
    database: Database,
    application_id: uuid.UUID,
    classes: list[uuid.UUID],
    order: EnrolmentOrder,
    since: datetime,
    school_id: uuid.UUID,
) -> str:
    """Assign to the first of ``classes`` with room: "assigned", "grade_full", or "no_class"."""
    for class_id in classes:
        try:
            async with database.uow() as uow:
                if await _locked(uow, application_id, Status.registered, since) is None:
                    return "no_class"
                assignment = Assignment(class_id, order, None, None)
                await assign_to_class(uow, application_id, assignment, actor=system_actor(school_id))
                await uow.commit()
                return "assigned"
        except Problem as refused:
            if refused.code in _GRADE_FULL:
                return "grade_full"
            log.info("enrolment.automatic.class_refused", class_id=str(class_id), code=refused.code)
    return "no_class"


def answer_timeout(timeout: timedelta) -> Callable[[Database, datetime], Awaitable[int]]:
    """The saga's timeout as a periodic task's work: applications marked overdue."""

    async def work(database: Database, now: datetime) -> int:
        return await mark_overdue_answers(database, now - timeout, now)

    return work


async def mark_overdue_answers(database: Database, since: datetime, now: datetime) -> int:
    """Mark overdue the applications assigned to a class before ``since`` that contingent has not
    answered (each once): recorded in their history, logged as a warning."""
    a = Application
    stmt = select(a.application_id).where(
        a.status == Status.assigned_to_class.value, a.status_since <= since, a.answer_overdue_at.is_(None)
    )
    async with database.reader() as uow:
        waiting = list((await uow.session.scalars(stmt)).all())
    marked = 0
    for application_id in waiting:
        async with database.uow() as uow:
            application = await _locked(uow, application_id, Status.assigned_to_class, since)
            if application is None or application.answer_overdue_at is not None:
                continue
            application.answer_overdue_at = application.updated_at = now
            application.version += 1
            record_step(
                uow,
                application,
                Status.assigned_to_class,
                "enrolment_answer_overdue",
                "Контингент не подтвердил зачисление в срок: заявление ждёт его ответа",
                system_actor(application.school_id),
                now,
            )
            await uow.commit()
            log.warning("enrolment.saga.answer_overdue", application_id=str(application_id))
            marked += 1
    return marked
