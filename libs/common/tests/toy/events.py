"""The toy's events (outside eschool.common.events, so they are not contracts)."""

from __future__ import annotations

import uuid

from eschool.common.events import Event


class ThingCreatedV1(Event):
    """Emitted when a thing is created."""

    event_type = "toy.thing.created.v1"

    thing_id: uuid.UUID
    name: str
