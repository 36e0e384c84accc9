"""Behaviour of the bus, one suite for both transports (in-memory + SQLite, RabbitMQ + PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import structlog
from conftest import BusHarness, eventually
from sqlalchemy import func, select
from toy.events import ThingCreatedV1
from toy.models import Thing
from toy.service import create_thing, on_thing_created

from eschool.common.bus import OutgoingMessage, PartnerExchangeSpec, QueueSpec, Transport, replay_dead_letters
from eschool.common.bus.dlq import list_dead_letters
from eschool.common.bus.metrics import EVENTS_CONSUMED
from eschool.common.bus.outbox import Outbox, current_causation
from eschool.common.bus.tables import outbox_message
from eschool.common.db import UnitOfWork
from eschool.common.events import Envelope
from eschool.common.testing.events import event_message


def to_message(envelope: dict[str, Any]) -> OutgoingMessage:
    """An envelope as the relay would publish it (for delivering hand-made events)."""
    return OutgoingMessage(
        body=json.dumps(envelope).encode(),
        routing_key=envelope["type"],
        message_id=str(envelope["id"]),
        type=envelope["type"],
    )


class DiesAfterPublish(Transport):
    """A relay's broker connection that publishes, then dies before the relay marks the rows sent."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner

    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        await self.inner.publish(messages)
        raise ConnectionResetError("relay process killed")

    async def connect(self) -> None: ...
    async def close(self) -> None: ...
    async def declare(self, spec: QueueSpec) -> None: ...
    async def declare_partner_exchange(self, spec: PartnerExchangeSpec) -> None: ...
    async def send(self, queue: str, message: OutgoingMessage) -> None: ...
    async def consume(self, spec, handler):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    async def get(self, queue: str):  # type: ignore[no-untyped-def]
        return None

    async def depth(self, queue: str) -> int:
        return 0

    async def ping(self) -> None: ...


async def unpublished(bus: BusHarness) -> int:
    async with bus.db.session() as session:
        stmt = select(func.count()).where(outbox_message.c.published_at.is_(None))
        return int((await session.execute(stmt)).scalar_one())


async def test_event_committed_before_relay_died_is_delivered_by_the_next_relay(bus: BusHarness) -> None:
    await bus.consumer()
    async with bus.db.uow() as uow:
        thing_id = await create_thing(uow, "журнал 5А")
    # The relay process was killed after the commit and before any publish: the row waits in the outbox.
    assert await unpublished(bus) == 1
    assert await bus.seen() == {}

    bus.relay().start()

    async def delivered() -> bool:
        return await bus.seen() == {thing_id: 1}

    await eventually(delivered)
    assert await unpublished(bus) == 0


async def test_relay_dying_between_publish_and_mark_duplicates_nothing(bus: BusHarness) -> None:
    await bus.consumer()
    duplicates = EVENTS_CONSUMED.labels("toy.toy-events", "duplicate")
    before = duplicates._value.get()
    async with bus.db.uow() as uow:
        ids = [await create_thing(uow, f"thing {i}", commit=False) for i in range(5)]
        await uow.commit()
    with pytest.raises(ConnectionResetError):
        await bus.relay(DiesAfterPublish(bus.transport)).publish_pending()
    assert await unpublished(bus) == 5  # the broker has them, the outbox does not know
    async with bus.db.session() as session:
        rows = (await session.execute(select(outbox_message.c.attempts, outbox_message.c.last_error))).all()
    assert {(r.attempts, r.last_error) for r in rows} == {(1, "ConnectionResetError: relay process killed")}

    assert await bus.relay().drain() == 5  # so they go out a second time

    async def absorbed() -> bool:
        return duplicates._value.get() - before >= 5

    await eventually(absorbed)
    assert await bus.seen() == dict.fromkeys(ids, 1)


async def test_rolled_back_transaction_publishes_nothing(bus: BusHarness) -> None:
    await bus.consumer()
    async with bus.db.uow() as uow:
        await create_thing(uow, "rolled back", commit=False)

    async def failing_use_case() -> None:
        async with bus.db.uow() as uow:
            await create_thing(uow, "failed midway", commit=False)
            raise RuntimeError("use case failed after writing")

    with pytest.raises(RuntimeError):
        await failing_use_case()
    async with bus.db.uow() as uow:
        kept = await create_thing(uow, "kept")

    assert await bus.relay().drain() == 1

    async def only_kept() -> bool:
        return await bus.seen() == {kept: 1}

    await eventually(only_kept)
    async with bus.db.uow() as uow:
        assert (await uow.session.execute(select(func.count()).select_from(Thing))).scalar_one() == 1


