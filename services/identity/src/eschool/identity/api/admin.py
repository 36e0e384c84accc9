"""Administration of role bindings, behind role checks."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel

from eschool.common.auth import CurrentPrincipal, Role
from eschool.identity.services.bindings import grant_binding, visible_bindings


class BindingCreate(BaseModel):
    """A role to grant in an org unit."""

    role: Role
    org_unit_id: uuid.UUID | None = None


class BindingRead(BaseModel):
    """A granted role."""

    role_binding_id: uuid.UUID
    role: str
    org_unit_id: uuid.UUID | None
    granted_at: datetime
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
        """Grant a role in an org unit (a school's administration grants its school's roles)."""
        async with request.app.state.runtime.database.uow() as uow:
            binding = await grant_binding(uow, account_id, body.role, body.org_unit_id, actor=actor)
            await uow.commit()
            return BindingRead.model_validate(binding, from_attributes=True)

    return router
