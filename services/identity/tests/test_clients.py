"""Machine clients: client credentials with narrow scopes, never the password grant."""

from __future__ import annotations

import uuid

import httpx

from eschool.common.auth import JwksVerifier, Role, principal_from_claims


async def test_client_credentials_give_a_scoped_machine_token(
    api: httpx.AsyncClient,
    add_client,
    verifier: JwksVerifier,  # type: ignore[no-untyped-def]
) -> None:  # type: ignore[no-untyped-def]
    secret = await add_client("state-portal", "enrolment:applications.write", "enrolment:applications.read")
    response = await api.post(
        "/v1/token",
        data={"grant_type": "client_credentials", "scope": "enrolment:applications.write"},
        auth=("state-portal", secret),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["scope"] == "enrolment:applications.write"
    assert "refresh_token" not in body
    principal = principal_from_claims(await verifier.verify(body["access_token"]))
    assert principal.is_machine
    assert principal.client_id == "state-portal"
    assert principal.scopes == frozenset({"enrolment:applications.write"})
    assert principal.bindings == ()


async def test_client_secret_in_the_form_works_too(api: httpx.AsyncClient, add_client) -> None:  # type: ignore[no-untyped-def]
    secret = await add_client("meal-system", "contingent:read")
    response = await api.post(
        "/v1/token",
        data={"grant_type": "client_credentials", "client_id": "meal-system", "client_secret": secret},
    )
    assert response.json()["scope"] == "contingent:read"


async def test_machine_client_cannot_ask_for_a_scope_it_lacks(api: httpx.AsyncClient, add_client) -> None:  # type: ignore[no-untyped-def]
    secret = await add_client("library-system", "contingent:read")
    response = await api.post(
        "/v1/token",
        data={"grant_type": "client_credentials", "scope": "journal:marks.write"},
        auth=("library-system", secret),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


async def test_wrong_or_missing_client_secret_is_invalid_client(api: httpx.AsyncClient, add_client) -> None:  # type: ignore[no-untyped-def]
    await add_client("state-portal", "enrolment:applications.write")
    wrong = await api.post(
        "/v1/token", data={"grant_type": "client_credentials"}, auth=("state-portal", "guess")
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    assert wrong.headers["www-authenticate"].startswith("Basic")
    unknown = await api.post("/v1/token", data={"grant_type": "client_credentials"}, auth=("nobody", "x"))
    assert unknown.json() == {**wrong.json(), "request_id": unknown.json()["request_id"]}
    missing = await api.post("/v1/token", data={"grant_type": "client_credentials"})
    assert missing.status_code == 401


async def test_machine_client_cannot_use_the_password_grant(
    api: httpx.AsyncClient,
    add_client,
    add_account,  # type: ignore[no-untyped-def]
) -> None:
    await add_client("state-portal", "enrolment:applications.write")
    await add_account("teacher.volkova", "Uchitel-2026")
    response = await api.post(
        "/v1/token",
        data={
            "grant_type": "password",
            "username": "teacher.volkova",
            "password": "Uchitel-2026",
            "client_id": "state-portal",
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unauthorized_client"


async def client_token(api: httpx.AsyncClient, client_id: str, secret: str) -> httpx.Response:
    return await api.post("/v1/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret))


async def test_ministry_registers_rotates_and_disables_machine_clients(
    api: httpx.AsyncClient,
    add_account,  # type: ignore[no-untyped-def]
    bearer,  # type: ignore[no-untyped-def]
) -> None:
    await add_account("ministry", "Ministr-2026x", (Role.ministry, None))
    as_ministry = await bearer("ministry", "Ministr-2026x")

    created = await api.post(
        "/v1/clients",
        json={"client_id": "library-system", "scopes": ["contingent:read"]},
        headers=as_ministry,
    )
    assert created.status_code == 201, created.text
    first = created.json()["client_secret"]
    assert (await client_token(api, "library-system", first)).status_code == 200

    rotated = await api.post("/v1/clients/library-system/secret", headers=as_ministry)
    second = rotated.json()["client_secret"]
    assert (await client_token(api, "library-system", first)).status_code == 401
    assert (await client_token(api, "library-system", second)).status_code == 200

    assert (await api.post("/v1/clients/library-system/disable", headers=as_ministry)).json()["disabled_at"]
    assert (await client_token(api, "library-system", second)).status_code == 401
    await api.post("/v1/clients/library-system/enable", headers=as_ministry)
    assert (await client_token(api, "library-system", second)).status_code == 200

    listed = await api.get("/v1/clients", headers=as_ministry)
    assert [c["client_id"] for c in listed.json()] == ["library-system"]
    assert second not in listed.text
    assert "secret" not in listed.text
    unknown = await api.post("/v1/clients/nobody/disable", headers=as_ministry)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "client_not_found")


async def test_only_the_ministry_administers_machine_clients(
    api: httpx.AsyncClient,
    add_account,  # type: ignore[no-untyped-def]
    add_client,  # type: ignore[no-untyped-def]
    bearer,  # type: ignore[no-untyped-def]
) -> None:
    secret = await add_client("state-portal", "enrolment:applications.write")
    await add_account("admin.a", "Shkola-A-2026", (Role.school_admin, uuid.uuid4()))
    as_school = await bearer("admin.a", "Shkola-A-2026")

    listed = await api.get("/v1/clients", headers=as_school)
    rotated = await api.post("/v1/clients/state-portal/secret", headers=as_school)
    created = await api.post("/v1/clients", json={"client_id": "mine", "scopes": ["x:y"]}, headers=as_school)

    assert (listed.status_code, rotated.status_code, created.status_code) == (403, 403, 403)
    assert (await client_token(api, "state-portal", secret)).status_code == 200
