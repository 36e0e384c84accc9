"""The embedded mode: the gateway in front of the real identity service, reached in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import jwt
import pytest_asyncio

from eschool.common.embedded import build_app
from eschool.identity.app import service as identity

DEMO_LOGIN = {"grant_type": "password", "username": "ministry", "password": "Region-2026a"}


@pytest_asyncio.fixture
async def embedded(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app([identity], tmp_path / "var", public_url="http://school.test")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://school.test") as client:
            yield client


async def test_login_through_the_gateway_then_a_protected_route_with_the_token(
    embedded: httpx.AsyncClient,
) -> None:
    anonymous = await embedded.get("/api/identity/v1/accounts/00000000-0000-0000-0000-000000000000/bindings")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "token_missing")
    issued = await embedded.post("/api/identity/v1/token", data=DEMO_LOGIN)
    assert issued.status_code == 200, issued.text
    token = issued.json()["access_token"]
    account = jwt.decode(token, options={"verify_signature": False})["sub"]
    headers = {"Authorization": f"Bearer {token}"}
    bindings = await embedded.get(f"/api/identity/v1/accounts/{account}/bindings", headers=headers)
    assert bindings.status_code == 200, bindings.text


async def test_probes_cover_every_database_and_the_bus_and_docs_list_identity(
    embedded: httpx.AsyncClient,
) -> None:
    ready = await embedded.get("/readyz")
    assert ready.json()["checks"] == {"broker": "ok", "identity.database": "ok"}
    document = (await embedded.get("/api/openapi.json")).json()
    assert "/api/identity/v1/token" in document["paths"]
    discovery = (await embedded.get("/api/identity/v1/.well-known/openid-configuration")).json()
    assert discovery["issuer"] == "http://school.test/api/identity/v1"
