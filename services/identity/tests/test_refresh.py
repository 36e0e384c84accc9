"""Refresh tokens: rotated on every use; reuse of a spent one ends the whole session family."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select, update

from eschool.common.db import utcnow
from eschool.common.service import ServiceRuntime
from eschool.identity.db.models import RefreshToken


async def password_login(api: httpx.AsyncClient) -> dict[str, str]:
    response = await api.post(
        "/v1/token",
        data={"grant_type": "password", "username": "guardian.kuznetsova", "password": "Roditel-2026"},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def refresh(api: httpx.AsyncClient, token: str) -> httpx.Response:
    return await api.post("/v1/token", data={"grant_type": "refresh_token", "refresh_token": token})


async def test_refresh_rotates_and_reuse_revokes_the_family(api: httpx.AsyncClient, add_account) -> None:  # type: ignore[no-untyped-def]
    await add_account("guardian.kuznetsova", "Roditel-2026")
    first = await password_login(api)
    second = await refresh(api, first["refresh_token"])
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert rotated["access_token"]

    # The spent token comes back (stolen, or replayed): the whole family ends, the new one too.
    reuse = await refresh(api, first["refresh_token"])
    assert reuse.status_code == 400
    assert reuse.json()["error"] == "invalid_grant"
    assert (await refresh(api, rotated["refresh_token"])).status_code == 400

    # A fresh login starts a new family that works.
    assert (await refresh(api, (await password_login(api))["refresh_token"])).status_code == 200


async def test_only_a_digest_of_the_refresh_token_is_stored(
    api: httpx.AsyncClient,
    identity: ServiceRuntime,
    add_account,  # type: ignore[no-untyped-def]
) -> None:
    await add_account("guardian.kuznetsova", "Roditel-2026")
    token = (await password_login(api))["refresh_token"]
    async with identity.database.uow() as uow:
        hashes = (await uow.session.execute(select(RefreshToken.token_hash))).scalars().all()
    assert len(hashes) == 1
    assert token not in hashes[0]


async def test_expired_and_revoked_refresh_tokens_are_refused(
    api: httpx.AsyncClient,
    identity: ServiceRuntime,
    add_account,  # type: ignore[no-untyped-def]
) -> None:
    await add_account("guardian.kuznetsova", "Roditel-2026")
    expiring = (await password_login(api))["refresh_token"]
    async with identity.database.uow() as uow:
        await uow.session.execute(update(RefreshToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        await uow.commit()
    assert (await refresh(api, expiring)).status_code == 400

    revoked = (await password_login(api))["refresh_token"]
    assert (await api.post("/v1/revoke", data={"token": revoked})).status_code == 200
    assert (await refresh(api, revoked)).status_code == 400
    # Revoking something unknown is not an error (RFC 7009).
    assert (await api.post("/v1/revoke", data={"token": "never-issued"})).status_code == 200


async def test_refresh_grant_needs_its_token(api: httpx.AsyncClient) -> None:
    missing = await api.post("/v1/token", data={"grant_type": "refresh_token"})
    assert missing.json()["error"] == "invalid_request"
    unknown = await refresh(api, "never-issued")
    assert unknown.json()["error"] == "invalid_grant"
