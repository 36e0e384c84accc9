"""The transactional outbox: events are rows written in the business transaction."""

from __future__ import annotations

import contextvars
import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

import structlog
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from eschool.common.bus.tables import outbox_message
from eschool.common.db.base import utcnow
from eschool.common.events.base import Envelope, Event

# The event being handled right now, so events it causes carry it as their causation.
current_causation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "eschool_causation_id", default=None
)


# Pydantic keeps a parametrised model only in a weak cache: built per event, it cost milliseconds each.
_ENVELOPE = Envelope[dict[str, Any]]


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
        envelope = _ENVELOPE(
            id=event_id or uuid.uuid4(),
            type=event.event_type,
            source=self._source,
            time=time or utcnow(),
            subject=str(subject),
            school_id=school_id,
            correlation_id=current_correlation(),
            causation_id=current_causation.get(),
            data=event.model_dump(mode="json"),
        )
        self._pending.append(
            {
                "event_id": envelope.id,
                "event_type": envelope.type,
                "subject": envelope.subject,
                "school_id": school_id,
                "envelope": envelope.model_dump(mode="json"),
                "created_at": utcnow(),
            }
        )
        return envelope.id

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
