"""The outbox relay: publishes committed outbox rows in order, with confirms, then marks them sent."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import Text, cast, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from eschool.common.aio import cancel_and_wait
from eschool.common.bus.message import OutgoingMessage
from eschool.common.bus.metrics import (
    EVENTS_PUBLISHED,
    OUTBOX_BACKLOG,
    OUTBOX_OLDEST_AGE,
    PUBLISH_FAILURES,
)
from eschool.common.bus.tables import inbox_message, outbox_message
from eschool.common.bus.transport import Transport
from eschool.common.db.base import as_utc, utcnow
from eschool.common.db.engine import Database

log = structlog.get_logger("eschool.bus.relay")


def _row_message(row: Any) -> OutgoingMessage:
    return OutgoingMessage(
        body=row.body.encode(),
        routing_key=row.event_type,
        message_id=str(row.event_id),
        type=row.event_type,
        correlation_id=row.correlation_id,
        headers={"school_id": str(row.school_id)} if row.school_id else {},
    )


class _Batch:
    """Claimed rows (locked by an open transaction) whose publish is under way."""

    def __init__(self, session: AsyncSession, ids: list[int], publishing: asyncio.Future[None]) -> None:
        self.session, self.ids, self.publishing = session, ids, publishing

    async def finish(self) -> int:
        """Wait for every confirm, then mark the rows published and commit."""
        try:
            await self.publishing
            await self.session.execute(
                update(outbox_message)
                .where(outbox_message.c.outbox_message_id.in_(self.ids))
                .values(published_at=utcnow(), attempts=outbox_message.c.attempts + 1, last_error=None)
            )
            await self.session.commit()
        except BaseException:
            await self.abort()
            raise
        await self.session.close()
        return len(self.ids)

    async def abort(self) -> None:
        """Give the rows back: they stay unpublished for the next round."""
        if not self.publishing.done():
            self.publishing.cancel()
        with contextlib.suppress(BaseException):
            await self.publishing
        with contextlib.suppress(Exception):
            await self.session.rollback()
        await self.session.close()


class OutboxRelay:
    """Runs beside a service: wakes on commit (or on a poll tick) and drains the outbox."""

    def __init__(
        self,
        database: Database,
        transport: Transport,
        *,
        service: str,
        batch_size: int = 256,
        poll_interval: float = 1.0,
        retention: timedelta = timedelta(days=7),
        max_backoff: float = 30.0,
        pipeline_depth: int = 2,
    ) -> None:
        self._db = database
        self._transport = transport
        self._service = service
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._retention = retention
        self._max_backoff = max_backoff
        self._pipeline_depth = pipeline_depth
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        database.after_outbox_commit.append(self.wake)
        self._claim_stmt = (
            select(
                outbox_message.c.outbox_message_id,
                outbox_message.c.event_id,
                outbox_message.c.event_type,
                outbox_message.c.school_id,
                outbox_message.c.envelope["correlation_id"].as_string().label("correlation_id"),
                # The stored JSON text goes out as it is: no decode and re-encode per event.
                cast(outbox_message.c.envelope, Text).label("body"),
            )
            .where(outbox_message.c.published_at.is_(None))
            .order_by(outbox_message.c.outbox_message_id)
            .limit(batch_size)
            # Two relays split the backlog between them instead of publishing a row twice.
            .with_for_update(skip_locked=True)
        )

    def wake(self) -> None:
        """Ask the relay to look at the outbox now (called after a commit that wrote events)."""
        self._wake.set()

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows in id order; returns how many were published."""
        return await self.drain(max_batches=1)

    async def drain(self, *, max_batches: int | None = None) -> int:
        """Publish until the outbox is empty (or ``max_batches`` were sent); returns how many."""
        if self._db.is_sqlite:
            async with self._db.relay_lock:
                return await self._drain(max_batches, depth=1)
        return await self._drain(max_batches, depth=self._pipeline_depth)

    async def _drain(self, max_batches: int | None, *, depth: int) -> int:
        # Batch n+1 is claimed and published while the broker still confirms batch n: the channel keeps
        # publish order, SKIP LOCKED keeps batch n's rows out of batch n+1, and the relay never idles
        # waiting on confirms. SQLite has no row locks, so there the depth is 1.
        total, started = 0, 0
        inflight: deque[_Batch] = deque()
        try:
            while max_batches is None or started < max_batches:
                batch = await self._claim_and_publish()
                if batch is None:
                    break
                started += 1
                inflight.append(batch)
                if len(inflight) >= depth:
                    total += await self._finish(inflight.popleft())
                if len(batch.ids) < self._batch_size:
                    break
            while inflight:
                total += await self._finish(inflight.popleft())
        finally:
            for batch in inflight:
                await batch.abort()
        return total

    async def _finish(self, batch: _Batch) -> int:
        try:
            published = await batch.finish()
        except Exception as exc:
            await self._record_failure(batch.ids, exc)
            raise
        EVENTS_PUBLISHED.labels(self._service).inc(published)
        return published

    async def _record_failure(self, ids: list[int], exc: Exception) -> None:
        # Best effort, in a transaction of its own: an operator looking at a stuck row sees why.
        error = f"{type(exc).__name__}: {exc}"[:500]
        try:
            async with self._db.session() as session, session.begin():
                await session.execute(
                    update(outbox_message)
                    .where(outbox_message.c.outbox_message_id.in_(ids))
                    .values(attempts=outbox_message.c.attempts + 1, last_error=error)
                )
        except Exception as record_exc:
            log.warning("bus.relay.failure_not_recorded", service=self._service, error=repr(record_exc))

    async def _claim_and_publish(self) -> _Batch | None:
        session = self._db.session()
        try:
            await session.begin()
            rows = (await session.execute(self._claim_stmt)).all()
            if not rows:
                await session.rollback()
                await session.close()
                return None
            messages = [_row_message(row) for row in rows]
        except BaseException:
            await session.rollback()
            await session.close()
            raise
        publishing = asyncio.ensure_future(self._transport.publish(messages))
        return _Batch(session, [row.outbox_message_id for row in rows], publishing)

    async def measure_backlog(self) -> tuple[int, float]:
        """Unpublished rows and the age in seconds of the oldest; also sets the gauges."""
        async with self._db.session() as session:
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(outbox_message.c.created_at)).where(
                        outbox_message.c.published_at.is_(None)
                    )
                )
            ).one()
        age = 0.0
        if oldest is not None:
            age = max(0.0, (utcnow() - as_utc(oldest)).total_seconds())
        OUTBOX_BACKLOG.labels(self._service).set(count)
        OUTBOX_OLDEST_AGE.labels(self._service).set(age)
        return int(count), age

    async def prune(self) -> int:
        """Delete published rows and handled inbox ids older than the retention period."""
        cutoff = utcnow() - self._retention
        async with self._db.session() as session, session.begin():
            published = await session.execute(
                delete(outbox_message).where(outbox_message.c.published_at < cutoff)
            )
            handled = await session.execute(delete(inbox_message).where(inbox_message.c.handled_at < cutoff))
        return int(published.rowcount or 0) + int(handled.rowcount or 0)

    def start(self) -> None:
        """Run the relay loop as a background task."""
        self._task = asyncio.create_task(self.run(), name=f"outbox-relay:{self._service}")

    async def stop(self) -> None:
        """Stop the loop; unpublished rows stay for the next start."""
        await cancel_and_wait(self._task)
        self._task = None

    async def run(self) -> None:
        """Drain, wait for a wake-up or a poll tick, repeat; back off while the broker refuses."""
        failures = 0
        loop = asyncio.get_running_loop()
        next_housekeeping = 0.0
        next_prune = loop.time() + 60.0
        while True:
            # Cleared before draining, so a commit landing mid-drain wakes the next round at once.
            self._wake.clear()
            try:
                await self.drain()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                PUBLISH_FAILURES.labels(self._service).inc()
                delay = min(self._max_backoff, 0.1 * 2 ** min(failures, 10))
                log.warning(
                    "bus.relay.publish_failed", service=self._service, error=repr(exc), retry_in=delay
                )
                await asyncio.sleep(delay)
                continue
            if loop.time() >= next_housekeeping:
                next_housekeeping = loop.time() + 5.0
                await self._housekeeping(prune=loop.time() >= next_prune)
                if loop.time() >= next_prune:
                    next_prune = loop.time() + 3600.0
            with contextlib.suppress(TimeoutError):
                # asyncio.timeout, not wait_for: on 3.11 wait_for loses a cancel that lands as the
                # wake-up fires, and the relay would never stop.
                async with asyncio.timeout(self._poll_interval):
                    await self._wake.wait()

    async def _housekeeping(self, *, prune: bool) -> None:
        try:
            await self.measure_backlog()
            if prune and (pruned := await self.prune()):
                log.info("bus.relay.pruned", service=self._service, rows=pruned)
        except Exception as exc:
            log.warning("bus.relay.housekeeping_failed", service=self._service, error=repr(exc))
