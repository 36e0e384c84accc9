"""Identity verifies the tokens it issued with the platform's verifier, reading its own key table."""

from __future__ import annotations

from datetime import timedelta

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from eschool.common.auth import JwksVerifier
from eschool.common.service import ServiceRuntime
from eschool.identity.services.keys import published_keys
from eschool.identity.settings import IdentitySettings

OWN_JWKS_URL = "http://identity.internal/jwks.json"


def own_verifier(runtime: ServiceRuntime) -> JwksVerifier:
    """A JwksVerifier whose JWKS is served in-process from identity's database (no network hop)."""
    settings = runtime.settings
    assert isinstance(settings, IdentitySettings)

    async def jwks(_request: Request) -> JSONResponse:
        async with runtime.database.uow() as uow:
            keys = await published_keys(uow, token_ttl=timedelta(seconds=settings.access_token_ttl_seconds))
        return JSONResponse({"keys": keys})

    app = Starlette(routes=[Route("/jwks.json", jwks)])
    return JwksVerifier(
        OWN_JWKS_URL,
        issuer=settings.issuer_url,
        audience=settings.jwt_audience,
        http=httpx.AsyncClient(transport=httpx.ASGITransport(app=app)),
        min_refresh_interval=1.0,
    )
