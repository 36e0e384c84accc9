"""The partner feed: what partners may know of applications (submitted, each status change, enrolled,
rejected, withdrawn) and of places, published to ``eschool.events`` and kept here in order for
``GET /v1/feed?after=<cursor>`` with the very envelope and id the broker carries, so a partner that was
offline catches up, or replays from any cursor, and finds the same events in the same order.

Order: ``announce`` writes the event with the change that raised it (in ``feed_pending``), taking no lock;
the sequencer then moves the waiting events to ``feed_event``, giving them positions from the counter it
holds (one sequencer at a time, woken by each commit, and by each read of the feed), and queues them in
the outbox in that very order, in the same transaction: the relay publishes the outbox in its order, so
the broker carries them as the feed lists them (one relay; two replicas' relays may interleave batches). So
positions are given only to committed events, in order, and committed together: a reader never passes a
position that is filled later (an auto-increment in the writing transaction would hand out 11 before 10
commits), and no write waits for another's commit (the counter held until each commit did: the intake
went one at a time). One application's events keep their order (its steps take turns and each commits
before the next). Every partner-visible event of enrolment goes through ``announce``; the internal
``ApplicationAssignedToClassV1`` (the child's name, for contingent) does not.

Each event carries its position as the envelope's ``sequence`` (CloudEvents' sequence extension), on the
broker as in the feed: a partner that reads the broker and falls behind resumes the feed right after the
last event it handled.

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
from eschool.enrolment.db.models import FeedCounter, FeedEvent, FeedPending

FEED_SCOPE = "enrolment.feed"
PARTNER_COUNTER = "partner"
SEQUENCE_BATCH = 500


async def announce(uow: UnitOfWork, event: Event, *, subject: str | uuid.UUID, school_id: uuid.UUID) -> None:
    """Queue a partner-visible event for the feed, in the same transaction; the sequencer gives it its
    position and publishes it (the outbox) in that order."""
    envelope = uow.outbox.envelope(event, subject=subject, school_id=school_id)
    uow.session.add(
        FeedPending(
            event_id=uuid.UUID(envelope["id"]),
            event_type=event.event_type,
            school_id=school_id,
            envelope=envelope,
            created_at=utcnow(),
        )
    )
    uow.wake_after_commit()


def sequence_of(position: int) -> str:
    """The envelope's ``sequence`` (CloudEvents' sequence extension: a string that orders as text): the feed
    position, zero-padded. A partner reading the broker resumes the feed with ``after=int(sequence)``."""
    return f"{position:020d}"


async def sequence_feed(database: Database, *, wait: bool = True) -> int:
    """Give the waiting events their positions, oldest first: how many. ``wait=False``: if another
    sequencer holds the counter, leave the work to it."""
    moved = 0
    while True:
        async with database.uow() as uow:
            await uow.serialize()
            stmt = select(FeedCounter).where(FeedCounter.name == PARTNER_COUNTER)
            counter = (
                await uow.session.execute(stmt.with_for_update(skip_locked=not wait))
            ).scalar_one_or_none()
            if counter is None:
                return moved  # another sequencer is at it
            stmt = select(FeedPending).order_by(FeedPending.feed_pending_id).limit(SEQUENCE_BATCH)
            waiting = list((await uow.session.scalars(stmt)).all())
            if not waiting:
                return moved
            for position, row in enumerate(waiting, start=counter.last_seq + 1):
                envelope = {**row.envelope, "sequence": sequence_of(position)}
                uow.session.add(
                    FeedEvent(
                        seq=position,
                        event_id=row.event_id,
                        event_type=row.event_type,
                        school_id=row.school_id,
                        envelope=envelope,
                        created_at=row.created_at,
                    )
                )
                uow.outbox.add_envelope(envelope)  # to the broker in the feed's order
            counter.last_seq += len(waiting)
            ids = [row.feed_pending_id for row in waiting]
            await uow.session.execute(delete(FeedPending).where(FeedPending.feed_pending_id.in_(ids)))
            await uow.commit()
        moved += len(waiting)
        if len(waiting) < SEQUENCE_BATCH:
            return moved


async def events_waiting(uow: UnitOfWork) -> bool:
    """Whether events wait for their positions (or are being given them now)."""
    return await uow.session.scalar(select(FeedPending.feed_pending_id).limit(1)) is not None


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
