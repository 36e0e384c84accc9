"""A small OpenID Connect provider standing in for ESIA: discovery, authorize, token, JWKS, userinfo.

It checks what a real provider checks (client secret, registered redirect URI, the PKCE verifier against
the S256 challenge, one use per code) and signs RS256 ID tokens with the nonce and the SNILS claim. Knobs
let a test make it misbehave: another nonce, another PKCE challenge, a key nobody published, SNILS only at
userinfo.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from eschool.common.testing.auth import private_key, public_jwk

ISSUER = "https://esia.test"
CLIENT_ID = "eschool-region"
CLIENT_SECRET = "esia-client-secret-for-tests"
CALLBACK = "http://identity.test/api/identity/v1/external/esia/callback"
KID, FOREIGN_KID = "esia-test", "esia-foreign"


@dataclass
class Grant:
    """What the provider remembers about a code it issued."""

    subject: str
    snils: str | None
    nonce: str
    challenge: str
    redirect_uri: str
    used: bool = False


@dataclass
class TestProvider:
    """The provider; ``subject``/``snils`` is who signs in next (auto-approved)."""

    __test__ = False

    subject: str = "esia-oid-1000001"
    snils: str | None = "112-233-445 95"
    nonce_override: str | None = None
    challenge_override: str | None = None  # as if the challenge had been changed on the way
    signing_kid: str = KID
    snils_in_userinfo_only: bool = False
    seen: list[str] = field(default_factory=list)  # every code, token and state it handled
    _grants: dict[str, Grant] = field(default_factory=dict)
    _access: dict[str, Grant] = field(default_factory=dict)

    def app(self) -> Starlette:
        """The provider as an ASGI app."""
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self._discovery),
                Route("/authorize", self._authorize),
                Route("/token", self._token, methods=["POST"]),
                Route("/jwks", self._jwks),
                Route("/userinfo", self._userinfo),
            ]
        )

    def http(self) -> httpx.AsyncClient:
        """A client that reaches the provider in-process, whatever host a URL names."""
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app()), base_url=ISSUER)

    async def _discovery(self, _request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": ISSUER,
                "authorization_endpoint": f"{ISSUER}/authorize",
                "token_endpoint": f"{ISSUER}/token",
                "jwks_uri": f"{ISSUER}/jwks",
                "userinfo_endpoint": f"{ISSUER}/userinfo",
            }
        )

    async def _jwks(self, _request: Request) -> Response:
        return JSONResponse({"keys": [public_jwk(KID)]})

    async def _authorize(self, request: Request) -> Response:
        q = request.query_params
        if q.get("client_id") != CLIENT_ID or q.get("redirect_uri") != CALLBACK:
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        if q.get("response_type") != "code" or q.get("code_challenge_method") != "S256":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        if "openid" not in q.get("scope", "").split():
            return JSONResponse({"error": "invalid_scope"}, status_code=400)
        code = secrets.token_urlsafe(24)
        challenge = self.challenge_override or q["code_challenge"]
        self._grants[code] = Grant(self.subject, self.snils, q["nonce"], challenge, q["redirect_uri"])
        self.seen += [code, q["state"], q["nonce"]]
        return RedirectResponse(f"{CALLBACK}?{urlencode({'code': code, 'state': q['state']})}", 302)

    async def _token(self, request: Request) -> Response:
        form = await request.form()
        grant = self._grants.get(str(form.get("code")))
        self.seen.append(str(form.get("code_verifier")))
        if request.headers.get("authorization") != _basic(CLIENT_ID, CLIENT_SECRET):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if grant is None or grant.used or form.get("redirect_uri") != grant.redirect_uri:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if s256(str(form.get("code_verifier", ""))) != grant.challenge:
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"}, status_code=400)
        grant.used = True
        access = secrets.token_urlsafe(24)
        self._access[access] = grant
        id_token = self._id_token(grant)
        self.seen += [access, id_token]
        return JSONResponse({"access_token": access, "id_token": id_token, "token_type": "Bearer"})

    async def _userinfo(self, request: Request) -> Response:
        grant = self._access.get(request.headers.get("authorization", "").removeprefix("Bearer "))
        if grant is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return JSONResponse({"sub": grant.subject, "snils": grant.snils})

    def _id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": grant.subject,
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonce_override or grant.nonce,
        }
        if grant.snils is not None and not self.snils_in_userinfo_only:
            claims["snils"] = grant.snils
        key = private_key(self.signing_kid)
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})


def s256(verifier: str) -> str:
    """The S256 PKCE challenge, computed here independently of identity's code."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
