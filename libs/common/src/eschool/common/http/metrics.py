"""HTTP metrics shared by every app in the process, and the ``/metrics`` route that exposes them.

In embedded mode several services share one process and one Prometheus registry, so the metrics are
module-level singletons told apart by the ``service`` label: registering them once per app would raise.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.types import Scope

UNMATCHED_ROUTE = "<unmatched>"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

HTTP_REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time from the request reaching the app to the end of its response.",
    ("service", "method", "route", "status"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by route template and status.",
    ("service", "method", "route", "status"),
)
HTTP_REQUESTS_IN_PROGRESS = Gauge(
    "http_requests_in_progress",
    "HTTP requests being handled now.",
    ("service", "method"),
)


def route_template(scope: Scope) -> str:
    """The matched route's template (``/marks/{mark_id}``), never the raw path, to bound label cardinality."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else UNMATCHED_ROUTE


def method_label(scope: Scope) -> str:
    """The request method, with made-up methods folded into ``OTHER`` so clients cannot add series."""
    method = scope.get("method", "")
    return method if method in KNOWN_METHODS else "OTHER"


def metrics_router(registry: CollectorRegistry = REGISTRY) -> APIRouter:
    """A router serving ``GET /metrics`` in the Prometheus text format."""
    router = APIRouter(tags=["operations"])

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        """Prometheus metrics of this process."""
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router
