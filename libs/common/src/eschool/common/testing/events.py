"""Hand-made events for consumer tests: the message a producer's relay would have published."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

from eschool.common.bus import OutgoingMessage
from eschool.common.db import utcnow
from eschool.common.events import Envelope, Event
from eschool.common.service import ServiceRuntime


def event_message(
    event: Event,
    *,
    subject: uuid.UUID | str,
    school_id: uuid.UUID | None = None,
    event_id: uuid.UUID | None = None,
) -> OutgoingMessage:
    """``event`` in its envelope, as the producer's relay publishes it (same id = a redelivery)."""
    envelope = Envelope[type(event)](  # type: ignore[misc]
        id=event_id or uuid.uuid4(),
        type=event.event_type,
        source=event.producer(),
        time=utcnow(),
        subject=str(subject),
        school_id=school_id,
        data=event,
    )
    return OutgoingMessage(
        body=envelope.model_dump_json().encode(),
        routing_key=event.event_type,
        message_id=str(envelope.id),
        type=event.event_type,
    )


Deliver = Callable[..., Awaitable[None]]


def deliverer(runtime: ServiceRuntime, *, within: float = 4.0) -> Deliver:
    """A function that publishes events on the runtime's in-memory transport, as their producer's relay
    would, and returns once the runtime's consumers have settled them (``event_id``: a redelivery)."""

    async def deliver(*events: Event, event_id: uuid.UUID | None = None) -> None:
        await runtime.transport.publish(
            [event_message(e, subject=uuid.uuid4(), event_id=event_id) for e in events]
        )
        for _ in range(int(within / 0.02)):
            if not runtime.transport.busy():  # type: ignore[attr-defined]
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"{runtime.definition.name} did not settle the events")

    return deliver
