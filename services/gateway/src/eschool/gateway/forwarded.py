"""Who is really asking: the client address behind trusted proxies, and the X-Forwarded-* headers.

A client can write any X-Forwarded-For it likes, so only the entries appended by the proxies we run
(``trusted_hops`` of them, the ingress controller in Kubernetes) are believed; with none, the peer's
address is the client's.
"""

from __future__ import annotations

from starlette.requests import Request

UNKNOWN = "unknown"


def _chain(request: Request) -> list[str]:
    """X-Forwarded-For entries (oldest first) and then the peer's address."""
    listed = [entry.strip() for entry in request.headers.get("x-forwarded-for", "").split(",")]
    peer = request.client.host if request.client else UNKNOWN
    return [*(entry for entry in listed if entry), peer]


def client_ip(request: Request, trusted_hops: int) -> str:
    """The address of the client: ``trusted_hops`` entries left of the peer, or the oldest we have."""
    chain = _chain(request)
    return chain[max(0, len(chain) - 1 - trusted_hops)]


def forwarded_headers(request: Request, trusted_hops: int) -> list[tuple[str, str]]:
    """X-Forwarded-For/Proto/Host for the service: the believed chain and our peer, scheme and host."""
    chain = _chain(request)
    believed = chain[max(0, len(chain) - 1 - trusted_hops) :]
    trusted = trusted_hops > 0
    proto = (trusted and request.headers.get("x-forwarded-proto")) or request.url.scheme
    host = (trusted and request.headers.get("x-forwarded-host")) or request.headers.get("host", "")
    return [
        ("x-forwarded-for", ", ".join(believed)),
        ("x-forwarded-proto", proto),
        ("x-forwarded-host", host),
    ]
