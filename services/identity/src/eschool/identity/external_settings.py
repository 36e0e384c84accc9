"""Settings of the external OpenID Connect provider (ESIA, «Госуслуги», in production)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

# The development default of the SNILS key; production refuses it like every dev-only secret.


class ExternalProviderSettings(BaseModel):
    """One provider: where it is, who we are to it, which claim carries SNILS, where we may send people.

    Set from the environment as ``IDENTITY_EXTERNAL_PROVIDER__ISSUER=https://esia.gosuslugi.ru`` and so on
    (or the whole object as JSON in ``IDENTITY_EXTERNAL_PROVIDER``); unset means no external login.
    """

    model_config = ConfigDict(frozen=True)

    # The path segment (/v1/external/esia/...) and the provider column of linked identities.
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,29}$")] = "esia"
    display_name: str = "Госуслуги"
    # Discovery is read from <issuer>/.well-known/openid-configuration, and ID tokens must carry it.
    issuer: str
    client_id: str
    client_secret: SecretStr
    scopes: str = "openid snils"
    snils_claim: str = "snils"
    # The front-end pages the one-time login code may be delivered to: exact matches only (RFC 9700).
    redirect_uris: Annotated[tuple[str, ...], Field(min_length=1)]
    # Our callback as registered at the provider; by default under identity's issuer URL.
    callback_url: str | None = None
    state_ttl_seconds: int = Field(default=600, ge=60, le=3600)
    login_code_ttl_seconds: int = Field(default=60, ge=10, le=600)
    discovery_ttl_seconds: int = Field(default=3600, ge=60)
    http_timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    @field_validator("issuer")
    @classmethod
    def _no_trailing_slash(cls, issuer: str) -> str:
        return issuer.rstrip("/")

    def callback_for(self, identity_issuer: str) -> str:
        """Our redirect_uri at the provider: the configured one, or the callback route under the issuer."""
        return self.callback_url or f"{identity_issuer}/external/{self.name}/callback"

    def insecure_urls(self) -> list[str]:
        """The URLs that are not https (production refuses them: codes and tokens travel through them)."""
        urls = [self.issuer, *self.redirect_uris, *([self.callback_url] if self.callback_url else [])]
        return [url for url in urls if not url.startswith("https://")]
