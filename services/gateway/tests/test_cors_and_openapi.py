"""CORS when configured, and the combined OpenAPI document and Swagger UI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI

PREFLIGHT = {"Origin": "https://school.example", "Access-Control-Request-Method": "POST"}


async def test_preflight_is_answered_for_a_configured_origin_only(
    make_gateway: Callable[..., FastAPI],
    upstream_app: Callable[[str], FastAPI],
    client: Callable[..., httpx.AsyncClient],
    auth: dict[str, str],
) -> None:
    app = make_gateway({"things": upstream_app("things")}, cors_origins=["https://school.example"])
    async with client(app) as gateway:
        allowed = await gateway.options("/api/things/v1/x", headers=PREFLIGHT)
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://school.example"
        foreign = await gateway.options(
            "/api/things/v1/x", headers={**PREFLIGHT, "Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in foreign.headers
        simple = await gateway.get("/api/things/v1/x", headers={**auth, "Origin": "https://school.example"})
        assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()


async def test_no_cors_by_default(
    gateway: httpx.AsyncClient,
) -> None:
    response = await gateway.options("/api/things/v1/x", headers=PREFLIGHT)
    assert "access-control-allow-origin" not in response.headers


async def test_combined_document_prefixes_paths_keeps_components_apart_and_survives_a_service_down(
    make_gateway: Callable[..., FastAPI],
    upstream_app: Callable[[str], FastAPI],
    client: Callable[..., httpx.AsyncClient],
    free_port: int,
) -> None:
    upstreams: dict[str, Any] = {
        "things": upstream_app("things"),
        "others": upstream_app("others"),
        "gone": f"http://127.0.0.1:{free_port}",
    }
    app = make_gateway(upstreams)
    async with app.router.lifespan_context(app), client(app) as gateway:
        response = await gateway.get("/api/openapi.json")
        docs = await gateway.get("/api/docs")
    assert response.status_code == 200
    document = response.json()
    assert {"/api/things/v1/items/{item_id}", "/api/others/v1/items/{item_id}"} <= document["paths"].keys()
    schemas = document["components"]["schemas"]
    assert {"things.ItemRead", "others.ItemRead"} <= schemas.keys()
    ok = document["paths"]["/api/others/v1/items/{item_id}"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/others.ItemRead"
    assert "gone" in document["info"]["description"]
    assert not any(path.startswith("/api/gone/") for path in document["paths"])
    assert docs.status_code == 200
    assert "/api/openapi.json" in docs.text


async def test_document_is_cached_for_its_ttl(
    make_gateway: Callable[..., FastAPI],
    upstream_app: Callable[[str], FastAPI],
    client: Callable[..., httpx.AsyncClient],
) -> None:
    things = upstream_app("things")
    fetched: list[int] = []

    @things.middleware("http")
    async def count(request: Any, call_next: Any) -> Any:
        fetched.append(1)
        return await call_next(request)

    app = make_gateway({"things": things}, openapi_ttl_s=60)
    async with client(app) as gateway:
        for _ in range(3):
            assert (await gateway.get("/api/openapi.json")).status_code == 200
    assert len(fetched) == 1


async def test_swagger_ui_assets_can_be_hosted_inside_a_closed_network(
    make_gateway: Callable[..., FastAPI], client: Callable[..., httpx.AsyncClient]
) -> None:
    app = make_gateway({}, docs_js_url="/static/swagger-ui-bundle.js", docs_css_url="/static/swagger-ui.css")
    async with client(app) as gateway:
        docs = await gateway.get("/api/docs")
    assert docs.status_code == 200
    assert 'src="/static/swagger-ui-bundle.js"' in docs.text
    assert 'href="/static/swagger-ui.css"' in docs.text
    assert "cdn.jsdelivr.net" not in docs.text
