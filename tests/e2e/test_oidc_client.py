"""`make run` speaks standard OpenID Connect: a stock client library, pointed at the discovery document
through the gateway, logs in with a demo login, calls userinfo, refreshes, and verifies every access
token's signature against the published JWKS on its own (Authlib for OAuth 2.0, joserfc for JOSE)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet

DEMO_LOGIN, DEMO_PASSWORD = "teacher", "Uchitel-2026e"
CLIENT_ID = "eschool-web"
# make run loads the demo region in the background for its first minute or two: answers may be slow then
# (on a loaded 2-core machine a login took over 30 s), never absent; its gateway waits as long.
TIMEOUT = 300.0


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory, make_run: Any) -> Iterator[str]:
    """`make run` as a newcomer starts it; its printed URL; stopped with Ctrl-C afterwards."""
    running = make_run(tmp_path_factory.mktemp("oidc") / "var", log_level="WARNING")
    try:
        url = running.wait_started()
        # The demo logins follow the URL: wait for them rather than read a half-printed list.
        assert running.printed(DEMO_LOGIN), "the demo logins are printed:\n" + running.output
        yield url
    finally:
        running.stop()


@pytest_asyncio.fixture
async def discovery(embedded: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        response = await http.get(f"{embedded}/api/identity/v1/.well-known/openid-configuration")
    assert response.status_code == 200, response.text
    return response.json()


@pytest_asyncio.fixture
async def client(discovery: dict[str, Any]) -> AsyncIterator[AsyncOAuth2Client]:
    # A public first-party client (no secret), as the web and mobile front ends are.
    async with AsyncOAuth2Client(
        client_id=CLIENT_ID, token_endpoint_auth_method="none", scope="openid", timeout=TIMEOUT
    ) as oauth:
        yield oauth


async def verified_claims(discovery: dict[str, Any], access_token: str) -> dict[str, Any]:
    """Check the signature with the JWKS, then issuer, audience and lifetime, as any relying party would."""
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        keys = KeySet.import_key_set((await http.get(discovery["jwks_uri"])).json())
    token = jwt.decode(access_token, keys, algorithms=discovery["id_token_signing_alg_values_supported"])
    assert token.header["alg"] == "RS256"
    assert token.header["kid"] in {key.kid for key in keys}
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": discovery["issuer"]},
        aud={"essential": True, "value": "eschool"},
        exp={"essential": True},
        sub={"essential": True},
    ).validate(token.claims)
    return token.claims


async def test_discovery_names_endpoints_under_the_gateway(embedded: str, discovery: dict[str, Any]) -> None:
    issuer = f"{embedded}/api/identity/v1"
    assert discovery["issuer"] == issuer
    for endpoint in ("token_endpoint", "jwks_uri", "userinfo_endpoint", "revocation_endpoint"):
        assert discovery[endpoint].startswith(issuer + "/"), endpoint
    assert {"password", "refresh_token"} <= set(discovery["grant_types_supported"])


async def test_a_standard_client_logs_in_refreshes_and_verifies_with_the_jwks(
    discovery: dict[str, Any], client: AsyncOAuth2Client
) -> None:
    token = await client.fetch_token(
        discovery["token_endpoint"], username=DEMO_LOGIN, password=DEMO_PASSWORD, grant_type="password"
    )
    assert token["token_type"].lower() == "bearer"
    claims = await verified_claims(discovery, token["access_token"])
    userinfo = await client.get(discovery["userinfo_endpoint"])
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json()["sub"] == claims["sub"]
    assert userinfo.json()["preferred_username"] == DEMO_LOGIN

    first_refresh = token["refresh_token"]
    refreshed = await client.refresh_token(discovery["token_endpoint"], refresh_token=first_refresh)
    assert refreshed["refresh_token"] != first_refresh, "refresh tokens rotate on every use"
    again = await verified_claims(discovery, refreshed["access_token"])
    assert again["sub"] == claims["sub"]
    assert (await client.get(discovery["userinfo_endpoint"])).status_code == 200

    # The old refresh token is spent: using it again is refused (and ends the whole session family).
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        reuse = await http.post(
            discovery["token_endpoint"],
            data={"grant_type": "refresh_token", "refresh_token": first_refresh, "client_id": CLIENT_ID},
        )
        assert reuse.status_code == 400
        assert reuse.json()["error"] == "invalid_grant"
        family = await http.post(
            discovery["token_endpoint"],
            data={
                "grant_type": "refresh_token",
                "refresh_token": refreshed["refresh_token"],
                "client_id": CLIENT_ID,
            },
        )
        assert family.status_code == 400


async def test_a_wrong_password_is_refused_in_oauth_terms(discovery: dict[str, Any]) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        refused = await http.post(
            discovery["token_endpoint"],
            data={
                "grant_type": "password",
                "username": DEMO_LOGIN,
                "password": "not-it",
                "client_id": CLIENT_ID,
            },
        )
        anonymous = await http.get(discovery["userinfo_endpoint"])
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert anonymous.status_code == 401
