"""The services behind the gateway: one pooled httpx client per upstream, and its latency metrics."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx
from prometheus_client import Histogram

from eschool.gateway.settings import GatewaySettings

UPSTREAM_DURATION = Histogram(
    "gateway_upstream_request_duration_seconds",
    "Time from sending a request to a service to receiving its response headers.",
    ("upstream", "status"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


@dataclass(frozen=True)
class Upstream:
    """A service the gateway routes ``/api/<name>/...`` to, served by one or more replicas.

    ``transport`` is the connection pool the proxy sends through directly: the client layer above it
    (cookies, redirects, auth, event hooks) has nothing to do for a proxy and cost a tenth of the
    gateway's time per request. ``client`` wraps the same pool for the gateway's own calls (JWKS,
    OpenAPI documents). Several ``base_urls`` are replicas of the service taken in turn (a journal
    scaled to two API processes where no load balancer stands in front, as in the local stack).
    """

    name: str
    base_urls: tuple[httpx.URL, ...]
    client: httpx.AsyncClient
    transport: httpx.AsyncBaseTransport
    timeout: dict[str, float | None]
    _turn: Iterator[int] = field(default_factory=itertools.count, repr=False, compare=False)

    @property
    def base_url(self) -> httpx.URL:
        """The first replica's base URL."""
        return self.base_urls[0]

    def url(self, path: str, query: bytes) -> httpx.URL:
        """The URL of ``path`` (already quoted), raw query string kept as it came, at the next replica."""
        base = self.base_urls[next(self._turn) % len(self.base_urls)]
        raw = base.raw_path.rstrip(b"/") + path.encode("ascii")
        return base.copy_with(raw_path=raw + (b"?" + query if query else b""))

    def other_replica(self, url: httpx.URL) -> httpx.URL:
        """The same request's URL at the next replica (the base URLs differ in host and port only)."""
        base = self.base_urls[next(self._turn) % len(self.base_urls)]
        return url.copy_with(scheme=base.scheme, host=base.host, port=base.port)


class DeadlineTransport(httpx.AsyncBaseTransport):
    """Bounds a whole exchange with an in-process transport, where httpx enforces no timeout itself."""

    def __init__(self, inner: httpx.AsyncBaseTransport, seconds: float) -> None:
        self._inner = inner
        self._seconds = seconds

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Pass the request on; a hung app becomes an httpx timeout like a hung server's."""
        try:
            async with asyncio.timeout(self._seconds):
                return await self._inner.handle_async_request(request)
        except TimeoutError:
            raise httpx.ReadTimeout("upstream app did not answer in time", request=request) from None

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._inner.aclose()


class PoolShards(httpx.AsyncBaseTransport):
    """Connection pools taken in turn. httpcore's pool walks every one of its connections (checking
    each socket) twice per request: with 32 requests in flight that walk was a quarter of the gateway's
    CPU per request. Shards of a few connections each keep the walk short."""

    def __init__(self, shards: list[httpx.AsyncHTTPTransport]) -> None:
        self._shards = shards
        self._turn = itertools.count()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send through the next shard's pool."""
        return await self._shards[next(self._turn) % len(self._shards)].handle_async_request(request)

    async def aclose(self) -> None:
        """Close every shard's connections."""
        for shard in self._shards:
            await shard.aclose()


def _pools(settings: GatewaySettings) -> PoolShards:
    shards = settings.pool_shards
    limits = httpx.Limits(
        max_connections=-(-settings.max_connections // shards),
        max_keepalive_connections=-(-settings.max_keepalive_connections // shards),
    )
    return PoolShards([httpx.AsyncHTTPTransport(limits=limits, trust_env=False) for _ in range(shards)])


class Upstreams(Mapping[str, Upstream]):
    """The upstreams by name, built from settings; ``transports`` replace the network (embedded mode)."""

    def __init__(
        self, settings: GatewaySettings, transports: Mapping[str, httpx.AsyncBaseTransport] | None = None
    ) -> None:
        transports = transports or {}
        self._by_name = {
            name: _upstream(name, urls, settings, transports.get(name))
            for name, urls in settings.replicas().items()
        }

    def __getitem__(self, name: str) -> Upstream:
        return self._by_name[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    async def aclose(self) -> None:
        """Close every client and its pooled connections."""
        for upstream in self._by_name.values():
            await upstream.client.aclose()


def _upstream(
    name: str, urls: tuple[str, ...], settings: GatewaySettings, transport: httpx.AsyncBaseTransport | None
) -> Upstream:
    timeout = httpx.Timeout(settings.read_timeout_s, connect=settings.connect_timeout_s)
    if transport is not None:
        transport = DeadlineTransport(transport, settings.connect_timeout_s + settings.read_timeout_s)
    else:
        transport = _pools(settings)
    client = httpx.AsyncClient(
        transport=transport,
        timeout=timeout,
        # A proxy must never keep one user's cookies and hand them to the next.
        cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),
        follow_redirects=False,
        trust_env=False,
    )
    return Upstream(name, tuple(httpx.URL(url) for url in urls), client, transport, timeout.as_dict())
