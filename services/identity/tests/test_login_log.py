"""The authorization log API and the per-address limit on failed logins."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime

SCHOOL_A, SCHOOL_B = uuid.uuid4(), uuid.uuid4()
AddAccount = Callable[..., Awaitable[str]]
Bearer = Callable[[str, str], Awaitable[dict[str, str]]]
From = Callable[[str], httpx.AsyncClient]


@pytest.fixture
async def from_ip(identity: ServiceRuntime) -> AsyncIterator[From]:
    """Clients of identity whose requests come from a given address."""
    front = FastAPI()
    front.mount("/api/identity", identity.app(manage_lifespan=False))
    clients: list[httpx.AsyncClient] = []

    def client(ip: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=front, client=(ip, 50000))
        clients.append(httpx.AsyncClient(transport=transport, base_url="http://identity.test/api/identity"))
        return clients[-1]

    yield client
    for c in clients:
        await c.aclose()


async def attempt(client: httpx.AsyncClient, login: str, password: str) -> httpx.Response:
    return await client.post(
        "/v1/token", data={"grant_type": "password", "username": login, "password": password}
    )


async def test_school_reads_its_own_accounts_attempts_with_filters(
    api: httpx.AsyncClient, add_account: AddAccount, bearer: Bearer, from_ip: From
) -> None:
    await add_account("admin.a", "Shkola-A-2026", (Role.school_admin, SCHOOL_A))
    teacher_a = await add_account("teacher.a", "Uchitel-A-2026", (Role.subject_teacher, SCHOOL_A))
    await add_account("teacher.b", "Uchitel-B-2026", (Role.subject_teacher, SCHOOL_B))
    classroom = from_ip("10.1.1.7")
    assert (await attempt(classroom, "teacher.a", "oshibka-2026")).status_code == 400
    assert (await attempt(classroom, "teacher.a", "Uchitel-A-2026")).status_code == 200
    assert (await attempt(classroom, "teacher.b", "Uchitel-B-2026")).status_code == 200
    as_admin = await bearer("admin.a", "Shkola-A-2026")

    everything = (await api.get("/v1/login-attempts", headers=as_admin)).json()
    failures = (
        await api.get("/v1/login-attempts", params={"outcome": "bad_credentials"}, headers=as_admin)
    ).json()
    by_ip = (
        await api.get("/v1/login-attempts", params={"ip": "10.1.1.7", "limit": 1}, headers=as_admin)
    ).json()

    assert {a["login"] for a in everything["items"]} == {"teacher.a", "admin.a"}  # never teacher.b
    assert [(a["login"], a["outcome"]) for a in failures["items"]] == [("teacher.a", "bad_credentials")]
    assert [(a["user_account_id"], a["outcome"]) for a in by_ip["items"]] == [(teacher_a, "succeeded")]
    assert "password" not in str(everything)
    page_two = await api.get(
        "/v1/login-attempts",
        params={"ip": "10.1.1.7", "limit": 1, "cursor": by_ip["next_cursor"]},
        headers=as_admin,
    )
    assert [a["outcome"] for a in page_two.json()["items"]] == ["bad_credentials"]


async def test_log_is_refused_to_teachers_and_to_other_schools(
    api: httpx.AsyncClient, add_account: AddAccount, bearer: Bearer
) -> None:
    await add_account("admin.a", "Shkola-A-2026", (Role.school_admin, SCHOOL_A))
    await add_account("teacher.a", "Uchitel-A-2026", (Role.subject_teacher, SCHOOL_A))
    as_teacher = await bearer("teacher.a", "Uchitel-A-2026")
    as_admin = await bearer("admin.a", "Shkola-A-2026")

    teacher = await api.get("/v1/login-attempts", headers=as_teacher)
    other = await api.get("/v1/login-attempts", params={"org_unit_id": str(SCHOOL_B)}, headers=as_admin)
    anonymous = await api.get("/v1/login-attempts")
    bad_filter = await api.get("/v1/login-attempts", params={"outcome": "maybe"}, headers=as_admin)

    assert (teacher.status_code, other.status_code, anonymous.status_code) == (403, 403, 401)
    assert bad_filter.status_code == 422
    assert "outcome" in bad_filter.json()["errors"][0]["field"]


async def test_ministry_reads_the_whole_region(
    api: httpx.AsyncClient, add_account: AddAccount, bearer: Bearer
) -> None:
    await add_account("ministry", "Ministr-2026x", (Role.ministry, None))
    await add_account("teacher.b", "Uchitel-B-2026", (Role.subject_teacher, SCHOOL_B))
    await attempt(api, "teacher.b", "Uchitel-B-2026")
    await attempt(api, "nobody", "Nikto-2026x")
    as_ministry = await bearer("ministry", "Ministr-2026x")

    logins = [a["login"] for a in (await api.get("/v1/login-attempts", headers=as_ministry)).json()["items"]]

    assert logins == ["ministry", "nobody", "teacher.b"]


async def test_address_with_too_many_failures_waits_while_others_log_in(
    add_account: AddAccount, from_ip: From, identity: Any
) -> None:
    await add_account("teacher.a", "Uchitel-A-2026", (Role.subject_teacher, SCHOOL_A))
    attacker, school = from_ip("203.0.113.9"), from_ip("10.1.1.8")
    # Spread over many logins so that no single account locks: only the address does.
    for i in range(identity.settings.max_failed_logins_per_ip):
        assert (await attempt(attacker, f"guess{i}", "Parol-2026x")).status_code == 400

    limited = await attempt(attacker, "teacher.a", "Uchitel-A-2026")

    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= identity.settings.lockout_seconds + 1
    assert limited.json()["error"] == "too_many_attempts"
    assert (await attempt(school, "teacher.a", "Uchitel-A-2026")).status_code == 200
