"""How the platform finds the API gateway: through an entry point, so libs/common never imports it.

The gateway package registers one ``GatewayDefinition`` under the entry-point group ``eschool.gateway``::

    [project.entry-points."eschool.gateway"]
    gateway = "eschool.gateway.app:gateway"

The gateway is not a service: it keeps no data, so it has no database, no outbox and no consumers. The
embedded mode makes it the root app with in-process upstreams; ``python -m eschool.common.serve gateway``
runs it as its own process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Protocol

import httpx
from fastapi import FastAPI

from eschool.common.settings import ProcessSettings

GATEWAY_ENTRY_POINT_GROUP = "eschool.gateway"
GATEWAY_NAME = "gateway"

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


class GatewayFactory(Protocol):
    """Builds the gateway's app; ``transports`` reach upstreams in-process, ``lifespan`` wraps its own."""

    def __call__(
        self,
        settings: Any,
        *,
        transports: Mapping[str, httpx.AsyncBaseTransport] = ...,
        lifespan: Lifespan | None = None,
    ) -> FastAPI: ...


@dataclass(frozen=True)
class GatewayDefinition:
    """What the platform needs to run the gateway: its settings class and its app factory."""

    settings: type[ProcessSettings]
    create_app: GatewayFactory


class GatewayMissing(RuntimeError):  # noqa: N818 - reads as "raise GatewayMissing"
    """No package registered the gateway."""


def discover_gateway() -> GatewayDefinition:
    """The installed gateway; a clear error when the package eschool-gateway is absent."""
    found = entry_points(group=GATEWAY_ENTRY_POINT_GROUP, name=GATEWAY_NAME)
    if not found:
        raise GatewayMissing(
            f"no API gateway installed: the package eschool-gateway registers one under the entry-point "
            f"group {GATEWAY_ENTRY_POINT_GROUP!r} (run `uv sync --all-packages`)"
        )
    definition = next(iter(found)).load()
    if not isinstance(definition, GatewayDefinition):
        raise GatewayMissing(f"entry point {GATEWAY_NAME!r} is not a GatewayDefinition")
    return definition
