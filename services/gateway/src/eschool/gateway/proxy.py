"""Forwarding one request to its service and its response back, bodies streamed both ways."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
from starlette.background import BackgroundTask
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from eschool.common.errors import Problem
from eschool.common.http.middleware import CORRELATION_ID_HEADER, REQUEST_ID_HEADER
from eschool.common.logging import bound_correlation_id, bound_request_id, get_logger
from eschool.gateway.forwarded import forwarded_headers
from eschool.gateway.upstreams import UPSTREAM_DURATION, Upstream

# RFC 9110 section 7.6.1: meaningful for one connection only, never forwarded. Host is the upstream's.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer"}
    | {"transfer-encoding", "upgrade", "host", "proxy-connection"}
)
# Headers the gateway sets itself: the ids it bound, the forwarding chain it vouches for, and (on the
# way back) the date and server line its own server writes.
_OWN_REQUEST_HEADERS = frozenset({REQUEST_ID_HEADER, CORRELATION_ID_HEADER, "x-forwarded-for"})
_OWN_REQUEST_HEADERS |= {"x-forwarded-proto", "x-forwarded-host", "forwarded"}
_OWN_RESPONSE_HEADERS = frozenset({"date", "server"})
# Answers up to this size are read whole before being passed on; larger ones (and those of unknown
# length) stream, so an export never sits in the gateway's memory.
BUFFER_LIMIT = 64 * 1024

log = get_logger(__name__)


async def forward(request: Request, upstream: Upstream, path: str, *, trusted_hops: int) -> Response:
    """Send ``request`` to ``upstream`` at ``path`` and stream its answer; 502/504 problems on failure."""
    outgoing = httpx.Request(
        request.method,
        upstream.url(path, request.scope.get("query_string", b"")),
        headers=_request_headers(request, trusted_hops),
        content=_body(request),
        extensions={"timeout": upstream.timeout},
    )
    response = await _send(upstream, outgoing)
    answer: Response
    if _small(response):
        # Most answers are a few kilobytes of JSON: read at once, they skip the streaming machinery,
        # which costs more than the copy (and the upstream connection goes back to the pool sooner).
        try:
            body = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        answer = Response(body, status_code=response.status_code)
    else:
        answer = StreamingResponse(
            response.aiter_raw(), status_code=response.status_code, background=BackgroundTask(response.aclose)
        )
    # Raw pairs keep repeated headers (Set-Cookie) apart; the raw body keeps Content-Length and
    # Content-Encoding true.
    dropped = _dropped(response.headers) | _OWN_RESPONSE_HEADERS
    answer.raw_headers = [
        (name, value) for name, value in response.headers.raw if name.decode("latin-1").lower() not in dropped
    ]
    return answer


def _small(response: httpx.Response) -> bool:
    """Whether the upstream announced a body small enough to read whole (exports stream)."""
    length = response.headers.get("content-length")
    return length is not None and length.isdigit() and int(length) <= BUFFER_LIMIT


def _request_headers(request: Request, trusted_hops: int) -> list[tuple[str, str]]:
    dropped = _dropped(request.headers) | _OWN_REQUEST_HEADERS
    headers = [(name, value) for name, value in request.headers.items() if name not in dropped]
    headers += forwarded_headers(request, trusted_hops)
    headers.append((REQUEST_ID_HEADER, bound_request_id() or ""))
    headers.append((CORRELATION_ID_HEADER, bound_correlation_id() or ""))
    return headers


def _dropped(headers: Headers | httpx.Headers) -> frozenset[str]:
    """Hop-by-hop headers, with those the Connection header names as such."""
    named = {token.strip().lower() for token in headers.get("connection", "").split(",")}
    return HOP_BY_HOP | (named - {""})


def _body(request: Request) -> AsyncIterator[bytes] | None:
    # No body announced (a GET): send none, rather than an empty chunked one some servers refuse.
    if "content-length" not in request.headers and "transfer-encoding" not in request.headers:
        return None
    return request.stream()


async def _send(upstream: Upstream, outgoing: httpx.Request) -> httpx.Response:
    """The upstream's response, body unread; a failure becomes the problem the client sees."""
    started = time.perf_counter()
    status = "error"
    try:
        response = await _reach(upstream, outgoing)
        status = str(response.status_code)
        return response
    except httpx.TimeoutException as error:
        status = "timeout"
        raise _problem(upstream, error, 504, "upstream_timeout", "не ответил вовремя") from None
    except httpx.TransportError as error:
        raise _problem(upstream, error, 502, "upstream_unavailable", "сейчас недоступен") from None
    finally:
        UPSTREAM_DURATION.labels(upstream=upstream.name, status=status).observe(time.perf_counter() - started)


async def _reach(upstream: Upstream, outgoing: httpx.Request) -> httpx.Response:
    """Send to a replica; one that refuses the connection (never reached, nothing sent: safe for any
    method) hands the request to the next, until each was tried once."""
    for _ in range(len(upstream.base_urls) - 1):
        try:
            return await upstream.transport.handle_async_request(outgoing)
        except httpx.ConnectError:
            log.warning(
                "gateway.upstream.replica_refused", upstream=upstream.name, replica=str(outgoing.url.netloc)
            )
            outgoing.url = upstream.other_replica(outgoing.url)
            outgoing.headers["host"] = outgoing.url.netloc.decode("ascii")
    return await upstream.transport.handle_async_request(outgoing)


def _problem(upstream: Upstream, error: Exception, status: int, code: str, what: str) -> Problem:
    log.warning("gateway.upstream.failed", upstream=upstream.name, code=code, error=type(error).__name__)
    detail = f"Сервис «{upstream.name}» {what}, повторите попытку позже"
    title = "Сервис не ответил вовремя" if status == 504 else "Сервис недоступен"
    return Problem(status, code, detail, title=title, extra={"service": upstream.name})
