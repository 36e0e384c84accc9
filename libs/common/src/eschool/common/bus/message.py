"""Messages as the transports see them: bytes plus AMQP-like properties, and an ack handle."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """A message to publish: the serialized envelope and the properties brokers route and trace by."""

    body: bytes
    routing_key: str
    message_id: str
    type: str = ""
    correlation_id: str | None = None
    timestamp: datetime | None = None
    headers: dict[str, Any] = field(default_factory=dict)

    def with_headers(self, **headers: Any) -> OutgoingMessage:
        """A copy with headers added or replaced."""
        return replace(self, headers={**self.headers, **headers})


class Delivery(ABC):
    """A received message; exactly one of ``ack`` / ``nack`` must be called."""

    message: OutgoingMessage
    redelivered: bool

    @abstractmethod
    async def ack(self) -> None:
        """Settle: the message is done with."""

    @abstractmethod
    async def nack(self, *, requeue: bool) -> None:
        """Refuse: back to the queue (requeue) or to the queue's dead-letter exchange."""
