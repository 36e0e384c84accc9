"""OAuth 2.0 / OpenID Connect endpoints: discovery, JWKS, token, revocation."""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel

from eschool.common.db import Database, UnitOfWork
from eschool.identity.api.accounts import accounts_router
from eschool.identity.api.admin import admin_router
from eschool.identity.api.clients import clients_router
from eschool.identity.api.credentials import credentials_router
from eschool.identity.api.deps import passwords_for
from eschool.identity.api.deps import settings_of as _settings
from eschool.identity.api.external import external_router
from eschool.identity.api.login_log import login_log_router
from eschool.identity.api.me import me_router
from eschool.identity.db.models import UserAccount
from eschool.identity.oauth import oauth_error
from eschool.identity.services.clients import authenticate_client, is_machine_client, issue_client_token
from eschool.identity.services.keys import ActiveKey, active_key, published_keys
from eschool.identity.services.login import LoginRequest, authenticate, issue_access_token
from eschool.identity.services.login_codes import redeem_login_code
from eschool.identity.services.refresh import issue_refresh_token, revoke_token, rotate_refresh_token
from eschool.identity.settings import IdentitySettings

GRANTS = ("password", "refresh_token", "client_credentials", "authorization_code")


class TokenRead(BaseModel):
    """RFC 6749 token response."""

    access_token: str
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int
    refresh_token: str | None = None
    scope: str | None = None


class TokenForm(BaseModel):
    """The token endpoint's form fields (which ones matter depends on the grant)."""

    grant_type: str
    username: str | None = None
    password: str | None = None
    refresh_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scope: str | None = None
    # authorization_code: the one-time code an external login handed the front end, and its PKCE verifier.
    code: str | None = None
    code_verifier: str | None = None


async def _signing_key(uow: UnitOfWork, settings: IdentitySettings) -> ActiveKey:
    return await active_key(
        uow,
        secret=settings.secret_key.get_secret_value().encode(),
        rotate_after=timedelta(days=settings.signing_key_rotation_days),
    )


async def _person_tokens(
    database: Database, settings: IdentitySettings, account: UserAccount, refresh: str
) -> TokenRead:
    # The access token is signed after the refresh token is committed: a client never holds an access
    # token whose session does not exist.
    async with database.uow() as uow:
        key = await _signing_key(uow, settings)
        access, expires_in = await issue_access_token(uow, account, key, settings=settings)
    return TokenRead(access_token=access, expires_in=expires_in, refresh_token=refresh)


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise oauth_error(401, "invalid_client", "Клиент не опознан") from exc
    return client_id, secret


async def _password_grant(request: Request, form: TokenForm, settings: IdentitySettings) -> TokenRead:
    database = request.app.state.runtime.database
    if not form.username or not form.password:
        raise oauth_error(400, "invalid_request", "Укажите логин и пароль")
    ip = request.client.host if request.client else None
    async with database.uow() as uow:
        if await is_machine_client(uow, form.client_id):
            raise oauth_error(400, "unauthorized_client", "Этому клиенту вход по паролю не разрешён")
        account = await authenticate(
            uow,
            LoginRequest(form.username, form.password, form.client_id, ip),
            passwords=passwords_for(settings),
            settings=settings,
        )
        refresh = issue_refresh_token(
            uow,
            account.user_account_id,
            ttl=timedelta(days=settings.refresh_token_ttl_days),
            client_id=form.client_id,
        )
        await uow.commit()
    return await _person_tokens(database, settings, account, refresh)


async def _refresh_grant(request: Request, form: TokenForm, settings: IdentitySettings) -> TokenRead:
    database = request.app.state.runtime.database
    if not form.refresh_token:
        raise oauth_error(400, "invalid_request", "Не передан refresh_token")
    async with database.uow() as uow:
        account, refresh = await rotate_refresh_token(
            uow,
            form.refresh_token,
            ttl=timedelta(days=settings.refresh_token_ttl_days),
            client_id=form.client_id,
        )
        await uow.commit()
    return await _person_tokens(database, settings, account, refresh)


async def _client_grant(request: Request, form: TokenForm, settings: IdentitySettings) -> TokenRead:
    database = request.app.state.runtime.database
    credentials = _basic_credentials(request) or (form.client_id, form.client_secret)
    client_id, secret = credentials
    if not client_id or not secret:
        raise oauth_error(401, "invalid_client", "Клиент не опознан")
    async with database.uow() as uow:
        client, scopes = await authenticate_client(
            uow, client_id, secret, form.scope, passwords=passwords_for(settings)
        )
        key = await _signing_key(uow, settings)
    access, expires_in = issue_client_token(client, scopes, key, settings=settings)
    return TokenRead(access_token=access, expires_in=expires_in, scope=" ".join(scopes))


async def _code_grant(request: Request, form: TokenForm, settings: IdentitySettings) -> TokenRead:
    database = request.app.state.runtime.database
    if not form.code:
        raise oauth_error(400, "invalid_request", "Не передан code")
    async with database.uow() as uow:
        account, refresh = await redeem_login_code(
            uow,
            form.code,
            code_verifier=form.code_verifier,
            ttl=timedelta(days=settings.refresh_token_ttl_days),
            client_id=form.client_id,
        )
        await uow.commit()
    return await _person_tokens(database, settings, account, refresh)


_GRANT_HANDLERS = {
    "password": _password_grant,
    "refresh_token": _refresh_grant,
    "client_credentials": _client_grant,
    "authorization_code": _code_grant,
}


def routers() -> list[APIRouter]:
    """Identity's routers (the OpenID provider endpoints under /v1)."""
    router = APIRouter(prefix="/v1", tags=["oauth"])

    @router.get("/.well-known/openid-configuration")
    async def discovery(request: Request) -> dict[str, Any]:
        """OpenID Connect discovery document."""
        issuer = _settings(request).issuer_url
        return {
            "issuer": issuer,
            "jwks_uri": f"{issuer}/jwks.json",
            "token_endpoint": f"{issuer}/token",
            "revocation_endpoint": f"{issuer}/revoke",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "grant_types_supported": list(GRANTS),
            "response_types_supported": ["token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }

    @router.get("/jwks.json")
    async def jwks(request: Request) -> dict[str, Any]:
        """The public keys that verify access tokens (current and recently rotated out)."""
        settings = _settings(request)
        async with request.app.state.runtime.database.uow() as uow:
            keys = await published_keys(uow, token_ttl=timedelta(seconds=settings.access_token_ttl_seconds))
        return {"keys": keys}

    @router.post("/token", response_model_exclude_none=True)
    async def token(request: Request, form: Annotated[TokenForm, Form()]) -> TokenRead:
        """Issue an access token: password, refresh_token, client_credentials or authorization_code."""
        handler = _GRANT_HANDLERS.get(form.grant_type)
        if handler is None:
            raise oauth_error(400, "unsupported_grant_type", "Этот способ получения токена не поддерживается")
        return await handler(request, form, _settings(request))

    @router.post("/revoke", status_code=200)
    async def revoke(request: Request, token: Annotated[str, Form(max_length=200)]) -> dict[str, str]:
        """RFC 7009: end the refresh token's session (its whole rotation family)."""
        async with request.app.state.runtime.database.uow() as uow:
            await revoke_token(uow, token)
            await uow.commit()
        return {}

    return [
        router,
        me_router(),
        accounts_router(),
        admin_router(),
        login_log_router(),
        clients_router(),
        credentials_router(),
        external_router(),
    ]
