"""The HTTP kit every service installs with one call: ids, access log, metrics, problem+json, probes."""

from __future__ import annotations

from fastapi import FastAPI

from eschool.common.http.health import DEFAULT_CHECK_TIMEOUT_S, health_router, readiness_checks
from eschool.common.http.metrics import metrics_router
from eschool.common.http.middleware import MetricsMiddleware, RequestContextMiddleware
from eschool.common.http.problems import install_problem_handlers


def install_http_kit(
    app: FastAPI, *, service: str, readiness_timeout_s: float = DEFAULT_CHECK_TIMEOUT_S
) -> None:
    """Add the middleware, problem handlers, ``/healthz``, ``/readyz`` and ``/metrics`` to ``app``."""
    readiness_checks(app)
    # add_middleware wraps what is already there, so the last added is the outermost: the request
    # context wraps the metrics, and both wrap the catch-all that turns a crash into a 500 problem.
    install_problem_handlers(app)
    app.add_middleware(MetricsMiddleware, service=service)
    app.add_middleware(RequestContextMiddleware, service=service)
    app.include_router(health_router(timeout_s=readiness_timeout_s))
    app.include_router(metrics_router())


__all__ = ["install_http_kit", "readiness_checks"]
