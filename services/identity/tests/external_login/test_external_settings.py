"""The external provider's settings: read from the environment, refused in production when weak."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from eschool.identity.settings import IdentitySettings

PRODUCTION = {
    "ESCHOOL_ENV": "production",
    "IDENTITY_DATABASE_URL": "postgresql+asyncpg://identity@db/identity",
    "IDENTITY_BUS_URL": "amqp://identity@mq/",
    "IDENTITY_SECRET_KEY": "s3cr3t-from-the-vault",
    "IDENTITY_SNILS_HMAC_KEY": "shared-with-contingent-from-the-vault",
}
PROVIDER = {
    "IDENTITY_EXTERNAL_PROVIDER__ISSUER": "https://esia.gosuslugi.ru/",
    "IDENTITY_EXTERNAL_PROVIDER__CLIENT_ID": "EDU-REGION",
    "IDENTITY_EXTERNAL_PROVIDER__CLIENT_SECRET": "from-the-vault",
    "IDENTITY_EXTERNAL_PROVIDER__REDIRECT_URIS": '["https://school.example/login/done"]',
}


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for key, value in {**PRODUCTION, **PROVIDER}.items():
        monkeypatch.setenv(key, value)
    return monkeypatch


def test_the_provider_is_read_from_nested_variables(production: pytest.MonkeyPatch) -> None:
    provider = IdentitySettings().external_provider
    assert provider is not None
    assert provider.issuer == "https://esia.gosuslugi.ru"
    assert provider.redirect_uris == ("https://school.example/login/done",)
    assert provider.callback_for("https://eschool.example/api/identity/v1") == (
        "https://eschool.example/api/identity/v1/external/esia/callback"
    )
    assert "from-the-vault" not in repr(IdentitySettings())


def test_no_provider_configured_means_no_external_login(monkeypatch: pytest.MonkeyPatch) -> None:
    assert IdentitySettings().external_provider is None


def test_production_refuses_the_development_snils_key(production: pytest.MonkeyPatch) -> None:
    production.delenv("IDENTITY_SNILS_HMAC_KEY")
    with pytest.raises(ValidationError, match="snils_hmac_key"):
        IdentitySettings()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("IDENTITY_EXTERNAL_PROVIDER__ISSUER", "http://esia.gosuslugi.ru"),
        ("IDENTITY_EXTERNAL_PROVIDER__REDIRECT_URIS", '["http://school.example/login/done"]'),
    ],
)
def test_production_refuses_a_provider_over_plain_http(
    production: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    production.setenv(variable, value)
    with pytest.raises(ValidationError, match="https"):
        IdentitySettings()


def test_the_allowlist_may_not_be_empty(production: pytest.MonkeyPatch) -> None:
    production.setenv("IDENTITY_EXTERNAL_PROVIDER__REDIRECT_URIS", "[]")
    with pytest.raises(ValidationError, match="redirect_uris"):
        IdentitySettings()
