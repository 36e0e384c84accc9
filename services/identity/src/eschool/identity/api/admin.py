"""Administration of role bindings, behind role checks."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from eschool.common.auth import CurrentPrincipal, Role
from eschool.common.http.request import Stamp
from eschool.identity.services.bindings import (
    MAX_PUPILS_PER_GUARDIAN_BINDING,
    grant_binding,
    revoke_binding,
    visible_bindings,
)


class BindingCreate(BaseModel):
    """A role to grant in an org unit (the region, a municipality or a school)."""

    role: Role
    org_unit_id: uuid.UUID
    # A guardian's children in that school (contingent's links add to them as they arrive).
    pupil_ids: Annotated[list[uuid.UUID], Field(max_length=MAX_PUPILS_PER_GUARDIAN_BINDING)] = []


class BindingRead(BaseModel):
    """A granted role."""

    role_binding_id: uuid.UUID
    role: str
    org_unit_id: uuid.UUID | None
    pupil_ids: list[uuid.UUID] | None = None
    granted_at: Stamp
    granted_by: uuid.UUID | None


def admin_router() -> APIRouter:
    """Routes under /v1/accounts."""
    router = APIRouter(prefix="/v1/accounts", tags=["administration"])

    @router.get("/{account_id}/bindings")
    async def list_bindings(
        account_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> list[BindingRead]:
        """The account's role bindings in the org units the caller administers."""
        async with request.app.state.runtime.database.uow() as uow:
            rows = await visible_bindings(uow, account_id, actor=actor)
            return [BindingRead.model_validate(r, from_attributes=True) for r in rows]

    @router.post("/{account_id}/bindings", status_code=201)
    async def add_binding(
        account_id: uuid.UUID, body: BindingCreate, request: Request, actor: CurrentPrincipal
    ) -> BindingRead:
        """Grant a role in an org unit: the ministry anywhere, a municipality in its schools (their
        administration included), a school's administration its school's roles."""
        async with request.app.state.runtime.database.uow() as uow:
            binding = await grant_binding(
                uow, account_id, body.role, body.org_unit_id, actor=actor, pupil_ids=body.pupil_ids
            )
            await uow.commit()
            return BindingRead.model_validate(binding, from_attributes=True)

    @router.delete("/{account_id}/bindings/{binding_id}", status_code=204)
    async def remove_binding(
        account_id: uuid.UUID,
        binding_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        reason: Annotated[str | None, Query(max_length=500)] = None,
    ) -> Response:
        """Revoke a role, by the same rule as granting it; recorded in the account's audit."""
        async with request.app.state.runtime.database.uow() as uow:
            await revoke_binding(uow, account_id, binding_id, actor=actor, reason=reason)
            await uow.commit()
        return Response(status_code=204)

    return router
