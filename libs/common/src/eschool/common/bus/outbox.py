"""The transactional outbox: events are rows written in the business transaction."""

from __future__ import annotations

import contextvars
import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

import structlog
from pydantic import TypeAdapter
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from eschool.common.bus.tables import outbox_message
from eschool.common.db.base import utcnow
from eschool.common.events.base import Event

# The event being handled right now, so events it causes carry it as their causation.
current_causation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "eschool_causation_id", default=None
)


_TIME = TypeAdapter(datetime)


def current_correlation() -> str | None:
    """The correlation id bound for this request or handled event, if any."""
    value = structlog.contextvars.get_contextvars().get("correlation_id")
    return str(value) if value else None


class Outbox:
    """Collects events during a unit of work; ``flush`` inserts them in the same transaction."""

    def __init__(self, session: AsyncSession, *, source: str) -> None:
        self._session = session
        self._source = source
        self._pending: list[dict[str, Any]] = []

    def add(
        self,
        event: Event,
        *,
        subject: str | UUID,
        school_id: UUID | None = None,
        time: datetime | None = None,
        event_id: UUID | None = None,
    ) -> UUID:
        """Queue an event about aggregate ``subject``; it is published only if the unit of work commits."""
        event_id = event_id or uuid.uuid4()
        envelope = self.envelope(event, subject=subject, school_id=school_id, time=time, event_id=event_id)
        self._queue(envelope, event_id, school_id)
        return event_id

    def envelope(
        self,
        event: Event,
        *,
        subject: str | UUID,
        school_id: UUID | None = None,
        time: datetime | None = None,
        event_id: UUID | None = None,
    ) -> dict[str, Any]:
        """The envelope ``add`` would publish, without queueing it: a service that decides later when an
        event goes out (a partner feed giving positions first) keeps it and queues it with
        ``add_envelope``. Correlation and causation are those of this moment."""
        # The envelope's JSON built by hand: validating an Envelope only to dump it again cost more than
        # the event itself, on the commonest writes (a lesson's marks, a class's term marks).
        return {
            "specversion": "1.0",
            "id": str(event_id or uuid.uuid4()),
            "type": event.event_type,
            "source": self._source,
            "time": _TIME.dump_python(time or utcnow(), mode="json"),
            "subject": str(subject),
            "school_id": None if school_id is None else str(school_id),
            "correlation_id": current_correlation(),
            "causation_id": current_causation.get(),
            "datacontenttype": "application/json",
            "data": event.model_dump(mode="json"),
        }

    def add_envelope(self, envelope: dict[str, Any]) -> None:
        """Queue an envelope built by ``envelope`` (in this or an earlier unit of work), as it is. Rows
        queued in one unit of work are published in the order they were queued."""
        school_id = envelope.get("school_id")
        self._queue(envelope, UUID(envelope["id"]), None if school_id is None else UUID(school_id))

    def _queue(self, envelope: dict[str, Any], event_id: UUID, school_id: UUID | None) -> None:
        self._pending.append(
            {
                "event_id": event_id,
                "event_type": envelope["type"],
                "subject": envelope["subject"],
                "school_id": school_id,
                "envelope": envelope,
                "created_at": utcnow(),
            }
        )

    async def flush(self) -> bool:
        """Insert the queued rows; returns whether there were any."""
        if not self._pending:
            return False
        rows, self._pending = self._pending, []
        await self._session.execute(insert(outbox_message), rows)
        return True

    def clear(self) -> None:
        """Forget queued events (the unit of work rolled back)."""
        self._pending.clear()
