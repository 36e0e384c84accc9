"""The partner feed: what partners may know of applications (submitted, each status change, enrolled,
rejected, withdrawn) and of places, published to ``eschool.events`` and kept here in commit order for
``GET /v1/feed?after=<cursor>`` with the very envelope and id the broker carries, so a partner that was
offline catches up, or replays from any cursor, and finds the same events in the same order.

Order: an event's position is taken from a counter row locked until the commit, so positions follow
commits: a reader never passes a position that a slower transaction fills in later (an auto-increment
would hand out 11 before 10 commits). Every partner-visible event of enrolment goes through
``announce``; the internal ``ApplicationAssignedToClassV1`` (the child's name, for contingent) does not.

Fields per scope: ``enrolment.feed`` reads these events, which carry ids, statuses, grades, priority
groups, receipt times and place counts: no name, birth date, SNILS, address or contact of anyone.

Retention: events older than the service's ``feed_retention_days`` are pruned (a periodic task); a
cursor before the oldest kept event reads on from the oldest, and the page says events were missed.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from eschool.common.db import Database, UnitOfWork, utcnow
from eschool.common.events import Event
from eschool.enrolment.db.models import FeedCounter, FeedEvent

FEED_SCOPE = "enrolment.feed"
PARTNER_COUNTER = "partner"


async def announce(uow: UnitOfWork, event: Event, *, subject: str | uuid.UUID, school_id: uuid.UUID) -> None:
    """Publish a partner-visible event (the outbox) and keep it in the feed, in the same transaction."""
    event_id = uow.outbox.add(event, subject=subject, school_id=school_id)
    stmt = select(FeedCounter).where(FeedCounter.name == PARTNER_COUNTER).with_for_update()
    counter = (await uow.session.execute(stmt)).scalar_one()
    counter.last_seq += 1
    uow.session.add(
        FeedEvent(
            seq=counter.last_seq,
            event_id=event_id,
            event_type=event.event_type,
            school_id=school_id,
            envelope=uow.outbox.envelope_of(event_id),
            created_at=utcnow(),
        )
    )


async def feed_page(uow: UnitOfWork, after: int, limit: int) -> list[tuple[int, dict[str, Any]]]:
    """The events after position ``after``, oldest first: (position, envelope)."""
    stmt = select(FeedEvent.seq, FeedEvent.envelope).where(FeedEvent.seq > after).order_by(FeedEvent.seq)
    return [(seq, envelope) for seq, envelope in (await uow.session.execute(stmt.limit(limit))).all()]


def feed_retention(retention: timedelta) -> Callable[[Database, datetime], Awaitable[int]]:
    """The feed's retention as a periodic task's work: the events older than ``retention`` go."""

    async def work(database: Database, now: datetime) -> int:
        async with database.uow() as uow:
            result = await uow.session.execute(
                delete(FeedEvent).where(FeedEvent.created_at < now - retention)
            )
            await uow.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    return work
