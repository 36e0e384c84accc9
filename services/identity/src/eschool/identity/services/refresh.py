"""Refresh tokens: opaque, rotated on every use; a reused one revokes its whole family."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from sqlalchemy import select, update

from eschool.common.db import UnitOfWork, as_utc, utcnow
from eschool.common.logging import get_logger
from eschool.identity.db.models import RefreshToken, UserAccount
from eschool.identity.oauth import invalid_grant

log = get_logger(__name__)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_refresh_token(
    uow: UnitOfWork,
    account_id: uuid.UUID,
    *,
    ttl: timedelta,
    client_id: str | None,
    family_id: uuid.UUID | None = None,
) -> str:
    """A new opaque refresh token (a new family unless one is given); only its digest is stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    uow.session.add(
        RefreshToken(
            refresh_token_id=uuid.uuid4(),
            family_id=family_id or uuid.uuid4(),
            user_account_id=account_id,
            token_hash=_digest(token),
            client_id=client_id,
            issued_at=now,
            expires_at=now + ttl,
        )
    )
    return token


async def rotate_refresh_token(
    uow: UnitOfWork, token: str, *, ttl: timedelta, client_id: str | None
) -> tuple[UserAccount, str]:
    """Spend a refresh token: the account and its successor; a second use of one revokes the family.

    A stolen token used after its owner already rotated it (or the other way round) shows up as a
    reuse: the family is revoked, so the thief's and the owner's sessions both end and the owner logs
    in again.
    """
    now = utcnow()
    row = (
        await uow.session.execute(
            select(RefreshToken).where(RefreshToken.token_hash == _digest(token)).with_for_update()
        )
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= now:
        raise invalid_grant("Сеанс истёк, войдите снова")
    if row.used_at is not None:
        await revoke_family(uow, row.family_id)
        await uow.commit()
        log.warning("identity.refresh.reuse_detected", family_id=str(row.family_id))
        raise invalid_grant("Сеанс завершён из соображений безопасности, войдите снова")
    account = await uow.session.get(UserAccount, row.user_account_id)
    if account is None or account.disabled_at is not None:
        raise invalid_grant("Сеанс истёк, войдите снова")
    row.used_at = now
    successor = issue_refresh_token(
        uow, account.user_account_id, ttl=ttl, client_id=client_id, family_id=row.family_id
    )
    return account, successor


async def revoke_family(uow: UnitOfWork, family_id: uuid.UUID) -> None:
    """End every token of a rotation family."""
    await uow.session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def revoke_token(uow: UnitOfWork, token: str) -> None:
    """RFC 7009 revocation: the token's family ends; an unknown token is not an error."""
    row = (
        await uow.session.execute(
            select(RefreshToken.family_id).where(RefreshToken.token_hash == _digest(token))
        )
    ).scalar_one_or_none()
    if row is not None:
        await revoke_family(uow, row)
