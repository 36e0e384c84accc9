"""The gateway's settings (env prefix ``GATEWAY_``): upstreams, timeouts, token checks, rate limits, CORS."""

from __future__ import annotations

import re

import httpx
from pydantic import Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from eschool.common.settings import Environment, ProcessSettings

IDENTITY = "identity"
_SERVICE_NAME = re.compile(r"[a-z][a-z0-9-]{0,40}")


class GatewaySettings(ProcessSettings):
    """Where each service answers and how the gateway guards the way to it."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_")

    # Service name -> base URL: GATEWAY_UPSTREAMS='{"identity": "http://127.0.0.1:8101"}'; a service run
    # as several replicas with no balancer in front lists them apart by spaces, taken in turn.
    upstreams: dict[str, str] = Field(default_factory=dict)
    connect_timeout_s: float = Field(default=3.0, gt=0, le=60)
    # Exports (xlsx, pdf) of a whole school take a while to start; a hung service still ends in a 504.
    read_timeout_s: float = Field(default=30.0, gt=0, le=600)
    max_connections: int = Field(default=200, ge=1)
    max_keepalive_connections: int = Field(default=50, ge=0)
    # Each upstream's connections are split over this many pools (the limits above are shared out).
    pool_shards: int = Field(default=8, ge=1, le=64)
    # Identity's JWKS; by default read through the identity upstream at /v1/jwks.json.
    jwks_url: str | None = None
    jwks_cache_ttl_s: float = Field(default=600, gt=0)
    # Token buckets: requests per second refilled and the burst allowed. A whole school may sit behind
    # one NAT address, so the per-IP limit is generous; the token endpoint's is strict (password guessing).
    ip_rate_per_s: float = Field(default=100, gt=0)
    ip_burst: int = Field(default=400, ge=1)
    client_rate_per_s: float = Field(default=20, gt=0)
    client_burst: int = Field(default=100, ge=1)
    token_ip_rate_per_s: float = Field(default=2, gt=0)
    token_ip_burst: int = Field(default=30, ge=1)
    rate_limit_max_keys: int = Field(default=100_000, ge=100)
    # Proxies in front of the gateway (the ingress controller: 1) whose X-Forwarded-* may be believed.
    trusted_proxy_hops: int = Field(default=0, ge=0, le=5)
    cors_origins: list[str] = Field(default_factory=list)
    openapi_ttl_s: float = Field(default=60, ge=0)
    # Swagger UI's script and style: a public CDN by default; a closed regional network points these at
    # copies it hosts itself (the swagger-ui-dist package, version 5: the documents are OpenAPI 3.1).
    docs_js_url: str = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"
    docs_css_url: str = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css"
    openapi_fetch_timeout_s: float = Field(default=3.0, gt=0)

    @field_validator("upstreams")
    @classmethod
    def _names_and_urls(cls, upstreams: dict[str, str]) -> dict[str, str]:
        for name, urls in upstreams.items():
            if not _SERVICE_NAME.fullmatch(name):
                raise ValueError(f"upstream name {name!r}: lowercase letters, digits and '-'")
            replicas = urls.split()
            if not replicas or any(not url.startswith(("http://", "https://")) for url in replicas):
                raise ValueError(f"upstream {name!r}: http(s) URLs, not {urls!r}")
            if len({httpx.URL(url).path.rstrip("/") for url in replicas}) > 1:
                raise ValueError(f"upstream {name!r}: replicas differ only in host and port")
        return {name: " ".join(url.rstrip("/") for url in urls.split()) for name, urls in upstreams.items()}

    def replicas(self) -> dict[str, tuple[str, ...]]:
        """Each upstream's base URLs (one, or its replicas)."""
        return {name: tuple(urls.split()) for name, urls in self.upstreams.items()}

    @model_validator(mode="after")
    def _production_needs_its_services(self) -> GatewaySettings:
        if self.environment is Environment.production and not self.upstreams:
            raise ValueError("production needs GATEWAY_UPSTREAMS")
        if self.environment is Environment.production and not self.jwks_source:
            raise ValueError("production needs GATEWAY_JWKS_URL or an identity upstream")
        return self

    @property
    def jwks_source(self) -> str | None:
        """Where the JWKS is read: configured, or identity's upstream; None when neither is known."""
        if self.jwks_url:
            return self.jwks_url
        identity = self.upstreams.get(IDENTITY)
        return f"{identity}/v1/jwks.json" if identity else None
