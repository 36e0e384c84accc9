"""Login through the external provider: the SNILS hash finds the person; state, nonce and PKCE hold."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import select, update

from eschool.common.auth import JwksVerifier
from eschool.common.bus.tables import outbox_message
from eschool.common.db import utcnow
from eschool.common.service import ServiceRuntime
from eschool.identity.api.external import PROVIDER_ATTRIBUTE, detach_external_provider
from eschool.identity.app import service
from eschool.identity.db.external import ExternalIdentity, ExternalLogin
from eschool.identity.db.models import UserAccount
from eschool.identity.oidc_client import OidcProvider
from eschool.identity.services.person_keys import record_person_snils_hash

from .conftest import FRONT, AddPerson, Browser, outcomes
from .oidc_provider import TestProvider, s256


def query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(FRONT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def redeem(api: httpx.AsyncClient, code: str, **extra: str) -> httpx.Response:
    return await api.post("/v1/token", data={"grant_type": "authorization_code", "code": code, **extra})


async def test_links_to_the_person_with_that_snils_hash(
    api: httpx.AsyncClient,
    identity: ServiceRuntime,
    browser: Browser,
    add_person: AddPerson,
    verifier: JwksVerifier,
) -> None:
    await add_person("418-942-328 01", "guardian.other")
    person, account = await add_person("11223344595", "guardian.right")  # the provider writes 112-233-445 95
    back = query(await browser.login(state="front-state"))
    assert back["state"] == "front-state"
    tokens = await redeem(api, back["code"])
    assert tokens.status_code == 200, tokens.text
    claims = await verifier.verify(tokens.json()["access_token"])
    assert (claims["sub"], claims["pid"]) == (account, str(person))
    assert await outcomes(identity) == ["succeeded"]
    async with identity.database.uow() as uow:
        event = (await uow.session.execute(select(outbox_message.c.envelope))).scalar_one()
    assert (event["data"]["outcome"], event["data"]["provider"]) == ("succeeded", "esia")


async def test_the_next_login_goes_through_the_linked_identity(
    api: httpx.AsyncClient,
    identity: ServiceRuntime,
    browser: Browser,
    add_person: AddPerson,
    oidc: TestProvider,
) -> None:
    person, account = await add_person("11223344595", "guardian.linked")
    assert (await redeem(api, query(await browser.login())["code"])).status_code == 200
    async with identity.database.uow() as uow:
        await record_person_snils_hash(uow, person, None)  # the SNILS is no longer needed
        await uow.commit()
        link = await uow.session.get(ExternalIdentity, ("esia", oidc.subject))
    assert link is not None
    assert str(link.user_account_id) == account
    oidc.snils = None
    assert (await redeem(api, query(await browser.login())["code"])).status_code == 200


async def test_a_person_without_an_account_gets_a_passwordless_one(
    api: httpx.AsyncClient,
    identity: ServiceRuntime,
    browser: Browser,
    add_person: AddPerson,
    verifier: JwksVerifier,
) -> None:
    person, _ = await add_person("11223344595")
    tokens = (await redeem(api, query(await browser.login())["code"])).json()
    claims = await verifier.verify(tokens["access_token"])
    assert claims["pid"] == str(person)
    async with identity.database.uow() as uow:
        account = (await uow.session.execute(select(UserAccount))).scalar_one()
    assert account.login.startswith("esia-")
    assert account.password_hash is None


async def test_unknown_snils_gets_a_clear_refusal(
    identity: ServiceRuntime, browser: Browser, add_person: AddPerson
) -> None:
    await add_person("418-942-328 01", "guardian.other")
    refused = await browser.login()
    assert refused.status_code == 403
    assert refused.json()["code"] == "person_not_found"
    assert "классного руководителя" in refused.json()["detail"]
    assert await outcomes(identity) == ["unknown_person"]


async def test_a_disabled_account_is_not_opened(
    identity: ServiceRuntime, browser: Browser, add_person: AddPerson
) -> None:
    await add_person("11223344595", "guardian.disabled")
    async with identity.database.uow() as uow:
        await uow.session.execute(update(UserAccount).values(disabled_at=utcnow()))
        await uow.commit()
    refused = await browser.login()
    assert (refused.status_code, refused.json()["code"]) == (403, "account_disabled")
    assert await outcomes(identity) == ["disabled"]


async def test_a_forged_state_is_refused(
    identity: ServiceRuntime, browser: Browser, add_person: AddPerson
) -> None:
    await add_person("11223344595", "guardian.forged")
    callback = await browser.to_callback()
    forged = callback.replace("state=", "state=x")
    refused = await browser.api.get(forged)
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_state")
    assert "Начните вход заново" in refused.json()["detail"]
    assert await outcomes(identity) == ["state_invalid"]


async def test_a_replayed_state_is_refused(
    identity: ServiceRuntime, browser: Browser, add_person: AddPerson
) -> None:
    await add_person("11223344595", "guardian.replayed")
    callback = await browser.to_callback()
    assert (await browser.api.get(callback)).status_code == 302
    replayed = await browser.api.get(callback)
    assert (replayed.status_code, replayed.json()["code"]) == (400, "invalid_state")
    assert await outcomes(identity) == ["succeeded", "state_invalid"]


async def test_an_expired_state_is_refused(
    identity: ServiceRuntime, browser: Browser, add_person: AddPerson
) -> None:
    await add_person("11223344595", "guardian.slow")
    callback = await browser.to_callback()
    async with identity.database.uow() as uow:
        await uow.session.execute(update(ExternalLogin).values(expires_at=utcnow()))
        await uow.commit()
    assert (await browser.api.get(callback)).json()["code"] == "invalid_state"


async def test_snils_from_userinfo_when_the_id_token_has_none(
    api: httpx.AsyncClient, browser: Browser, add_person: AddPerson, oidc: TestProvider
) -> None:
    await add_person("11223344595", "guardian.userinfo")
    oidc.snils_in_userinfo_only = True
    assert (await redeem(api, query(await browser.login())["code"])).status_code == 200


async def test_a_redirect_uri_off_the_allowlist_is_refused(
    identity: ServiceRuntime, browser: Browser
) -> None:
    refused = await browser.start(redirect_uri="https://evil.test/steal")
    assert (refused.status_code, refused.json()["code"]) == (400, "redirect_uri_not_allowed")
    async with identity.database.uow() as uow:
        assert (await uow.session.execute(select(ExternalLogin))).first() is None


async def test_an_unknown_provider_is_not_found(api: httpx.AsyncClient) -> None:
    response = await api.get("/v1/external/vk/authorize", params={"redirect_uri": FRONT})
    assert (response.status_code, response.json()["code"]) == (404, "provider_not_found")


async def test_the_login_code_works_once_and_its_reuse_ends_the_session(
    api: httpx.AsyncClient, browser: Browser, add_person: AddPerson
) -> None:
    await add_person("11223344595", "guardian.twice")
    code = query(await browser.login())["code"]
    first = await redeem(api, code)
    assert first.status_code == 200
    again = await redeem(api, code)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")
    refresh = await api.post(
        "/v1/token", data={"grant_type": "refresh_token", "refresh_token": first.json()["refresh_token"]}
    )
    assert refresh.status_code == 400  # a reused code may have been stolen: its session is over


async def test_the_front_end_pkce_is_checked_at_the_token_endpoint(
    api: httpx.AsyncClient, browser: Browser, add_person: AddPerson
) -> None:
    await add_person("11223344595", "guardian.spa")
    verifier = "front-end-verifier-" + "v" * 40
    challenge = s256(verifier)
    code = query(await browser.login(code_challenge=challenge, code_challenge_method="S256"))["code"]
    assert (await redeem(api, code)).json()["error"] == "invalid_grant"
    assert (await redeem(api, code, code_verifier="w" * 60)).json()["error"] == "invalid_grant"
    ok = await redeem(api, code, code_verifier=verifier)
    assert ok.status_code == 200, ok.text
    plain = await browser.start(code_challenge=challenge)
    assert (plain.status_code, plain.json()["code"]) == (400, "invalid_code_challenge")


async def test_stopping_identity_closes_the_providers_http_client(identity: ServiceRuntime) -> None:
    provider = getattr(identity, PROVIDER_ATTRIBUTE)
    assert isinstance(provider, OidcProvider)
    assert detach_external_provider in service.on_stop
    for hook in identity.definition.on_stop:
        await hook(identity)
    assert provider._http.is_closed
    assert getattr(identity, PROVIDER_ATTRIBUTE) is None


async def test_two_first_logins_at_once_open_one_account(
    api: httpx.AsyncClient, identity: ServiceRuntime, browser: Browser, add_person: AddPerson
) -> None:
    person, _ = await add_person("11223344595")  # no account yet: the first login opens one
    first, second = await browser.to_callback(), await browser.to_callback()
    answers = await asyncio.gather(api.get(first), api.get(second))
    codes = [query(answer)["code"] for answer in answers]
    for code in codes:
        assert (await redeem(api, code)).status_code == 200
    async with identity.database.uow() as uow:
        mine = select(UserAccount).where(UserAccount.person_id == person)
        accounts = (await uow.session.execute(mine)).all()
        links = (await uow.session.execute(select(ExternalIdentity))).all()
    assert (len(accounts), len(links)) == (1, 1)
