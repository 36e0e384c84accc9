"""Act as identity in a service's tests: real RS256 tokens, a JWKS endpoint, verifiers wired to it.

A test takes the ``test_identity`` fixture, installs it on the app under test and sends tokens::

    async def test_guardian_cannot_read_other_pupil_diary(test_identity: TestIdentity) -> None:
        app = create_app(settings)
        test_identity.install(app)
        mine = test_identity.token_for(Role.guardian, person_id=my_person_id)
        theirs = test_identity.token_for(Role.guardian, person_id=their_person_id)
        response = await client.get(diary_url, headers=test_identity.headers(mine))

Nothing is mocked: keys are 2048-bit RSA keys, the JWKS is served by an ASGI app that the verifier
reaches through httpx's ASGI transport, and verification is the platform's own ``JwksVerifier``. Tokens
follow the claim layout documented in ``eschool.common.auth.principal``.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID, uuid4

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from eschool.common.auth.jwks import ALGORITHM, JwksVerifier
from eschool.common.auth.principal import CLIENT_SUBJECT_PREFIX, Role
from eschool.common.settings import ServiceSettings, issuer_for

JWKS_PATH = "/.well-known/jwks.json"
JWKS_URL = "http://identity.test" + JWKS_PATH
ISSUER: str = issuer_for(ServiceSettings.model_fields["public_url"].default)
AUDIENCE: str = ServiceSettings.model_fields["jwt_audience"].default
DEFAULT_KID = "key-a"

# A role held in an org unit (None: not scoped); a plain string stands for a role this code does not know.
RoleGrant = tuple[Role | str, UUID | None]


@functools.cache
def private_key(kid: str) -> rsa.RSAPrivateKey:
    """The RSA key of ``kid``, one per process: generating a key is the slow part of these tests."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(kid: str) -> dict[str, Any]:
    """The JWKS entry identity publishes for ``kid``."""
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(private_key(kid).public_key(), as_dict=True)
    return {**jwk, "kid": kid, "alg": ALGORITHM, "use": "sig"}


def public_pem(kid: str) -> bytes:
    """The public key of ``kid`` as PEM: what anyone can build from the JWKS (for forgery tests)."""
    return (
        private_key(kid)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


class FakeClock:
    """A monotonic clock the test moves by hand (the verifier's key cache and refresh rate limit)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += seconds


class TestIdentity:
    """Identity's side of auth: signs tokens, serves its JWKS, and builds verifiers that read it.

    State a test may change: ``kid`` signs new tokens, ``published`` are the kids in the JWKS,
    ``foreign_entries`` are raw JWKS entries served after them, ``down`` makes the JWKS answer 503,
    ``latency`` delays each JWKS answer (seconds). ``fetches`` counts JWKS requests.
    """

    __test__ = False  # a helper, not a test class, though its name starts with "Test"

    def __init__(self, kid: str = DEFAULT_KID, *, issuer: str = ISSUER, audience: str = AUDIENCE) -> None:
        self.issuer = issuer
        self.audience = audience
        self.kid = kid
        self.published = [kid]
        self.foreign_entries: list[dict[str, Any]] = []
        self.down = False
        self.latency = 0.0
        self.fetches = 0
        self._app = Starlette(routes=[Route(JWKS_PATH, self._serve_jwks)])

    # --- the JWKS endpoint ------------------------------------------------------------------------------

    def jwks(self) -> dict[str, Any]:
        """The JWKS document as identity publishes it now."""
        return {"keys": [public_jwk(kid) for kid in self.published] + self.foreign_entries}

    def asgi_app(self) -> Starlette:
        """The ASGI app serving ``GET /.well-known/jwks.json``; each request counts in ``fetches``."""
        return self._app

    async def _serve_jwks(self, request: Request) -> JSONResponse:
        self.fetches += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        if self.down:
            return JSONResponse({"error": "maintenance"}, status_code=503)
        return JSONResponse(self.jwks())

    def rotate(self, kid: str) -> None:
        """Publish ``kid`` and sign new tokens with it; older keys stay published until ``retire``."""
        if kid not in self.published:
            self.published.append(kid)
        self.kid = kid

    def retire(self, kid: str) -> None:
        """Withdraw ``kid`` from the JWKS (tokens it signed become unverifiable once caches expire)."""
        self.published.remove(kid)

    # --- tokens -----------------------------------------------------------------------------------------

    def token(
        self,
        *,
        user_id: UUID | None = None,
        person_id: UUID | None = None,
        roles: Iterable[RoleGrant] = (),
        scopes: Iterable[str] = (),
        client_id: str | None = None,
        pupils: Iterable[UUID] = (),
        expires_in: int = 300,
        kid: str | None = None,
        header_kid: str | None = None,
        omit_kid: bool = False,
        **extra_claims: Any,
    ) -> str:
        """A signed access token of a person (fresh ids unless given), or a machine client with ``client_id``.

        ``pupils`` go into every guardian grant (the children the guardian may see).
        ``kid`` picks the signing key (default: the current one); the header names ``header_kid`` (default:
        the signing kid), or no kid with ``omit_kid``. ``extra_claims`` override the claims built here
        (``iat``, ``iss``...) and an override of None removes one: ways to prove that bad tokens are refused.
        """
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + expires_in,
        }
        claims |= _subject(user_id, person_id, client_id)
        grants: list[dict[str, Any]] = [
            {"role": str(role), "org": None if org is None else str(org)} for role, org in roles
        ]
        for grant in grants:
            if grant["role"] == Role.guardian:
                grant["pupils"] = [str(p) for p in pupils]
        if grants:
            claims["roles"] = grants
        if scope := " ".join(scopes):
            claims["scope"] = scope
        claims = {name: value for name, value in {**claims, **extra_claims}.items() if value is not None}
        signing_kid = kid or self.kid
        headers = {} if omit_kid else {"kid": header_kid or signing_kid}
        return jwt.encode(claims, private_key(signing_kid), algorithm=ALGORITHM, headers=headers)

    def token_for(self, role: Role, org_unit_id: UUID | None = None, **options: Any) -> str:
        """A token of a person holding ``role`` in ``org_unit_id`` (default: a fresh org unit)."""
        return self.token(roles=[(role, org_unit_id or uuid4())], **options)

    @staticmethod
    def headers(token: str) -> dict[str, str]:
        """The request headers that carry ``token``."""
        return {"Authorization": "Bearer " + token}

    # --- the services' side -----------------------------------------------------------------------------

    def verifier(self, clock: Callable[[], float] | None = None, **options: Any) -> JwksVerifier:
        """A ``JwksVerifier`` reading this JWKS in-process; ``options`` go to it (cache_ttl, issuer...)."""
        # An ASGI transport holds no connections, so the client needs no closing.
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self._app))
        settings = {"issuer": self.issuer, "audience": self.audience, **options}
        return JwksVerifier(JWKS_URL, http=http, clock=time.monotonic if clock is None else clock, **settings)

    def install(self, app: FastAPI, **options: Any) -> JwksVerifier:
        """Make ``app`` verify tokens against this identity (``app.state.jwt_verifier``); returns it."""
        verifier = self.verifier(**options)
        app.state.jwt_verifier = verifier
        return verifier


def _subject(user_id: UUID | None, person_id: UUID | None, client_id: str | None) -> dict[str, str]:
    if client_id is None:
        return {"sub": str(user_id or uuid4()), "pid": str(person_id or uuid4())}
    if user_id is not None or person_id is not None:
        raise ValueError("a machine client has no user_id or person_id")
    return {"sub": CLIENT_SUBJECT_PREFIX + client_id}
