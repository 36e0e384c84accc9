"""Machine clients: registered with scopes, authenticated by client credentials."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

import jwt
from sqlalchemy import select

from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import conflict, not_found, unprocessable
from eschool.identity.db.models import MachineClient
from eschool.identity.domain.passwords import Passwords
from eschool.identity.oauth import oauth_error
from eschool.identity.services.keys import ActiveKey
from eschool.identity.settings import IdentitySettings

CLIENT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{2,99}$")
SCOPE = re.compile(r"^[a-z][a-z0-9_.:-]{1,99}$")


async def register_client(
    uow: UnitOfWork, client_id: str, scopes: Sequence[str], *, passwords: Passwords
) -> str:
    """Register a machine client; returns its secret, shown once and stored only as a hash."""
    if not CLIENT_ID.match(client_id):
        raise unprocessable(
            "invalid_client_id", "Недопустимый идентификатор клиента", field_name="body.client_id"
        )
    if bad := [s for s in scopes if not SCOPE.match(s)]:
        raise unprocessable(
            "invalid_scope", f"Недопустимые области доступа: {', '.join(bad)}", field_name="body.scopes"
        )
    if await uow.session.get(MachineClient, client_id) is not None:
        raise conflict("client_exists", "Клиент с таким идентификатором уже зарегистрирован")
    secret = secrets.token_urlsafe(32)
    secret_hash = await passwords.hash_off_loop(secret)
    uow.session.add(
        MachineClient(
            client_id=client_id,
            secret_hash=secret_hash,
            scopes=sorted(set(scopes)),
            created_at=utcnow(),
        )
    )
    return secret


async def authenticate_client(
    uow: UnitOfWork, client_id: str, secret: str, requested: str | None, *, passwords: Passwords
) -> tuple[MachineClient, list[str]]:
    """The client and the scopes granted: those requested (all of its own when none are named)."""
    client = await uow.session.get(MachineClient, client_id)
    if client is None or client.disabled_at is not None:
        await passwords.spend_a_check_off_loop(secret)  # as long as a real check: no timing oracle
        raise oauth_error(401, "invalid_client", "Клиент не опознан")
    if not await passwords.verify_off_loop(client.secret_hash, secret):
        raise oauth_error(401, "invalid_client", "Клиент не опознан")
    allowed = set(client.scopes)
    wanted = set(requested.split()) if requested else allowed
    if not wanted <= allowed:
        raise oauth_error(400, "invalid_scope", "Запрошены области доступа, не разрешённые клиенту")
    return client, sorted(wanted)


async def is_machine_client(uow: UnitOfWork, client_id: str | None) -> bool:
    """Whether a client id belongs to a machine client (which may not use the password grant)."""
    return client_id is not None and await uow.session.get(MachineClient, client_id) is not None


def issue_client_token(
    client: MachineClient, scopes: Sequence[str], key: ActiveKey, *, settings: IdentitySettings
) -> tuple[str, int]:
    """An access token for a machine client: ``sub`` is ``client:<id>``, no person, no roles."""
    now = int(utcnow().timestamp())
    ttl = settings.access_token_ttl_seconds
    claims = {
        "iss": settings.issuer_url,
        "aud": settings.jwt_audience,
        "sub": f"client:{client.client_id}",
        "iat": now,
        "exp": now + ttl,
        "scope": " ".join(scopes),
        "roles": [],
    }
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid}), ttl


async def _client_or_404(uow: UnitOfWork, client_id: str) -> MachineClient:
    client = await uow.session.get(MachineClient, client_id, with_for_update=True)
    if client is None:
        raise not_found("client_not_found", "Клиент не найден")
    return client


async def rotate_client_secret(uow: UnitOfWork, client_id: str, *, passwords: Passwords) -> str:
    """A new secret for the client (shown once); the old one stops working at once."""
    client = await _client_or_404(uow, client_id)
    secret = secrets.token_urlsafe(32)
    client.secret_hash = await passwords.hash_off_loop(secret)
    return secret


async def set_client_disabled(uow: UnitOfWork, client_id: str, *, disabled: bool) -> MachineClient:
    """Disable (no new tokens; issued ones run out within their lifetime) or enable a client."""
    client = await _client_or_404(uow, client_id)
    if disabled and client.disabled_at is None:
        client.disabled_at = utcnow()
    elif not disabled:
        client.disabled_at = None
    return client


async def list_clients(uow: UnitOfWork) -> list[MachineClient]:
    """Every machine client, by id."""
    rows = await uow.session.execute(select(MachineClient).order_by(MachineClient.client_id))
    return list(rows.scalars())
