"""In-memory broker for the embedded mode, with RabbitMQ's semantics where the bus relies on them.

Topic routing with ``*``/``#`` from the events exchange and on to the partner exchange (a queue bound
there gets what RabbitMQ would give it), per-queue prefetch,
ack/nack with requeue, a delivery limit that parks a message which keeps coming back unsettled, TTL
retry tiers that return messages to their queue, and dead-letter queues. It runs the same behavioural
test suite as the RabbitMQ transport.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from eschool.common.aio import cancel_and_wait
from eschool.common.bus.message import Delivery, OutgoingMessage
from eschool.common.bus.topology import (
    EVENTS_EXCHANGE,
    REASON_HEADER,
    PartnerExchangeSpec,
    QueueSpec,
    topic_matches,
)
from eschool.common.bus.transport import DeliveryHandler, Subscription, Transport


@dataclass
class _Entry:
    message: OutgoingMessage
    deliveries: int = 0


@dataclass
class _Queue:
    name: str
    # (exchange, binding key) pairs, as a queue may be bound to several exchanges.
    bindings: tuple[tuple[str, str], ...] = ()
    delivery_limit: int | None = None
    dead_letter_to: str | None = None
    ttl: float | None = None
    ttl_target: str | None = None
    ready: deque[_Entry] = field(default_factory=deque)
    changed: asyncio.Event = field(default_factory=asyncio.Event)


class _MemoryDelivery(Delivery):
    def __init__(self, broker: MemoryTransport, queue: _Queue, entry: _Entry, done: asyncio.Event | None):
        self._broker = broker
        self._queue = queue
        self._entry = entry
        self._done = done
        self._settled = False
        self.message = entry.message
        self.redelivered = entry.deliveries > 1

    async def ack(self) -> None:
        self._settle()

    async def nack(self, *, requeue: bool) -> None:
        self._settle()
        if not requeue:
            self._broker._dead_letter(self._queue, self._entry.message, "rejected")
        elif self._queue.delivery_limit is not None and self._entry.deliveries > self._queue.delivery_limit:
            self._broker._dead_letter(self._queue, self._entry.message, "delivery_limit")
        else:
            self._queue.ready.appendleft(self._entry)
            self._queue.changed.set()

    def _settle(self) -> None:
        if self._settled:
            raise RuntimeError("delivery already settled")
        self._settled = True
        if self._done is not None:
            self._done.set()


class _MemorySubscription(Subscription):
    def __init__(self, task: asyncio.Task[None], inflight: set[asyncio.Task[None]]) -> None:
        self._task = task
        self._inflight = inflight

    async def cancel(self) -> None:
        await cancel_and_wait(self._task)
        if self._inflight:
            await asyncio.gather(*self._inflight, return_exceptions=True)


class MemoryTransport(Transport):
    """An in-process broker shared by every service of the embedded mode."""

    def __init__(self) -> None:
        self._queues: dict[str, _Queue] = {}
        # Destination exchange -> (source exchange, binding key) pairs.
        self._exchange_bindings: dict[str, set[tuple[str, str]]] = {}
        self._timers: set[asyncio.TimerHandle] = set()
        self._inflight: list[set[asyncio.Task[None]]] = []

    async def connect(self) -> None:
        """Nothing to open (the broker lives in this process); wake-up events are made for this loop."""
        # An asyncio.Event belongs to the first loop that waits on it: a broker shared by URL and used
        # again under a new loop (a second embedded app in one process) would never wake its consumers.
        for queue in self._queues.values():
            queue.changed = asyncio.Event()
            if queue.ready:
                queue.changed.set()

    async def close(self) -> None:
        """Cancel pending retry timers (their messages are dropped with the process, as on shutdown)."""
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    async def declare(self, spec: QueueSpec) -> None:
        """Declare the queue, its retry tiers and its DLQ; re-declaring keeps the messages."""
        queue = self._queue(spec.dlq)
        queue = self._queue(spec.name)
        queue.bindings = tuple(sorted(set(queue.bindings) | {(spec.exchange, b) for b in spec.bindings}))
        queue.delivery_limit = spec.delivery_limit
        queue.dead_letter_to = spec.dlq
        for attempt, delay in enumerate(spec.retry_delays, start=1):
            tier = self._queue(spec.retry_queue(attempt))
            tier.ttl, tier.ttl_target = delay, spec.name

    async def declare_partner_exchange(self, spec: PartnerExchangeSpec) -> None:
        """The partner exchange gets every message of the spec's keys (RabbitMQ: the publisher's copies,
        through its inlet); a queue here never refuses one, so the routing is all there is to it."""
        self._exchange_bindings.setdefault(spec.name, set()).update((spec.source, k) for k in spec.bindings)

    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        """Route each message to every queue bound to a matching pattern on an exchange it reaches."""
        for message in messages:
            reached = self._exchanges_reached(message.routing_key)
            for queue in list(self._queues.values()):
                # One copy per queue, however many of its bindings match (as RabbitMQ delivers).
                if any(ex in reached and topic_matches(b, message.routing_key) for ex, b in queue.bindings):
                    self._put(queue, message)

    async def send(self, queue: str, message: OutgoingMessage) -> None:
        """Put a message into one queue, as the default exchange does."""
        if queue not in self._queues:
            raise KeyError(f"no queue {queue!r}")
        self._put(self._queues[queue], message)

    async def consume(self, spec: QueueSpec, handler: DeliveryHandler) -> Subscription:
        """Start a dispatcher task that keeps at most ``prefetch`` deliveries unsettled."""
        queue = self._queues[spec.name]
        inflight: set[asyncio.Task[None]] = set()
        self._inflight.append(inflight)
        task = asyncio.create_task(self._dispatch(queue, handler, spec.prefetch, inflight))
        return _MemorySubscription(task, inflight)

    async def get(self, queue: str) -> Delivery | None:
        """Take the head of a queue, unsettled, or None."""
        q = self._queues.get(queue)
        if q is None or not q.ready:
            return None
        entry = q.ready.popleft()
        entry.deliveries += 1
        return _MemoryDelivery(self, q, entry, None)

    async def depth(self, queue: str) -> int:
        """Ready messages in a queue."""
        return len(self._queues[queue].ready) if queue in self._queues else 0

    async def ping(self) -> None:
        """Always reachable."""

    def busy(self) -> bool:
        """Whether any message still waits in a consumed queue, a retry tier, or a handler."""
        if self._timers or any(tasks for tasks in self._inflight):
            return True
        return any(q.ready for q in self._queues.values() if q.bindings)

    async def drain(self, *, within: float) -> bool:
        """Wait until nothing is in flight (shutdown: this broker's messages do not outlive the process)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while self.busy():
            if loop.time() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    def _exchanges_reached(self, routing_key: str) -> set[str]:
        reached = {EVENTS_EXCHANGE}
        while more := {
            destination
            for destination, sources in self._exchange_bindings.items()
            if destination not in reached
            and any(source in reached and topic_matches(k, routing_key) for source, k in sources)
        }:
            reached |= more
        return reached

    def _queue(self, name: str) -> _Queue:
        return self._queues.setdefault(name, _Queue(name))

    def _put(self, queue: _Queue, message: OutgoingMessage) -> None:
        if queue.ttl is None or queue.ttl_target is None:
            queue.ready.append(_Entry(message))
            queue.changed.set()
            return
        target = self._queues[queue.ttl_target]

        def expire() -> None:
            self._timers.discard(handle)
            self._put(target, message)

        handle = asyncio.get_running_loop().call_later(queue.ttl, expire)
        self._timers.add(handle)

    def _dead_letter(self, queue: _Queue, message: OutgoingMessage, reason: str) -> None:
        if queue.dead_letter_to is None:
            return
        self._put(self._queues[queue.dead_letter_to], message.with_headers(**{REASON_HEADER: reason}))

    async def _dispatch(
        self, queue: _Queue, handler: DeliveryHandler, prefetch: int, inflight: set[asyncio.Task[None]]
    ) -> None:
        slots = asyncio.Semaphore(prefetch)
        while True:
            await slots.acquire()
            while not queue.ready:
                queue.changed.clear()
                await queue.changed.wait()
            entry = queue.ready.popleft()
            entry.deliveries += 1
            done = asyncio.Event()
            delivery = _MemoryDelivery(self, queue, entry, done)
            task = asyncio.create_task(self._run(handler, delivery, done, slots))
            inflight.add(task)
            task.add_done_callback(inflight.discard)

    @staticmethod
    async def _run(
        handler: DeliveryHandler, delivery: _MemoryDelivery, done: asyncio.Event, slots: asyncio.Semaphore
    ) -> None:
        try:
            await handler(delivery)
        finally:
            if not done.is_set():
                # A handler that returned without settling: like a consumer that died, the message returns.
                await delivery.nack(requeue=True)
            slots.release()


_shared: dict[str, MemoryTransport] = {}


def shared_memory_transport(url: str = "memory://") -> MemoryTransport:
    """The process-wide broker for a ``memory://<name>`` URL, so every embedded service shares one."""
    return _shared.setdefault(url, MemoryTransport())
