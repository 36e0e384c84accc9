"""The applicant follows their applications (the guardian's view through the gateway) and may withdraw
one that is still open (seed 000, point 1; the glossary: «отозвано»).

Who is the applicant: the person asking, recognised by the SNILS they declared in the application,
against the SNILS hash contingent announced for that person (``person_key``; a guardian's, a staff
member's, or a corrected one). An application whose applicant declared no SNILS, or a person contingent
has not told us of, is followed on the portal it came from (its status events reach the portals). Anyone
else gets the 404 of a missing application, as everywhere in enrolment.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.enrolment.db.models import Application
from eschool.enrolment.domain.workflow import Status
from eschool.enrolment.services.applications import (
    applicant_key,
    application_not_found,
    is_applicant,
    locked_application,
    take_step,
)


async def my_applications(uow: UnitOfWork, *, actor: Principal) -> list[Application]:
    """The asking person's applications, in every school, the newest first."""
    key = await applicant_key(uow, actor)
    if key is None:
        return []
    a = Application
    stmt = select(a).where(a.applicant_snils_hash == key).order_by(a.received_at.desc())
    return list((await uow.session.scalars(stmt)).all())


async def withdraw(
    uow: UnitOfWork, application_id: uuid.UUID, comment: str | None, version: int | None, *, actor: Principal
) -> Application:
    """The applicant withdraws their open application: recorded and announced like any step."""
    application = await locked_application(uow, application_id)
    if application is None or not await is_applicant(uow, actor, application):
        raise application_not_found()
    await take_step(
        uow,
        application,
        Status.withdrawn,
        reason_code="applicant_request",
        comment=comment,
        version=version,
        actor=actor,
    )
    return application
