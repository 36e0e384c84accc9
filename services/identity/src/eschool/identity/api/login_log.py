"""The authorization log: every login attempt, filtered, for the administration."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from eschool.common.auth import CurrentPrincipal
from eschool.common.events.identity import LoginOutcome
from eschool.common.http.request import Stamp
from eschool.identity.api.deps import database_of
from eschool.identity.services.login_log import LoginLogFilter, login_attempts


class LoginAttemptRead(BaseModel):
    """One attempt: who, when, from where, with which client, and how it ended."""

    login_attempt_id: int
    user_account_id: uuid.UUID | None
    login: str
    occurred_at: Stamp
    ip: str | None
    client_id: str | None
    outcome: LoginOutcome


class LoginAttemptPage(BaseModel):
    """A page of the log, newest first, and the cursor of the next page."""

    items: list[LoginAttemptRead]
    next_cursor: str | None


def login_log_router() -> APIRouter:
    """Routes under /v1/login-attempts."""
    router = APIRouter(prefix="/v1/login-attempts", tags=["administration"])

    @router.get("")
    async def list_attempts(
        request: Request,
        actor: CurrentPrincipal,
        account_id: uuid.UUID | None = None,
        login: Annotated[str | None, Query(max_length=100)] = None,
        outcome: LoginOutcome | None = None,
        ip: Annotated[str | None, Query(max_length=64)] = None,
        since: datetime | None = None,
        until: datetime | None = None,
        org_unit_id: uuid.UUID | None = None,
        cursor: Annotated[str | None, Query(max_length=500)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> LoginAttemptPage:
        """The authorization log of the accounts the caller administers, newest first."""
        wanted = LoginLogFilter(account_id, login, outcome, ip, since, until, org_unit_id)
        async with database_of(request).uow() as uow:
            page = await login_attempts(uow, wanted, actor=actor, cursor=cursor, limit=limit)
        return LoginAttemptPage(
            items=[LoginAttemptRead.model_validate(a, from_attributes=True) for a in page.items],
            next_cursor=page.next_cursor,
        )

    return router
