"""Typed settings shared by every service.

A service subclasses ``ServiceSettings`` with its own env prefix (``JOURNAL_`` for the journal). Settings
fail fast: a missing or malformed value stops the process at start, and in production
(``ESCHOOL_ENV=production``) a secret left at its development default is refused.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_PREFIX = "dev-only-"  # noqa: S105 - the marker of a development default, not a secret


class Environment(StrEnum):
    """Where the process runs; production refuses development defaults."""

    development = "development"
    test = "test"
    production = "production"


class ProcessSettings(BaseSettings):
    """Settings every eschool process has, a service or the gateway; subclass and set ``env_prefix``."""

    model_config = SettingsConfigDict(env_prefix="ESCHOOL_", extra="ignore", frozen=True)

    environment: Environment = Field(
        default=Environment.development,
        validation_alias=AliasChoices("ESCHOOL_ENV", "environment"),
    )
    # Where people and partners reach the deployment (the gateway's origin): links and issuer URLs.
    public_url: str = "http://127.0.0.1:8000"
    log_level: str = "INFO"
    log_json: bool = True
    # The issuer access tokens carry: by default identity's, the public URL + /api/identity/v1.
    jwt_issuer: str | None = None
    jwt_audience: str = "eschool"

    @property
    def token_issuer(self) -> str:
        """The issuer of eschool's access tokens: configured, or identity's API under the public URL."""
        return self.jwt_issuer or issuer_for(self.public_url)


class ServiceSettings(ProcessSettings):
    """Settings every service has; subclass and set ``env_prefix`` (e.g. ``JOURNAL_``)."""

    service_name: ClassVar[str] = "service"

    database_url: str = "sqlite+aiosqlite:///./var/service.db"
    bus_url: str = "memory://"
    events_exchange: str = "eschool.events"
    # Load the demo region at start (the embedded mode does); production refuses it.
    demo_data: bool = False
    jwks_url: str | None = None
    outbox_retention_days: int = Field(default=7, ge=1)
    # Connections kept open to the database (a pool per process); a request beyond them waits for one
    # rather than opening and closing a connection of its own.
    database_pool_size: int = Field(default=20, ge=1, le=500)
    relay_batch_size: int = Field(default=256, ge=1, le=10_000)
    consumer_prefetch: int = Field(default=64, ge=1, le=10_000)
    secret_key: SecretStr = SecretStr(DEV_SECRET_PREFIX + "change-me")

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, url: str) -> str:
        # Operators and managed databases hand out postgresql:// URLs; the services speak asyncpg.
        for plain in ("postgres://", "postgresql://"):
            if url.startswith(plain):
                return "postgresql+asyncpg://" + url.removeprefix(plain)
        return url

    @model_validator(mode="after")
    def _refuse_development_defaults_in_production(self) -> ServiceSettings:
        if self.environment is not Environment.production:
            return self
        weak = sorted(name for name, value in self._secrets().items() if _is_dev_secret(value))
        if weak:
            raise ValueError("production refuses development default secrets: " + ", ".join(weak))
        # A pod that lost its configuration must fail at start, not run on a local file and a fake bus.
        if self.database_url.startswith("sqlite"):
            raise ValueError("production needs a PostgreSQL database_url, not SQLite")
        if self.bus_url.startswith("memory://"):
            raise ValueError("production needs an amqp:// bus_url, not the in-memory bus")
        if self.demo_data:
            raise ValueError("production refuses demo_data: demo accounts have public passwords")
        return self

    def _secrets(self) -> dict[str, Any]:
        return {
            name: getattr(self, name)
            for name in type(self).model_fields
            if isinstance(getattr(self, name), SecretStr)
        }


def issuer_for(public_url: str) -> str:
    """Identity's issuer URL for a deployment reached at ``public_url``."""
    return f"{public_url.rstrip('/')}/api/identity/v1"


def _is_dev_secret(value: SecretStr) -> bool:
    raw = value.get_secret_value()
    return not raw or raw.startswith(DEV_SECRET_PREFIX)
