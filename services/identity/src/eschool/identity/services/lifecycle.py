"""An account's life: password change, administrative reset, disable and enable."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from eschool.common.auth import Principal, Role
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import forbidden, not_found, unprocessable
from eschool.identity.db.models import RoleBinding, UserAccount
from eschool.identity.domain.passwords import Passwords, generate_password, policy_violation
from eschool.identity.services.audit import audit, end_sessions
from eschool.identity.services.jurisdiction import Jurisdiction, jurisdiction_of

# Accounts that administer territories are looked after from the ministry, never from a school.
ABOVE_SCHOOL = frozenset({Role.ministry.value, Role.municipality.value})


@dataclass(frozen=True)
class Administered:
    """An account the actor may administer, with the org units of its bindings."""

    account: UserAccount
    org_units: frozenset[uuid.UUID | None]
    roles: frozenset[str]
    jurisdiction: Jurisdiction


async def administered_account(uow: UnitOfWork, account_id: uuid.UUID, *, actor: Principal) -> Administered:
    """The account if the actor administers it; 404 when it is out of the actor's sight."""
    account = await uow.session.get(UserAccount, account_id, with_for_update=True)
    rows = (
        await uow.session.execute(
            select(RoleBinding.role, RoleBinding.org_unit_id).where(RoleBinding.user_account_id == account_id)
        )
    ).all()
    target = None
    if account is not None:
        target = Administered(
            account,
            frozenset(r.org_unit_id for r in rows),
            frozenset(r.role for r in rows),
            await jurisdiction_of(uow, actor),
        )
    if target is None or not _sees(target):
        # Not "forbidden": a school must not learn that an account exists in another school.
        raise not_found("account_not_found", "Учётная запись не найдена")
    return target


def _sees(target: Administered) -> bool:
    jurisdiction = target.jurisdiction
    if jurisdiction.everywhere:
        return True
    # Territories' own accounts are looked after from the ministry, never from a school or a municipality.
    mine = any(unit is not None and unit in jurisdiction.schools for unit in target.org_units)
    return mine and not (target.roles & ABOVE_SCHOOL)


def _require_whole(target: Administered) -> None:
    """Shutting an account down touches every school it works in: all of them must be the actor's."""
    if not target.jurisdiction.administers_all(target.org_units):
        raise forbidden(
            "account_shared",
            "Учётная запись используется и в другой организации: отзовите роль в своей школе "
            "или обратитесь к администратору муниципалитета",
        )


async def change_password(
    uow: UnitOfWork, account_id: uuid.UUID, current: str, new: str, *, passwords: Passwords
) -> UserAccount:
    """The person replaces their password (a generated one must be replaced at first login)."""
    account = await uow.session.get(UserAccount, account_id, with_for_update=True)
    if account is None or account.disabled_at is not None:
        raise not_found("account_not_found", "Учётная запись не найдена")
    if account.password_hash is None or not await passwords.verify_off_loop(account.password_hash, current):
        raise unprocessable(
            "wrong_password", "Текущий пароль указан неверно", field_name="body.current_password"
        )
    if reason := policy_violation(new, login=account.login):
        raise unprocessable("weak_password", reason, field_name="body.new_password")
    if await passwords.verify_off_loop(account.password_hash, new):
        raise unprocessable(
            "password_unchanged", "Новый пароль должен отличаться от текущего", field_name="body.new_password"
        )
    set_password(account, await passwords.hash_off_loop(new), one_time=False)
    audit(uow, account_id, "password_changed", actor=None)
    return account


async def reset_password(
    uow: UnitOfWork, account_id: uuid.UUID, *, actor: Principal, passwords: Passwords, reason: str | None
) -> str:
    """Give the account a new one-time password (shown once to the administrator); sessions end."""
    target = await administered_account(uow, account_id, actor=actor)
    password = generate_password()
    set_password(target.account, await passwords.hash_off_loop(password), one_time=True)
    await end_sessions(uow, account_id)
    audit(uow, account_id, "password_reset", actor=actor, reason=reason)
    return password


def set_password(account: UserAccount, encoded: str, *, one_time: bool) -> None:
    """Replace the password hash; a one-time password must be changed at next login; lockout ends."""
    account.password_hash = encoded
    account.must_change_password = one_time
    account.password_changed_at = None if one_time else utcnow()
    account.failed_logins = 0
    account.locked_until = None


async def disable_account(
    uow: UnitOfWork, account_id: uuid.UUID, *, actor: Principal, reason: str
) -> UserAccount:
    """Disable an account: no login, no refresh; issued access tokens run out within their lifetime."""
    target = await administered_account(uow, account_id, actor=actor)
    _require_whole(target)
    if actor.user_id == account_id:
        raise unprocessable(
            "cannot_disable_self", "Нельзя отключить собственную учётную запись", field_name="path.account_id"
        )
    if target.account.disabled_at is None:
        target.account.disabled_at = utcnow()
        await end_sessions(uow, account_id)
        audit(uow, account_id, "disabled", actor=actor, reason=reason)
    return target.account


async def enable_account(
    uow: UnitOfWork, account_id: uuid.UUID, *, actor: Principal, reason: str | None
) -> UserAccount:
    """Enable a disabled account again; a lockout in force is lifted with it."""
    target = await administered_account(uow, account_id, actor=actor)
    _require_whole(target)
    if target.account.disabled_at is not None:
        target.account.disabled_at = None
        target.account.locked_until = None
        target.account.failed_logins = 0
        audit(uow, account_id, "enabled", actor=actor, reason=reason)
    return target.account
