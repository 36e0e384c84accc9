"""The provider fails or misbehaves: each refusal is clear, logged, and opens nothing."""

from __future__ import annotations

import httpx
import pytest

from eschool.common.service import ServiceRuntime
from eschool.identity.api.external import PROVIDER_ATTRIBUTE
from eschool.identity.oidc_client import OidcProvider

from .conftest import AddPerson, Browser, outcomes
from .oidc_provider import FOREIGN_KID, TestProvider


@pytest.mark.parametrize(
    ("knob", "value", "code", "outcome"),
    [
        pytest.param(
            "nonce_override", "another-login-s-nonce", "nonce_mismatch", "nonce_mismatch", id="nonce"
        ),
        pytest.param(
            "signing_kid", FOREIGN_KID, "id_token_invalid", "id_token_invalid", id="unpublished-key"
        ),
        # The provider checks our verifier against the challenge it holds, and refuses: a PKCE mismatch.
        pytest.param("challenge_override", "A" * 43, "provider_refused", "provider_error", id="pkce"),
    ],
)
async def test_an_answer_failing_a_check_is_refused(
    identity: ServiceRuntime,
    browser: Browser,
    add_person: AddPerson,
    oidc: TestProvider,
    knob: str,
    value: str,
    code: str,
    outcome: str,
) -> None:
    await add_person("11223344595", "guardian.checked")
    setattr(oidc, knob, value)
    refused = await browser.login()
    assert (refused.status_code, refused.json()["code"]) == (400, code)
    assert refused.json()["detail"].endswith("Начните вход заново")
    assert "Госуслуги" in refused.json()["detail"]
    assert await outcomes(identity) == [outcome]


async def test_a_login_cancelled_at_the_provider_is_refused(
    identity: ServiceRuntime, browser: Browser
) -> None:
    callback = await browser.to_callback()
    state = callback.split("state=")[1]
    cancelled = await browser.api.get(
        "/v1/external/esia/callback", params={"error": "access_denied", "state": state}
    )
    assert (cancelled.status_code, cancelled.json()["code"]) == (400, "provider_refused")
    assert (await browser.api.get(callback)).json()["code"] == "invalid_state"  # the state is spent
    assert await outcomes(identity) == ["provider_error", "state_invalid"]


def unreachable(identity: ServiceRuntime) -> OidcProvider:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    current = getattr(identity, PROVIDER_ATTRIBUTE)
    return OidcProvider(current.settings, http=httpx.AsyncClient(transport=httpx.MockTransport(refuse)))


async def test_an_unreachable_provider_is_a_502_not_a_500(
    identity: ServiceRuntime, browser: Browser, add_person: AddPerson
) -> None:
    await add_person("11223344595", "guardian.offline")
    callback = await browser.to_callback()
    working = getattr(identity, PROVIDER_ATTRIBUTE)
    setattr(identity, PROVIDER_ATTRIBUTE, unreachable(identity))
    try:
        at_start, at_callback = await browser.start(), await browser.api.get(callback)
    finally:
        await getattr(identity, PROVIDER_ATTRIBUTE).aclose()
        setattr(identity, PROVIDER_ATTRIBUTE, working)
    for refused in (at_start, at_callback):
        assert (refused.status_code, refused.json()["code"]) == (502, "provider_unavailable")
        assert "попробуйте позже" in refused.json()["detail"]
    assert await outcomes(identity) == ["provider_error"]
