"""The transport interface: what the relay, the consumer runner and the DLQ tools need of a broker."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence

from eschool.common.bus.message import Delivery, OutgoingMessage
from eschool.common.bus.topology import PartnerExchangeSpec, QueueSpec

DeliveryHandler = Callable[[Delivery], Awaitable[None]]


class PublishError(Exception):
    """The broker did not confirm every message of a batch; the caller must retry all of them."""


class Subscription(ABC):
    """A running consumer of one queue."""

    @abstractmethod
    async def cancel(self) -> None:
        """Stop receiving; messages not yet acked return to the queue."""


class Transport(ABC):
    """A broker: RabbitMQ in the stack and in production, in-memory in the embedded mode."""

    @abstractmethod
    async def connect(self) -> None:
        """Open connections and declare the events and dead-letter exchanges."""

    @abstractmethod
    async def close(self) -> None:
        """Close connections; unacked deliveries return to their queues."""

    @abstractmethod
    async def declare(self, spec: QueueSpec) -> None:
        """Declare a consumer's queue, its bindings, its retry tiers and its DLQ (idempotent)."""

    @abstractmethod
    async def declare_partner_exchange(self, spec: PartnerExchangeSpec) -> None:
        """Declare the partner exchange; from then on ``publish`` sends it a copy of each message of the
        spec's keys (idempotent)."""

    @abstractmethod
    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        """Publish to the events exchange, and the copies for the partner exchanges; returns once the broker
        confirmed all, else PublishError. A copy the broker refuses (a partner's full queue) is counted and
        let go: partners catch up from the feed."""

    @abstractmethod
    async def send(self, queue: str, message: OutgoingMessage) -> None:
        """Put a message straight into one queue (retry tier, DLQ, replay), confirmed."""

    @abstractmethod
    async def consume(self, spec: QueueSpec, handler: DeliveryHandler) -> Subscription:
        """Deliver the queue's messages to ``handler``, up to ``spec.prefetch`` unacked at once."""

    @abstractmethod
    async def get(self, queue: str) -> Delivery | None:
        """Take one message from a queue (for DLQ inspection and replay), or None when empty."""

    @abstractmethod
    async def depth(self, queue: str) -> int:
        """Messages ready in a queue."""

    @abstractmethod
    async def ping(self) -> None:
        """Readiness check: raises when the broker is unreachable."""


def create_transport(url: str, *, connection_name: str = "eschool") -> Transport:
    """The transport a bus URL names: ``amqp://``/``amqps://`` for RabbitMQ, ``memory://`` in-process."""
    if url.startswith(("amqp://", "amqps://")):
        from eschool.common.bus.rabbitmq import RabbitTransport

        return RabbitTransport(url, connection_name=connection_name)
    if url.startswith("memory://"):
        from eschool.common.bus.memory import shared_memory_transport

        return shared_memory_transport(url)
    raise ValueError("unsupported bus URL scheme (use amqp:// or memory://)")
