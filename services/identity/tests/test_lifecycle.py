"""An account's life: forced change of a generated password, reset, disable and enable, the audit."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from eschool.common.auth import Role

SCHOOL_A, SCHOOL_B = uuid.uuid4(), uuid.uuid4()
TOKEN = "/v1/token"
AddAccount = Callable[..., Awaitable[str]]
Bearer = Callable[[str, str], Awaitable[dict[str, str]]]


async def password_grant(api: httpx.AsyncClient, login: str, password: str) -> httpx.Response:
    return await api.post(TOKEN, data={"grant_type": "password", "username": login, "password": password})


async def test_generated_password_opens_only_its_change_then_everything(
    api: httpx.AsyncClient, add_account: AddAccount, bearer: Bearer
) -> None:
    await add_account("admin.a", "Shkola-A-2026", (Role.school_admin, SCHOOL_A))
    pupil = await add_account("pupil.a", "Uchenik-A-2026", (Role.pupil, SCHOOL_A))
    as_admin = await bearer("admin.a", "Shkola-A-2026")
    reset = await api.post(
        f"/v1/accounts/{pupil}/password-reset", json={"reason": "забыл пароль"}, headers=as_admin
    )
    assert reset.status_code == 200, reset.text
    one_time = reset.json()["one_time_password"]
    assert (await password_grant(api, "pupil.a", "Uchenik-A-2026")).status_code == 400  # the old one is gone

    first = await password_grant(api, "pupil.a", one_time)
    assert first.status_code == 200
    as_pupil = {"Authorization": f"Bearer {first.json()['access_token']}"}
    info = await api.get("/v1/userinfo", headers=as_pupil)
    assert info.status_code == 200
    assert info.json()["must_change_password"] is True
    refused = await api.get(f"/v1/accounts/{pupil}/bindings", headers=as_pupil)
    assert (refused.status_code, refused.json()["code"]) == (403, "password_change_required")

    weak = await api.post(
        "/v1/me/password", json={"current_password": one_time, "new_password": "short"}, headers=as_pupil
    )
    assert (weak.status_code, weak.json()["code"]) == (422, "weak_password")
    assert weak.json()["errors"][0]["field"] == "body.new_password"
    changed = await api.post(
        "/v1/me/password",
        json={"current_password": one_time, "new_password": "Moy-parol-2026"},
        headers=as_pupil,
    )
    assert changed.status_code == 204, changed.text
    # The refresh token of that session now yields a token without the restriction.
    refreshed = await api.post(
        TOKEN, data={"grant_type": "refresh_token", "refresh_token": first.json()["refresh_token"]}
    )
    fresh = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
    assert (await api.get("/v1/userinfo", headers=fresh)).json()["must_change_password"] is False
    assert (await password_grant(api, "pupil.a", one_time)).status_code == 400

    audit = await api.get(f"/v1/accounts/{pupil}/audit", headers=as_admin)
    assert [(a["action"], a["reason"]) for a in audit.json()] == [
        ("password_changed", None),
        ("password_reset", "забыл пароль"),
    ]
    assert one_time not in audit.text


async def test_password_change_needs_the_current_password(
    api: httpx.AsyncClient, add_account: AddAccount, bearer: Bearer
) -> None:
    await add_account("teacher.a", "Uchitel-A-2026", (Role.subject_teacher, SCHOOL_A))
    headers = await bearer("teacher.a", "Uchitel-A-2026")

    wrong = await api.post(
        "/v1/me/password",
        json={"current_password": "not-it-2026", "new_password": "Novyi-2026x"},
        headers=headers,
    )
    same = await api.post(
        "/v1/me/password",
        json={"current_password": "Uchitel-A-2026", "new_password": "Uchitel-A-2026"},
        headers=headers,
    )

    assert (wrong.status_code, wrong.json()["errors"][0]["field"]) == (422, "body.current_password")
    assert same.json()["code"] == "password_unchanged"
    assert (await password_grant(api, "teacher.a", "Uchitel-A-2026")).status_code == 200


async def test_disabled_account_cannot_log_in_or_refresh_until_enabled(
    api: httpx.AsyncClient, add_account: AddAccount, bearer: Bearer
) -> None:
    await add_account("admin.a", "Shkola-A-2026", (Role.school_admin, SCHOOL_A))
    teacher = await add_account("teacher.a", "Uchitel-A-2026", (Role.subject_teacher, SCHOOL_A))
    session = await password_grant(api, "teacher.a", "Uchitel-A-2026")
    as_admin = await bearer("admin.a", "Shkola-A-2026")

    no_reason = await api.post(f"/v1/accounts/{teacher}/disable", json={}, headers=as_admin)
    assert (no_reason.status_code, no_reason.json()["errors"][0]["field"]) == (422, "body.reason")
    disabled = await api.post(f"/v1/accounts/{teacher}/disable", json={"reason": "уволен"}, headers=as_admin)
    assert disabled.status_code == 200
    assert disabled.json()["disabled_at"] is not None

    denied = await password_grant(api, "teacher.a", "Uchitel-A-2026")
    assert (denied.status_code, denied.json()["error"]) == (400, "invalid_grant")
    refresh = await api.post(
        TOKEN, data={"grant_type": "refresh_token", "refresh_token": session.json()["refresh_token"]}
    )
    assert refresh.status_code == 400

    enabled = await api.post(
        f"/v1/accounts/{teacher}/enable", json={"reason": "восстановлен"}, headers=as_admin
    )
    assert enabled.status_code == 200
    assert enabled.json()["disabled_at"] is None
    assert (await password_grant(api, "teacher.a", "Uchitel-A-2026")).status_code == 200


async def test_school_admin_cannot_touch_accounts_of_another_school(
    api: httpx.AsyncClient, add_account: AddAccount, bearer: Bearer
) -> None:
    await add_account("admin.a", "Shkola-A-2026", (Role.school_admin, SCHOOL_A))
    teacher_b = await add_account("teacher.b", "Uchitel-B-2026", (Role.subject_teacher, SCHOOL_B))
    both = await add_account(
        "teacher.ab", "Uchitel-AB-2026", (Role.subject_teacher, SCHOOL_A), (Role.subject_teacher, SCHOOL_B)
    )
    ministry = await add_account(
        "ministry.x", "Ministr-2026", (Role.ministry, None), (Role.subject_teacher, SCHOOL_A)
    )
    as_admin = await bearer("admin.a", "Shkola-A-2026")

    for path in ("password-reset", "disable", "enable"):
        response = await api.post(
            f"/v1/accounts/{teacher_b}/{path}", json={"reason": "чужая школа"}, headers=as_admin
        )
        assert (response.status_code, response.json()["code"]) == (404, "account_not_found")
    assert (await api.get(f"/v1/accounts/{teacher_b}", headers=as_admin)).status_code == 404
    # An account above the school is looked after from above, even if it also teaches here.
    above = await api.post(f"/v1/accounts/{ministry}/password-reset", json={}, headers=as_admin)
    assert above.status_code == 404
    # A teacher of two schools: the password may be reset here, but not the whole account shut down.
    assert (
        await api.post(f"/v1/accounts/{both}/password-reset", json={}, headers=as_admin)
    ).status_code == 200
    shared = await api.post(f"/v1/accounts/{both}/disable", json={"reason": "уволен"}, headers=as_admin)
    assert (shared.status_code, shared.json()["code"]) == (403, "account_shared")
    assert (await password_grant(api, "teacher.b", "Uchitel-B-2026")).status_code == 200


async def test_teacher_cannot_administer_accounts(
    api: httpx.AsyncClient, add_account: AddAccount, bearer: Bearer
) -> None:
    await add_account("teacher.a", "Uchitel-A-2026", (Role.subject_teacher, SCHOOL_A))
    pupil = await add_account("pupil.a", "Uchenik-A-2026", (Role.pupil, SCHOOL_A))
    as_teacher = await bearer("teacher.a", "Uchitel-A-2026")

    response = await api.post(f"/v1/accounts/{pupil}/password-reset", json={}, headers=as_teacher)

    assert response.status_code == 404
    assert (await password_grant(api, "pupil.a", "Uchenik-A-2026")).status_code == 200


async def test_guardian_token_lists_the_pupils_of_the_binding(
    api: httpx.AsyncClient, add_account: AddAccount, identity: Any
) -> None:
    from sqlalchemy import update

    from eschool.identity.db.models import RoleBinding

    guardian = await add_account("mama", "Roditel-2026x", (Role.guardian, SCHOOL_A))
    son = uuid.uuid4()
    async with identity.database.uow() as uow:
        await uow.session.execute(
            update(RoleBinding)
            .where(RoleBinding.user_account_id == uuid.UUID(guardian))
            .values(pupil_ids=[str(son)])
        )
        await uow.commit()
    token = (await password_grant(api, "mama", "Roditel-2026x")).json()["access_token"]

    info = await api.get("/v1/userinfo", headers={"Authorization": f"Bearer {token}"})

    assert info.json()["roles"] == [{"role": "guardian", "org": str(SCHOOL_A), "pupils": [str(son)]}]
