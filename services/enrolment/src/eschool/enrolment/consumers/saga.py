"""The saga's answers from contingent: an application assigned to a class is enrolled when contingent
says the pupil is there (``PupilEnrolledV1`` naming the application), or goes back to registered, with
contingent's reason kept in its history, when contingent refused (``EnrolmentRefusedV1``: the class full,
the child enrolled elsewhere...). Never a silent half-enrolment: either answer is a recorded, announced
step. An answer for an application no longer waiting for it (already answered, or assigned again to
another class since) changes nothing: the inbox drops a redelivery, and this check a stale answer.
"""

from __future__ import annotations

from eschool.common.auth import service_principal
from eschool.common.db import UnitOfWork
from eschool.common.events import Envelope
from eschool.common.events.contingent import EnrolmentRefusedV1, PupilEnrolledV1
from eschool.common.logging import get_logger
from eschool.enrolment.db.models import Application
from eschool.enrolment.domain.workflow import Status
from eschool.enrolment.services.applications import locked_application, take_step

ENROLMENT = service_principal("enrolment")
log = get_logger(__name__)


async def _waiting(uow: UnitOfWork, application_id: object, class_id: object) -> Application | None:
    application = await locked_application(uow, application_id)
    if (
        application is None
        or application.status != Status.assigned_to_class
        or application.class_id != class_id
    ):
        log.info("enrolment.saga.answer_ignored", application_id=str(application_id))
        return None
    return application


async def on_pupil_enrolled(event: Envelope[PupilEnrolledV1], uow: UnitOfWork) -> None:
    """Contingent enrolled the child: the application is enrolled."""
    if event.data.application_id is None:
        return  # an enrolment by the school's own form or an import: not an application's
    application = await _waiting(uow, event.data.application_id, event.data.class_id)
    if application is not None:
        await take_step(
            uow,
            application,
            Status.enrolled,
            reason_code=None,
            comment=None,
            version=None,
            actor=ENROLMENT,
            answer=True,
        )


async def on_enrolment_refused(event: Envelope[EnrolmentRefusedV1], uow: UnitOfWork) -> None:
    """Contingent refused: back to registered, its reason kept, for the school to assign again."""
    application = await _waiting(uow, event.data.application_id, event.data.class_id)
    if application is not None:
        await take_step(
            uow,
            application,
            Status.registered,
            reason_code=event.data.code,
            comment=event.data.detail,
            version=None,
            actor=ENROLMENT,
            answer=True,
        )
