"""The portals' intake: the state services portal and the regional portal send applications as machine
clients with the ``enrolment.intake`` scope (OAuth2 client credentials from identity)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from eschool.common.auth import Principal, require_scopes
from eschool.common.http.request import database_of, settings_of
from eschool.enrolment.api.schemas import ApplicationIn, IntakeReceipt
from eschool.enrolment.services.intake import INTAKE_SCOPE, submit_from_portal
from eschool.enrolment.settings import EnrolmentSettings

IntakeClient = Annotated[Principal, Depends(require_scopes(INTAKE_SCOPE))]


def intake_router() -> APIRouter:
    """Routes under /v1/intake."""
    router = APIRouter(prefix="/v1/intake", tags=["intake"])

    @router.post("/applications", status_code=201, response_model=IntakeReceipt)
    async def submit(body: ApplicationIn, request: Request, client: IntakeClient) -> JSONResponse:
        """An application from a portal: stored once per portal number (a re-send gets the first answer),
        checked field by field (every broken rule named at once), in «Подтверждение документов»."""
        key = settings_of(request, EnrolmentSettings).snils_hmac_key.get_secret_value().encode()
        async with database_of(request).uow() as uow:
            status, receipt = await submit_from_portal(uow, body, actor=client, snils_key=key)
            await uow.commit()
        return JSONResponse(receipt, status_code=status)

    return router