async def test_same_event_delivered_twice_has_its_effect_once(bus: BusHarness) -> None:
    await bus.consumer()
    event = ThingCreatedV1(thing_id=uuid.uuid4(), name="дубль")
    envelope = Envelope[ThingCreatedV1](
        id=uuid.uuid4(),
        type=event.event_type,
        source="toy",
        time="2026-11-23T10:00:00Z",
        subject=str(event.thing_id),
        data=event,
    )
    message = to_message(envelope.model_dump(mode="json"))
    await bus.transport.publish([message])
    await bus.transport.publish([message])
    marker = ThingCreatedV1(thing_id=uuid.uuid4(), name="marker")
    await bus.transport.publish(
        [
            to_message(
                envelope.model_copy(
                    update={"id": uuid.uuid4(), "subject": str(marker.thing_id), "data": marker}
                ).model_dump(mode="json")
            )
        ]
    )

    async def both_seen() -> bool:
        seen = await bus.seen()
        return event.thing_id in seen and marker.thing_id in seen

    await eventually(both_seen)
    assert (await bus.seen())[event.thing_id] == 1


async def test_two_relays_at_once_never_publish_a_row_twice(bus: BusHarness) -> None:
    received: list[str] = []
    spec = QueueSpec(name=f"audit.{uuid.uuid4().hex[:8]}", bindings=("toy.#",), prefetch=500)
    await bus.transport.declare(spec)

    async def record(delivery) -> None:  # type: ignore[no-untyped-def]
        received.append(delivery.message.message_id)
        await delivery.ack()

    await bus.transport.consume(spec, record)
    total = 600
    async with bus.db.uow() as uow:
        for i in range(total):
            await create_thing(uow, f"t{i}", commit=False)
        await uow.commit()

    first, second = bus.relay(batch_size=50), bus.relay(await bus.new_transport(), batch_size=50)
    counts = await asyncio.gather(first.drain(), second.drain())
    assert sum(counts) == total

    async def all_received() -> bool:
        return len(received) >= total

    await eventually(all_received)
    await asyncio.sleep(0.3)  # a late duplicate would arrive here
    assert len(received) == total
    assert len(set(received)) == total


async def test_failing_handler_is_parked_after_retries_and_replay_delivers_it(bus: BusHarness) -> None:
    broken = {"flag": True}
    poison_id = uuid.uuid4()

    async def handler(event: Envelope[ThingCreatedV1], uow) -> None:  # type: ignore[no-untyped-def]
        if broken["flag"] and event.data.name == "poison":
            raise ValueError("cannot handle this one")
        await on_thing_created(event, uow)

    consumer = await bus.consumer(handler)
    async with bus.db.uow() as uow:
        poison = await create_thing(uow, "poison", commit=False)
        fine = [await create_thing(uow, f"fine {i}", commit=False) for i in range(3)]
        await uow.commit()
    relay = bus.relay()
    relay.start()

    async def parked() -> bool:
        return await bus.transport.depth(consumer.spec.dlq) == 1

    await eventually(parked)
    assert set(await bus.seen()) == set(fine)  # the queue kept flowing around the failing message
    # Later messages still flow while one is parked.
    async with bus.db.uow() as uow:
        later = await create_thing(uow, "later")
    relay.wake()

    async def later_seen() -> bool:
        return later in await bus.seen()

    await eventually(later_seen)
    letters = await list_dead_letters(bus.transport, consumer.spec.name)
    assert [(d.reason, d.type) for d in letters] == [("handler_failed", "toy.thing.created.v1")]
    assert "cannot handle this one" in letters[0].error
    await eventually(parked)  # peeking leaves it parked (the broker takes the requeue in its own time)

    broken["flag"] = False
    assert await replay_dead_letters(bus.transport, consumer.spec.name) == 1

    async def replayed() -> bool:
        return (await bus.seen()).get(poison) == 1

    await eventually(replayed)
    assert await bus.transport.depth(consumer.spec.dlq) == 0
    assert poison_id != poison


