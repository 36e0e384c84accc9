"""The applicant's own applications (the guardian's view through the gateway) and their withdrawal."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.enrolment.api.schemas import ApplicationRead, WithdrawalIn
from eschool.enrolment.services.applicant import my_applications, withdraw
from eschool.enrolment.services.reads import application_read


def applicant_router() -> APIRouter:
    """Routes under /v1/my/applications and /v1/applications/{id}/withdrawal."""
    router = APIRouter(prefix="/v1", tags=["applicant"])

    @router.get("/my/applications")
    async def mine(request: Request, actor: CurrentPrincipal) -> list[ApplicationRead]:
        """The applications the asking person submitted (recognised by their SNILS), the newest first."""
        async with database_of(request).reader() as uow:
            return [application_read(a) for a in await my_applications(uow, actor=actor)]

    @router.post("/applications/{application_id}/withdrawal")
    async def withdrawal(
        application_id: uuid.UUID, body: WithdrawalIn, request: Request, actor: CurrentPrincipal
    ) -> ApplicationRead:
        """The applicant withdraws their open application (not while the child is being enrolled)."""
        async with database_of(request).uow() as uow:
            application = await withdraw(uow, application_id, body.comment, body.version, actor=actor)
            await uow.commit()
        return application_read(application)

    return router
