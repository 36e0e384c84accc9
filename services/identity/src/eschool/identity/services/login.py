"""Logging in with a login and password: lockout, the authorization log, the access token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from sqlalchemy import func, select

from eschool.common.db import UnitOfWork, as_utc, utcnow
from eschool.common.events.identity import LoginAttemptedV1, LoginOutcome
from eschool.identity.db.models import LoginAttempt, RoleBinding, UserAccount
from eschool.identity.domain.passwords import Passwords
from eschool.identity.oauth import invalid_grant, too_many_attempts
from eschool.identity.services.keys import ActiveKey
from eschool.identity.settings import IdentitySettings


@dataclass(frozen=True)
class LoginRequest:
    """What the token endpoint received (the password is checked, never stored or logged)."""

    login: str
    password: str
    client_id: str | None
    ip: str | None


async def authenticate(
    uow: UnitOfWork, request: LoginRequest, *, passwords: Passwords, settings: IdentitySettings
) -> UserAccount:
    """The account the credentials open; every attempt is logged and published, then committed."""
    now = utcnow()
    login = request.login.strip().lower()
    if retry_after := await _ip_limited(uow, request.ip, settings=settings, now=now):
        _record(uow, None, login, request, "ip_limited", now)
        await uow.commit()
        raise too_many_attempts(retry_after)
    account = (
        await uow.session.execute(select(UserAccount).where(UserAccount.login == login).with_for_update())
    ).scalar_one_or_none()
    outcome = await _check(account, request.password, passwords=passwords, settings=settings, now=now)
    _record(uow, account, login, request, outcome, now)
    await uow.commit()
    if outcome != "succeeded" or account is None:
        raise invalid_grant()
    return account


async def _ip_limited(uow: UnitOfWork, ip: str | None, *, settings: IdentitySettings, now: datetime) -> int:
    """Seconds the address must wait, 0 when it may try: failures from it in the lockout window."""
    if ip is None:
        return 0
    window_start = now - timedelta(seconds=settings.lockout_seconds)
    failures = (
        await uow.session.execute(
            select(func.count(), func.min(LoginAttempt.occurred_at)).where(
                LoginAttempt.ip == ip,
                LoginAttempt.occurred_at > window_start,
                LoginAttempt.outcome.in_(("bad_credentials", "locked", "disabled")),
            )
        )
    ).one()
    if failures[0] < settings.max_failed_logins_per_ip:
        return 0
    # Free again when the oldest failure of the window ages out.
    return max(1, int((as_utc(failures[1]) - window_start).total_seconds()) + 1)


async def _check(
    account: UserAccount | None,
    password: str,
    *,
    passwords: Passwords,
    settings: IdentitySettings,
    now: datetime,
) -> LoginOutcome:
    if account is None or account.password_hash is None:
        await passwords.spend_a_check_off_loop(password)  # the same work as a real check: no timing oracle
        return "bad_credentials"
    if account.disabled_at is not None or (
        account.locked_until is not None and as_utc(account.locked_until) > now
    ):
        # The same work again: how fast the answer comes must not tell that the account exists.
        await passwords.spend_a_check_off_loop(password)
        return "disabled" if account.disabled_at is not None else "locked"
    if not await passwords.verify_off_loop(account.password_hash, password):
        account.failed_logins += 1
        if account.failed_logins >= settings.max_failed_logins:
            account.locked_until = now + timedelta(seconds=settings.lockout_seconds)
            account.failed_logins = 0
        return "bad_credentials"
    account.failed_logins = 0
    account.locked_until = None
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = await passwords.hash_off_loop(password)
    return "succeeded"


def _record(
    uow: UnitOfWork,
    account: UserAccount | None,
    login: str,
    request: LoginRequest,
    outcome: LoginOutcome,
    now: datetime,
) -> None:
    account_id = account.user_account_id if account is not None else None
    uow.session.add(
        LoginAttempt(
            user_account_id=account_id,
            login=login[:100],
            occurred_at=now,
            ip=request.ip,
            client_id=request.client_id,
            outcome=outcome,
        )
    )
    uow.outbox.add(
        LoginAttemptedV1(
            user_account_id=account_id, outcome=outcome, client_id=request.client_id, occurred_at=now
        ),
        subject=account_id or uuid.UUID(int=0),
    )


async def issue_access_token(
    uow: UnitOfWork, account: UserAccount, key: ActiveKey, *, settings: IdentitySettings
) -> tuple[str, int]:
    """An RS256 access token carrying the user, the person and the role bindings; and its lifetime."""
    bindings = (
        await uow.session.execute(
            select(RoleBinding.role, RoleBinding.org_unit_id, RoleBinding.pupil_ids).where(
                RoleBinding.user_account_id == account.user_account_id
            )
        )
    ).all()
    now = utcnow()
    ttl = settings.access_token_ttl_seconds
    claims = {
        "iss": settings.issuer_url,
        "aud": settings.jwt_audience,
        "sub": str(account.user_account_id),
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + ttl,
        "jti": uuid.uuid4().hex,
        "roles": [_role_claim(b.role, b.org_unit_id, b.pupil_ids) for b in bindings],
    }
    if account.person_id is not None:
        claims["pid"] = str(account.person_id)
    if account.must_change_password:
        claims["pwd_change"] = True
    token = jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})
    return token, ttl


def _role_claim(role: str, org_unit_id: uuid.UUID | None, pupil_ids: list[str] | None) -> dict[str, Any]:
    claim: dict[str, Any] = {"role": role, "org": str(org_unit_id) if org_unit_id else None}
    if role == "guardian":
        claim["pupils"] = list(pupil_ids or [])
    return claim
