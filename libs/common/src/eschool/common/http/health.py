"""Liveness (``/healthz``) and readiness (``/readyz``) probes.

Readiness checks are usually known only in the lifespan (the engine and the broker connection are made
there), so the router also reads ``app.state.readiness_checks`` on every call: a service registers one
with ``readiness_checks(app)["database"] = check_database``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping

from fastapi import APIRouter, Request
from starlette.applications import Starlette
from starlette.responses import JSONResponse

from eschool.common.logging import get_logger

ReadinessCheck = Callable[[], Awaitable[None]]
CheckSource = Mapping[str, ReadinessCheck] | Callable[[], Mapping[str, ReadinessCheck]]

DEFAULT_CHECK_TIMEOUT_S = 2.0
_CREDENTIALS_IN_URL = re.compile(r"//[^/@\s]+@")

log = get_logger(__name__)


def readiness_checks(app: Starlette) -> dict[str, ReadinessCheck]:
    """The app's mutable registry of readiness checks, created on first use."""
    if not hasattr(app.state, "readiness_checks"):
        app.state.readiness_checks = {}
    checks: dict[str, ReadinessCheck] = app.state.readiness_checks
    return checks


def health_router(
    checks: CheckSource | None = None, *, timeout_s: float = DEFAULT_CHECK_TIMEOUT_S
) -> APIRouter:
    """``GET /healthz`` (alive, no I/O) and ``GET /readyz`` (every check passes within ``timeout_s``)."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        """Liveness: answers while the process serves requests."""
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        """Readiness: the database, the broker and the other dependencies answer."""
        results = await run_checks(_all_checks(request.app, checks), timeout_s=timeout_s)
        ready = all(result == "ok" for result in results.values())
        body = {"status": "ready" if ready else "unready", "checks": results}
        return JSONResponse(body, status_code=200 if ready else 503)

    return router


def _all_checks(app: Starlette, source: CheckSource | None) -> dict[str, ReadinessCheck]:
    given = source() if callable(source) else source or {}
    return {**given, **readiness_checks(app)}


async def run_checks(checks: Mapping[str, ReadinessCheck], *, timeout_s: float) -> dict[str, str]:
    """Run the checks concurrently; each result is ``"ok"`` or a short reason free of secrets."""
    names = list(checks)
    results = await asyncio.gather(*(_run_check(name, checks[name], timeout_s) for name in names))
    return dict(zip(names, results, strict=True))


async def _run_check(name: str, check: ReadinessCheck, timeout_s: float) -> str:
    try:
        async with asyncio.timeout(timeout_s):
            await check()
    except TimeoutError:
        log.warning("readiness.check_timed_out", check=name, timeout_s=timeout_s)
        return f"timeout after {timeout_s:g} s"
    except Exception as exc:
        # The reason for operators goes to the log; the response names only the exception type, since
        # driver messages may carry host names or connection URLs.
        log.warning("readiness.check_failed", check=name, error_type=type(exc).__name__, error=_scrub(exc))
        return "unreachable: " + type(exc).__name__
    return "ok"


def _scrub(exc: BaseException) -> str:
    return _CREDENTIALS_IN_URL.sub("//***@", str(exc))
