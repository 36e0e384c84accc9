"""Granting and reading role bindings: a school's administration acts in its own school only."""

from __future__ import annotations

import uuid

import httpx

from eschool.common.auth import Role

SCHOOL_A, SCHOOL_B = uuid.uuid4(), uuid.uuid4()


async def bearer(api: httpx.AsyncClient, login: str, password: str) -> dict[str, str]:
    response = await api.post(
        "/v1/token", data={"grant_type": "password", "username": login, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_school_admin_grants_and_reads_only_in_their_school(
    api: httpx.AsyncClient, add_account
) -> None:  # type: ignore[no-untyped-def]
    await add_account("admin.a", "Shkola-A-2026", (Role.school_admin, SCHOOL_A))
    await add_account("admin.b", "Shkola-B-2026", (Role.school_admin, SCHOOL_B))
    newcomer = await add_account("new.teacher", "Novichok-2026")
    teacher_b = await add_account("teacher.b", "Uchitel-B-2026", (Role.subject_teacher, SCHOOL_B))
    as_a = await bearer(api, "admin.a", "Shkola-A-2026")

    granted = await api.post(
        f"/v1/accounts/{newcomer}/bindings",
        json={"role": "subject_teacher", "org_unit_id": str(SCHOOL_A)},
        headers=as_a,
    )
    assert granted.status_code == 201, granted.text
    assert granted.json()["role"] == "subject_teacher"
    again = await api.post(
        f"/v1/accounts/{newcomer}/bindings",
        json={"role": "subject_teacher", "org_unit_id": str(SCHOOL_A)},
        headers=as_a,
    )
    assert again.status_code == 409

    # Another school: neither grant there nor see who works there.
    elsewhere = await api.post(
        f"/v1/accounts/{newcomer}/bindings",
        json={"role": "subject_teacher", "org_unit_id": str(SCHOOL_B)},
        headers=as_a,
    )
    assert elsewhere.status_code == 403
    assert elsewhere.json()["code"] == "grant_not_allowed"
    hidden = await api.get(f"/v1/accounts/{teacher_b}/bindings", headers=as_a)
    assert hidden.status_code == 404

    seen = await api.get(f"/v1/accounts/{newcomer}/bindings", headers=as_a)
    assert [(b["role"], b["org_unit_id"]) for b in seen.json()] == [("subject_teacher", str(SCHOOL_A))]
    as_b = await bearer(api, "admin.b", "Shkola-B-2026")
    assert (await api.get(f"/v1/accounts/{newcomer}/bindings", headers=as_b)).status_code == 404


async def test_school_admin_cannot_hand_out_administration_roles(api: httpx.AsyncClient, add_account) -> None:  # type: ignore[no-untyped-def]
    await add_account("admin.a", "Shkola-A-2026", (Role.school_admin, SCHOOL_A))
    someone = await add_account("someone", "Kto-to-2026")
    as_a = await bearer(api, "admin.a", "Shkola-A-2026")
    for role in ("school_admin", "director", "municipality", "ministry"):
        response = await api.post(
            f"/v1/accounts/{someone}/bindings",
            json={"role": role, "org_unit_id": str(SCHOOL_A)},
            headers=as_a,
        )
        assert response.status_code == 403, role


async def test_teacher_cannot_grant_and_anonymous_is_401(api: httpx.AsyncClient, add_account) -> None:  # type: ignore[no-untyped-def]
    await add_account("teacher.a", "Uchitel-A-2026", (Role.subject_teacher, SCHOOL_A))
    pupil = await add_account("pupil.a", "Uchenik-A-2026", (Role.pupil, SCHOOL_A))
    as_teacher = await bearer(api, "teacher.a", "Uchitel-A-2026")
    body = {"role": "class_teacher", "org_unit_id": str(SCHOOL_A)}
    assert (
        await api.post(f"/v1/accounts/{pupil}/bindings", json=body, headers=as_teacher)
    ).status_code == 403
    anonymous = await api.post(f"/v1/accounts/{pupil}/bindings", json=body)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"


async def test_ministry_grants_school_administration(api: httpx.AsyncClient, add_account) -> None:  # type: ignore[no-untyped-def]
    await add_account("ministry.one", "Region-One-2026", (Role.ministry, uuid.uuid4()))
    future_admin = await add_account("future.admin", "Budushii-2026")
    as_ministry = await bearer(api, "ministry.one", "Region-One-2026")
    response = await api.post(
        f"/v1/accounts/{future_admin}/bindings",
        json={"role": "school_admin", "org_unit_id": str(SCHOOL_B)},
        headers=as_ministry,
    )
    assert response.status_code == 201
    bad_role = await api.post(
        f"/v1/accounts/{future_admin}/bindings", json={"role": "wizard"}, headers=as_ministry
    )
    assert bad_role.status_code == 422
    assert bad_role.json()["errors"][0]["field"] == "body.role"
