"""Public routes and valid tokens pass, nothing else; verification goes on while identity is down."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from eschool.common.logging import configure_logging
from eschool.common.testing.auth import FakeClock, TestIdentity, public_pem
from eschool.gateway.app import create_app
from eschool.gateway.settings import GatewaySettings

PUBLIC = [
    "/api/identity/v1/.well-known/openid-configuration",
    "/api/identity/v1/jwks.json",
    "/api/identity/v1/external/esia/callback?code=abc",
    "/api/things/healthz",
    "/api/things/openapi.json",
]


@pytest.fixture
async def both(
    make_gateway: Callable[..., FastAPI],
    upstream_app: Callable[[str], FastAPI],
    client: Callable[..., httpx.AsyncClient],
) -> Any:
    app = make_gateway({"identity": upstream_app("identity"), "things": upstream_app("things")})
    async with app.router.lifespan_context(app), client(app) as gateway:
        yield gateway


@pytest.mark.parametrize("path", PUBLIC)
async def test_public_routes_need_no_token(both: httpx.AsyncClient, path: str) -> None:
    response = await both.get(path)
    assert response.status_code == 200, response.text


async def test_token_and_revoke_endpoints_pass_client_credentials_untouched(both: httpx.AsyncClient) -> None:
    basic = {"Authorization": "Basic " + base64.b64encode(b"portal:secret").decode()}
    for path in ("/api/identity/v1/token", "/api/identity/v1/revoke"):
        response = await both.post(path, headers=basic, data={"grant_type": "client_credentials"})
        assert response.status_code == 200, response.text
        assert response.json()["headers"]["authorization"] == basic["Authorization"]


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "token_missing"),
        ({"Authorization": "Basic cG9ydGFsOnNlY3JldA=="}, "authorization_malformed"),
        ({"Authorization": "Bearer"}, "authorization_malformed"),
        ({"Authorization": "Bearer a b"}, "authorization_malformed"),
        ({"Authorization": "Bearer not-a-jwt"}, "token_invalid"),
    ],
)
async def test_protected_route_refuses_a_missing_or_malformed_token(
    both: httpx.AsyncClient, headers: dict[str, str], code: str
) -> None:
    response = await both.get("/api/identity/v1/accounts/1/bindings", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["code"] == code
    assert response.json()["detail"]


def _unsigned(claims: dict[str, Any]) -> str:
    return jwt.encode(claims, None, algorithm="none", headers={"kid": "key-a"})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hs256_with_public_key(claims: dict[str, Any]) -> str:
    # Algorithm confusion: HMAC keyed with the RSA public key anyone can read from the JWKS.
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "key-a"}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = hmac.new(public_pem("key-a"), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


def _claims(identity: TestIdentity) -> dict[str, Any]:
    return jwt.decode(identity.token(), options={"verify_signature": False})


async def test_forged_expired_and_foreign_tokens_are_refused(
    both: httpx.AsyncClient, test_identity: TestIdentity
) -> None:
    claims = _claims(test_identity)
    forged = {
        "algorithm_not_allowed": [_unsigned(claims), _hs256_with_public_key(claims)],
        "token_expired": [test_identity.token(expires_in=-120)],
        "audience_mismatch": [test_identity.token(aud="another-system")],
        "issuer_mismatch": [test_identity.token(iss="https://evil.example")],
    }
    for code, tokens in forged.items():
        for token in tokens:
            response = await both.get("/api/things/v1/x", headers=test_identity.headers(token))
            assert (response.status_code, response.json()["code"]) == (401, code), token


async def test_token_of_a_rotated_out_key_is_refused(
    both: httpx.AsyncClient, test_identity: TestIdentity
) -> None:
    old = test_identity.token()
    test_identity.rotate("key-b")
    test_identity.retire("key-a")
    response = await both.get("/api/things/v1/x", headers=test_identity.headers(old))
    assert (response.status_code, response.json()["code"]) == (401, "unknown_key")
    fresh = test_identity.token()
    assert (await both.get("/api/things/v1/x", headers=test_identity.headers(fresh))).status_code == 200


async def test_keeps_verifying_from_its_cache_while_the_jwks_is_down(
    make_gateway: Callable[..., FastAPI],
    upstream_app: Callable[[str], FastAPI],
    client: Callable[..., httpx.AsyncClient],
    test_identity: TestIdentity,
) -> None:
    app = make_gateway({"things": upstream_app("things")})
    clock = FakeClock()
    test_identity.install(app, clock=clock, cache_ttl=60)
    headers = test_identity.headers(test_identity.token())
    async with client(app) as gateway:
        assert (await gateway.get("/api/things/v1/x", headers=headers)).status_code == 200
        test_identity.down = True
        clock.advance(3600)
        assert (await gateway.get("/api/things/v1/x", headers=headers)).status_code == 200
    assert test_identity.fetches == 2, "the stale cache was not refreshed"


def identity_serving_jwks(identity: TestIdentity) -> Starlette:
    """An identity upstream with only its JWKS route, answering 503 while ``identity.down``."""

    async def jwks(_request: Request) -> JSONResponse:
        identity.fetches += 1
        return JSONResponse({"down": True}, 503) if identity.down else JSONResponse(identity.jwks())

    return Starlette(routes=[Route("/v1/jwks.json", jwks)])


async def test_own_verifier_reads_the_jwks_through_the_identity_upstream(
    upstream_app: Callable[[str], FastAPI],
    client: Callable[..., httpx.AsyncClient],
    test_identity: TestIdentity,
) -> None:
    settings = GatewaySettings(
        upstreams={"identity": "http://identity.test", "things": "http://things.test"},
        jwt_issuer=test_identity.issuer,
    )
    transports = {
        "identity": httpx.ASGITransport(app=identity_serving_jwks(test_identity)),
        "things": httpx.ASGITransport(app=upstream_app("things")),
    }
    app = create_app(settings, transports=transports)
    headers = test_identity.headers(test_identity.token())
    async with app.router.lifespan_context(app), client(app) as gateway:
        assert (await gateway.get("/api/things/v1/x", headers=headers)).status_code == 200
        test_identity.down = True
        assert (await gateway.get("/api/things/v1/x", headers=headers)).status_code == 200
    assert test_identity.fetches == 1


async def test_new_key_while_identity_is_down_is_a_503_not_a_logout(
    both: httpx.AsyncClient, test_identity: TestIdentity
) -> None:
    test_identity.down = True
    response = await both.get("/api/things/v1/x", headers=test_identity.headers(test_identity.token()))
    assert (response.status_code, response.json()["code"]) == (503, "auth_unavailable")


async def test_tokens_never_reach_the_log(
    both: httpx.AsyncClient, test_identity: TestIdentity, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", json=True)
    good, expired = test_identity.token(), test_identity.token(expires_in=-120)
    await both.get("/api/things/v1/x", headers=test_identity.headers(good))
    await both.get("/api/things/v1/x", headers=test_identity.headers(expired))
    logged = capsys.readouterr().out
    assert "http.request" in logged
    assert good not in logged
    assert expired not in logged
    assert good.split(".")[2] not in logged
