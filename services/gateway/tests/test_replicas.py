"""A service run as several replicas with no balancer in front (the local stack's two journal API
processes): the gateway takes them in turn and passes over one that refuses connections."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from eschool.gateway.settings import GatewaySettings

Server = Callable[[Any], AbstractAsyncContextManager[str]]


async def test_replicas_are_taken_in_turn(
    make_gateway: Callable[..., FastAPI],
    upstream_app: Callable[..., FastAPI],
    server: Server,
    client: Callable[..., httpx.AsyncClient],
    auth: dict[str, str],
) -> None:
    async with server(upstream_app()) as first, server(upstream_app()) as second:
        app = make_gateway({"things": f"{first} {second}"})
        async with app.router.lifespan_context(app), client(app) as gateway:
            hosts = [
                (await gateway.get(f"/api/things/v1/echo/{i}", headers=auth)).json()["headers"]["host"]
                for i in range(4)
            ]
    replicas = [first.removeprefix("http://"), second.removeprefix("http://")]
    assert hosts == replicas * 2


async def test_a_replica_that_refuses_connections_is_passed_over(
    make_gateway: Callable[..., FastAPI],
    upstream_app: Callable[..., FastAPI],
    server: Server,
    client: Callable[..., httpx.AsyncClient],
    auth: dict[str, str],
    free_port: int,
) -> None:
    async with server(upstream_app()) as alive:
        app = make_gateway({"things": f"http://127.0.0.1:{free_port} {alive}"})
        async with app.router.lifespan_context(app), client(app) as gateway:
            answers = [
                await gateway.post("/api/things/v1/echo/x", headers=auth, json={"n": i}) for i in range(4)
            ]
    assert [a.status_code for a in answers] == [200] * 4
    assert {a.json()["headers"]["host"] for a in answers} == {alive.removeprefix("http://")}


async def test_every_replica_down_is_a_502(
    make_gateway: Callable[..., FastAPI], client: Callable[..., httpx.AsyncClient], auth: dict[str, str]
) -> None:
    from .conftest import find_free_port

    urls = " ".join(f"http://127.0.0.1:{find_free_port()}" for _ in range(2))
    app = make_gateway({"things": urls})
    async with app.router.lifespan_context(app), client(app) as gateway:
        response = await gateway.get("/api/things/v1/echo/x", headers=auth)
    assert response.status_code == 502
    assert response.json()["code"] == "upstream_unavailable"


@pytest.mark.parametrize(
    "urls",
    ["http://a:1 ftp://b:2", "http://a:1/x http://b:2/y", "   "],
)
def test_replicas_must_be_http_urls_of_one_path(urls: str) -> None:
    with pytest.raises(ValidationError):
        GatewaySettings(upstreams={"things": urls})
