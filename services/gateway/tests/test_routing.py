"""Routing ``/api/<service>/...``: what reaches the service, what comes back, streamed both ways."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
from fastapi import FastAPI

from eschool.common.testing.auth import TestIdentity


async def test_request_reaches_its_service_with_method_path_query_and_headers(
    gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await gateway.delete(
        "/api/things/v1/echo/a%20b/c?x=1&x=2&y=%D1%8F",
        headers={
            **auth,
            "X-Custom": "yes",
            "Connection": "x-drop",
            "X-Drop": "hop",
            "Keep-Alive": "timeout=5",
        },
    )
    assert response.status_code == 200, response.text
    seen = response.json()
    assert (seen["method"], seen["path"], seen["query"]) == ("DELETE", "/v1/echo/a b/c", "x=1&x=2&y=%D1%8F")
    headers = seen["headers"]
    # The token goes on unchanged: each service verifies it again.
    assert headers["authorization"] == auth["Authorization"]
    assert "x-custom" in headers
    assert not {"x-drop", "keep-alive", "connection"} & headers.keys()
    assert headers["x-forwarded-proto"] == "http"
    assert headers["x-forwarded-host"] == "gw.test"
    assert headers["x-forwarded-for"] == "127.0.0.1"


async def test_status_and_repeated_headers_come_back(
    gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    created = await gateway.post("/api/things/v1/echo/x?status=201", headers=auth)
    assert created.status_code == 201
    cookies = await gateway.get("/api/things/v1/cookies", headers=auth)
    assert len(cookies.headers.get_list("set-cookie")) == 2


async def test_request_id_is_kept_or_made_and_reaches_the_service(
    gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    given = await gateway.get("/api/things/v1/echo/x", headers={**auth, "X-Request-Id": "req-42.a_b"})
    assert given.headers["x-request-id"] == "req-42.a_b"
    assert given.json()["headers"]["x-request-id"] == "req-42.a_b"
    insane = await gateway.get("/api/things/v1/echo/x", headers={**auth, "X-Request-Id": "bad id\\n"})
    made = insane.headers["x-request-id"]
    assert made != "bad id\\n"
    assert insane.json()["headers"]["x-request-id"] == made


async def test_unknown_service_and_climbing_paths_are_404_problems(
    gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    unknown = await gateway.get("/api/nosuch/v1/x", headers=auth)
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    assert unknown.json()["code"] == "unknown_service"
    # A public route must not open the way to a protected one.
    climbing = await gateway.get("/api/things/healthz/%2e%2e/v1/echo/x")
    assert climbing.status_code == 404


async def test_a_services_metrics_and_readiness_stay_inside_even_with_a_token(
    gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    for path in ("/api/things/metrics", "/api/things/readyz"):
        for headers in (auth, {}):
            response = await gateway.get(path, headers=headers)
            assert response.status_code == 404, (path, headers)
            assert response.headers["content-type"] == "application/problem+json"
    # The public probe stays public.
    assert (await gateway.get("/api/things/healthz")).status_code == 200


async def test_large_download_and_upload_stream_through_a_real_server(over_http: httpx.AsyncClient) -> None:
    size = 5 * 1024 * 1024 + 7

    async def upload_body() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"u" * 100_000

    async with over_http.stream("GET", f"/api/things/v1/export.xlsx?size={size}") as response:
        assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert "report.xlsx" in response.headers["content-disposition"]
        chunks = [chunk async for chunk in response.aiter_raw()]
    uploaded = await over_http.post("/api/things/v1/upload", content=upload_body())
    assert sum(map(len, chunks)) == size
    assert len(chunks) > 1, "the download was buffered, not streamed"
    assert uploaded.json()["size"] == 2_000_000
    assert uploaded.json()["chunks"] > 1, "the upload was buffered, not streamed"
    assert uploaded.json()["sha256"] == hashlib.sha256(b"u" * 2_000_000).hexdigest()


async def test_in_process_upstream_serves_the_same_download(
    gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await gateway.get("/api/things/v1/export.xlsx?size=200000", headers=auth)
    assert response.status_code == 200
    assert len(response.content) == 200_000


async def test_gateway_answers_probes_and_metrics_of_upstream_latency(
    gateway: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    await gateway.get("/api/things/v1/echo/x", headers=auth)
    assert (await gateway.get("/healthz")).json() == {"status": "ok"}
    assert (await gateway.get("/readyz")).status_code == 200
    metrics = (await gateway.get("/metrics")).text
    assert 'gateway_upstream_request_duration_seconds_count{status="200",upstream="things"}' in metrics


async def test_real_upstream_is_reached_over_http(
    make_gateway: Callable[..., FastAPI],
    upstream_app: Callable[[], FastAPI],
    server: Any,
    client: Callable[..., httpx.AsyncClient],
    auth: dict[str, str],
) -> None:
    async with server(upstream_app()) as url:
        app = make_gateway({"things": url})
        async with app.router.lifespan_context(app), client(app) as gateway:
            response = await gateway.get("/api/things/v1/echo/x?q=1", headers=auth)
    assert response.json()["query"] == "q=1"


async def test_hop_by_hop_and_server_headers_of_the_service_stay_behind(over_http: httpx.AsyncClient) -> None:
    response = await over_http.get("/api/things/v1/export.xlsx?size=10")
    assert len(response.headers.get_list("date")) == 1
    assert len(response.headers.get_list("server")) == 1
    assert response.content == bytes(10)


async def test_a_person_on_a_one_time_password_reaches_the_service_which_decides(
    gateway: httpx.AsyncClient, test_identity: TestIdentity
) -> None:
    # Identity lets such a person change the password and refuses them the rest: were the gateway to
    # refuse them itself, a generated password could never be replaced through it.
    one_time = test_identity.headers(test_identity.token(pwd_change=True))
    response = await gateway.get("/api/things/v1/echo/x", headers=one_time)
    assert response.status_code == 200, response.text
    assert response.json()["headers"]["authorization"] == one_time["Authorization"]
