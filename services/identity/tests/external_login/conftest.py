"""Identity configured for login through the test provider, and helpers that play the browser."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import pytest_asyncio
from pydantic import SecretStr
from sqlalchemy import select

from eschool.common.bus.memory import MemoryTransport
from eschool.common.service import ServiceRuntime
from eschool.common.snils import snils_hash
from eschool.identity.api.deps import passwords_for
from eschool.identity.api.external import PROVIDER_ATTRIBUTE
from eschool.identity.app import service
from eschool.identity.db.models import LoginAttempt
from eschool.identity.external_settings import ExternalProviderSettings
from eschool.identity.oidc_client import OidcProvider
from eschool.identity.services.accounts import create_account
from eschool.identity.services.person_keys import record_person_snils_hash
from eschool.identity.settings import IdentitySettings

from .oidc_provider import CALLBACK, CLIENT_ID, CLIENT_SECRET, ISSUER, TestProvider

IDENTITY_ISSUER = "http://identity.test/api/identity/v1"
FRONT = "https://school.test/login/done"
SNILS_KEY = b"snils-key-shared-with-contingent"


@pytest.fixture
def oidc() -> TestProvider:
    return TestProvider()


@pytest_asyncio.fixture
async def identity(db_url: str, oidc: TestProvider) -> AsyncIterator[ServiceRuntime]:
    """Identity with the external provider configured; its HTTP client reaches the test provider."""
    provider = ExternalProviderSettings(
        issuer=ISSUER,
        client_id=CLIENT_ID,
        client_secret=SecretStr(CLIENT_SECRET),
        redirect_uris=(FRONT, "https://school.test/other"),
        callback_url=CALLBACK,
    )
    settings = IdentitySettings(
        database_url=db_url,
        bus_url="memory://",
        jwt_issuer=IDENTITY_ISSUER,
        secret_key=SecretStr("test-secret-for-keys"),
        snils_hmac_key=SecretStr(SNILS_KEY.decode()),
        external_provider=provider,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
    )
    runtime = ServiceRuntime(service, settings, transport=MemoryTransport(), run_relay=False)
    await runtime.start()
    await getattr(runtime, PROVIDER_ATTRIBUTE).aclose()  # the one start made talks to the real network
    test_client = OidcProvider(provider, http=oidc.http())
    setattr(runtime, PROVIDER_ATTRIBUTE, test_client)
    try:
        yield runtime
    finally:
        await test_client.aclose()
        await runtime.stop()


AddPerson = Callable[..., Awaitable[tuple[uuid.UUID, str | None]]]


@pytest.fixture
def add_person(identity: ServiceRuntime) -> AddPerson:
    """A person with contingent's SNILS hash and, given a login, an account; returns (person, account)."""
    settings = identity.settings
    assert isinstance(settings, IdentitySettings)

    async def add(snils: str, login: str | None = None) -> tuple[uuid.UUID, str | None]:
        person_id = uuid.uuid4()
        async with identity.database.uow() as uow:
            await record_person_snils_hash(uow, person_id, snils_hash(snils, SNILS_KEY))
            account_id = None
            if login is not None:
                account = await create_account(
                    uow,
                    login=login,
                    password="Roditel-2026",
                    passwords=passwords_for(settings),
                    person_id=person_id,
                )
                account_id = str(account.user_account_id)
            await uow.commit()
        return person_id, account_id

    return add


class Browser:
    """Plays the browser: identity's authorize, the provider's auto-approval, identity's callback."""

    def __init__(self, api: httpx.AsyncClient, provider: httpx.AsyncClient) -> None:
        self.api, self.provider = api, provider

    async def start(self, **params: str) -> httpx.Response:
        """Identity's authorize: a 302 to the provider (or a refusal)."""
        return await self.api.get("/v1/external/esia/authorize", params={"redirect_uri": FRONT, **params})

    async def to_callback(self, **params: str) -> str:
        """Through the provider: the callback URL it sends the browser back to."""
        start = await self.start(**params)
        assert start.status_code == 302, start.text
        approved = await self.provider.get(start.headers["location"])
        assert approved.status_code == 302, approved.text
        return approved.headers["location"]

    async def login(self, **params: str) -> httpx.Response:
        """The whole trip: identity's answer to the callback."""
        return await self.api.get(await self.to_callback(**params))


@pytest_asyncio.fixture
async def browser(api: httpx.AsyncClient, oidc: TestProvider) -> AsyncIterator[Browser]:
    async with oidc.http() as provider:
        yield Browser(api, provider)


async def outcomes(identity: ServiceRuntime) -> list[str]:
    """The authorization log's outcomes, oldest first."""
    async with identity.database.uow() as uow:
        rows = await uow.session.execute(select(LoginAttempt.outcome).order_by(LoginAttempt.login_attempt_id))
        return list(rows.scalars())
