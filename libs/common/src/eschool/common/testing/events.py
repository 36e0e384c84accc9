"""Hand-made events for consumer tests: the message a producer's relay would have published."""

from __future__ import annotations

import uuid

from eschool.common.bus import OutgoingMessage
from eschool.common.db import utcnow
from eschool.common.events import Envelope, Event


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
