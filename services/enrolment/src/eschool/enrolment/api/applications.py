"""The school's applications: the ranked list, one application, its history, the steps it takes."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.enrolment.api.schemas import (
    ApplicantRead,
    ApplicationRead,
    ChildRead,
    StatusChangeIn,
    StatusChangeRead,
)
from eschool.enrolment.db.models import Application, StatusChange
from eschool.enrolment.domain.workflow import STATUS_TITLES, Status
from eschool.enrolment.services.applications import (
    application_of,
    change_status,
    history,
    school_applications,
)


def application_read(a: Application) -> ApplicationRead:
    """An application as the school reads it (SNILS only as whether one was declared)."""
    return ApplicationRead(
        application_id=a.application_id,
        school_id=a.school_id,
        kind=a.kind,  # type: ignore[arg-type]
        grade=a.grade,
        school_year=a.school_year,
        source=a.source,
        portal_number=a.portal_number,
        status=a.status,  # type: ignore[arg-type]
        status_title=STATUS_TITLES[Status(a.status)],
        received_at=a.received_at,
        priority_group=a.priority_group,
        benefit=a.benefit,  # type: ignore[arg-type]
        sibling_in_school=a.sibling_in_school,
        in_territory=a.in_territory,
        age_out_of_range=a.age_out_of_range,
        duplicate_of=a.duplicate_of,
        child=ChildRead(
            last_name=a.child_last_name,
            first_name=a.child_first_name,
            middle_name=a.child_middle_name,
            birth_date=a.child_birth_date,
            sex=a.child_sex,  # type: ignore[arg-type]
            citizenship=a.child_citizenship,
            snils_declared=a.child_snils_hash is not None,
        ),
        applicant=ApplicantRead(
            kind=a.applicant_kind,  # type: ignore[arg-type]
            last_name=a.applicant_last_name,
            first_name=a.applicant_first_name,
            middle_name=a.applicant_middle_name,
            email=a.applicant_email,
            phone=a.applicant_phone,
        ),
        address=a.address,
        documents=list(a.documents),
        version=a.version,
    )


def change_read(c: StatusChange) -> StatusChangeRead:
    return StatusChangeRead(
        from_status=c.from_status,  # type: ignore[arg-type]
        to_status=c.to_status,  # type: ignore[arg-type]
        to_status_title=STATUS_TITLES[Status(c.to_status)],
        reason_code=c.reason_code,
        comment=c.comment,
        by_user_id=c.actor_user_id,
        by_client_id=c.actor_client_id,
        at=c.at,
        version=c.version,
    )


def applications_router() -> APIRouter:
    """Routes under /v1/applications and /v1/schools/{school_id}/applications."""
    router = APIRouter(prefix="/v1", tags=["applications"])

    @router.get("/schools/{school_id}/applications")
    async def ranked(
        school_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        status: Annotated[Status | None, Query(description="Only the applications in this status")] = None,
    ) -> list[ApplicationRead]:
        """The school's applications ranked: the priority group, then the receipt time."""
        async with database_of(request).reader() as uow:
            found = await school_applications(uow, school_id, status, actor=actor)
        return [application_read(a) for a in found]

    @router.get("/applications/{application_id}")
    async def one(application_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> ApplicationRead:
        """One application."""
        async with database_of(request).reader() as uow:
            return application_read(await application_of(uow, application_id, actor=actor))

    @router.get("/applications/{application_id}/history")
    async def steps(
        application_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> list[StatusChangeRead]:
        """Every status the application took: who, when, why."""
        async with database_of(request).reader() as uow:
            return [change_read(c) for c in await history(uow, application_id, actor=actor)]

    @router.post("/applications/{application_id}/status")
    async def step(
        application_id: uuid.UUID, body: StatusChangeIn, request: Request, actor: CurrentPrincipal
    ) -> ApplicationRead:
        """Move the application on: documents check, registered, rejected (with a reason), withdrawn."""
        async with database_of(request).uow() as uow:
            application = await change_status(
                uow,
                application_id,
                Status(body.status),
                reason_code=body.reason_code,
                comment=body.comment,
                version=body.version,
                actor=actor,
            )
            await uow.commit()
        return application_read(application)

    return router
