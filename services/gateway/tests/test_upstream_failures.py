"""A service that is down or slow gives a 502 or 504 problem quickly, never a hang."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI


@asynccontextmanager
async def silent_server() -> AsyncIterator[str]:
    """A server that accepts connections and never answers: the worst kind of slow upstream."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def _get(
    app: FastAPI, client: Callable[..., httpx.AsyncClient], auth: dict[str, str], path: str
) -> httpx.Response:
    async with app.router.lifespan_context(app), client(app) as gateway:
        return await gateway.get(path, headers=auth)


async def test_refused_connection_is_a_502_problem(
    make_gateway: Callable[..., FastAPI],
    client: Callable[..., httpx.AsyncClient],
    auth: dict[str, str],
    free_port: int,
) -> None:
    app = make_gateway({"things": f"http://127.0.0.1:{free_port}"})
    response = await _get(app, client, auth, "/api/things/v1/echo/x")
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "upstream_unavailable"
    assert "things" in body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]


async def test_silent_server_is_a_504_problem_within_the_read_timeout(
    make_gateway: Callable[..., FastAPI], client: Callable[..., httpx.AsyncClient], auth: dict[str, str]
) -> None:
    async with silent_server() as url:
        app = make_gateway({"things": url}, read_timeout_s=0.3)
        started = time.monotonic()
        response = await _get(app, client, auth, "/api/things/v1/echo/x")
    assert response.status_code == 504
    assert response.json()["code"] == "upstream_timeout"
    assert time.monotonic() - started < 3


async def test_hung_in_process_app_is_a_504_too(
    make_gateway: Callable[..., FastAPI],
    upstream_app: Callable[[], FastAPI],
    client: Callable[..., httpx.AsyncClient],
    auth: dict[str, str],
) -> None:
    app = make_gateway({"things": upstream_app()}, read_timeout_s=0.2, connect_timeout_s=0.1)
    started = time.monotonic()
    response = await _get(app, client, auth, "/api/things/v1/slow?seconds=30")
    assert response.status_code == 504
    assert time.monotonic() - started < 3


async def test_failures_count_in_the_upstream_metrics(
    make_gateway: Callable[..., FastAPI],
    client: Callable[..., httpx.AsyncClient],
    auth: dict[str, str],
    free_port: int,
) -> None:
    app = make_gateway({"gone": f"http://127.0.0.1:{free_port}"})
    await _get(app, client, auth, "/api/gone/v1/x")
    metrics = await _get(app, client, auth, "/metrics")
    assert 'gateway_upstream_request_duration_seconds_count{status="error",upstream="gone"}' in metrics.text
