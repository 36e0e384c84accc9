"""Exemptions of pupils from a subject's marks, kept by the administration and the class teacher."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import Stamp, database_of
from eschool.journal.db.records import Exemption
from eschool.journal.services.exemptions import (
    ExemptionForm,
    grant_exemption,
    school_exemptions,
    withdraw_exemption,
)


class ExemptionCreate(BaseModel):
    """Who is exempted from which subject, from which day until which (none: until withdrawn), why."""

    model_config = ConfigDict(extra="forbid")

    pupil_person_id: uuid.UUID
    subject_id: uuid.UUID
    from_on: date
    until_on: date | None = None
    reason: Annotated[
        str, Field(min_length=1, max_length=300, examples=["Справка: освобождение от физкультуры"])
    ]


class ExemptionRead(BaseModel):
    """An exemption (the reason is shown to those who keep exemptions only)."""

    model_config = ConfigDict(from_attributes=True)

    exemption_id: uuid.UUID
    school_id: uuid.UUID
    pupil_person_id: uuid.UUID
    subject_id: uuid.UUID
    from_on: date
    until_on: date | None
    reason: str
    created_at: Stamp
    deleted_at: Stamp | None


def _read(row: Exemption) -> ExemptionRead:
    return ExemptionRead.model_validate(row)


def exemptions_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/exemptions and /v1/exemptions/{exemption_id}."""
    router = APIRouter(prefix="/v1", tags=["journal"])

    @router.post("/schools/{school_id}/exemptions", status_code=201)
    async def grant(
        school_id: uuid.UUID, body: ExemptionCreate, request: Request, actor: CurrentPrincipal
    ) -> ExemptionRead:
        """Exempt a pupil from a subject's marks (the administration, the pupil's class teacher)."""
        form = ExemptionForm(body.pupil_person_id, body.subject_id, body.from_on, body.until_on, body.reason)
        async with database_of(request).uow() as uow:
            return _read(await grant_exemption(uow, school_id, form, actor=actor))

    @router.delete("/exemptions/{exemption_id}")
    async def withdraw(exemption_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> ExemptionRead:
        """Withdraw the exemption (kept, marked deleted)."""
        async with database_of(request).uow() as uow:
            return _read(await withdraw_exemption(uow, exemption_id, actor=actor))

    @router.get("/schools/{school_id}/exemptions")
    async def listed(
        school_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        pupil_person_id: Annotated[uuid.UUID | None, Query()] = None,
    ) -> list[ExemptionRead]:
        """The school's exemptions (of one pupil, if given)."""
        async with database_of(request).uow() as uow:
            return [_read(r) for r in await school_exemptions(uow, school_id, pupil_person_id, actor=actor)]

    return router
