"""One-time login codes: how an external login hands our tokens to the front end."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import delete

from eschool.common.db import UnitOfWork, as_utc, utcnow
from eschool.common.logging import get_logger
from eschool.identity.db.external import LoginCode
from eschool.identity.db.models import UserAccount
from eschool.identity.domain.pkce import digest, new_secret, verifier_matches
from eschool.identity.oauth import invalid_grant
from eschool.identity.services.refresh import issue_refresh_token, revoke_family

log = get_logger(__name__)

EXPIRED = "Код входа недействителен или устарел, войдите снова"


def issue_login_code(
    uow: UnitOfWork, account_id: uuid.UUID, *, ttl: timedelta, client_code_challenge: str | None
) -> str:
    """A new one-time code for the account; only its digest is stored."""
    code = new_secret()
    now = utcnow()
    uow.session.add(
        LoginCode(
            code_hash=digest(code),
            user_account_id=account_id,
            client_code_challenge=client_code_challenge,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    return code


async def redeem_login_code(
    uow: UnitOfWork, code: str, *, code_verifier: str | None, ttl: timedelta, client_id: str | None
) -> tuple[UserAccount, str]:
    """Spend a code: its account and a new refresh token; a second use ends what the first one opened."""
    now = utcnow()
    row = await uow.session.get(LoginCode, digest(code), with_for_update=True)
    if row is None or as_utc(row.expires_at) <= now:
        raise invalid_grant(EXPIRED)
    if row.used_at is not None:
        # RFC 6749 4.1.2: a code used twice may have been stolen; the session it opened is revoked.
        if row.family_id is not None:
            await revoke_family(uow, row.family_id)
        await uow.commit()
        log.warning("identity.login_code.reuse_detected", user_account_id=str(row.user_account_id))
        raise invalid_grant(EXPIRED)
    if row.client_code_challenge is not None and not verifier_matches(
        code_verifier, row.client_code_challenge
    ):
        raise invalid_grant("Проверка PKCE не пройдена (code_verifier)")
    account = await uow.session.get(UserAccount, row.user_account_id)
    if account is None or account.disabled_at is not None:
        raise invalid_grant(EXPIRED)
    row.used_at, row.family_id = now, uuid.uuid4()
    refresh = issue_refresh_token(
        uow, account.user_account_id, ttl=ttl, client_id=client_id, family_id=row.family_id
    )
    return account, refresh


async def purge_expired_codes(uow: UnitOfWork) -> None:
    """Forget codes past their lifetime (a reused expired code is refused as expired anyway)."""
    await uow.session.execute(delete(LoginCode).where(LoginCode.expires_at < utcnow()))
