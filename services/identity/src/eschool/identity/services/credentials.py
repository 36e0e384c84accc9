"""Bulk credentials: logins and one-time passwords (seed 003) for a class's pupils and guardians, handed
out by the class teacher or the school's administration, and for staff, by those who may grant the role
(seed 004, 3.1: staff get their access from the journal's administrator).

The passwords exist in clear only in the answer (the sheet that is printed and handed out); identity
keeps their Argon2id hashes, and a lost sheet means a new batch, not a download. A person who already
has an account gets a new one-time password on it, but only from someone who administers everything
that account holds: a class teacher never resets a colleague's password by naming them as a parent.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from eschool.common.auth import Principal, Role
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import forbidden
from eschool.identity.db.models import RoleBinding, UserAccount
from eschool.identity.db.projections import GuardianLink
from eschool.identity.domain.logins import login_stem, unique_login
from eschool.identity.domain.passwords import Passwords, generate_password
from eschool.identity.services.access_lock import school_access_lock
from eschool.identity.services.audit import audit, end_sessions
from eschool.identity.services.jurisdiction import (
    SCHOOL_ADMINISTRATORS,
    Jurisdiction,
    jurisdiction_of,
    may_grant,
)
from eschool.identity.services.lifecycle import ABOVE_SCHOOL, set_password

FAMILY = frozenset({Role.pupil, Role.guardian})


@dataclass(frozen=True)
class Person:
    """Someone to issue credentials to; the names only shape the login and the sheet."""

    person_id: uuid.UUID
    role: Role
    last_name: str
    first_name: str
    middle_name: str | None = None
    class_label: str | None = None
    pupil_ids: tuple[uuid.UUID, ...] = ()

    @property
    def full_name(self) -> str:
        """Фамилия Имя Отчество."""
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


@dataclass(frozen=True)
class Issued:
    """A login and its one-time password, for the sheet only."""

    person: Person
    login: str
    password: str
    new_account: bool


def may_issue(actor: Principal, jurisdiction: Jurisdiction, role: Role, school_id: uuid.UUID) -> bool:
    """Families' access: the school's administration and its class teachers; staff's: who may grant it."""
    if role in FAMILY:
        if may_grant(jurisdiction, role, school_id):
            return True
        return school_id in actor.org_units_for(*SCHOOL_ADMINISTRATORS, Role.class_teacher)
    return may_grant(jurisdiction, role, school_id)


async def issue_credentials(
    uow: UnitOfWork, school_id: uuid.UUID, people: Sequence[Person], *, actor: Principal, passwords: Passwords
) -> list[Issued]:
    """New one-time passwords for each person: a new account, or a reset of the person's account.

    All or nothing: one person refused refuses the batch, naming them, before anything is written.
    """
    jurisdiction = await jurisdiction_of(uow, actor)
    accounts: list[UserAccount | None] = []
    for index, person in enumerate(people):
        if not may_issue(actor, jurisdiction, person.role, school_id):
            raise forbidden(
                "issue_not_allowed",
                "Выдавать доступ родителям и ученикам может администрация школы или классный руководитель, "
                "сотрудникам — администрация школы",
                field_name=f"body.people[{index}].role",
            )
        account = await _account_of(uow, person.person_id)
        if account is not None:
            await _require_resettable(uow, account, jurisdiction, school_id, index)
        accounts.append(account)
    # Argon2id is deliberately slow: hashed off the event loop so a class of 30 does not stall it, and
    # before the lock below, which contingent's events for the school wait for.
    generated = [generate_password() for _ in people]
    hashed = [await passwords.hash_off_loop(password) for password in generated]
    # Contingent's events about the school's people (a guardian linked, a teacher dismissed) wait for the
    # batch from here, and it for them: each derives the bindings from what the other writes.
    await uow.lock(school_access_lock(school_id))
    issued = []
    taken: set[str] = set()
    for person, account, password, encoded in zip(people, accounts, generated, hashed, strict=True):
        new = account is None
        if account is None:
            account = await _new_account(uow, person, encoded, taken)
        else:
            set_password(account, encoded, one_time=True)
            await end_sessions(uow, account.user_account_id)
        await _ensure_binding(uow, account, person, school_id, actor)
        audit(
            uow,
            account.user_account_id,
            "credentials_issued",
            actor=actor,
            detail={"school_id": str(school_id), "role": person.role.value},
        )
        issued.append(Issued(person, account.login, password, new))
    return issued


