"""Names and shapes of the exchanges and queues; both transports declare exactly this."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

EVENTS_EXCHANGE = "eschool.events"
DEAD_LETTER_EXCHANGE = "eschool.dead-letter"
# Partners' own broker accounts bind their queues here and nowhere else (contracts/partners.md).
PARTNER_EXCHANGE = "eschool.partners"

# Headers the bus sets on messages it moves between queues.
ATTEMPT_HEADER = "x-eschool-attempt"
REASON_HEADER = "x-eschool-death-reason"
ERROR_HEADER = "x-eschool-death-error"
REPLAYED_HEADER = "x-eschool-replayed"

DEFAULT_RETRY_DELAYS = (1.0, 5.0, 30.0, 120.0, 600.0)


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """A consumer's durable queue ``<consumer>.<source>-events``, its retry tiers and dead letters."""

    name: str
    bindings: tuple[str, ...]
    retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS
    # Redeliveries without an answer (a handler that kills the process) before the broker parks it.
    delivery_limit: int = 10
    prefetch: int = 64
    exchange: str = EVENTS_EXCHANGE
    dead_letter_exchange: str = DEAD_LETTER_EXCHANGE
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def dlq(self) -> str:
        """The dead-letter queue where exhausted and poison messages are parked."""
        return f"{self.name}.dlq"

    def retry_queue(self, attempt: int) -> str:
        """The delay queue for the n-th retry (1-based); the last tier repeats if asked beyond it."""
        tier = min(attempt, len(self.retry_delays)) - 1
        return f"{self.name}.retry.{tier + 1}"

    def retry_delay(self, attempt: int) -> float:
        """Seconds the n-th retry waits before the message returns to the queue."""
        return self.retry_delays[min(attempt, len(self.retry_delays)) - 1]

    @property
    def max_retries(self) -> int:
        """Handler failures retried before a message is dead-lettered."""
        return len(self.retry_delays)


@dataclass(frozen=True, slots=True)
class PartnerExchangeSpec:
    """The partner exchange, a durable topic exchange partners bind their queues to. The publisher sends it
    a copy of each event of these keys, through its inlet, apart from the events exchange: a partner's
    queue that refuses a message (full, with ``x-overflow: reject-publish`` on a classic queue, which no
    policy of ours can override) then refuses only the copy, never the services' publish."""

    # Exact event types, not patterns: a new event of the producer must not reach partners by itself.
    bindings: tuple[str, ...]
    name: str = PARTNER_EXCHANGE
    # Where the exchange was fed from before the inlet, by these keys: the bindings are taken away.
    source: str = EVENTS_EXCHANGE

    @property
    def inlet(self) -> str:
        """The publisher's way in: a fanout exchange bound to the partner exchange, which stays internal
        (no one publishes to it straight, and partners may only read it)."""
        return f"{self.name}.in"


@lru_cache(maxsize=1024)
def _pattern(binding: str) -> re.Pattern[str]:
    parts = []
    for word in binding.split("."):
        if word == "#":
            parts.append(r"(?:[^.]+(?:\.[^.]+)*)?")
        elif word == "*":
            parts.append(r"[^.]+")
        else:
            parts.append(re.escape(word))
    regex = r"\.".join(parts)
    # '#' may match zero words, which also swallows the dot next to it.
    regex = regex.replace(r"\.(?:[^.]+(?:\.[^.]+)*)?", r"(?:\.[^.]+)*").replace(
        r"(?:[^.]+(?:\.[^.]+)*)?\.", r"(?:[^.]+\.)*"
    )
    return re.compile(f"^{regex}$")


def topic_matches(binding: str, routing_key: str) -> bool:
    """AMQP topic matching: ``*`` is exactly one word, ``#`` zero or more words."""
    return _pattern(binding).match(routing_key) is not None
