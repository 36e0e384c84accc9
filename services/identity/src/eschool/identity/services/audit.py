"""The account audit: every administrative change to an account, with who, when and why."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.identity.db.models import AccountAudit, RefreshToken


def audit(
    uow: UnitOfWork,
    account_id: uuid.UUID,
    action: str,
    *,
    actor: Principal | None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record an action on an account in the caller's transaction (never a password or a token)."""
    uow.session.add(
        AccountAudit(
            user_account_id=account_id,
            action=action,
            actor_user_id=None if actor is None else actor.user_id,
            occurred_at=utcnow(),
            reason=reason,
            detail=detail,
        )
    )


async def end_sessions(uow: UnitOfWork, account_id: uuid.UUID) -> None:
    """Revoke every refresh token of the account: its sessions end at the next refresh."""
    await uow.session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_account_id == account_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
