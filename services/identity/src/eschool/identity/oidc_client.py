"""Identity as a client of an external OpenID Connect provider: discovery, code exchange, ID token checks.

The HTTP client is injected: the service creates one at start, tests hand in one that reaches a test
provider through ``httpx.ASGITransport``. Nothing here logs or raises with a code, token or claim value.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from eschool.common.auth import InvalidToken, JwksVerifier
from eschool.common.events.identity import LoginOutcome
from eschool.common.logging import get_logger
from eschool.identity.domain.pkce import digests_match
from eschool.identity.external_settings import ExternalProviderSettings

log = get_logger(__name__)


class ProviderRefusalError(Exception):
    """The provider refused, was unreachable, or its answer failed a check."""

    def __init__(self, outcome: LoginOutcome, reason: str, *, status: int = 400) -> None:
        super().__init__(reason)
        self.outcome, self.reason, self.status = outcome, reason, status


@dataclass(frozen=True)
class ProviderMetadata:
    """The parts of the provider's discovery document the code flow uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None


@dataclass(frozen=True)
class ProviderTokens:
    """What the token endpoint returned (never logged)."""

    id_token: str = field(repr=False)
    access_token: str | None = field(repr=False)


@dataclass(frozen=True)
class ExternalClaims:
    """Who the provider says signed in: its subject and, in clear and only in memory, the SNILS."""

    subject: str
    snils: str | None = field(repr=False)


class OidcProvider:
    """One configured provider with its discovery document and signing keys cached."""

    def __init__(
        self,
        settings: ExternalProviderSettings,
        *,
        http: httpx.AsyncClient,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._http, self._clock = http, clock
        self._metadata: ProviderMetadata | None = None
        self._fetched_at = float("-inf")
        self._verifier: JwksVerifier | None = None

    @classmethod
    def create(cls, settings: ExternalProviderSettings) -> OidcProvider:
        """A provider with its own HTTP client (closed by ``aclose``)."""
        return cls(settings, http=httpx.AsyncClient(timeout=settings.http_timeout_seconds))

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()

    async def metadata(self) -> ProviderMetadata:
        """The discovery document, fetched again after its cache lifetime."""
        if self._metadata is None or self._clock() - self._fetched_at > self.settings.discovery_ttl_seconds:
            url = f"{self.settings.issuer}/.well-known/openid-configuration"
            self._metadata = _parse_metadata(await self._get_json(url), self.settings.issuer)
            self._fetched_at = self._clock()
            self._verifier = None  # the JWKS URL may have moved with the document
        return self._metadata

    async def authorization_url(self, *, state: str, nonce: str, code_challenge: str, callback: str) -> str:
        """Where to send the browser: the code flow with S256 PKCE, state and nonce."""
        params = {
            "response_type": "code",
            "client_id": self.settings.client_id,
            "redirect_uri": callback,
            "scope": self.settings.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        return f"{(await self.metadata()).authorization_endpoint}?{urlencode(params)}"

    async def exchange_code(self, code: str, *, code_verifier: str, callback: str) -> ProviderTokens:
        """Spend the provider's code at its token endpoint with our verifier and client secret."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": callback,
            "code_verifier": code_verifier,
        }
        secret = self.settings.client_secret.get_secret_value()
        auth = httpx.BasicAuth(self.settings.client_id, secret)
        body = await self._post_json((await self.metadata()).token_endpoint, form, auth)
        id_token, access_token = body.get("id_token"), body.get("access_token")
        if not isinstance(id_token, str):
            raise ProviderRefusalError("provider_error", "no_id_token")
        return ProviderTokens(id_token, access_token if isinstance(access_token, str) else None)

    async def claims(self, tokens: ProviderTokens, *, nonce_hash: str) -> ExternalClaims:
        """Verify the ID token (signature, iss, aud, exp, nonce) and read the subject and SNILS."""
        claims = await self._verified(tokens.id_token)
        nonce = claims.get("nonce")
        if not isinstance(nonce, str) or not digests_match(nonce, nonce_hash):
            raise ProviderRefusalError("nonce_mismatch", "nonce_mismatch")
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        # OIDC Core 3.1.3.7: with several audiences the token must have been issued to us.
        if len(audiences) > 1 and claims.get("azp") != self.settings.client_id:
            raise ProviderRefusalError("id_token_invalid", "azp_mismatch")
        snils = claims.get(self.settings.snils_claim)
        if snils is None and tokens.access_token is not None:
            snils = await self._userinfo_snils(tokens.access_token, subject=claims["sub"])
        return ExternalClaims(str(claims["sub"]), snils if isinstance(snils, str) else None)

    async def _verified(self, id_token: str) -> dict[str, Any]:
        metadata = await self.metadata()
        if self._verifier is None:
            self._verifier = JwksVerifier(
                metadata.jwks_uri, issuer=metadata.issuer, audience=self.settings.client_id, http=self._http
            )
        try:
            return await self._verifier.verify(id_token)
        except InvalidToken as error:
            raise ProviderRefusalError("id_token_invalid", error.reason.value) from error

    async def _userinfo_snils(self, access_token: str, *, subject: str) -> Any:
        # Providers that keep SNILS out of the ID token (ESIA among them) give it at the userinfo endpoint.
        endpoint = (await self.metadata()).userinfo_endpoint
        if endpoint is None:
            return None
        info = await self._get_json(endpoint, headers={"Authorization": f"Bearer {access_token}"})
        if info.get("sub") != subject:  # OIDC Core 5.3.2: a different subject is a substitution
            raise ProviderRefusalError("id_token_invalid", "userinfo_subject_mismatch")
        return info.get(self.settings.snils_claim)

    async def _get_json(self, url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
        return await self._json(self._http.build_request("GET", url, headers=headers))

    async def _post_json(self, url: str, form: dict[str, str], auth: httpx.Auth) -> dict[str, Any]:
        return await self._json(self._http.build_request("POST", url, data=form), auth=auth)

    async def _json(self, request: httpx.Request, auth: httpx.Auth | None = None) -> dict[str, Any]:
        try:
            response = await self._http.send(request, auth=auth)
        except httpx.HTTPError as error:
            log.warning("identity.external.unreachable", url=str(request.url.copy_with(query=None)))
            raise ProviderRefusalError("provider_error", type(error).__name__, status=502) from error
        body = _json_object(response)
        if response.is_error:
            # The provider's own error code (invalid_grant...) is safe to log; its description may not be.
            reason = f"http_{response.status_code}:{str(body.get('error'))[:40]}"
            status = 502 if response.status_code >= 500 else 400
            raise ProviderRefusalError("provider_error", reason, status=status)
        return body


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _parse_metadata(document: dict[str, Any], issuer: str) -> ProviderMetadata:
    # OIDC Discovery 4.3: the document must name the issuer we asked, or it is someone else's.
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderRefusalError("provider_error", "discovery_issuer_mismatch", status=502)
    try:
        return ProviderMetadata(
            issuer=document["issuer"],
            authorization_endpoint=document["authorization_endpoint"],
            token_endpoint=document["token_endpoint"],
            jwks_uri=document["jwks_uri"],
            userinfo_endpoint=document.get("userinfo_endpoint"),
        )
    except KeyError as error:
        raise ProviderRefusalError("provider_error", "discovery_incomplete", status=502) from error
