"""Who may pass: the public routes, access-token verification, and the rate limits, in that order."""

from __future__ import annotations

from fnmatch import fnmatchcase

from starlette.requests import Request

from eschool.common.auth import principal_changing_password
from eschool.gateway.forwarded import client_ip
from eschool.gateway.ratelimit import TokenBuckets
from eschool.gateway.settings import IDENTITY, GatewaySettings

ANY_SERVICE = "*"
TOKEN_ENDPOINT = (IDENTITY, "/v1/token")
# Routes anyone may call without an access token: (service, path under /api/<service>). A pattern's "*"
# matches anything, slashes included. Every other route needs a valid token at the gateway, and each
# service checks it again (the gateway is not the only wall).
PUBLIC_ROUTES: tuple[tuple[str, str], ...] = (
    (IDENTITY, "/v1/.well-known/openid-configuration"),
    (IDENTITY, "/v1/jwks.json"),
    TOKEN_ENDPOINT,
    (IDENTITY, "/v1/revoke"),
    # The external identity provider (ESIA) sends the browser back here before we have issued a token.
    (IDENTITY, "/v1/external/*"),
    # Free places per school and grade: counts only, published for families choosing a school.
    ("enrolment", "/v1/schools/*/places"),
    (ANY_SERVICE, "/healthz"),
    (ANY_SERVICE, "/openapi.json"),
)


# Routes of a service the gateway never forwards: they are for the cluster (Prometheus, the kubelet),
# not for users, and a valid token does not change that.
INTERNAL_ROUTES: tuple[tuple[str, str], ...] = ((ANY_SERVICE, "/metrics"), (ANY_SERVICE, "/readyz"))


def _listed(routes: tuple[tuple[str, str], ...], service: str, path: str) -> bool:
    return any(owner in (service, ANY_SERVICE) and fnmatchcase(path, pattern) for owner, pattern in routes)


def is_internal(service: str, path: str) -> bool:
    """True if ``path`` of ``service`` is for the cluster only."""
    return _listed(INTERNAL_ROUTES, service, path)


def is_public(service: str, path: str) -> bool:
    """True if ``path`` of ``service`` is on the public list."""
    return _listed(PUBLIC_ROUTES, service, path)


class Guard:
    """Admits a request to a service or raises the problem (401, 429, 503) that refuses it."""

    def __init__(self, settings: GatewaySettings) -> None:
        limit = settings.rate_limit_max_keys
        self.by_ip = TokenBuckets("ip", rate=settings.ip_rate_per_s, burst=settings.ip_burst, max_keys=limit)
        self.by_client = TokenBuckets(
            "client", rate=settings.client_rate_per_s, burst=settings.client_burst, max_keys=limit
        )
        self.token_endpoint = TokenBuckets(
            "token_endpoint", rate=settings.token_ip_rate_per_s, burst=settings.token_ip_burst, max_keys=limit
        )
        self._trusted_hops = settings.trusted_proxy_hops

    async def admit(self, request: Request, service: str, path: str) -> None:
        """Limit by address first (cheap, before any signature check), then verify and limit by client."""
        address = client_ip(request, self._trusted_hops)
        self.by_ip.check(address)
        if (service, path) == TOKEN_ENDPOINT:
            self.token_endpoint.check(address)
        if is_public(service, path):
            return
        # The platform's own dependency: the same 401/503 codes and Russian details as every service.
        # A person still on a one-time password passes: the service decides (identity lets them change
        # it, every other route refuses them), or nobody could ever replace a generated password.
        principal = await principal_changing_password(request)
        self.by_client.check(
            f"client:{principal.client_id}" if principal.is_machine else str(principal.user_id)
        )
