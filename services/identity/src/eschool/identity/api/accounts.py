"""Administration of accounts: reset a password, disable, enable, read the account's audit."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import Stamp
from eschool.identity.api.deps import database_of, passwords_of
from eschool.identity.db.models import AccountAudit, UserAccount
from eschool.identity.services.lifecycle import (
    administered_account,
    disable_account,
    enable_account,
    reset_password,
)

Reason = Annotated[str, Field(min_length=3, max_length=500)]


class AccountRead(BaseModel):
    """An account as administrators see it (never its password hash)."""

    user_account_id: uuid.UUID
    login: str
    person_id: uuid.UUID | None
    must_change_password: bool
    locked_until: Stamp | None
    disabled_at: Stamp | None
    created_at: Stamp


class ResetRequest(BaseModel):
    """Why the password is reset (kept in the account's audit)."""

    reason: Reason | None = None


class ResetRead(BaseModel):
    """The new one-time password, shown this once; the person must change it at first login."""

    login: str
    one_time_password: str


class DisableRequest(BaseModel):
    """Why the account is disabled."""

    reason: Reason


class AuditRead(BaseModel):
    """One administrative action on an account."""

    action: str
    actor_user_id: uuid.UUID | None
    occurred_at: Stamp
    reason: str | None
    # What changed, by id (the role and org unit of a binding, the school of issued credentials).
    detail: dict[str, Any] | None = None


def accounts_router() -> APIRouter:
    """Routes under /v1/accounts/{account_id}."""
    router = APIRouter(prefix="/v1/accounts", tags=["administration"])

    @router.get("/{account_id}")
    async def read_account(account_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> AccountRead:
        """An account the caller administers."""
        async with database_of(request).uow() as uow:
            target = await administered_account(uow, account_id, actor=actor)
            return AccountRead.model_validate(target.account, from_attributes=True)

    @router.post("/{account_id}/password-reset")
    async def reset(
        account_id: uuid.UUID, body: ResetRequest, request: Request, actor: CurrentPrincipal
    ) -> ResetRead:
        """Issue a new one-time password (shown once) and end the account's sessions."""
        async with database_of(request).uow() as uow:
            password = await reset_password(
                uow, account_id, actor=actor, passwords=passwords_of(request), reason=body.reason
            )
            account = await uow.session.get(UserAccount, account_id)
            await uow.commit()
        assert account is not None
        return ResetRead(login=account.login, one_time_password=password)

    @router.post("/{account_id}/disable")
    async def disable(
        account_id: uuid.UUID, body: DisableRequest, request: Request, actor: CurrentPrincipal
    ) -> AccountRead:
        """Disable the account: no login, no refresh of its sessions."""
        async with database_of(request).uow() as uow:
            account = await disable_account(uow, account_id, actor=actor, reason=body.reason)
            await uow.commit()
            return AccountRead.model_validate(account, from_attributes=True)

    @router.post("/{account_id}/enable")
    async def enable(
        account_id: uuid.UUID, body: ResetRequest, request: Request, actor: CurrentPrincipal
    ) -> AccountRead:
        """Enable a disabled account again."""
        async with database_of(request).uow() as uow:
            account = await enable_account(uow, account_id, actor=actor, reason=body.reason)
            await uow.commit()
            return AccountRead.model_validate(account, from_attributes=True)

    @router.get("/{account_id}/audit")
    async def account_audit(
        account_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> list[AuditRead]:
        """What administrators did to the account, newest first."""
        async with database_of(request).uow() as uow:
            await administered_account(uow, account_id, actor=actor)
            rows = await uow.session.execute(
                select(AccountAudit)
                .where(AccountAudit.user_account_id == account_id)
                .order_by(AccountAudit.occurred_at.desc(), AccountAudit.account_audit_id.desc())
                .limit(200)
            )
            return [AuditRead.model_validate(r, from_attributes=True) for r in rows.scalars()]

    return router
