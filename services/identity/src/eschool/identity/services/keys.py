"""Signing keys: created, rotated, published in the JWKS, used to sign access tokens."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import or_, select

from eschool.common.db import UnitOfWork, as_utc, utcnow
from eschool.identity.db.models import SigningKey


@dataclass(frozen=True)
class ActiveKey:
    """The key that signs now, decrypted in memory."""

    kid: str
    private_key: rsa.RSAPrivateKey


def _new_key(secret: bytes, now: datetime) -> SigningKey:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = f"{now:%Y%m%d}-{secrets.token_hex(4)}"
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(secret),
    )
    public_jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
    public_jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return SigningKey(kid=kid, private_pem=pem.decode(), public_jwk=public_jwk, created_at=now)


async def active_key(uow: UnitOfWork, *, secret: bytes, rotate_after: timedelta) -> ActiveKey:
    """The signing key; a new one is made when there is none or the current one is due for rotation.

    The rotated-out key stays in the JWKS (``retired_at`` set) until tokens it signed have expired, so
    nobody is logged out by a rotation.
    """
    now = utcnow()
    current = (
        (
            await uow.session.execute(
                select(SigningKey)
                .where(SigningKey.retired_at.is_(None))
                .order_by(SigningKey.created_at.desc())
            )
        )
        .scalars()
        .first()
    )
    if current is None or as_utc(current.created_at) + rotate_after <= now:
        if current is not None:
            current.retired_at = now
        current = _new_key(secret, now)
        uow.session.add(current)
        await uow.commit()
    return ActiveKey(current.kid, _decrypt(current.private_pem, secret))


@lru_cache(maxsize=8)
def _decrypt(private_pem: str, secret: bytes) -> rsa.RSAPrivateKey:
    # Decrypting the stored key costs ~70 ms of key derivation; a kid's key never changes, so it is done
    # once per key rather than on every token request.
    private_key = serialization.load_pem_private_key(private_pem.encode(), password=secret)
    assert isinstance(private_key, rsa.RSAPrivateKey)
    return private_key


async def published_keys(uow: UnitOfWork, *, token_ttl: timedelta) -> list[dict[str, Any]]:
    """The JWKS: the signing key and retired keys whose tokens may still be valid."""
    cutoff = utcnow() - token_ttl - timedelta(minutes=5)
    rows = (
        await uow.session.execute(
            select(SigningKey.public_jwk)
            .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > cutoff))
            .order_by(SigningKey.created_at.desc())
        )
    ).scalars()
    return list(rows)
