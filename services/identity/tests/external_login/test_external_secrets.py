"""No SNILS (in any spelling), code, token, state, nonce or secret of an external login is logged or sent."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select

from eschool.common.bus.tables import outbox_message
from eschool.common.service import ServiceRuntime
from eschool.common.snils import snils_hash

from .conftest import SNILS_KEY, AddPerson, Browser
from .oidc_provider import CLIENT_SECRET, TestProvider


def snils_spellings(snils: str) -> list[str]:
    digits = "".join(c for c in snils if c.isdigit())
    spaced = f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"
    return [snils, digits, spaced, digits[:9]]


def service_lines(logs: str) -> str:
    """The log without the test's own browser requests (httpx logs their URLs, the callback's code too)."""
    return "\n".join(line for line in logs.splitlines() if not _browser_request(line))


def _browser_request(line: str) -> bool:
    return '"logger": "httpx"' in line and ("//identity.test/" in line or "/authorize?" in line)


async def test_external_logins_leave_no_secret_in_logs_or_events(
    api: httpx.AsyncClient,
    identity: ServiceRuntime,
    browser: Browser,
    add_person: AddPerson,
    oidc: TestProvider,
    debug_logs: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await add_person("11223344595", "guardian.quiet")
    secrets = [CLIENT_SECRET, SNILS_KEY.decode(), *snils_spellings("11223344595")]
    callback = await browser.to_callback(state="front-state")
    secrets += [v[0] for v in parse_qs(urlsplit(callback).query).values()]
    done = await api.get(callback)
    code = parse_qs(urlsplit(done.headers["location"]).query)["code"][0]
    tokens = (await api.post("/v1/token", data={"grant_type": "authorization_code", "code": code})).json()
    secrets += [code, tokens["access_token"], tokens["refresh_token"]]
    await api.post("/v1/token", data={"grant_type": "authorization_code", "code": code})  # reuse: logged
    await api.get(callback)  # replayed state: logged
    oidc.snils, oidc.subject = "418-942-328 01", "esia-oid-unknown"  # unknown SNILS: logged
    secrets += snils_spellings("418-942-328 01")
    await browser.login()
    secrets += oidc.seen  # every code, state, nonce, access and ID token the provider handed out

    logs = service_lines(capsys.readouterr().out)
    assert "identity.login_code.reuse_detected" in logs
    assert "identity.external.refused" in logs  # the log did capture this run
    async with identity.database.uow() as uow:
        events = str((await uow.session.execute(select(outbox_message.c.envelope))).scalars().all())
    assert "esia" in events
    for secret in secrets:
        assert secret not in logs
        assert secret not in events
    # The keyed hash may reach a DEBUG line of the SQLite driver (it is a query parameter); never an event.
    assert snils_hash("11223344595", SNILS_KEY) not in events
