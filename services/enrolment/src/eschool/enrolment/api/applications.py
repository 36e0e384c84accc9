"""The school's applications: the ranked list, one application, its history, the steps it takes."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from eschool.common.auth import CurrentPrincipal
from eschool.common.db import utcnow
from eschool.common.http.request import IdempotencyKey, database_of, settings_of
from eschool.enrolment.api.schemas import (
    ApplicationRead,
    SchoolApplicationIn,
    StatusChangeIn,
    StatusChangeRead,
)
from eschool.enrolment.domain.workflow import Status
from eschool.enrolment.services.applications import (
    application_of,
    change_status,
    history,
    leftovers,
    school_applications,
)
from eschool.enrolment.services.intake import enter_at_school
from eschool.enrolment.services.reads import application_read, change_read
from eschool.enrolment.settings import EnrolmentSettings


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

    @router.get("/schools/{school_id}/applications/leftovers")
    async def left_open(
        school_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> list[ApplicationRead]:
        """Applications of past school years still open: none may stay so (seed 000, point 12)."""
        async with database_of(request).reader() as uow:
            found = await leftovers(uow, school_id, utcnow().date(), actor=actor)
        return [application_read(a) for a in found]

    @router.post("/schools/{school_id}/applications", status_code=201, response_model=ApplicationRead)
    async def enter(
        school_id: uuid.UUID,
        body: SchoolApplicationIn,
        request: Request,
        actor: CurrentPrincipal,
        idempotency_key: IdempotencyKey = None,
    ) -> JSONResponse:
        """An application the school enters itself (a paper one brought in): new, ranked like the others."""
        key = settings_of(request, EnrolmentSettings).snils_hmac_key.get_secret_value().encode()
        async with database_of(request).uow() as uow:
            status, answer = await enter_at_school(
                uow, school_id, body, key=idempotency_key, actor=actor, snils_key=key
            )
            await uow.commit()
        return JSONResponse(answer, status_code=status)

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
