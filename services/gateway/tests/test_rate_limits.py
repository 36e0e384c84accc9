"""429 with Retry-After per client address, per authenticated client, and strictly on the token endpoint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from eschool.common.testing.auth import FakeClock, TestIdentity
from eschool.gateway.ratelimit import TokenBuckets

Gateway = Callable[..., Any]


@pytest.fixture
def limited(
    make_gateway: Callable[..., FastAPI],
    upstream_app: Callable[[str], FastAPI],
    client: Callable[..., httpx.AsyncClient],
) -> Callable[..., Any]:
    """A client of a gateway (identity and things upstream) with the limits given; the ingress is trusted."""

    def make(**limits: Any) -> httpx.AsyncClient:
        upstreams = {"identity": upstream_app("identity"), "things": upstream_app("things")}
        return client(make_gateway(upstreams, trusted_proxy_hops=1, **limits))

    return make


def _from(address: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    return {"X-Forwarded-For": address, **(headers or {})}


def _assert_limited(response: httpx.Response) -> None:
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "too_many_requests"
    assert int(response.headers["retry-after"]) >= 1


async def test_an_address_over_its_burst_is_told_when_to_come_back(limited: Gateway) -> None:
    async with limited(ip_burst=3, ip_rate_per_s=0.1) as gateway:
        for _ in range(3):
            assert (await gateway.get("/api/things/healthz", headers=_from("10.0.0.1"))).status_code == 200
        refused = await gateway.get("/api/things/healthz", headers=_from("10.0.0.1"))
        _assert_limited(refused)
        assert int(refused.headers["retry-after"]) == 10
        assert (await gateway.get("/api/things/healthz", headers=_from("10.0.0.2"))).status_code == 200


async def test_a_client_over_its_burst_is_limited_whatever_its_address(
    limited: Gateway, test_identity: TestIdentity
) -> None:
    busy, other = (test_identity.headers(test_identity.token()) for _ in range(2))
    async with limited(client_burst=2, client_rate_per_s=0.5) as gateway:
        for address in ("10.0.0.1", "10.0.0.2"):
            assert (await gateway.get("/api/things/v1/x", headers=_from(address, busy))).status_code == 200
        _assert_limited(await gateway.get("/api/things/v1/x", headers=_from("10.0.0.3", busy)))
        assert (await gateway.get("/api/things/v1/x", headers=_from("10.0.0.3", other))).status_code == 200


async def test_token_endpoint_has_a_stricter_limit_of_its_own(limited: Gateway) -> None:
    async with limited(token_ip_burst=2, token_ip_rate_per_s=0.01) as gateway:
        for _ in range(2):
            response = await gateway.post("/api/identity/v1/token", headers=_from("10.0.0.1"))
            assert response.status_code == 200
        _assert_limited(await gateway.post("/api/identity/v1/token", headers=_from("10.0.0.1")))
        discovery = "/api/identity/v1/.well-known/openid-configuration"
        assert (await gateway.get(discovery, headers=_from("10.0.0.1"))).status_code == 200


async def test_untrusted_forwarded_for_cannot_dodge_the_address_limit(
    make_gateway: Callable[..., FastAPI],
    upstream_app: Callable[[str], FastAPI],
    client: Callable[..., httpx.AsyncClient],
) -> None:
    app = make_gateway({"things": upstream_app("things")}, ip_burst=1, ip_rate_per_s=0.1)
    async with client(app) as gateway:
        assert (await gateway.get("/api/things/healthz", headers=_from("1.1.1.1"))).status_code == 200
        _assert_limited(await gateway.get("/api/things/healthz", headers=_from("2.2.2.2")))


def test_bucket_refills_at_its_rate_and_forgets_the_least_recent_keys() -> None:
    clock = FakeClock()
    buckets = TokenBuckets("t", rate=2, burst=2, max_keys=100, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0.5]
    clock.advance(0.5)
    assert buckets.take("a") == 0
    for key in range(150):
        buckets.take(str(key))
    assert len(buckets._buckets) == 100
