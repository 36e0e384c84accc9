"""The combined OpenAPI document: every service's own, under ``/api/<service>``, fetched and cached.

Component names are prefixed with the service (``identity.TokenRead``) so that two services' ``Page``
or ``ErrorRead`` never overwrite each other; operation ids likewise. Security scheme names stay as
they are, since operations name them directly rather than by ``$ref`` and they mean the same bearer token.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from eschool.common.logging import get_logger
from eschool.gateway.upstreams import Upstream

COMPONENTS = "#/components/"
UNRENAMED_SECTIONS = frozenset({"securitySchemes"})
# A document that lacks a service is rebuilt this soon, not kept for the whole TTL.
RETRY_INCOMPLETE_S = 5.0
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
BEARER = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}

log = get_logger(__name__)

Document = dict[str, Any]


class CombinedOpenApi:
    """Builds the combined document on demand and keeps it for ``ttl`` seconds."""

    def __init__(
        self,
        upstreams: Mapping[str, Upstream],
        *,
        ttl: float,
        fetch_timeout: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._upstreams = upstreams
        self._ttl = ttl
        self._fetch_timeout = fetch_timeout
        self._clock = clock
        self._document: Document | None = None
        self._expires_at = float("-inf")
        self._lock = asyncio.Lock()

    async def document(self) -> Document:
        """The combined document, rebuilt when it has expired (concurrent callers share one rebuild)."""
        async with self._lock:
            if self._document is None or self._clock() >= self._expires_at:
                documents = await asyncio.gather(*(self._fetch(u) for u in self._upstreams.values()))
                self._document = combine(dict(zip(self._upstreams, documents, strict=True)))
                complete = all(document is not None for document in documents)
                self._expires_at = self._clock() + (
                    self._ttl if complete else min(self._ttl, RETRY_INCOMPLETE_S)
                )
        return self._document

    async def _fetch(self, upstream: Upstream) -> Document | None:
        try:
            async with asyncio.timeout(self._fetch_timeout):
                response = await upstream.client.get(upstream.url("/openapi.json", b""))
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError, TimeoutError) as error:
            log.warning(
                "gateway.openapi.upstream_skipped", upstream=upstream.name, error=type(error).__name__
            )
            return None
        return document if isinstance(document, dict) else None


def combine(documents: Mapping[str, Document | None]) -> Document:
    """One OpenAPI 3.1 document from each service's (None: the service did not answer)."""
    paths: Document = {}
    components: dict[str, Document] = {"securitySchemes": {"bearer": BEARER}}
    for service, document in documents.items():
        if document is None:
            continue
        renamed = _rewrite(document, service)
        for path, item in renamed.get("paths", {}).items():
            paths[f"/api/{service}{path}"] = _tagged(item, service)
        for section, entries in document.get("components", {}).items():
            prefix = "" if section in UNRENAMED_SECTIONS else f"{service}."
            components.setdefault(section, {}).update(
                {prefix + name: _rewrite(entry, service) for name, entry in entries.items()}
            )
    return {
        "openapi": "3.1.0",
        "info": {"title": "eschool API", "version": "1", "description": _description(documents)},
        "paths": paths,
        "components": components,
        "security": [{"bearer": []}],
    }


def _description(documents: Mapping[str, Document | None]) -> str:
    text = "Все сервисы eschool за единым входом: путь сервиса начинается с /api/<сервис>."
    missing = sorted(service for service, document in documents.items() if document is None)
    if missing:
        text += " Сейчас недоступны, их пути не показаны: " + ", ".join(missing) + "."
    return text


def _rewrite(node: Any, service: str) -> Any:
    """``node`` with component references and operation ids prefixed by ``service``."""
    if isinstance(node, list):
        return [_rewrite(item, service) for item in node]
    if not isinstance(node, dict):
        return node
    return {key: _rewrite_member(key, value, service) for key, value in node.items()}


def _rewrite_member(key: str, value: Any, service: str) -> Any:
    if key == "$ref" and isinstance(value, str) and value.startswith(COMPONENTS):
        section, _, name = value.removeprefix(COMPONENTS).partition("/")
        if section not in UNRENAMED_SECTIONS:
            return f"{COMPONENTS}{section}/{service}.{name}"
    if key == "operationId" and isinstance(value, str):
        return f"{service}.{value}"
    return _rewrite(value, service)


def _tagged(item: Document, service: str) -> Document:
    """The path item with each operation grouped under its service in Swagger UI."""
    for method, operation in item.items():
        if method in HTTP_METHODS and isinstance(operation, dict):
            operation["tags"] = [f"{service}: {tag}" for tag in operation.get("tags", [])] or [service]
    return item
