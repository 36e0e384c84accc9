"""The consumer runner: decode, claim in the inbox, handle, commit, ack; retry or park on failure."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import structlog
from pydantic import ValidationError

from eschool.common.aio import cancel_and_wait
from eschool.common.bus.inbox import claim_events
from eschool.common.bus.message import Delivery
from eschool.common.bus.metrics import DLQ_DEPTH, EVENT_LAG, EVENTS_CONSUMED, HANDLER_DURATION
from eschool.common.bus.outbox import current_causation
from eschool.common.bus.topology import ATTEMPT_HEADER, ERROR_HEADER, REASON_HEADER, QueueSpec
from eschool.common.bus.transport import Subscription, Transport
from eschool.common.db.base import utcnow
from eschool.common.db.engine import Database
from eschool.common.db.uow import UnitOfWork
from eschool.common.events.base import Envelope, Event

log = structlog.get_logger("eschool.bus.consumer")

Handler = Callable[[Envelope[Any], UnitOfWork], Awaitable[None]]
MAX_ERROR_TEXT = 300
_Pending = tuple[Delivery, "asyncio.Future[None]"]
_Decoded = tuple[Delivery, Envelope[Any], Handler]


@dataclass(frozen=True)
class ConsumerDefinition:
    """A queue and the handler of each event type it receives; bindings default to those types."""

    queue: QueueSpec
    handlers: Mapping[type[Event], Handler] = field(default_factory=dict)

    @classmethod
    def of(cls, name: str, handlers: Mapping[type[Event], Handler], **spec: Any) -> ConsumerDefinition:
        """Build the definition of queue ``name`` bound to exactly the handled event types."""
        bindings = tuple(sorted(model.event_type for model in handlers))
        return cls(QueueSpec(name=name, bindings=bindings, **spec), dict(handlers))

    def with_queue(self, **changes: Any) -> ConsumerDefinition:
        """The same handlers with queue settings changed (tests shorten retry delays)."""
        return replace(self, queue=replace(self.queue, **changes))


class _Rejected(Exception):  # noqa: N818 - a verdict, not an error of the runner
    def __init__(self, reason: str, error: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error


class EventConsumer:
    """Runs one consumer definition against a database and a transport."""

    def __init__(
        self,
        definition: ConsumerDefinition,
        database: Database,
        transport: Transport,
        *,
        dlq_poll_interval: float = 15.0,
        batch_size: int = 64,
        workers: int = 4,
    ) -> None:
        self.spec = definition.queue
        self._handlers = {model.event_type: (model, h) for model, h in definition.handlers.items()}
        self._typed = {
            model.event_type: (Envelope[model], h)  # type: ignore[valid-type]
            for model, h in definition.handlers.items()
        }
        self._db = database
        self._transport = transport
        self._dlq_poll_interval = dlq_poll_interval
        self._batch_size = batch_size
        self._worker_count = workers
        self._buffer: asyncio.Queue[_Pending] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._subscription: Subscription | None = None
        self._dlq_task: asyncio.Task[None] | None = None
        self._outcomes = {
            o: EVENTS_CONSUMED.labels(self.spec.name, o)
            for o in ("handled", "duplicate", "retried", "dead_lettered")
        }
        self._duration = HANDLER_DURATION.labels(self.spec.name)
        self._lag = EVENT_LAG.labels(self.spec.name)

    async def start(self) -> None:
        """Declare the queue topology and start consuming."""
        await self._transport.declare(self.spec)
        self._workers = [
            asyncio.create_task(self._work(), name=f"consumer:{self.spec.name}:{i}")
            for i in range(self._worker_count)
        ]
        self._subscription = await self._transport.consume(self.spec, self.handle)
        self._dlq_task = asyncio.create_task(self._watch_dlq(), name=f"dlq-watch:{self.spec.name}")

    async def stop(self) -> None:
        """Stop consuming; in-flight deliveries finish first, the rest return to the queue."""
        await cancel_and_wait(self._dlq_task)
        self._dlq_task = None
        if self._subscription is not None:
            await self._subscription.cancel()
            self._subscription = None
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []

    async def handle(self, delivery: Delivery) -> None:
        """Process one delivery to the end: acked when handled, duplicate, retried or parked."""
        done = asyncio.get_running_loop().create_future()
        await self._buffer.put((delivery, done))
        await done

    async def _work(self) -> None:
        # Deliveries that arrive together are handled in one transaction: one inbox insert and one
        # commit for the lot, which is what lets a consumer keep up with the term-end rush.
        while True:
            batch = [await self._buffer.get()]
            while len(batch) < self._batch_size and not self._buffer.empty():
                batch.append(self._buffer.get_nowait())
            try:
                await self._process([delivery for delivery, _ in batch])
            except Exception:
                log.exception("bus.consumer.batch_crashed", queue=self.spec.name)
                for delivery, _ in batch:
                    with contextlib.suppress(Exception):
                        await delivery.nack(requeue=True)
            finally:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def _process(self, deliveries: list[Delivery]) -> None:
        started = time.perf_counter()
        decoded: list[_Decoded] = []
        for delivery in deliveries:
            try:
                decoded.append((delivery, *self._decode(delivery)))
            except _Rejected as rejected:
                await self._park(delivery, rejected.reason, rejected.error)
        if len(decoded) > 1:
            try:
                outcomes = await self._run_batch(decoded)
            except Exception:
                # Someone in the batch failed: each is handled alone below, so only the culprit retries.
                log.debug("bus.consumer.batch_split", queue=self.spec.name, size=len(decoded))
            else:
                await self._settle(decoded, outcomes, started)
                return
        for item in decoded:
            await self._handle_alone(item)

    async def _handle_alone(self, item: _Decoded) -> None:
        started = time.perf_counter()
        delivery = item[0]
        try:
            outcomes = await self._run_batch([item])
        except Exception as exc:
            with self._event_context(item[1]):
                log.exception("bus.consumer.handler_failed", queue=self.spec.name)
            await self._retry_or_park(delivery, exc)
            return
        await self._settle([item], outcomes, started)

    async def _run_batch(self, items: list[_Decoded]) -> list[str]:
        async with self._db.uow() as uow:
            # On SQLite the inbox row takes the database's write lock: a handler asking for the writer
            # lock after it (``serialize``) would wait on a use case that holds the writer lock and waits
            # on the database. Taking turns first keeps the one order (a no-op on PostgreSQL).
            await uow.serialize()
            claimed = await claim_events(
                uow.session, consumer=self.spec.name, events=[(env.id, env.type) for _, env, _ in items]
            )
            outcomes = []
            for _, envelope, handler in items:
                if envelope.id not in claimed:
                    outcomes.append("duplicate")
                    continue
                claimed.discard(envelope.id)  # the same id twice in one batch: the second is a duplicate
                with self._event_context(envelope):
                    await handler(envelope, uow)
                outcomes.append("handled")
            await uow.commit()
        return outcomes

    async def _settle(self, items: list[_Decoded], outcomes: list[str], started: float) -> None:
        elapsed = (time.perf_counter() - started) / max(1, len(items))
        now = utcnow()
        for (delivery, envelope, _), outcome in zip(items, outcomes, strict=True):
            await delivery.ack()
            self._outcomes[outcome].inc()
            self._duration.observe(elapsed)
            if outcome == "handled":
                self._lag.observe(max(0.0, (now - envelope.time).total_seconds()))

    @contextlib.contextmanager
    def _event_context(self, envelope: Envelope[Any]) -> Iterator[None]:
        with structlog.contextvars.bound_contextvars(
            correlation_id=envelope.correlation_id, event_id=str(envelope.id), event_type=envelope.type
        ):
            token = current_causation.set(str(envelope.id))
            try:
                yield
            finally:
                current_causation.reset(token)

    def _decode(self, delivery: Delivery) -> tuple[Envelope[Any], Handler]:
        # Fast path: the AMQP type names the event, so the body is parsed straight into its typed
        # envelope; anything that fails there is parsed again generically to say what is wrong.
        typed = self._typed.get(delivery.message.type)
        if typed is not None:
            try:
                envelope = typed[0].model_validate_json(delivery.message.body)
            except ValidationError:
                pass
            else:
                if envelope.type == delivery.message.type:
                    return envelope, typed[1]
        return self._decode_slowly(delivery)

    def _decode_slowly(self, delivery: Delivery) -> tuple[Envelope[Any], Handler]:
        try:
            envelope = Envelope[dict[str, Any]].model_validate(json.loads(delivery.message.body))
        except (ValueError, ValidationError) as exc:
            raise _Rejected("invalid_envelope", _error_text(exc)) from exc
        entry = self._handlers.get(envelope.type)
        if entry is None:
            raise _Rejected("unknown_type", f"no handler for {envelope.type}")
        model, handler = entry
        try:
            data = model.model_validate(envelope.data)
        except ValidationError as exc:
            raise _Rejected("invalid_payload", _error_text(exc)) from exc
        return envelope.model_copy(update={"data": data}), handler

    async def _retry_or_park(self, delivery: Delivery, exc: Exception) -> None:
        attempt = int(delivery.message.headers.get(ATTEMPT_HEADER, 0)) + 1
        if attempt > self.spec.max_retries:
            await self._park(delivery, "handler_failed", _error_text(exc))
            return
        message = delivery.message.with_headers(**{ATTEMPT_HEADER: attempt, ERROR_HEADER: _error_text(exc)})
        await self._forward(delivery, self.spec.retry_queue(attempt), message, "retried")

    async def _park(self, delivery: Delivery, reason: str, error: str) -> None:
        log.error("bus.consumer.dead_lettered", queue=self.spec.name, reason=reason, error=error)
        message = delivery.message.with_headers(**{REASON_HEADER: reason, ERROR_HEADER: error})
        await self._forward(delivery, self.spec.dlq, message, "dead_lettered")

    async def _forward(self, delivery: Delivery, queue: str, message: Any, outcome: str) -> None:
        # The copy must be confirmed before the original is acked; if the broker refuses, the original
        # goes back to the queue instead: a failure is never acked away.
        try:
            await self._transport.send(queue, message)
        except Exception:
            log.exception("bus.consumer.forward_failed", queue=self.spec.name, target=queue)
            await delivery.nack(requeue=True)
            return
        await delivery.ack()
        self._outcomes[outcome].inc()

    async def _watch_dlq(self) -> None:
        while True:
            with contextlib.suppress(Exception):
                DLQ_DEPTH.labels(self.spec.dlq).set(await self._transport.depth(self.spec.dlq))
            await asyncio.sleep(self._dlq_poll_interval)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_TEXT]
