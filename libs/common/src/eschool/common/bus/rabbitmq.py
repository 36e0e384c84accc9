"""RabbitMQ transport on aio-pika: robust connection, confirms, persistent messages, quorum queues."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from typing import Any

import aio_pika
import structlog
from aio_pika.abc import (
    AbstractChannel,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
    ExchangeType,
)
from aiormq.exceptions import DeliveryError
from pamqp.commands import Basic

from eschool.common.bus.message import Delivery, OutgoingMessage
from eschool.common.bus.metrics import PARTNER_COPIES_REFUSED
from eschool.common.bus.topology import (
    DEAD_LETTER_EXCHANGE,
    EVENTS_EXCHANGE,
    PartnerExchangeSpec,
    QueueSpec,
)
from eschool.common.bus.transport import DeliveryHandler, PublishError, Subscription, Transport

log = structlog.get_logger("eschool.bus.rabbitmq")
PUBLISH_TIMEOUT = 30.0
# How many messages of a batch go out before the loop serves others (API requests) again.
PUBLISH_SLICE = 32


def _refused(error: BaseException) -> bool:
    """Whether the broker answered a publish with a nack (a queue it reached refused the message)."""
    return isinstance(error, DeliveryError) and isinstance(error.frame, Basic.Nack)


def _quorum(**arguments: Any) -> dict[str, Any]:
    # At-least-once dead lettering needs reject-publish overflow; without it a crash may drop a death.
    return {
        "x-queue-type": "quorum",
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
        **arguments,
    }


def to_amqp(message: OutgoingMessage) -> aio_pika.Message:
    """The AMQP message for an outgoing message: persistent, JSON, with id, type and correlation."""
    return aio_pika.Message(
        body=message.body,
        message_id=message.message_id,
        type=message.type or None,
        correlation_id=message.correlation_id,
        timestamp=message.timestamp,
        headers=message.headers or None,
        content_type="application/json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
    )


def from_amqp(incoming: AbstractIncomingMessage) -> OutgoingMessage:
    """Back from AMQP to the transport-neutral message (routing key as published)."""
    return OutgoingMessage(
        body=incoming.body,
        routing_key=incoming.routing_key or "",
        message_id=incoming.message_id or "",
        type=incoming.type or "",
        correlation_id=incoming.correlation_id,
        timestamp=incoming.timestamp,
        headers=dict(incoming.headers or {}),
    )


@contextlib.asynccontextmanager
async def _own_channel(connection: AbstractRobustConnection) -> AsyncIterator[AbstractChannel]:
    """A short-lived channel (a failed passive declare closes its channel, so it must not be shared).

    Closing it must not mask what happened inside: an error from ``close`` would replace a
    cancellation, and the cancelled task would never learn it had been cancelled.
    """
    channel = await connection.channel()
    try:
        yield channel
    finally:
        if not channel.is_closed:
            with contextlib.suppress(Exception):
                await channel.close()


class _RabbitDelivery(Delivery):
    def __init__(self, incoming: AbstractIncomingMessage) -> None:
        self._incoming = incoming
        self.message = from_amqp(incoming)
        self.redelivered = bool(incoming.redelivered)

    async def ack(self) -> None:
        await self._incoming.ack()

    async def nack(self, *, requeue: bool) -> None:
        await self._incoming.nack(requeue=requeue)


class _RabbitSubscription(Subscription):
    def __init__(self, channel: AbstractChannel, queue: AbstractQueue, handler: DeliveryHandler) -> None:
        self._channel = channel
        self._queue = queue
        self._handler = handler
        self._inflight: set[asyncio.Task[None]] = set()
        self._tag: str | None = None

    async def start(self) -> None:
        self._tag = await self._queue.consume(self._on_message)

    async def _on_message(self, incoming: AbstractIncomingMessage) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
        try:
            await self._handler(_RabbitDelivery(incoming))
        finally:
            if task is not None:
                self._inflight.discard(task)

    async def cancel(self) -> None:
        # Stop new deliveries, let the ones in hand settle, then close: closing first would make
        # their acks fail and every in-flight message come round again.
        if self._tag is not None and not self._channel.is_closed:
            with contextlib.suppress(Exception):
                await self._queue.cancel(self._tag)
        if self._inflight:
            await asyncio.wait(set(self._inflight), timeout=30)
        if not self._channel.is_closed:
            await self._channel.close()


class RabbitTransport(Transport):
    """The production transport; one robust connection, a confirm channel for publishing."""

    def __init__(self, url: str, *, connection_name: str = "eschool") -> None:
        self._url = url
        self._name = connection_name
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None
        # Each partner exchange's inlet, on the publishing channel, and the keys copied to it.
        self._partner_copies: list[tuple[AbstractExchange, frozenset[str]]] = []

    async def connect(self) -> None:
        """Connect (robustly: reconnects and restores consumers) and declare both exchanges."""
        self._connection = await aio_pika.connect_robust(
            self._url, client_properties={"connection_name": self._name}
        )
        self._channel = await self._connection.channel(publisher_confirms=True)
        self._exchange = await self._channel.declare_exchange(
            EVENTS_EXCHANGE, ExchangeType.TOPIC, durable=True
        )
        await self._channel.declare_exchange(DEAD_LETTER_EXCHANGE, ExchangeType.DIRECT, durable=True)

    async def close(self) -> None:
        """Close the connection; unacked deliveries go back to their queues."""
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    @property
    def connection(self) -> AbstractRobustConnection:
        """The live connection (after ``connect``)."""
        if self._connection is None:
            raise RuntimeError("transport is not connected")
        return self._connection

    async def declare(self, spec: QueueSpec) -> None:
        """Declare the quorum queue with its delivery limit and DLX, its retry tiers, and its DLQ."""
        async with _own_channel(self.connection) as channel:
            dlq = await channel.declare_queue(spec.dlq, durable=True, arguments=_quorum())
            await dlq.bind(spec.dead_letter_exchange, routing_key=spec.name)
            queue = await channel.declare_queue(
                spec.name,
                durable=True,
                arguments=_quorum(
                    **{
                        "x-delivery-limit": spec.delivery_limit,
                        "x-dead-letter-exchange": spec.dead_letter_exchange,
                        "x-dead-letter-routing-key": spec.name,
                    }
                ),
            )
            for binding in spec.bindings:
                await queue.bind(spec.exchange, routing_key=binding)
            for attempt, delay in enumerate(spec.retry_delays, start=1):
                # Expired messages go back through the default exchange into the consumer's own queue.
                await channel.declare_queue(
                    spec.retry_queue(attempt),
                    durable=True,
                    arguments=_quorum(
                        **{
                            "x-message-ttl": int(delay * 1000),
                            "x-dead-letter-exchange": "",
                            "x-dead-letter-routing-key": spec.name,
                        }
                    ),
                )

    async def declare_partner_exchange(self, spec: PartnerExchangeSpec) -> None:
        """Declare the partner exchange (durable, topic, internal) and its inlet (fanout, bound to it); from
        then on ``publish`` sends the inlet a copy of each message of the spec's keys."""
        if self._channel is None:
            raise RuntimeError("transport is not connected")
        async with _own_channel(self.connection) as channel:
            # Internal: only its inlet feeds it; a publish straight to it, by anyone, is refused.
            exchange = await channel.declare_exchange(
                spec.name, ExchangeType.TOPIC, durable=True, internal=True
            )
            inlet = await channel.declare_exchange(spec.inlet, ExchangeType.FANOUT, durable=True)
            await exchange.bind(inlet)
            for key in spec.bindings:
                # Fed from the events exchange, the exchange made a partner queue's refusal the services'.
                await exchange.unbind(spec.source, routing_key=key)
        copy_to = await self._channel.get_exchange(spec.inlet, ensure=False)
        others = [(inlet, keys) for inlet, keys in self._partner_copies if inlet.name != spec.inlet]
        self._partner_copies = [*others, (copy_to, frozenset(spec.bindings))]

    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        """Publish a batch to the events exchange, each message followed by its copies for the partner
        exchanges, and wait for every confirm. A copy the broker refuses is counted and let go."""
        if self._exchange is None:
            raise RuntimeError("transport is not connected")
        outgoing: list[tuple[AbstractExchange, OutgoingMessage]] = []
        for message in messages:
            outgoing.append((self._exchange, message))
            outgoing += [
                (inlet, message) for inlet, keys in self._partner_copies if message.routing_key in keys
            ]
        sent: list[asyncio.Future[Any]] = []
        try:
            for start in range(0, len(outgoing), PUBLISH_SLICE):
                sent += [
                    asyncio.ensure_future(exchange.publish(to_amqp(m), m.routing_key, mandatory=False))
                    for exchange, m in outgoing[start : start + PUBLISH_SLICE]
                ]
                # The relay shares the loop with the API: a batch of 256 sent in one go held every
                # request for tens of milliseconds. Tasks start in order, so the frames keep it.
                await asyncio.sleep(0)
        except BaseException:
            for future in sent:
                future.cancel()
            raise
        copies_to = [None if exchange is self._exchange else exchange.name for exchange, _ in outgoing]
        await self._confirmed(sent, copies_to=copies_to)

    async def send(self, queue: str, message: OutgoingMessage) -> None:
        """Publish to one queue through the default exchange, confirmed."""
        if self._channel is None:
            raise RuntimeError("transport is not connected")
        await self._confirmed(
            [self._channel.default_exchange.publish(to_amqp(message), queue, mandatory=True)]
        )

    async def consume(self, spec: QueueSpec, handler: DeliveryHandler) -> Subscription:
        """Consume on a channel of its own with ``prefetch`` unacked deliveries at most."""
        channel = await self.connection.channel()
        await channel.set_qos(prefetch_count=spec.prefetch)
        queue = await channel.get_queue(spec.name, ensure=True)
        subscription = _RabbitSubscription(channel, queue, handler)
        await subscription.start()
        return subscription

    async def get(self, queue: str) -> Delivery | None:
        """Basic.get one message, unacked, on the publishing channel."""
        if self._channel is None:
            raise RuntimeError("transport is not connected")
        q = await self._channel.get_queue(queue, ensure=True)
        incoming = await q.get(no_ack=False, fail=False)
        return None if incoming is None else _RabbitDelivery(incoming)

    async def depth(self, queue: str) -> int:
        """Ready messages, from a passive declare."""
        async with _own_channel(self.connection) as channel:
            q = await channel.declare_queue(queue, passive=True)
            return int(q.declaration_result.message_count or 0)

    async def ping(self) -> None:
        """Raise unless the connection is open."""
        if self._connection is None or self._connection.is_closed:
            raise ConnectionError("broker connection is closed")

    @staticmethod
    async def _confirmed(publishes: list[Any], *, copies_to: Sequence[str | None] = ()) -> None:
        """Wait for every confirm; PublishError unless all came. A nacked copy for a partner exchange
        (``copies_to[i]``: the inlet it went to) is counted and let go: a partner's full queue refused it,
        it keeps what it took and the feed has the rest."""
        async with asyncio.timeout(PUBLISH_TIMEOUT):
            results = await asyncio.gather(*publishes, return_exceptions=True)
        failures: list[BaseException] = []
        refused: Counter[str] = Counter()
        for result, inlet in itertools.zip_longest(results, copies_to):
            if not isinstance(result, BaseException):
                continue
            if inlet is not None and _refused(result):
                refused[inlet] += 1
            else:
                failures.append(result)
        for inlet, count in refused.items():
            PARTNER_COPIES_REFUSED.labels(inlet).inc(count)
            log.warning("bus.partner_copies_refused", exchange=inlet, count=count)
        if failures:
            raise PublishError(f"{len(failures)} of {len(results)} messages not confirmed") from failures[0]
