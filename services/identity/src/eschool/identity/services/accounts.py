"""Accounts: created with a password (or a generated one-time password) and role bindings."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from eschool.common.auth import Role
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import conflict, unprocessable
from eschool.identity.db.models import RoleBinding, UserAccount
from eschool.identity.domain.passwords import Passwords, policy_violation


async def create_account(
    uow: UnitOfWork,
    *,
    login: str,
    password: str,
    passwords: Passwords,
    person_id: uuid.UUID | None = None,
    bindings: Sequence[tuple[Role, uuid.UUID | None]] = (),
    one_time: bool = False,
    granted_by: uuid.UUID | None = None,
) -> UserAccount:
    """Create an account; a one-time (generated) password must be changed at first login."""
    login = login.strip().lower()
    if reason := policy_violation(password, login=login):
        raise unprocessable("weak_password", reason, field_name="body.password")
    existing = await uow.session.execute(
        select(UserAccount.user_account_id).where(UserAccount.login == login)
    )
    if existing.first() is not None:
        raise conflict("login_taken", "Такой логин уже занят")
    now = utcnow()
    account = UserAccount(
        user_account_id=uuid.uuid4(),
        login=login,
        password_hash=await passwords.hash_off_loop(password),
        person_id=person_id,
        must_change_password=one_time,
        failed_logins=0,
        created_at=now,
        password_changed_at=None if one_time else now,
    )
    uow.session.add(account)
    await uow.session.flush()  # the account row first: the bindings reference it
    for role, org_unit_id in bindings:
        uow.session.add(
            RoleBinding(
                role_binding_id=uuid.uuid4(),
                user_account_id=account.user_account_id,
                role=role.value,
                org_unit_id=org_unit_id,
                granted_at=now,
                granted_by=granted_by,
            )
        )
    return account
