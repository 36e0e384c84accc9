"""The gateway's routes: the combined OpenAPI document, Swagger UI, and ``/api/<service>/...`` to services."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import HTMLResponse, JSONResponse, Response

from eschool.common.errors import not_found
from eschool.gateway.access import Guard, is_internal
from eschool.gateway.openapi import CombinedOpenApi
from eschool.gateway.proxy import forward
from eschool.gateway.settings import GatewaySettings
from eschool.gateway.upstreams import Upstream, Upstreams

OPENAPI_URL = "/api/openapi.json"
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# RFC 3986 pchar and "/": what a path may carry unescaped.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


@dataclass(frozen=True)
class Gateway:
    """What the routes share: settings, upstreams, the guard and the OpenAPI cache."""

    settings: GatewaySettings
    upstreams: Upstreams
    guard: Guard
    openapi: CombinedOpenApi

    def upstream(self, service: str) -> Upstream:
        """The upstream of ``service``, or the 404 problem for a name no service has."""
        if service not in self.upstreams:
            raise not_found("unknown_service", "Такого сервиса нет: проверьте адрес запроса")
        return self.upstreams[service]


def _gateway(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


def _service_path(path: str) -> str:
    """The path under the service, refused if it could climb out of what was checked (``..``)."""
    if any(segment in {".", ".."} for segment in path.split("/")):
        raise not_found("not_found", "Запрошенный адрес не найден")
    return "/" + path


router = APIRouter()


@router.get(OPENAPI_URL, include_in_schema=False)
async def openapi_document(request: Request) -> JSONResponse:
    """The OpenAPI document of every service, paths under ``/api/<service>``."""
    return JSONResponse(await _gateway(request).openapi.document())


@router.get("/api/docs", include_in_schema=False)
async def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI over the combined document."""
    settings = _gateway(request).settings
    return get_swagger_ui_html(
        openapi_url=OPENAPI_URL,
        title="eschool API",
        swagger_js_url=settings.docs_js_url,
        swagger_css_url=settings.docs_css_url,
        swagger_favicon_url="data:,",
    )


@router.api_route("/api/{service}/{path:path}", methods=METHODS, include_in_schema=False)
async def to_service(request: Request, service: str, path: str) -> Response:
    """Pass the request to its service once the guard admits it."""
    gateway = _gateway(request)
    upstream = gateway.upstream(service)
    target = _service_path(path)
    if is_internal(service, target):
        raise not_found("not_found", "Запрошенный адрес не найден")
    await gateway.guard.admit(request, service, target)
    return await forward(
        request, upstream, quote(target, safe=_PATH_SAFE), trusted_hops=gateway.settings.trusted_proxy_hops
    )
