"""Events identity publishes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from eschool.common.events.base import Event

# ip_limited: too many failed logins from one address lately, refused before any account was looked at.
LoginOutcome = Literal["succeeded", "bad_credentials", "locked", "disabled", "ip_limited"]


class LoginAttemptedV1(Event):
    """Emitted for every login attempt, for login monitoring; never carries the login or password."""

    event_type = "identity.login.attempted.v1"

    user_account_id: uuid.UUID | None
    outcome: LoginOutcome
    client_id: str | None
    occurred_at: datetime
