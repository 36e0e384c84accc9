"""The demo region's accounts: loaded by make run, idempotent, and they log in."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import func, select

from eschool.common.bus.memory import MemoryTransport
from eschool.common.demo import SCHOOL_ID, demo_id
from eschool.common.service import ServiceRuntime
from eschool.identity.app import service
from eschool.identity.db.models import UserAccount
from eschool.identity.demo import DEMO_ACCOUNTS
from eschool.identity.settings import IdentitySettings


async def start(tmp_path: Path, *, demo: bool) -> ServiceRuntime:
    settings = IdentitySettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'identity.db'}",
        bus_url="memory://",
        demo_data=demo,
        secret_key=SecretStr("test-secret"),
        argon2_time_cost=1,
        argon2_memory_kib=1024,
    )
    runtime = ServiceRuntime(service, settings, transport=MemoryTransport(), run_relay=False)
    await runtime.start()
    return runtime


async def count_accounts(runtime: ServiceRuntime) -> int:
    async with runtime.database.uow() as uow:
        return int((await uow.session.execute(select(func.count()).select_from(UserAccount))).scalar_one())


async def test_demo_accounts_load_once_and_log_in(tmp_path: Path) -> None:
    for _ in range(2):  # make run pressed twice: still one account per demo login
        runtime = await start(tmp_path, demo=True)
        assert await count_accounts(runtime) == len(DEMO_ACCOUNTS)
        front = FastAPI()
        front.mount("/api/identity", runtime.app(manage_lifespan=False))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=front), base_url="http://e") as api:
            for account in DEMO_ACCOUNTS:
                response = await api.post(
                    "/api/identity/v1/token",
                    data={"grant_type": "password", "username": account.login, "password": account.password},
                )
                assert response.status_code == 200, (account.login, response.text)
        await runtime.stop()


async def test_no_demo_accounts_unless_asked(tmp_path: Path) -> None:
    runtime = await start(tmp_path, demo=False)
    try:
        assert await count_accounts(runtime) == 0
    finally:
        await runtime.stop()


async def test_demo_tree_lets_the_municipality_administer_its_school(tmp_path: Path) -> None:
    runtime = await start(tmp_path, demo=True)
    front = FastAPI()
    front.mount("/api/identity", runtime.app(manage_lifespan=False))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=front), base_url="http://e") as api:

            async def login(name: str) -> dict[str, str]:
                password = next(a.password for a in DEMO_ACCOUNTS if a.login == name)
                response = await api.post(
                    "/api/identity/v1/token",
                    data={"grant_type": "password", "username": name, "password": password},
                )
                return {"Authorization": f"Bearer {response.json()['access_token']}"}

            guardian = await api.get("/api/identity/v1/userinfo", headers=await login("guardian"))
            roles = guardian.json()["roles"]
            assert [r.get("pupils") for r in roles if r["role"] == "guardian"] == [
                [str(demo_id("person:pupil"))]
            ]

            teacher = (await api.get("/api/identity/v1/userinfo", headers=await login("teacher"))).json()
            granted = await api.post(
                f"/api/identity/v1/accounts/{teacher['sub']}/bindings",
                json={"role": "school_admin", "org_unit_id": str(SCHOOL_ID)},
                headers=await login("municipality"),
            )
            assert granted.status_code == 201, granted.text
    finally:
        await runtime.stop()