@pytest.mark.parametrize(
    ("body", "msg_type", "reason"),
    [
        (b"{not json", "toy.thing.created.v1", "invalid_envelope"),
        (None, "toy.thing.vanished.v1", "unknown_type"),
        (None, "toy.thing.created.v1", "invalid_payload"),
    ],
)
async def test_bad_messages_are_dead_lettered_with_their_reason(
    bus: BusHarness, body: bytes | None, msg_type: str, reason: str
) -> None:
    consumer = await bus.consumer()
    if body is None:
        envelope = {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "type": msg_type,
            "source": "toy",
            "time": "2026-11-23T10:00:00Z",
            "subject": "x",
            "data": {"thing_id": "not-a-uuid"},
        }
        body = json.dumps(envelope).encode()
    await bus.transport.send(
        consumer.spec.name, OutgoingMessage(body=body, routing_key=msg_type, message_id="bad", type=msg_type)
    )
    async with bus.db.uow() as uow:
        good = await create_thing(uow, "after the bad one")
    await bus.relay().drain()

    async def good_seen() -> bool:
        return good in await bus.seen()

    await eventually(good_seen)

    async def parked() -> bool:
        return await bus.transport.depth(consumer.spec.dlq) == 1

    await eventually(parked)
    letters = await list_dead_letters(bus.transport, consumer.spec.name)
    assert [d.reason for d in letters] == [reason]


async def test_message_that_keeps_coming_back_unsettled_is_parked_by_the_broker(bus: BusHarness) -> None:
    # A consumer that dies mid-message (never acks) makes the broker redeliver; past the delivery
    # limit the broker itself parks the message, so a poison message cannot crash-loop a service.
    spec = QueueSpec(name=f"crashy.{uuid.uuid4().hex[:6]}", bindings=("toy.#",), delivery_limit=2)
    await bus.transport.declare(spec)
    attempts = []

    async def dies(delivery) -> None:  # type: ignore[no-untyped-def]
        attempts.append(delivery.redelivered)
        await delivery.nack(requeue=True)

    subscription = await bus.transport.consume(spec, dies)
    await bus.transport.publish(
        [OutgoingMessage(body=b"{}", routing_key="toy.thing.created.v1", message_id="m1")]
    )

    async def parked() -> bool:
        return await bus.transport.depth(spec.dlq) == 1

    await eventually(parked)
    await subscription.cancel()
    assert len(attempts) == 3  # the first delivery and two redeliveries
    assert attempts[1:] == [True, True]
    letters = await list_dead_letters(bus.transport, spec.name)
    assert letters[0].message_id == "m1"
    assert letters[0].reason in {"delivery_limit", "broker:delivery_limit"}


async def test_backlog_is_measured_and_published_rows_are_pruned_after_retention(bus: BusHarness) -> None:
    async with bus.db.uow() as uow:
        for i in range(3):
            await create_thing(uow, f"old {i}", commit=False)
        await uow.commit()
    relay = bus.relay(retention=timedelta(0))
    count, age = await relay.measure_backlog()
    assert count == 3
    assert age >= 0
    assert await relay.drain() == 3
    async with bus.db.uow() as uow:
        await create_thing(uow, "not yet published")
    assert (await relay.measure_backlog())[0] == 1

    assert await relay.prune() == 3  # the published ones; the unpublished row stays
    assert await unpublished(bus) == 1
    async with bus.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(outbox_message))).scalar_one() == 1


def test_the_outbox_writes_the_envelope_the_model_would_write() -> None:
    event = ThingCreatedV1(thing_id=uuid.uuid4(), name="конверт")
    outbox = Outbox(None, source="toy")  # type: ignore[arg-type]  # add() never touches the session
    at, school = datetime(2026, 11, 23, 10, 0, 0, 123456, tzinfo=UTC), uuid.uuid4()
    token = current_causation.set("cause-1")
    structlog.contextvars.bind_contextvars(correlation_id="corr-1")
    try:
        event_id = outbox.add(event, subject=event.thing_id, school_id=school, time=at)
    finally:
        current_causation.reset(token)
        structlog.contextvars.unbind_contextvars("correlation_id")
    row = outbox._pending[0]
    model = Envelope[ThingCreatedV1](
        id=event_id,
        type=event.event_type,
        source="toy",
        time=at,
        subject=str(event.thing_id),
        school_id=school,
        correlation_id="corr-1",
        causation_id="cause-1",
        data=event,
    )
    assert row["envelope"] == model.model_dump(mode="json")
    assert Envelope[ThingCreatedV1].model_validate(row["envelope"]) == model


