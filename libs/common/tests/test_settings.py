"""Settings: per-service prefix, fail fast, production refuses development defaults."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError
from pydantic_settings import SettingsConfigDict

from eschool.common.settings import Environment, ServiceSettings


class JournalSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="JOURNAL_")


PRODUCTION = {
    "ESCHOOL_ENV": "production",
    "JOURNAL_DATABASE_URL": "postgresql+asyncpg://journal@db/journal",
    "JOURNAL_BUS_URL": "amqp://journal@mq/",
    "JOURNAL_SECRET_KEY": "s3cr3t-from-the-vault",
}


def test_service_reads_its_own_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNAL_DATABASE_URL", "postgresql+asyncpg://j@db/journal")
    monkeypatch.setenv("CONTINGENT_DATABASE_URL", "postgresql+asyncpg://c@db/contingent")
    assert JournalSettings().database_url == "postgresql+asyncpg://j@db/journal"


def test_plain_postgres_url_gets_the_async_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNAL_DATABASE_URL", "postgresql://j@db/journal")
    assert JournalSettings().database_url == "postgresql+asyncpg://j@db/journal"


def test_malformed_value_fails_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNAL_RELAY_BATCH_SIZE", "lots")
    with pytest.raises(ValidationError, match="relay_batch_size"):
        JournalSettings()


def test_production_starts_with_real_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in PRODUCTION.items():
        monkeypatch.setenv(key, value)
    settings = JournalSettings()
    assert settings.environment is Environment.production
    assert settings.secret_key.get_secret_value() == "s3cr3t-from-the-vault"
    assert "s3cr3t" not in repr(settings)


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("JOURNAL_SECRET_KEY", "development default secrets: secret_key"),
        ("JOURNAL_DATABASE_URL", "PostgreSQL database_url"),
        ("JOURNAL_BUS_URL", "amqp:// bus_url"),
        ("+JOURNAL_DEMO_DATA", "demo_data"),
    ],
)
def test_production_refuses_development_defaults(
    monkeypatch: pytest.MonkeyPatch, missing: str, message: str
) -> None:
    for key, value in PRODUCTION.items():
        if key != missing:
            monkeypatch.setenv(key, value)
    if missing.startswith("+"):  # not a missing setting but an extra one production refuses
        monkeypatch.setenv(missing[1:], "true")
    with pytest.raises(ValidationError, match=message):
        JournalSettings()


def test_development_accepts_the_defaults() -> None:
    settings = JournalSettings(secret_key=SecretStr("dev-only-x"))
    assert settings.bus_url == "memory://"
