"""The event bus: envelope, topology, transports, transactional outbox and relay, inbox and consumers."""

from eschool.common.bus.consumer import ConsumerDefinition, EventConsumer, Handler
from eschool.common.bus.dlq import list_dead_letters, replay_dead_letters
from eschool.common.bus.message import Delivery, OutgoingMessage
from eschool.common.bus.outbox import Outbox
from eschool.common.bus.relay import OutboxRelay
from eschool.common.bus.topology import (
    EVENTS_EXCHANGE,
    PARTNER_EXCHANGE,
    PartnerExchangeSpec,
    QueueSpec,
    topic_matches,
)
from eschool.common.bus.transport import PublishError, Transport, create_transport

__all__ = [
    "EVENTS_EXCHANGE",
    "PARTNER_EXCHANGE",
    "ConsumerDefinition",
    "Delivery",
    "EventConsumer",
    "Handler",
    "Outbox",
    "OutboxRelay",
    "OutgoingMessage",
    "PartnerExchangeSpec",
    "PublishError",
    "QueueSpec",
    "Transport",
    "create_transport",
    "list_dead_letters",
    "replay_dead_letters",
    "topic_matches",
]