async def test_an_envelope_kept_now_goes_out_later_as_it_was_in_the_order_queued(bus: BusHarness) -> None:
    """A service that decides later when its events go out (enrolment's partner feed gives positions
    first) keeps the envelope of the moment, and queues it in another unit of work, in its own order."""
    woken: list[str] = []
    bus.db.after_outbox_commit.append(lambda: woken.append("woken"))
    structlog.contextvars.bind_contextvars(correlation_id="corr-kept")
    try:
        async with bus.db.uow() as uow:
            kept = [
                uow.outbox.envelope(ThingCreatedV1(thing_id=uuid.uuid4(), name=f"later {i}"), subject="t")
                for i in range(3)
            ]
            uow.wake_after_commit()
            await uow.commit()  # no outbox row, yet the workers are woken: the work waits elsewhere
    finally:
        structlog.contextvars.unbind_contextvars("correlation_id")
    assert woken == ["woken"]
    assert await unpublished(bus) == 0
    async with bus.db.uow() as uow:
        uow.wake_after_commit()  # rolled back: nobody is woken
    assert woken == ["woken"]
    async with bus.db.uow() as uow:
        for envelope in reversed(kept):
            uow.outbox.add_envelope(envelope)
        await uow.commit()
    async with bus.db.session() as session:
        rows = (
            await session.execute(select(outbox_message).order_by(outbox_message.c.outbox_message_id))
        ).all()
    assert [r.envelope for r in rows] == list(reversed(kept))
    assert [str(r.event_id) for r in rows] == [e["id"] for e in reversed(kept)]
    assert {r.envelope["correlation_id"] for r in rows} == {"corr-kept"}  # the moment it was made


async def test_a_batch_larger_than_a_slice_arrives_in_the_order_it_was_published(bus: BusHarness) -> None:
    spec = QueueSpec(name=f"order.{uuid.uuid4().hex[:8]}", bindings=("toy.order.#",))
    await bus.transport.declare(spec)
    ids = [f"m{i:03d}" for i in range(100)]  # several slices of the RabbitMQ transport's publish
    await bus.transport.publish(
        [OutgoingMessage(body=b"{}", routing_key="toy.order.made.v1", message_id=i, type="t") for i in ids]
    )
    received = []
    for _ in ids:
        delivery = await bus.transport.get(spec.name)
        assert delivery is not None
        received.append(delivery.message.message_id)
        await delivery.ack()
    assert received == ids


async def test_a_handler_taking_turns_never_deadlocks_with_a_use_case_taking_turns(bus: BusHarness) -> None:
    """On SQLite a use case holding the writer lock while a consumer's inbox row holds the database would
    wait for each other until the busy timeout; on PostgreSQL both simply go."""
    holding, go = asyncio.Event(), asyncio.Event()

    async def use_case() -> None:
        async with bus.db.uow() as uow:
            await uow.serialize()
            holding.set()
            await go.wait()
            await create_thing(uow, "school's own")

    async def handler(event: Envelope[ThingCreatedV1], uow: UnitOfWork) -> None:
        await uow.serialize()
        await on_thing_created(event, uow)

    await bus.consumer(handler)
    writer = asyncio.create_task(use_case())
    await holding.wait()
    answer = ThingCreatedV1(thing_id=uuid.uuid4(), name="contingent's answer")
    await bus.transport.publish([event_message(answer, subject=answer.thing_id)])
    await asyncio.sleep(0.3)  # the consumer is at its transaction's start now
    go.set()
    await asyncio.wait_for(writer, timeout=10)
    await eventually(lambda: _seen(bus, answer.thing_id), within=10)


async def _seen(bus: BusHarness, thing_id: uuid.UUID) -> bool:
    return (await bus.seen()).get(thing_id) == 1
