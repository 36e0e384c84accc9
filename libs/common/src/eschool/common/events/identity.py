"""Events identity publishes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from eschool.common.events.base import Event

# ip_limited: too many failed logins from one address lately, refused before any account was looked at.
# The rest are logins through an external provider: a state that is unknown, used or expired; the
# provider refused or was unreachable; its ID token failed a check or carried another nonce; no person
# has the SNILS the provider gave.
LoginOutcome = Literal[
    "succeeded",
    "bad_credentials",
    "locked",
    "disabled",
    "ip_limited",
    "state_invalid",
    "provider_error",
    "id_token_invalid",
    "nonce_mismatch",
    "unknown_person",
]


class LoginAttemptedV1(Event):
    """Emitted for every login attempt, for login monitoring; never carries the login or password."""

    event_type = "identity.login.attempted.v1"

    user_account_id: uuid.UUID | None
    outcome: LoginOutcome
    client_id: str | None
    occurred_at: datetime
    # The external provider (esia) for a login through one; None for a login and password.
    provider: str | None = None
