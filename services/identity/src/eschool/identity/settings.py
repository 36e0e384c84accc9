"""Identity's settings (env prefix ``IDENTITY_``)."""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from eschool.common.settings import Environment, ServiceSettings
from eschool.common.snils import DEV_SNILS_HMAC_KEY
from eschool.identity.external_settings import ExternalProviderSettings


class IdentitySettings(ServiceSettings):
    """Token lifetimes, issuer, login protection and password hashing cost."""

    model_config = SettingsConfigDict(env_prefix="IDENTITY_", env_nested_delimiter="__")

    access_token_ttl_seconds: int = Field(default=900, ge=60, le=86_400)
    refresh_token_ttl_days: int = Field(default=30, ge=1, le=365)
    signing_key_rotation_days: int = Field(default=30, ge=1)
    max_failed_logins: int = Field(default=5, ge=1, le=100)
    lockout_seconds: int = Field(default=900, ge=1)
    # Failed logins from one IP address within lockout_seconds before that address must wait: a school's
    # computer class shares one address, so this is well above the per-account limit.
    max_failed_logins_per_ip: int = Field(default=50, ge=1, le=100_000)
    # Argon2id cost: RFC 9106's second recommended option (64 MiB, 3 passes) by default.
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65_536, ge=8)
    argon2_parallelism: int = Field(default=1, ge=1)
    # Shared with contingent: both compute eschool.common.snils.snils_hash with it.
    snils_hmac_key: SecretStr = DEV_SNILS_HMAC_KEY
    # Login through the state identity provider; None when it is not configured.
    external_provider: ExternalProviderSettings | None = None

    @property
    def issuer_url(self) -> str:
        """The issuer: IDENTITY_JWT_ISSUER, or the identity API under the public URL."""
        return self.token_issuer

    @model_validator(mode="after")
    def _external_provider_over_https_in_production(self) -> IdentitySettings:
        provider = self.external_provider
        if self.environment is Environment.production and provider and provider.insecure_urls():
            raise ValueError("production needs https URLs for the external provider")
        return self
