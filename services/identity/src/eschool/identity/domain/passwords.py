"""Passwords: Argon2id hashes and the password policy (no I/O).

Hashing and checking cost ~0.2 s of CPU by design. The ``*_off_loop`` forms run them in a worker
thread: argon2-cffi releases the GIL, so logins use every core and the event loop keeps answering
every other request meanwhile (on the loop, one login stalled the whole process for its duration).
"""

from __future__ import annotations

import asyncio
import secrets
import string
from dataclasses import dataclass
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 8
# Generated one-time passwords skip look-alike characters: they are read off paper by children.
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


@dataclass(frozen=True)
class Passwords:
    """Argon2id hashing with the configured cost."""

    hasher: PasswordHasher

    @classmethod
    def with_cost(cls, *, time_cost: int, memory_kib: int, parallelism: int) -> Passwords:
        """A hasher with explicit cost parameters (Argon2id)."""
        return cls(PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism))

    def hash(self, password: str) -> str:
        """The encoded Argon2id hash (salt and parameters included)."""
        return self.hasher.hash(password)

    def verify(self, encoded: str, password: str) -> bool:
        """Whether the password matches; a malformed stored hash counts as no match."""
        try:
            return self.hasher.verify(encoded, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    async def verify_off_loop(self, encoded: str, password: str) -> bool:
        """``verify`` in a worker thread."""
        return await asyncio.to_thread(self.verify, encoded, password)

    async def hash_off_loop(self, password: str) -> str:
        """``hash`` in a worker thread."""
        return await asyncio.to_thread(self.hash, password)

    async def spend_a_check_off_loop(self, password: str) -> None:
        """``spend_a_check`` in a worker thread."""
        await asyncio.to_thread(self.spend_a_check, password)

    def spend_a_check(self, password: str) -> None:
        """Do the work of one verification against nothing, so unknown logins take as long as known ones."""
        self.verify(self._dummy_hash, password)

    @cached_property
    def _dummy_hash(self) -> str:
        return self.hash(secrets.token_hex(16))

    def needs_rehash(self, encoded: str) -> bool:
        """Whether the hash was made with other parameters and should be replaced at next login."""
        return self.hasher.check_needs_rehash(encoded)


def policy_violation(password: str, *, login: str) -> str | None:
    """The reason (Russian, for the person) a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"Пароль должен содержать не менее {MIN_LENGTH} символов"
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return "Пароль должен содержать буквы и цифры"
    if login and login.lower() in password.lower():
        return "Пароль не должен содержать логин"
    return None


def generate_password(length: int = 10) -> str:
    """A one-time password that satisfies the policy."""
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if policy_violation(candidate, login="") is None:
            return candidate
