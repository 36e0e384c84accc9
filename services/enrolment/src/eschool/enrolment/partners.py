"""What enrolment runs for partners: the partner exchange as it feeds it (the events of its partner feed,
by exact type; declared with the service's queues), and the feed's sequencer (``services.feed``), woken by
each commit that queued events."""

from __future__ import annotations

import asyncio
import contextlib

from eschool.common.aio import BackgroundWork
from eschool.common.bus import PartnerExchangeSpec
from eschool.common.db import Database
from eschool.common.events.enrolment import PARTNER_EVENT_TYPES
from eschool.common.logging import get_logger
from eschool.common.service import ServiceRuntime
from eschool.enrolment.services.feed import sequence_feed

PARTNER_EXCHANGE_SPEC = PartnerExchangeSpec(bindings=PARTNER_EVENT_TYPES)
# A commit that queued events wakes the sequencer at once; this is its rhythm otherwise (another process's
# commits wake only that process's sequencer).
IDLE_S = 1.0
log = get_logger(__name__)


class FeedSequencer:
    """Gives the feed's waiting events their positions, in the background of this process."""

    def __init__(self, database: Database, *, idle_s: float = IDLE_S) -> None:
        self._database, self._idle_s = database, idle_s
        self._wake, self._work = asyncio.Event(), BackgroundWork()

    def wake(self) -> None:
        """A commit queued events: sequence them now."""
        self._wake.set()

    def start(self) -> None:
        self._database.after_outbox_commit.append(self.wake)
        self._work.start(self._run())

    async def stop(self) -> None:
        self._database.after_outbox_commit.remove(self.wake)
        stopping = asyncio.create_task(self._work.stop())
        self._wake.set()  # out of its wait at once
        await stopping

    async def _run(self) -> None:
        while not self._work.stopping:
            self._wake.clear()
            try:
                await sequence_feed(self._database, wait=False)
            except Exception:  # the database away: the events wait, the next round takes them
                log.exception("enrolment.feed.sequence_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._idle_s)


def feed_sequencer(runtime: ServiceRuntime) -> FeedSequencer:
    """The service's worker giving the feed's waiting events their positions."""
    return FeedSequencer(runtime.database)
