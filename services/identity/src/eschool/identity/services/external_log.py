"""External logins in the authorization log and on the bus, and the refusals people see."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem
from eschool.common.events.identity import LoginAttemptedV1, LoginOutcome
from eschool.common.logging import get_logger
from eschool.identity.db.models import LoginAttempt, UserAccount
from eschool.identity.oauth import oauth_error
from eschool.identity.oidc_client import ExternalClaims

log = get_logger(__name__)

_CHECK_FAILED = "Вход через {name} не прошёл проверку безопасности. Начните вход заново"
# outcome: (HTTP status, problem code, what the person reads)
_REFUSALS: dict[str, tuple[int, str, str]] = {
    "state_invalid": (
        400,
        "invalid_state",
        "Ссылка для входа устарела или уже использована. Начните вход заново",
    ),
    "provider_error": (400, "provider_refused", "Вход через {name} не подтверждён. Начните вход заново"),
    "id_token_invalid": (400, "id_token_invalid", _CHECK_FAILED),
    "nonce_mismatch": (400, "nonce_mismatch", _CHECK_FAILED),
    "unknown_person": (403, "person_not_found", "Не удалось найти вас в электронной школе"),
    "disabled": (403, "account_disabled", "Учётная запись отключена"),
}
_UNAVAILABLE = "Вход через {name} сейчас недоступен, попробуйте позже"


@dataclass(frozen=True)
class Attempt:
    """One external login as the authorization log sees it (never a code, token or SNILS)."""

    provider: str
    display_name: str
    ip: str | None
    subject: str | None = None
    account: UserAccount | None = None

    def about(self, claims: ExternalClaims, account: UserAccount | None) -> Attempt:
        """The same attempt once the provider has said who signed in."""
        return replace(self, subject=claims.subject, account=account)

    @property
    def login(self) -> str:
        """The account's login, else the provider's subject, else just the provider."""
        if self.account is not None:
            return self.account.login
        return f"{self.provider}:{self.subject}"[:100] if self.subject else self.provider

    def record(self, uow: UnitOfWork, outcome: LoginOutcome) -> None:
        """Add the attempt to the authorization log and publish it (the caller commits)."""
        now = utcnow()
        account_id = self.account.user_account_id if self.account is not None else None
        uow.session.add(
            LoginAttempt(
                user_account_id=account_id, login=self.login, occurred_at=now, ip=self.ip, outcome=outcome
            )
        )
        event = LoginAttemptedV1(
            user_account_id=account_id,
            outcome=outcome,
            client_id=None,
            occurred_at=now,
            provider=self.provider,
        )
        uow.outbox.add(event, subject=account_id or uuid.UUID(int=0))


async def refused(
    uow: UnitOfWork,
    attempt: Attempt,
    outcome: LoginOutcome,
    detail: str | None = None,
    *,
    reason: str | None = None,
    status: int | None = None,
) -> Problem:
    """Record a refused attempt, commit, and the problem to raise."""
    attempt.record(uow, outcome)
    await uow.commit()
    log.info("identity.external.refused", provider=attempt.provider, outcome=outcome, reason=reason)
    return refusal(outcome, attempt.display_name, detail, status=status)


def refusal(outcome: LoginOutcome, display_name: str, detail: str | None, *, status: int | None) -> Problem:
    """The problem+json (with OAuth error fields) a refused external login answers with."""
    default_status, code, default_detail = _REFUSALS[outcome]
    if status is not None and status >= 500:
        return oauth_error(status, "provider_unavailable", _UNAVAILABLE.format(name=display_name))
    return oauth_error(default_status, code, (detail or default_detail).format(name=display_name))
