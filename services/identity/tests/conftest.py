"""Identity test fixtures: the service on SQLite or PostgreSQL, with a cheap Argon2 cost."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx
import pytest
import pytest_asyncio
import structlog
from fastapi import FastAPI
from pydantic import SecretStr

from eschool.common.auth import JwksVerifier, Role
from eschool.common.bus.memory import MemoryTransport
from eschool.common.logging import configure_logging
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver, deliverer
from eschool.identity.api.deps import passwords_for
from eschool.identity.app import service
from eschool.identity.services.accounts import create_account
from eschool.identity.services.clients import register_client
from eschool.identity.settings import IdentitySettings

ISSUER = "http://identity.test/api/identity/v1"


@pytest_asyncio.fixture
async def identity(db_url: str) -> AsyncIterator[ServiceRuntime]:
    settings = IdentitySettings(
        database_url=db_url,
        bus_url="memory://",
        jwt_issuer=ISSUER,
        secret_key=SecretStr("test-secret-for-keys"),
        max_failed_logins=3,
        max_failed_logins_per_ip=6,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
    )
    runtime = ServiceRuntime(service, settings, transport=MemoryTransport(), run_relay=False)
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


@pytest_asyncio.fixture
async def api(identity: ServiceRuntime) -> AsyncIterator[httpx.AsyncClient]:
    # Mounted where the gateway and the embedded mode put it, so the issuer's URLs resolve.
    front = FastAPI()
    front.mount("/api/identity", identity.app(manage_lifespan=False))
    transport = httpx.ASGITransport(app=front)
    async with httpx.AsyncClient(transport=transport, base_url="http://identity.test/api/identity") as client:
        yield client


AddAccount = Callable[..., Awaitable[str]]


@pytest.fixture
def add_account(identity: ServiceRuntime) -> AddAccount:
    """Create accounts directly through the use case; returns the account id."""
    settings = identity.settings
    assert isinstance(settings, IdentitySettings)

    async def add(login: str, password: str, *roles: tuple[Role, uuid.UUID | None]) -> str:
        async with identity.database.uow() as uow:
            account = await create_account(
                uow, login=login, password=password, passwords=passwords_for(settings), bindings=list(roles)
            )
            await uow.commit()
        return str(account.user_account_id)

    return add


AddClient = Callable[..., Awaitable[str]]


@pytest.fixture
def add_client(identity: ServiceRuntime) -> AddClient:
    """Register machine clients through the use case; returns the secret."""
    settings = identity.settings
    assert isinstance(settings, IdentitySettings)

    async def add(client_id: str, *scopes: str) -> str:
        async with identity.database.uow() as uow:
            secret = await register_client(uow, client_id, scopes, passwords=passwords_for(settings))
            await uow.commit()
        return secret

    return add


@pytest.fixture
def verifier(api: httpx.AsyncClient) -> JwksVerifier:
    """The platform's verifier, reading identity's JWKS the way every other service will."""
    return JwksVerifier(f"{ISSUER}/jwks.json", issuer=ISSUER, audience="eschool", http=api)


Bearer = Callable[[str, str], Awaitable[dict[str, str]]]


@pytest.fixture
def bearer(api: httpx.AsyncClient) -> Bearer:
    """Log in with the password grant; returns the Authorization header of the access token."""

    async def login(username: str, password: str) -> dict[str, str]:
        response = await api.post(
            "/v1/token", data={"grant_type": "password", "username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return login


@pytest.fixture
def debug_logs() -> Iterator[None]:
    """JSON logs at DEBUG on stdout for this test (capsys reads them), the previous setup restored after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("DEBUG", json=True)
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


@pytest.fixture
def deliver(identity: ServiceRuntime) -> Deliver:
    """Publish events as contingent's relay would, and wait until identity's consumer has settled them."""
    return deliverer(identity)
