"""No password, token or client secret reaches a log line or an event, whatever happens."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
import structlog
from sqlalchemy import select

from eschool.common.bus.tables import outbox_message
from eschool.common.logging import configure_logging
from eschool.common.service import ServiceRuntime


@pytest.fixture
def debug_logs() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("DEBUG", json=True)
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


async def test_secrets_stay_out_of_logs_and_events(
    api: httpx.AsyncClient,
    identity: ServiceRuntime,
    add_account,  # type: ignore[no-untyped-def]
    add_client,  # type: ignore[no-untyped-def]
    debug_logs: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secrets: list[str] = ["Klassnyi-2026", "Wrong-guess-77"]
    await add_account("class.teacher", secrets[0])
    client_secret = await add_client("partner-one", "contingent:read")
    secrets.append(client_secret)

    good = await api.post(
        "/v1/token", data={"grant_type": "password", "username": "class.teacher", "password": secrets[0]}
    )
    secrets += [good.json()["access_token"], good.json()["refresh_token"]]
    for _ in range(4):  # failures, then the lockout
        await api.post(
            "/v1/token", data={"grant_type": "password", "username": "class.teacher", "password": secrets[1]}
        )
    rotated = await api.post(
        "/v1/token", data={"grant_type": "refresh_token", "refresh_token": good.json()["refresh_token"]}
    )
    secrets.append(rotated.json()["refresh_token"])
    await api.post("/v1/token", data={"grant_type": "refresh_token", "refresh_token": secrets[4]})  # reuse
    machine = await api.post(
        "/v1/token", data={"grant_type": "client_credentials"}, auth=("partner-one", client_secret)
    )
    secrets.append(machine.json()["access_token"])
    await api.post(
        "/v1/token", data={"grant_type": "client_credentials"}, auth=("partner-one", "nope-secret")
    )

    logs = capsys.readouterr().out
    assert "identity.refresh.reuse_detected" in logs  # the log did capture this run
    async with identity.database.uow() as uow:
        events = str((await uow.session.execute(select(outbox_message.c.envelope))).scalars().all())
    for secret in secrets:
        assert secret not in logs
        assert secret not in events
    assert "class.teacher" not in events  # logins are personal data: events carry account ids only
