"""Which account an external login opens: a linked identity, else the person found by the SNILS hash."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from eschool.common.db import UnitOfWork, utcnow
from eschool.common.events.identity import LoginOutcome
from eschool.common.snils import InvalidSnilsError, snils_hash
from eschool.identity.db.external import ExternalIdentity
from eschool.identity.db.models import UserAccount
from eschool.identity.oidc_client import ExternalClaims
from eschool.identity.services.person_keys import person_by_snils_hash


class AccountRefusalError(Exception):
    """No account may be opened: the outcome for the log and what the person is told."""

    def __init__(self, outcome: LoginOutcome, detail: str, *, account: UserAccount | None = None) -> None:
        super().__init__(outcome)
        self.outcome, self.detail, self.account = outcome, detail, account


NO_SNILS = "{name} не передали СНИЛС, а без него мы не найдём вас в электронной школе"
UNKNOWN_SNILS = (
    "Ваш СНИЛС ещё не внесён в электронную школу. Попросите классного руководителя внести его "
    "в карточку родителя (или секретаря школы, если вы сотрудник) и повторите вход через {name}"
)
DISABLED = "Учётная запись отключена. Обратитесь к администратору школы"


async def account_for(
    uow: UnitOfWork, provider: str, display_name: str, claims: ExternalClaims, *, snils_key: bytes
) -> UserAccount:
    """The account to open; the first login links the provider's subject to it for the next ones."""
    link = await uow.session.get(ExternalIdentity, (provider, claims.subject))
    if link is not None:
        return _active(await uow.session.get(UserAccount, link.user_account_id))
    person_id = await _person(uow, claims, display_name, snils_key)
    account = await _person_account(uow, person_id, provider)
    uow.session.add(
        ExternalIdentity(
            provider=provider,
            subject=claims.subject,
            user_account_id=account.user_account_id,
            linked_at=utcnow(),
        )
    )
    return account


def _active(account: UserAccount | None) -> UserAccount:
    if account is None or account.disabled_at is not None:
        raise AccountRefusalError("disabled", DISABLED, account=account)
    return account


async def _person(uow: UnitOfWork, claims: ExternalClaims, display_name: str, key: bytes) -> uuid.UUID:
    if claims.snils is None:
        raise AccountRefusalError("unknown_person", NO_SNILS.format(name=display_name))
    try:
        hashed = snils_hash(claims.snils, key)
    except InvalidSnilsError as error:
        raise AccountRefusalError("unknown_person", UNKNOWN_SNILS.format(name=display_name)) from error
    person_id = await person_by_snils_hash(uow, hashed)
    if person_id is None:
        raise AccountRefusalError("unknown_person", UNKNOWN_SNILS.format(name=display_name))
    return person_id


async def _person_account(uow: UnitOfWork, person_id: uuid.UUID, provider: str) -> UserAccount:
    """The person's earliest active account; a new passwordless one if the person has none at all.

    A teacher who is also a guardian may have two accounts: the earliest is taken, so the choice is
    stable from one login to the next (and then fixed by the link). A person whose every account is
    disabled is refused: a new account would undo the administrator's decision.
    """
    accounts = (
        (
            await uow.session.execute(
                select(UserAccount)
                .where(UserAccount.person_id == person_id)
                .order_by(UserAccount.created_at, UserAccount.user_account_id)
            )
        )
        .scalars()
        .all()
    )
    if accounts:
        return _active(next((a for a in accounts if a.disabled_at is None), accounts[0]))
    account = UserAccount(
        user_account_id=uuid.uuid4(),
        login=f"{provider}-{uuid.uuid4().hex[:12]}",
        password_hash=None,
        person_id=person_id,
        must_change_password=False,
        failed_logins=0,
        created_at=utcnow(),
    )
    uow.session.add(account)
    await uow.session.flush()  # the account row first: the link references it
    return account
