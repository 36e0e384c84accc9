"""The gateway's app and its definition for the platform (entry-point group ``eschool.gateway``)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from eschool.common.auth import JwksVerifier
from eschool.common.gateway import GatewayDefinition, Lifespan
from eschool.common.http import install_http_kit
from eschool.common.http.middleware import CORRELATION_ID_HEADER, REQUEST_ID_HEADER
from eschool.common.logging import get_logger
from eschool.gateway.access import Guard
from eschool.gateway.openapi import CombinedOpenApi
from eschool.gateway.routes import Gateway, router
from eschool.gateway.settings import IDENTITY, GatewaySettings
from eschool.gateway.upstreams import Upstreams

log = get_logger(__name__)


def create_app(
    settings: GatewaySettings,
    *,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    lifespan: Lifespan | None = None,
) -> FastAPI:
    """The gateway; ``transports`` reach services in-process, ``lifespan`` runs around the gateway's own."""
    upstreams = Upstreams(settings, transports)
    openapi = CombinedOpenApi(
        upstreams, ttl=settings.openapi_ttl_s, fetch_timeout=settings.openapi_fetch_timeout_s
    )
    # The combined document replaces FastAPI's own, which would describe only the catch-all route.
    app = FastAPI(
        title="eschool gateway",
        lifespan=_lifespan(lifespan),
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.gateway = Gateway(settings, upstreams, Guard(settings), openapi)
    if (verifier := _verifier(settings, upstreams)) is not None:
        app.state.jwt_verifier = verifier
    # No readiness checks of its own: one service down must not take the way to the others out of rotation.
    install_http_kit(app, service="gateway")
    _install_cors(app, settings)
    app.include_router(router)
    return app


def _install_cors(app: FastAPI, settings: GatewaySettings) -> None:
    # Outermost, so a preflight is answered before the guard asks it for a token it cannot carry.
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=[REQUEST_ID_HEADER, CORRELATION_ID_HEADER, "retry-after", "content-disposition"],
            max_age=600,
        )


def _verifier(settings: GatewaySettings, upstreams: Upstreams) -> JwksVerifier | None:
    source = settings.jwks_source
    if source is None:
        log.warning("gateway.auth.no_jwks", reason="neither GATEWAY_JWKS_URL nor an identity upstream")
        return None
    # Identity's own JWKS goes through its upstream client: one pool, and in-process in the embedded mode.
    http = upstreams[IDENTITY].client if settings.jwks_url is None else None
    return JwksVerifier(
        source,
        issuer=settings.token_issuer,
        audience=settings.jwt_audience,
        http=http,
        cache_ttl=settings.jwks_cache_ttl_s,
    )


def _lifespan(outer: Lifespan | None) -> Lifespan:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with outer(app) if outer is not None else contextlib.nullcontext():
            try:
                yield
            finally:
                await app.state.gateway.upstreams.aclose()
                if (verifier := getattr(app.state, "jwt_verifier", None)) is not None:
                    await verifier.aclose()

    return lifespan


gateway = GatewayDefinition(settings=GatewaySettings, create_app=create_app)
