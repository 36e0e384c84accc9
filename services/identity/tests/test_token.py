"""The token endpoint, discovery and JWKS: a login becomes a verifiable RS256 token."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from eschool.common.auth import JwksVerifier, Role, principal_from_claims
from eschool.common.bus.tables import outbox_message
from eschool.common.db import utcnow
from eschool.common.service import ServiceRuntime
from eschool.identity.db.models import LoginAttempt, SigningKey, UserAccount

SCHOOL = uuid.uuid4()


async def login(api: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await api.post(
        "/v1/token",
        data={"grant_type": "password", "username": username, "password": password, "client_id": "web"},
    )


async def test_discovery_names_the_endpoints(api: httpx.AsyncClient) -> None:
    doc = (await api.get("/v1/.well-known/openid-configuration")).json()
    assert doc["issuer"] == "http://identity.test/api/identity/v1"
    assert doc["jwks_uri"] == doc["issuer"] + "/jwks.json"
    assert doc["token_endpoint"] == doc["issuer"] + "/token"
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]


async def test_password_grant_gives_a_token_the_platform_verifies(
    api: httpx.AsyncClient,
    add_account,  # type: ignore[no-untyped-def]
    verifier: JwksVerifier,
) -> None:
    user_id = await add_account("Teacher.Ivanova", "Klass5b-2026", (Role.subject_teacher, SCHOOL))
    response = await login(api, "teacher.ivanova", "Klass5b-2026")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    principal = principal_from_claims(await verifier.verify(body["access_token"]))
    assert str(principal.user_id) == user_id
    assert principal.has_role(Role.subject_teacher, org_unit_id=SCHOOL)
    assert not principal.has_role(Role.school_admin)


async def test_wrong_password_and_unknown_login_get_the_same_answer(
    api: httpx.AsyncClient, add_account
) -> None:  # type: ignore[no-untyped-def]
    await add_account("guardian.petrov", "Deti-2026x")
    wrong = await login(api, "guardian.petrov", "not-the-password1")
    unknown = await login(api, "nobody.here", "not-the-password1")
    assert wrong.status_code == unknown.status_code == 400

    def stable(r: httpx.Response) -> dict[str, object]:
        return {k: v for k, v in r.json().items() if k not in {"request_id"}}

    assert stable(wrong) == stable(unknown)
    assert stable(wrong)["error"] == "invalid_grant"


async def test_account_locks_after_failures_and_unlocks_by_itself(
    api: httpx.AsyncClient,
    identity: ServiceRuntime,
    add_account,  # type: ignore[no-untyped-def]
) -> None:
    await add_account("pupil.sidorov", "Uchenik-2026")
    for _ in range(3):
        assert (await login(api, "pupil.sidorov", "guessing-1")).status_code == 400
    # Locked: even the right password is refused, with the same answer as a wrong one.
    locked = await login(api, "pupil.sidorov", "Uchenik-2026")
    assert locked.status_code == 400
    assert locked.json()["error"] == "invalid_grant"
    async with identity.database.uow() as uow:
        await uow.session.execute(update(UserAccount).values(locked_until=utcnow() - timedelta(seconds=1)))
        await uow.commit()
    assert (await login(api, "pupil.sidorov", "Uchenik-2026")).status_code == 200
    async with identity.database.uow() as uow:
        outcomes = (
            (await uow.session.execute(select(LoginAttempt.outcome).order_by(LoginAttempt.login_attempt_id)))
            .scalars()
            .all()
        )
    assert outcomes == ["bad_credentials"] * 3 + ["locked", "succeeded"]


async def test_login_attempts_are_published_without_login_or_password(
    api: httpx.AsyncClient,
    identity: ServiceRuntime,
    add_account,  # type: ignore[no-untyped-def]
) -> None:
    await add_account("director.smirnova", "Direktor-2026")
    await login(api, "director.smirnova", "Direktor-2026")
    await login(api, "director.smirnova", "Wrong-pass-2026")
    async with identity.database.uow() as uow:
        rows = (
            await uow.session.execute(select(outbox_message.c.event_type, outbox_message.c.envelope))
        ).all()
    assert [r.event_type for r in rows] == ["identity.login.attempted.v1"] * 2
    text = str([r.envelope for r in rows]).lower()
    assert "smirnova" not in text
    assert "direktor-2026" not in text
    assert "wrong-pass" not in text
    assert [r.envelope["data"]["outcome"] for r in rows] == ["succeeded", "bad_credentials"]


async def test_token_from_a_rotated_out_key_still_verifies(
    api: httpx.AsyncClient,
    identity: ServiceRuntime,
    add_account,  # type: ignore[no-untyped-def]
    verifier: JwksVerifier,
) -> None:
    await add_account("secretary.orlova", "Sekretar-2026")
    old_token = (await login(api, "secretary.orlova", "Sekretar-2026")).json()["access_token"]
    async with identity.database.uow() as uow:
        await uow.session.execute(update(SigningKey).values(created_at=utcnow() - timedelta(days=31)))
        await uow.commit()
    new_token = (await login(api, "secretary.orlova", "Sekretar-2026")).json()["access_token"]
    keys = (await api.get("/v1/jwks.json")).json()["keys"]
    assert len(keys) == 2  # the new signing key and the rotated-out one, until its tokens expire
    assert (await verifier.verify(old_token))["sub"] == (await verifier.verify(new_token))["sub"]


async def test_bad_token_requests_are_oauth_errors(api: httpx.AsyncClient) -> None:
    unsupported = await api.post("/v1/token", data={"grant_type": "implicit"})
    assert unsupported.json()["error"] == "unsupported_grant_type"
    missing = await api.post("/v1/token", data={"grant_type": "password", "username": "x"})
    assert missing.json()["error"] == "invalid_request"
    no_grant = await api.post("/v1/token", data={})
    assert no_grant.status_code == 422
    assert no_grant.json()["errors"][0]["field"] == "body.grant_type"


async def test_jwks_has_a_key_before_anyone_logs_in(api: httpx.AsyncClient) -> None:
    keys = (await api.get("/v1/jwks.json")).json()["keys"]
    assert len(keys) == 1
    assert keys[0]["alg"] == "RS256"
    assert keys[0]["use"] == "sig"
    assert "d" not in keys[0]  # the public half only