async def _require_resettable(
    uow: UnitOfWork, account: UserAccount, jurisdiction: Jurisdiction, school_id: uuid.UUID, index: int
) -> None:
    """403 unless the actor may replace this account's password: a family account of this school (or
    bindings the actor administers, every one of them)."""
    rows = (
        await uow.session.execute(
            select(RoleBinding.role, RoleBinding.org_unit_id).where(
                RoleBinding.user_account_id == account.user_account_id
            )
        )
    ).all()
    family_only = all(row.role in FAMILY for row in rows)
    administered = jurisdiction.administers_all(frozenset(row.org_unit_id for row in rows)) and not any(
        row.role in ABOVE_SCHOOL for row in rows
    )
    if (family_only or administered or jurisdiction.everywhere) and account.disabled_at is None:
        return
    detail = (
        "Учётная запись этого человека отключена: её включает администратор"
        if account.disabled_at is not None
        else "У этого человека уже есть учётная запись сотрудника: её пароль сбрасывает администратор школы"
    )
    raise forbidden("account_not_resettable", detail, field_name=f"body.people[{index}].person_id")


async def _account_of(uow: UnitOfWork, person_id: uuid.UUID) -> UserAccount | None:
    rows = await uow.session.execute(
        select(UserAccount)
        .where(UserAccount.person_id == person_id)
        .order_by(UserAccount.created_at)
        .limit(1)
    )
    return rows.scalar_one_or_none()


async def _new_account(uow: UnitOfWork, person: Person, encoded: str, taken: set[str]) -> UserAccount:
    stem = login_stem(person.last_name, person.first_name, person.middle_name)
    existing = await uow.session.execute(select(UserAccount.login).where(UserAccount.login.startswith(stem)))
    taken.update(existing.scalars())
    login = unique_login(stem, taken.__contains__)
    taken.add(login)
    account = UserAccount(
        user_account_id=uuid.uuid4(),
        login=login,
        password_hash=encoded,
        person_id=person.person_id,
        must_change_password=True,
        failed_logins=0,
        created_at=utcnow(),
    )
    uow.session.add(account)
    await uow.session.flush()
    return account


async def _ensure_binding(
    uow: UnitOfWork, account: UserAccount, person: Person, school_id: uuid.UUID, actor: Principal
) -> None:
    binding = (
        await uow.session.execute(
            select(RoleBinding).where(
                RoleBinding.user_account_id == account.user_account_id,
                RoleBinding.role == person.role.value,
                RoleBinding.org_unit_id == school_id,
            )
        )
    ).scalar_one_or_none()
    # The children contingent has linked the guardian to in this school come with the new access.
    linked = await uow.session.execute(
        select(GuardianLink.pupil_person_id).where(
            GuardianLink.guardian_person_id == person.person_id,
            GuardianLink.school_id == school_id,
            GuardianLink.linked,
        )
    )
    held = binding.pupil_ids or [] if binding else []
    pupils = sorted({*held, *map(str, person.pupil_ids), *map(str, linked.scalars())})
    if binding is None:
        uow.session.add(
            RoleBinding(
                role_binding_id=uuid.uuid4(),
                user_account_id=account.user_account_id,
                role=person.role.value,
                org_unit_id=school_id,
                granted_at=utcnow(),
                granted_by=actor.user_id,
                pupil_ids=pupils if person.role is Role.guardian else None,
            )
        )
    elif person.role is Role.guardian:
        binding.pupil_ids = pupils
