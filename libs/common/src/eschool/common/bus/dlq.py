"""Dead-letter queue tools for operators: look at parked messages, replay them into their queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eschool.common.bus.topology import ATTEMPT_HEADER, ERROR_HEADER, REASON_HEADER, REPLAYED_HEADER
from eschool.common.bus.transport import Transport


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """What an operator sees of a parked message (no body: it may hold data they need not see)."""

    message_id: str
    type: str
    reason: str
    error: str
    replayed: int


def dlq_name(queue: str) -> str:
    """The dead-letter queue of a consumer queue."""
    return queue if queue.endswith(".dlq") else f"{queue}.dlq"


def _queue_of(dlq: str) -> str:
    return dlq.removesuffix(".dlq")


async def replay_dead_letters(transport: Transport, queue: str, *, limit: int | None = None) -> int:
    """Move parked messages back into their queue with a fresh retry budget; returns how many."""
    dlq = dlq_name(queue)
    # Only what is parked now: a message that fails again comes back later and must not loop here.
    budget = await transport.depth(dlq)
    if limit is not None:
        budget = min(budget, limit)
    moved = 0
    while moved < budget and (delivery := await transport.get(dlq)) is not None:
        headers: dict[str, Any] = dict(delivery.message.headers)
        replayed = int(headers.pop(REPLAYED_HEADER, 0)) + 1
        for key in (
            ATTEMPT_HEADER,
            REASON_HEADER,
            ERROR_HEADER,
            "x-death",
            "x-first-death-queue",
            "x-first-death-reason",
            "x-first-death-exchange",
            "x-last-death-queue",
            "x-last-death-reason",
            "x-last-death-exchange",
            "x-delivery-count",
        ):
            headers.pop(key, None)
        headers[REPLAYED_HEADER] = replayed
        message = type(delivery.message)(**{**_fields(delivery.message), "headers": headers})
        try:
            await transport.send(_queue_of(dlq), message)
        except Exception:
            await delivery.nack(requeue=True)
            raise
        await delivery.ack()
        moved += 1
    return moved


async def list_dead_letters(transport: Transport, queue: str, *, limit: int = 50) -> list[DeadLetter]:
    """Peek at up to ``limit`` parked messages; they stay parked."""
    dlq = dlq_name(queue)
    taken = []
    try:
        while len(taken) < limit and (delivery := await transport.get(dlq)) is not None:
            taken.append(delivery)
        return [_describe(d.message) for d in taken]
    finally:
        for delivery in taken:
            await delivery.nack(requeue=True)


def _fields(message: Any) -> dict[str, Any]:
    return {name: getattr(message, name) for name in message.__dataclass_fields__}


def _describe(message: Any) -> DeadLetter:
    headers = message.headers
    reason = headers.get(REASON_HEADER) or _death_reason(headers)
    return DeadLetter(
        message_id=message.message_id,
        type=message.type,
        reason=str(reason),
        error=str(headers.get(ERROR_HEADER, "")),
        replayed=int(headers.get(REPLAYED_HEADER, 0)),
    )


def _death_reason(headers: dict[str, Any]) -> str:
    # Parked by the broker itself (delivery limit reached by a consumer that kept dying): x-death says why.
    deaths = headers.get("x-death") or []
    if deaths and isinstance(deaths[0], dict):
        return f"broker:{deaths[0].get('reason', 'unknown')}"
    return "unknown"
