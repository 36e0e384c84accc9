"""The FastAPI auth dependencies: 401, 403 and 503 answers, roles, scopes, the optional principal.

Identity is ``eschool.common.testing.auth.TestIdentity``, installed on the app as every service's tests do.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import httpx
import pytest
import structlog
from fastapi import Depends, FastAPI

from eschool.common.auth import (
    CurrentPrincipal,
    OptionalPrincipal,
    PrincipalChangingPassword,
    Role,
    require_roles,
    require_scopes,
)
from eschool.common.http.problems import install_problem_handlers
from eschool.common.testing.auth import TestIdentity


def protected_app(identity: TestIdentity) -> FastAPI:
    app = FastAPI()
    identity.install(app)
    install_problem_handlers(app)

    @app.get("/me")
    async def me(principal: CurrentPrincipal) -> dict[str, Any]:
        logged = structlog.contextvars.get_contextvars().get("user_id")
        return {"user_id": str(principal.user_id), "logged_user_id": logged}

    @app.get("/school", dependencies=[Depends(require_roles(Role.school_admin, Role.director))])
    async def school() -> dict[str, str]:
        return {"ok": "yes"}

    @app.get("/marks-export", dependencies=[Depends(require_scopes("marks:read"))])
    async def marks_export() -> dict[str, str]:
        return {"ok": "yes"}

    @app.post("/password")
    async def password(principal: PrincipalChangingPassword) -> dict[str, bool]:
        return {"must_change": principal.password_change_required}

    @app.get("/news")
    async def news(principal: OptionalPrincipal) -> dict[str, bool]:
        return {"anonymous": principal is None}

    return app


@pytest.fixture
async def api(test_identity: TestIdentity) -> AsyncIterator[httpx.AsyncClient]:
    structlog.contextvars.clear_contextvars()
    transport = httpx.ASGITransport(app=protected_app(test_identity))
    async with httpx.AsyncClient(transport=transport, base_url="http://journal.test") as client:
        yield client
    structlog.contextvars.clear_contextvars()


async def test_request_without_token_gets_401_with_challenge(api: httpx.AsyncClient) -> None:
    response = await api.get("/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "token_missing"


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "authorization_malformed"),
        ({"Authorization": "Bearer"}, "authorization_malformed"),
        ({"Authorization": "Bearer not.a.jwt"}, "token_invalid"),
    ],
)
async def test_garbled_header_or_bad_token_gets_401(
    api: httpx.AsyncClient, headers: dict[str, str], code: str
) -> None:
    response = await api.get("/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == code


async def test_expired_token_gets_401_token_expired(
    api: httpx.AsyncClient, test_identity: TestIdentity
) -> None:
    now = int(time.time())
    expired = test_identity.token(iat=now - 3600, exp=now - 600)
    response = await api.get("/me", headers=test_identity.headers(expired))
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


async def test_valid_token_reaches_route_and_logs_carry_user_id(
    api: httpx.AsyncClient, test_identity: TestIdentity
) -> None:
    user_id = uuid4()
    response = await api.get("/me", headers=test_identity.headers(test_identity.token(user_id=user_id)))
    assert response.status_code == 200
    assert response.json() == {"user_id": str(user_id), "logged_user_id": str(user_id)}


async def test_teacher_cannot_call_school_admin_route(
    api: httpx.AsyncClient, test_identity: TestIdentity
) -> None:
    teacher = test_identity.token_for(Role.subject_teacher)
    response = await api.get("/school", headers=test_identity.headers(teacher))
    assert response.status_code == 403
    assert response.json()["code"] == "role_required"


async def test_school_admin_can_call_school_admin_route(
    api: httpx.AsyncClient, test_identity: TestIdentity
) -> None:
    admin = test_identity.token_for(Role.school_admin)
    response = await api.get("/school", headers=test_identity.headers(admin))
    assert response.status_code == 200


async def test_machine_client_needs_its_scope(api: httpx.AsyncClient, test_identity: TestIdentity) -> None:
    narrow = test_identity.token(client_id="partner-1", scopes=["diary:read"])
    wide = test_identity.token(client_id="partner-1", scopes=["diary:read", "marks:read"])

    refused_response = await api.get("/marks-export", headers=test_identity.headers(narrow))
    assert refused_response.status_code == 403
    assert refused_response.json()["code"] == "insufficient_scope"
    assert 'error="insufficient_scope"' in refused_response.headers["WWW-Authenticate"]
    assert (await api.get("/marks-export", headers=test_identity.headers(wide))).status_code == 200


async def test_optional_principal_allows_anonymous_but_not_bad_tokens(
    api: httpx.AsyncClient, test_identity: TestIdentity
) -> None:
    signed_in = test_identity.headers(test_identity.token())
    assert (await api.get("/news")).json() == {"anonymous": True}
    assert (await api.get("/news", headers=signed_in)).json() == {"anonymous": False}
    assert (await api.get("/news", headers=test_identity.headers("not.a.jwt"))).status_code == 401


async def test_identity_down_gets_503_not_401(api: httpx.AsyncClient, test_identity: TestIdentity) -> None:
    test_identity.down = True
    response = await api.get("/me", headers=test_identity.headers(test_identity.token()))
    assert response.status_code == 503
    assert response.json()["code"] == "auth_unavailable"


async def test_token_of_a_generated_password_opens_only_the_password_change(
    api: httpx.AsyncClient, test_identity: TestIdentity
) -> None:
    headers = test_identity.headers(test_identity.token_for(Role.pupil, pwd_change=True))

    refused = await api.get("/me", headers=headers)
    changing = await api.post("/password", headers=headers)

    assert refused.status_code == 403
    assert refused.json()["code"] == "password_change_required"
    assert (changing.status_code, changing.json()) == (200, {"must_change": True})
    assert (await api.get("/news", headers=headers)).status_code == 403
