"""The school handles its applications: reads them (one, the ranked list, the history) and moves them
through the workflow (``domain.workflow``), each step recorded with who, when and why.

Who: the school's administration (administrator, director, deputies, secretary) in the application's
school handles them; the municipality over the school and the ministry read them too (seed 001,
Приложение 6: they monitor how applications are processed), and change nothing; the applicant reads
their own (``services.applicant``). Anyone else gets the
same 404 as for an application that does not exist: an application's existence says something about a
child. A portal (a machine client) reads nothing here.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, select

from eschool.common.auth import Principal, Role
from eschool.common.auth.jurisdiction import jurisdiction_of
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.db.org_tree import schools_under
from eschool.common.db.person_keys import snils_hash_of
from eschool.common.errors import Problem, conflict, not_found, unprocessable
from eschool.common.events.enrolment import (
    ApplicationEnrolledV1,
    ApplicationRejectedV1,
    ApplicationStatusChangedV1,
    ApplicationStep,
    ApplicationWithdrawnV1,
)
from eschool.enrolment.db.models import Application, OrgUnit, PersonKey, StatusChange
from eschool.enrolment.domain.ranking import open_school_years
from eschool.enrolment.domain.workflow import (
    OPEN,
    AwaitingAnswer,
    IllegalStep,
    MissingReason,
    Status,
    check_step,
)
from eschool.enrolment.services.feed import announce

SCHOOL_STAFF = (Role.school_admin, Role.director, Role.deputy_director, Role.secretary)


def application_not_found() -> Problem:
    return not_found("application_not_found", "Заявление не найдено")


def school_not_found() -> Problem:
    return not_found("school_not_found", "Образовательная организация не найдена")


def may_handle(actor: Principal, school_id: uuid.UUID) -> bool:
    """True if the actor handles the school's applications (a person, or enrolment's own automatic
    steps with the school's rights; never a portal)."""
    person_or_self = not actor.is_machine or actor.is_service
    return person_or_self and actor.has_role(*SCHOOL_STAFF, org_unit_id=school_id)


async def may_read(uow: UnitOfWork, actor: Principal, school_id: uuid.UUID) -> bool:
    """True if the actor handles the school's applications, or looks after the school (its municipality,
    the ministry)."""
    if may_handle(actor, school_id):
        return True
    if actor.is_machine or not actor.has_role(Role.municipality, Role.ministry):
        return False
    jurisdiction = await jurisdiction_of(actor, schools_under(uow.session, OrgUnit.__table__))
    return jurisdiction.covers_school(school_id)


async def applicant_key(uow: UnitOfWork, actor: Principal) -> str | None:
    """The asking person's SNILS hash, if they are a person contingent told us of."""
    if actor.is_machine or actor.person_id is None:
        return None
    return await snils_hash_of(uow, PersonKey, actor.person_id)


async def is_applicant(uow: UnitOfWork, actor: Principal, application: Application) -> bool:
    """True if the asking person is the application's applicant."""
    if application.applicant_snils_hash is None:
        return False
    return await applicant_key(uow, actor) == application.applicant_snils_hash


async def locked_application(uow: UnitOfWork, application_id: object) -> Application | None:
    """The application locked for a change (taking turns first where the database has no row locks), or
    None if there is none: the use cases that check its status then step it."""
    await uow.serialize()
    stmt = select(Application).where(Application.application_id == application_id).with_for_update()
    return (await uow.session.execute(stmt)).scalar_one_or_none()


async def application_of(
    uow: UnitOfWork, application_id: uuid.UUID, *, actor: Principal, for_update: bool = False
) -> Application:
    """The application if the actor handles its school (``for_update``: to change it) or may read it (the
    applicant too), else the 404 of one that does not exist."""
    stmt = select(Application).where(Application.application_id == application_id)
    found = (await uow.session.execute(stmt.with_for_update() if for_update else stmt)).scalar_one_or_none()
    if found is None:
        raise application_not_found()
    allowed = (
        may_handle(actor, found.school_id) if for_update else await may_read(uow, actor, found.school_id)
    )
    if not allowed and not for_update:
        allowed = await is_applicant(uow, actor, found)
    if not allowed:
        raise application_not_found()
    return found


async def school_applications(
    uow: UnitOfWork, school_id: uuid.UUID, status: Status | None, *, actor: Principal
) -> list[Application]:
    """The school's applications ranked: the priority group, then the receipt time."""
    if not await may_read(uow, actor, school_id):
        raise school_not_found()
    a = Application
    stmt = select(a).where(a.school_id == school_id)
    if status is not None:
        stmt = stmt.where(a.status == status.value)
    return list((await uow.session.scalars(stmt.order_by(a.priority_group, a.received_at))).all())


