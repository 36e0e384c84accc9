"""What identity's routes take from the request: settings, the database, the password hasher."""

from __future__ import annotations

from functools import cache

from fastapi import Request

from eschool.common.http.request import database_of
from eschool.common.http.request import settings_of as _settings_of
from eschool.identity.domain.passwords import Passwords
from eschool.identity.settings import IdentitySettings

__all__ = ["database_of", "passwords_for", "passwords_of", "settings_of"]


def settings_of(request: Request) -> IdentitySettings:
    """Identity's settings of the running service."""
    return _settings_of(request, IdentitySettings)


@cache
def _passwords(time_cost: int, memory_kib: int, parallelism: int) -> Passwords:
    return Passwords.with_cost(time_cost=time_cost, memory_kib=memory_kib, parallelism=parallelism)


def passwords_for(settings: IdentitySettings) -> Passwords:
    """The hasher with the configured Argon2id cost (one per cost, shared)."""
    return _passwords(settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)


def passwords_of(request: Request) -> Passwords:
    """The hasher of the running service."""
    return passwords_for(settings_of(request))
