"""A municipality administers its own schools (by contingent's org tree), and no one else's; revocation
follows the rule of granting; every change is in the account's audit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from eschool.common.auth import Role
from eschool.common.events.contingent import OrgUnitReassignedV1, OrgUnitRegisteredV1

from .conftest import AddAccount, Bearer, Deliver

REGION, RAYON_A, RAYON_B = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
SCHOOL_A1, SCHOOL_B1 = uuid.uuid4(), uuid.uuid4()
T0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
async def tree(deliver: Deliver) -> None:
    """Region -> two municipalities -> a school each, as contingent publishes it."""
    units = [
        (REGION, "region", None),
        (RAYON_A, "municipality", REGION),
        (RAYON_B, "municipality", REGION),
        (SCHOOL_A1, "school", RAYON_A),
        (SCHOOL_B1, "school", RAYON_B),
    ]
    await deliver(
        *(OrgUnitRegisteredV1(org_unit_id=u, kind=k, parent_id=p, occurred_at=T0) for u, k, p in units)
    )


def grant(role: str, org_unit_id: uuid.UUID, **extra: object) -> dict[str, object]:
    return {"role": role, "org_unit_id": str(org_unit_id), **extra}


@pytest.mark.usefixtures("tree")
async def test_municipality_hands_out_administration_of_its_own_schools_only(
    api: httpx.AsyncClient, add_account: AddAccount, bearer: Bearer
) -> None:
    await add_account("rayon.a", "Rayon-A-2026", (Role.municipality, RAYON_A))
    operator = await add_account("operator", "Naznachenie-2026")
    as_rayon = await bearer("rayon.a", "Rayon-A-2026")

    granted = await api.post(
        f"/v1/accounts/{operator}/bindings", json=grant("school_admin", SCHOOL_A1), headers=as_rayon
    )
    assert granted.status_code == 201, granted.text
    foreign = await api.post(
        f"/v1/accounts/{operator}/bindings", json=grant("school_admin", SCHOOL_B1), headers=as_rayon
    )
    assert foreign.status_code == 403
    assert foreign.json()["code"] == "grant_not_allowed"
    # Territories are granted from above: not a municipality, not the ministry.
    for role, unit in (("municipality", RAYON_A), ("ministry", REGION)):
        response = await api.post(
            f"/v1/accounts/{operator}/bindings", json=grant(role, unit), headers=as_rayon
        )
        assert response.status_code == 403, role

    seen = await api.get(f"/v1/accounts/{operator}/bindings", headers=as_rayon)
    assert [(b["role"], b["org_unit_id"]) for b in seen.json()] == [("school_admin", str(SCHOOL_A1))]
    # The operator's password is the municipality's to reset; the school's login log is its to read.
    reset = await api.post(f"/v1/accounts/{operator}/password-reset", json={}, headers=as_rayon)
    assert reset.status_code == 200, reset.text
    log = await api.get("/v1/login-attempts", params={"org_unit_id": str(SCHOOL_A1)}, headers=as_rayon)
    assert log.status_code == 200, log.text
    foreign_log = await api.get(
        "/v1/login-attempts", params={"org_unit_id": str(SCHOOL_B1)}, headers=as_rayon
    )
    assert foreign_log.status_code == 403

    teacher_b = await add_account("teacher.b", "Uchitel-B-2026", (Role.subject_teacher, SCHOOL_B1))
    assert (await api.get(f"/v1/accounts/{teacher_b}/bindings", headers=as_rayon)).status_code == 404
    assert (
        await api.post(f"/v1/accounts/{teacher_b}/password-reset", json={}, headers=as_rayon)
    ).status_code == 404


@pytest.mark.usefixtures("tree")
async def test_a_school_moved_to_another_municipality_moves_out_of_reach(
    api: httpx.AsyncClient, add_account: AddAccount, bearer: Bearer, deliver: Deliver
) -> None:
    await add_account("rayon.a", "Rayon-A-2026", (Role.municipality, RAYON_A))
    teacher = await add_account("teacher.a", "Uchitel-A-2026", (Role.subject_teacher, SCHOOL_A1))
    as_rayon = await bearer("rayon.a", "Rayon-A-2026")
    assert (await api.get(f"/v1/accounts/{teacher}/bindings", headers=as_rayon)).status_code == 200

    moved = T0 + timedelta(days=30)
    await deliver(
        OrgUnitReassignedV1(org_unit_id=SCHOOL_A1, kind="school", parent_id=RAYON_B, occurred_at=moved)
    )
    assert (await api.get(f"/v1/accounts/{teacher}/bindings", headers=as_rayon)).status_code == 404
    # A late copy of the old registration changes nothing: the newer fact stands.
    await deliver(
        OrgUnitRegisteredV1(org_unit_id=SCHOOL_A1, kind="school", parent_id=RAYON_A, occurred_at=T0)
    )
    assert (await api.get(f"/v1/accounts/{teacher}/bindings", headers=as_rayon)).status_code == 404


@pytest.mark.usefixtures("tree")
async def test_roles_must_name_the_right_kind_of_org_unit(
    api: httpx.AsyncClient, add_account: AddAccount, bearer: Bearer
) -> None:
    await add_account("ministry", "Region-Glavnyi-2026", (Role.ministry, REGION))
    someone = await add_account("someone", "Kto-to-2026")
    as_ministry = await bearer("ministry", "Region-Glavnyi-2026")
    for role, unit in (("subject_teacher", RAYON_A), ("municipality", SCHOOL_A1), ("ministry", RAYON_A)):
        response = await api.post(
            f"/v1/accounts/{someone}/bindings", json=grant(role, unit), headers=as_ministry
        )
        assert response.status_code == 422, role
        assert response.json()["code"] == "org_unit_kind_mismatch"
        assert response.json()["errors"][0]["field"] == "body.org_unit_id"
    missing = await api.post(f"/v1/accounts/{someone}/bindings", json={"role": "pupil"}, headers=as_ministry)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "body.org_unit_id"
    pupils_for_teacher = await api.post(
        f"/v1/accounts/{someone}/bindings",
        json=grant("subject_teacher", SCHOOL_A1, pupil_ids=[str(uuid.uuid4())]),
        headers=as_ministry,
    )
    assert pupils_for_teacher.status_code == 422
    assert pupils_for_teacher.json()["errors"][0]["field"] == "body.pupil_ids"


async def test_revoking_follows_the_granting_rule_and_is_audited(
    api: httpx.AsyncClient, add_account: AddAccount, bearer: Bearer
) -> None:
    await add_account("admin.a", "Shkola-A-2026", (Role.school_admin, SCHOOL_A1))
    await add_account("admin.b", "Shkola-B-2026", (Role.school_admin, SCHOOL_B1))
    parent = await add_account("parent", "Semya-Ivanovyh-2026")
    as_a, as_b = await bearer("admin.a", "Shkola-A-2026"), await bearer("admin.b", "Shkola-B-2026")
    child = uuid.uuid4()
    granted = await api.post(
        f"/v1/accounts/{parent}/bindings",
        json=grant("guardian", SCHOOL_A1, pupil_ids=[str(child)]),
        headers=as_a,
    )
    assert granted.status_code == 201, granted.text
    assert granted.json()["pupil_ids"] == [str(child)]
    binding = granted.json()["role_binding_id"]
    login = await api.post(
        "/v1/token", data={"grant_type": "password", "username": "parent", "password": "Semya-Ivanovyh-2026"}
    )
    assert login.status_code == 200

    # Another school neither sees nor removes it; a wrong account id finds nothing.
    other = await api.delete(f"/v1/accounts/{parent}/bindings/{binding}", headers=as_b)
    assert other.status_code == 404
    assert other.json()["code"] == "binding_not_found"
    elsewhere = await add_account("elsewhere", "Drugoi-2026", (Role.pupil, SCHOOL_A1))
    assert (await api.delete(f"/v1/accounts/{elsewhere}/bindings/{binding}", headers=as_a)).status_code == 404
    anonymous = await api.delete(f"/v1/accounts/{parent}/bindings/{binding}")
    assert anonymous.status_code == 401

    revoked = await api.delete(
        f"/v1/accounts/{parent}/bindings/{binding}", params={"reason": "ошибка ввода"}, headers=as_a
    )
    assert revoked.status_code == 204
    assert (await api.get(f"/v1/accounts/{parent}/bindings", headers=as_a)).status_code == 404
    assert (await api.delete(f"/v1/accounts/{parent}/bindings/{binding}", headers=as_a)).status_code == 404

    await add_account("ministry", "Region-Glavnyi-2026", (Role.ministry, REGION))
    trail = await api.get(
        f"/v1/accounts/{parent}/audit", headers=await bearer("ministry", "Region-Glavnyi-2026")
    )
    assert trail.status_code == 200, trail.text
    entries = [(e["action"], e.get("reason"), e["detail"]["role"]) for e in trail.json()]
    assert ("binding_granted", None, "guardian") in entries
    assert ("binding_revoked", "ошибка ввода", "guardian") in entries


async def test_a_school_cannot_revoke_its_administration_and_ministry_keeps_its_own_role(
    api: httpx.AsyncClient, add_account: AddAccount, bearer: Bearer
) -> None:
    await add_account("admin.a", "Shkola-A-2026", (Role.school_admin, SCHOOL_A1))
    director = await add_account("director.a", "Direktor-A-2026", (Role.director, SCHOOL_A1))
    ministry = await add_account("ministry", "Region-Glavnyi-2026", (Role.ministry, REGION))
    as_admin, as_ministry = (
        await bearer("admin.a", "Shkola-A-2026"),
        await bearer("ministry", "Region-Glavnyi-2026"),
    )

    directors = (await api.get(f"/v1/accounts/{director}/bindings", headers=as_admin)).json()
    refused = await api.delete(
        f"/v1/accounts/{director}/bindings/{directors[0]['role_binding_id']}", headers=as_admin
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "revoke_not_allowed"

    own = (await api.get(f"/v1/accounts/{ministry}/bindings", headers=as_ministry)).json()
    itself = await api.delete(
        f"/v1/accounts/{ministry}/bindings/{own[0]['role_binding_id']}", headers=as_ministry
    )
    assert itself.status_code == 422
    assert itself.json()["code"] == "cannot_revoke_own_ministry"