async def leftovers(
    uow: UnitOfWork, school_id: uuid.UUID, today: date, *, actor: Principal
) -> list[Application]:
    """The school's applications of past school years still open (seed 000, point 12: «В предыдущих
    учебных периодах в системе не должно оставаться заявлений со статусом «Направлен в класс»,
    «Зарегистрировано», «Подтверждение документов»»): for the school to close before the new year."""
    if not await may_read(uow, actor, school_id):
        raise school_not_found()
    a, (current, _) = Application, open_school_years(today)
    stmt = select(a).where(a.school_id == school_id, left_open(current))
    return list(
        (await uow.session.scalars(stmt.order_by(a.school_year, a.priority_group, a.received_at))).all()
    )


def left_open(current_school_year: int) -> ColumnElement[bool]:
    """An application of a school year before the current one that is still open (seed 000, point 12)."""
    a = Application
    return and_(a.school_year < current_school_year, a.status.in_([s.value for s in OPEN]))


async def history(uow: UnitOfWork, application_id: uuid.UUID, *, actor: Principal) -> list[StatusChange]:
    """The application's steps, the first first."""
    application = await application_of(uow, application_id, actor=actor)
    c = StatusChange
    stmt = select(c).where(c.school_id == application.school_id, c.application_id == application_id)
    return list((await uow.session.scalars(stmt.order_by(c.version))).all())


async def change_status(
    uow: UnitOfWork,
    application_id: uuid.UUID,
    target: Status,
    *,
    reason_code: str | None,
    comment: str | None,
    version: int | None,
    actor: Principal,
) -> Application:
    """Take one step of the workflow, recorded and announced; illegal steps are refused (409)."""
    await uow.serialize()
    application = await application_of(uow, application_id, actor=actor, for_update=True)
    await take_step(
        uow, application, target, reason_code=reason_code, comment=comment, version=version, actor=actor
    )
    return application


async def take_step(
    uow: UnitOfWork,
    application: Application,
    target: Status,
    *,
    reason_code: str | None,
    comment: str | None,
    version: int | None,
    actor: Principal,
    answer: bool = False,
) -> datetime:
    """Move the (locked) application to ``target``: checked, recorded with who and why, announced; the
    moment it happened. ``answer``: the step is contingent's answer to an assignment (the saga)."""
    if version is not None and version != application.version:
        detail = "Заявление изменилось с тех пор, как его открыли: обновите страницу"
        raise conflict("stale_version", detail, field_name="body.version")
    current = Status(application.status)
    try:
        check_step(current, target, reason_code, comment, answer=answer)
    except AwaitingAnswer as step:
        raise conflict("awaiting_enrolment", step.detail, field_name="body.status") from None
    except IllegalStep as step:
        raise conflict("illegal_status_change", step.detail, field_name="body.status") from None
    except MissingReason as missing:
        raise unprocessable("reason_required", missing.detail, field_name=f"body.{missing.field}") from None
    now = utcnow()
    application.status = target.value
    application.status_since = application.updated_at = now
    application.answer_overdue_at = None
    application.version += 1
    record_step(uow, application, current, reason_code, comment, actor, now)
    await announce(
        uow,
        step_event(application, current, target, reason_code, now),
        subject=application.application_id,
        school_id=application.school_id,
    )
    return now


def step_event(
    application: Application, current: Status, target: Status, reason_code: str | None, at: datetime
) -> ApplicationStep:
    """The event the step is announced by: an outcome's own (enrolled, rejected, withdrawn), else the
    status changed."""
    common = {
        "application_id": application.application_id,
        "school_id": application.school_id,
        "from_status": current.value,
        "reason_code": reason_code,
        "version": application.version,
        "occurred_at": at,
    }
    if target is Status.enrolled:
        return ApplicationEnrolledV1(**common, class_id=application.class_id)
    if target is Status.rejected:
        return ApplicationRejectedV1(**common)
    if target is Status.withdrawn:
        return ApplicationWithdrawnV1(**common)
    return ApplicationStatusChangedV1(**common, to_status=target.value)


def record_step(
    uow: UnitOfWork,
    application: Application,
    from_status: Status | None,
    reason_code: str | None,
    comment: str | None,
    actor: Principal,
    at: datetime,
) -> None:
    """The history's row of the step the application (at its new status and version) just took."""
    uow.session.add(
        StatusChange(
            change_id=uuid.uuid4(),
            application_id=application.application_id,
            school_id=application.school_id,
            from_status=None if from_status is None else from_status.value,
            to_status=application.status,
            reason_code=reason_code,
            comment=comment,
            actor_user_id=actor.user_id,
            actor_client_id=actor.client_id,
            at=at,
            version=application.version,
        )
    )
