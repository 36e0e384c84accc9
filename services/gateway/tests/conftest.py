"""Gateway test fixtures: a small upstream service, real local servers, and gateways built around them."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
from fastapi import FastAPI, Request
from pydantic import BaseModel
from starlette.responses import JSONResponse, Response, StreamingResponse

from eschool.common.testing.auth import TestIdentity
from eschool.gateway.app import create_app
from eschool.gateway.settings import GatewaySettings

CHUNK = 64 * 1024


class ItemRead(BaseModel):
    """A component name every test upstream shares, to prove the combined document keeps them apart."""

    item_id: int


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def make_upstream(name: str = "things") -> FastAPI:
    """A service that shows what reached it, streams downloads and uploads, and can be slow."""
    app = FastAPI(title=name)

    @app.post("/v1/upload")
    async def upload(request: Request) -> dict[str, Any]:
        """Read the body as it streams in: its size and digest."""
        digest, size, chunks = hashlib.sha256(), 0, 0
        async for chunk in request.stream():
            digest.update(chunk)
            size, chunks = size + len(chunk), chunks + 1
        return {"size": size, "sha256": digest.hexdigest(), "chunks": chunks}

    @app.get("/v1/export.xlsx")
    async def export(size: int) -> StreamingResponse:
        """A download streamed in chunks, as an export is."""

        async def body() -> AsyncIterator[bytes]:
            for start in range(0, size, CHUNK):
                yield bytes([start // CHUNK % 251]) * min(CHUNK, size - start)

        headers = {"content-disposition": 'attachment; filename="report.xlsx"'}
        return StreamingResponse(body(), media_type=XLSX, headers=headers)

    @app.get("/v1/slow")
    async def slow(seconds: float) -> dict[str, str]:
        """Answers after ``seconds``."""
        await asyncio.sleep(seconds)
        return {"status": "late"}

    @app.get("/v1/cookies")
    async def cookies() -> Response:
        """Two Set-Cookie headers, which must both reach the client."""
        response = Response("ok")
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        return response

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Alive."""
        return {"status": "ok"}

    @app.get("/v1/items/{item_id}")
    async def item(item_id: int) -> ItemRead:
        """A route with a response model, so the OpenAPI document has a component."""
        return ItemRead(item_id=item_id)

    @app.api_route("/{rest:path}", methods=["GET", "POST", "DELETE"], include_in_schema=False)
    async def echo(request: Request, rest: str) -> JSONResponse:
        """Any other path: what the gateway sent (method, path, query and headers)."""
        return JSONResponse(
            {
                "service": name,
                "method": request.method,
                "path": request.url.path,
                "query": request.url.query,
                "headers": dict(request.headers),
            },
            status_code=int(request.query_params.get("status", 200)),
        )

    return app


def find_free_port() -> int:
    """A port nothing listens on (for now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def served(app: Any) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on a free local port for the block; yields its base URL."""
    port = find_free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn exposes only a flag
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


Upstreams = dict[str, "FastAPI | str"]
MakeGateway = Callable[..., FastAPI]


@pytest.fixture
def make_gateway(test_identity: TestIdentity) -> MakeGateway:
    """A gateway over upstreams given as apps (in-process) or URLs, verifying ``test_identity``'s tokens."""

    def make(upstreams: Upstreams, **settings: Any) -> FastAPI:
        urls = {name: u if isinstance(u, str) else f"http://{name}.test" for name, u in upstreams.items()}
        transports = {
            name: httpx.ASGITransport(app=u) for name, u in upstreams.items() if not isinstance(u, str)
        }
        app = create_app(GatewaySettings(upstreams=urls, **settings), transports=transports)
        test_identity.install(app)
        return app

    return make


def client_of(app: FastAPI, **options: Any) -> httpx.AsyncClient:
    """An HTTP client talking to ``app`` in-process."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw.test", **options)


# Helpers handed to tests as fixtures: with --import-mode=importlib a test cannot import this module.
@pytest.fixture
def upstream_app() -> Callable[..., FastAPI]:
    """Makes the test upstream service: ``upstream_app("name")``."""
    return make_upstream


@pytest.fixture
def server() -> Callable[[Any], contextlib.AbstractAsyncContextManager[str]]:
    """Serves an ASGI app on a real local port: ``async with server(app) as url``."""
    return served


@pytest.fixture
def client() -> Callable[..., httpx.AsyncClient]:
    """Makes an in-process client of an app: ``client(app)``."""
    return client_of


@pytest_asyncio.fixture
async def gateway(make_gateway: MakeGateway) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a gateway in front of one in-process upstream named ``things``."""
    app = make_gateway({"things": make_upstream()})
    async with app.router.lifespan_context(app), client_of(app) as client:
        yield client


@pytest.fixture
def auth(test_identity: TestIdentity) -> dict[str, str]:
    """Headers carrying a valid access token of a person."""
    return test_identity.headers(test_identity.token())


@pytest.fixture
def free_port() -> int:
    """A local port where nothing listens: connections to it are refused."""
    return find_free_port()


@pytest_asyncio.fixture
async def over_http(make_gateway: MakeGateway, auth: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """A client (with a valid token) of a gateway on a real port, in front of the test upstream on another."""
    async with served(make_upstream()) as url:
        app = make_gateway({"things": url})
        async with (
            app.router.lifespan_context(app),
            served(app) as gateway_url,
            httpx.AsyncClient(base_url=gateway_url, headers=auth) as client,
        ):
            yield client
