"""The authorization log as administrators read it (seed 001: «журнал авторизации»)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select

from eschool.common.auth import Principal, Role
from eschool.common.db import Repository, UnitOfWork
from eschool.common.db.pagination import Page
from eschool.common.errors import forbidden
from eschool.identity.db.models import LoginAttempt, RoleBinding
from eschool.identity.services.jurisdiction import jurisdiction_of


@dataclass(frozen=True)
class LoginLogFilter:
    """What to look for; every field narrows the search."""

    account_id: uuid.UUID | None = None
    login: str | None = None
    outcome: str | None = None
    ip: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    org_unit_id: uuid.UUID | None = None


async def login_attempts(
    uow: UnitOfWork, wanted: LoginLogFilter, *, actor: Principal, cursor: str | None, limit: int
) -> Page[LoginAttempt]:
    """Attempts the actor may see, newest first: the ministry all, a school its own accounts' only."""
    stmt = _narrowed(select(LoginAttempt), wanted)
    schools = await _visible_schools(uow, actor, wanted.org_unit_id)
    if schools is not None:
        bound = select(RoleBinding.user_account_id).where(RoleBinding.org_unit_id.in_(schools))
        stmt = stmt.where(LoginAttempt.user_account_id.in_(bound))
    return await Repository(uow.session).paginate(
        stmt, keys=(LoginAttempt.login_attempt_id,), cursor=cursor, limit=limit, descending=True
    )


async def _visible_schools(
    uow: UnitOfWork, actor: Principal, org_unit_id: uuid.UUID | None
) -> set[uuid.UUID] | None:
    """The schools whose accounts the actor may see the log of (None: all of them)."""
    if actor.has_role(Role.ministry):
        return None if org_unit_id is None else {org_unit_id}
    jurisdiction = await jurisdiction_of(uow, actor)
    if not jurisdiction.administers_anything:
        raise forbidden("role_required", "Журнал авторизации доступен администрации школы и муниципалитета")
    if org_unit_id is not None:
        if org_unit_id not in jurisdiction.schools:
            raise forbidden("org_unit_not_administered", "Эта организация вам не подчинена")
        return {org_unit_id}
    return set(jurisdiction.schools)


def _narrowed(stmt: Select[tuple[LoginAttempt]], wanted: LoginLogFilter) -> Select[tuple[LoginAttempt]]:
    if wanted.account_id is not None:
        stmt = stmt.where(LoginAttempt.user_account_id == wanted.account_id)
    if wanted.login:
        stmt = stmt.where(LoginAttempt.login == wanted.login.strip().lower())
    if wanted.outcome:
        stmt = stmt.where(LoginAttempt.outcome == wanted.outcome)
    if wanted.ip:
        stmt = stmt.where(LoginAttempt.ip == wanted.ip)
    if wanted.since is not None:
        stmt = stmt.where(LoginAttempt.occurred_at >= wanted.since)
    if wanted.until is not None:
        stmt = stmt.where(LoginAttempt.occurred_at < wanted.until)
    return stmt
