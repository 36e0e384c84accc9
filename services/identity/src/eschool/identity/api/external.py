"""Login through an external OpenID Connect provider (ESIA): the browser's trip there and back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from eschool.common.errors import not_found
from eschool.common.service import ServiceRuntime
from eschool.identity.api.deps import database_of, settings_of
from eschool.identity.oidc_client import OidcProvider
from eschool.identity.services.external_login import (
    AuthorizeRequest,
    CallbackRequest,
    complete_external_login,
    start_external_login,
)
from eschool.identity.settings import IdentitySettings

# Where the running service keeps its provider client; tests put one there that reaches a test provider.
PROVIDER_ATTRIBUTE = "external_provider"


def attach_external_provider(runtime: ServiceRuntime) -> None:
    """At start: the configured provider's client, with its own HTTP client, on the runtime."""
    settings = runtime.settings
    assert isinstance(settings, IdentitySettings)
    if settings.external_provider is not None and getattr(runtime, PROVIDER_ATTRIBUTE, None) is None:
        setattr(runtime, PROVIDER_ATTRIBUTE, OidcProvider.create(settings.external_provider))


async def detach_external_provider(runtime: ServiceRuntime) -> None:
    """At stop: close the provider's HTTP client and its pooled connections."""
    provider = getattr(runtime, PROVIDER_ATTRIBUTE, None)
    if isinstance(provider, OidcProvider):
        setattr(runtime, PROVIDER_ATTRIBUTE, None)
        await provider.aclose()


def provider_of(request: Request, name: str) -> OidcProvider:
    """The running provider called ``name``, or 404 when no such provider is configured."""
    provider = getattr(request.app.state.runtime, PROVIDER_ATTRIBUTE, None)
    if not isinstance(provider, OidcProvider) or provider.settings.name != name:
        raise not_found("provider_not_found", "Такой способ входа не настроен")
    return provider


def external_router() -> APIRouter:
    """Routes of the external login."""
    router = APIRouter(prefix="/v1/external", tags=["external login"])

    @router.get("/{provider}/authorize", status_code=302, response_class=RedirectResponse)
    async def authorize(
        provider: str,
        request: Request,
        redirect_uri: Annotated[str, Query(max_length=2000)],
        state: Annotated[str | None, Query(max_length=200)] = None,
        code_challenge: Annotated[str | None, Query(max_length=128)] = None,
        code_challenge_method: Annotated[str | None, Query(max_length=10)] = None,
    ) -> RedirectResponse:
        """Start a login through the provider: the browser goes there with state, nonce and PKCE."""
        oidc = provider_of(request, provider)
        async with database_of(request).uow() as uow:
            url = await start_external_login(
                uow,
                oidc,
                AuthorizeRequest(redirect_uri, state, code_challenge, code_challenge_method),
                settings=settings_of(request),
            )
        return RedirectResponse(url, status_code=302)

    @router.get("/{provider}/callback", status_code=302, response_class=RedirectResponse)
    async def callback(
        provider: str,
        request: Request,
        code: Annotated[str | None, Query(max_length=2000)] = None,
        state: Annotated[str | None, Query(max_length=200)] = None,
        error: Annotated[str | None, Query(max_length=200)] = None,
    ) -> RedirectResponse:
        """The provider sends the browser back here; on success it goes on to the front end with a code."""
        oidc = provider_of(request, provider)
        ip = request.client.host if request.client else None
        url = await complete_external_login(
            database_of(request),
            oidc,
            CallbackRequest(state=state, code=code, error=error, ip=ip),
            settings=settings_of(request),
        )
        return RedirectResponse(url, status_code=302)

    return router
