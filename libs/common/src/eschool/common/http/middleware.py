"""Pure ASGI middleware: request and correlation ids, the access log line, Prometheus timings.

Pure ASGI rather than ``BaseHTTPMiddleware``: the latter runs the app in another task, which loses
contextvars set inside it and buffers streaming responses.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Collection

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eschool.common.http.metrics import (
    HTTP_REQUEST_DURATION,
    HTTP_REQUESTS,
    HTTP_REQUESTS_IN_PROGRESS,
    method_label,
    route_template,
)
from eschool.common.logging import bound_request_id, get_logger, log_context

REQUEST_ID_HEADER = "x-request-id"
CORRELATION_ID_HEADER = "x-correlation-id"
QUIET_ROUTES = frozenset({"/metrics", "/healthz", "/readyz"})
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")

log = get_logger(__name__)


def sane_id(value: str | None) -> str | None:
    """The id if it is a short token safe to log and echo, else None."""
    return value if value is not None and _SANE_ID.fullmatch(value) else None


class RequestContextMiddleware:
    """Binds request and correlation ids for the request, echoes them, and logs one access line."""

    def __init__(
        self, app: ASGIApp, *, service: str | None = None, quiet_routes: Collection[str] = QUIET_ROUTES
    ):
        self.app = app
        self.service = service
        self.quiet_routes = quiet_routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with its ids bound, then write the access line."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        # An app mounted inside another (embedded mode) keeps the id its parent already bound.
        request_id = sane_id(headers.get(REQUEST_ID_HEADER)) or bound_request_id() or uuid.uuid4().hex
        correlation_id = sane_id(headers.get(CORRELATION_ID_HEADER)) or request_id
        ids = {"request_id": request_id, "correlation_id": correlation_id}
        status = 500
        started = time.perf_counter()

        async def send_with_ids(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                response_headers = MutableHeaders(scope=message)
                response_headers[REQUEST_ID_HEADER] = request_id
                response_headers[CORRELATION_ID_HEADER] = correlation_id
            await send(message)

        service = {"service": self.service} if self.service else {}
        with log_context(**ids, **service):
            try:
                await self.app(scope, receive, send_with_ids)
            finally:
                self._log_access(scope, status, time.perf_counter() - started)

    def _log_access(self, scope: Scope, status: int, elapsed: float) -> None:
        route = route_template(scope)
        # Probes and scrapes would drown the useful lines at info.
        write = log.debug if route in self.quiet_routes else log.info
        write(
            "http.request",
            method=scope["method"],
            route=route,
            status=status,
            duration_ms=round(elapsed * 1000, 2),
        )


class MetricsMiddleware:
    """Times each request into ``http_request_duration_seconds`` labelled by route template."""

    def __init__(self, app: ASGIApp, *, service: str):
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the request in progress, then record its duration and status."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = method_label(scope)
        status = "500"
        in_progress = HTTP_REQUESTS_IN_PROGRESS.labels(service=self.service, method=method)

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = str(message["status"])
            await send(message)

        in_progress.inc()
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_status)
        finally:
            in_progress.dec()
            route = route_template(scope)
            labels = {"service": self.service, "method": method, "route": route, "status": status}
            HTTP_REQUEST_DURATION.labels(**labels).observe(time.perf_counter() - started)
            HTTP_REQUESTS.labels(**labels).inc()
