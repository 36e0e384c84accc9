"""The asyncio helpers background tasks rely on, and the in-memory broker across event loops."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from eschool.common.aio import cancel_and_wait
from eschool.common.bus import OutgoingMessage, QueueSpec
from eschool.common.bus.memory import shared_memory_transport


async def test_a_task_that_swallows_its_cancellation_is_still_stopped() -> None:
    # What aio-pika did to the DLQ watcher: a cancellation arriving while a channel closes comes out
    # as an ordinary error, the loop survives it, and a single cancel() would be waited on forever.
    rounds = []

    async def survives_errors() -> None:
        while True:
            rounds.append(1)
            with contextlib.suppress(Exception):
                try:
                    await asyncio.sleep(0.01)
                except asyncio.CancelledError:
                    if len(rounds) < 3:
                        raise RuntimeError("channel closed while closing") from None
                    raise

    task = asyncio.create_task(survives_errors())
    await asyncio.sleep(0.02)
    await asyncio.wait_for(cancel_and_wait(task, nudge_every=0.05), timeout=5)
    assert task.cancelled()


async def test_an_error_the_task_ended_with_reaches_the_caller() -> None:
    async def fails() -> None:
        raise ValueError("broken")

    task = asyncio.create_task(fails())
    await asyncio.sleep(0)
    with pytest.raises(ValueError, match="broken"):
        await cancel_and_wait(task)


def test_shared_memory_broker_serves_a_second_event_loop() -> None:
    # The embedded app's broker is shared by URL; tests (and a restart in one process) use it again
    # under a new event loop, whose consumers must still be woken.
    transport = shared_memory_transport("memory://two-loops")
    spec = QueueSpec(name="loops.test-events", bindings=("test.#",))
    message = OutgoingMessage(body=b"{}", routing_key="test.thing.made.v1", message_id="m", type="t")

    async def consume_one() -> None:
        await transport.connect()
        await transport.declare(spec)
        received = asyncio.Event()

        async def handler(delivery) -> None:  # type: ignore[no-untyped-def]
            await delivery.ack()
            received.set()

        subscription = await transport.consume(spec, handler)
        await asyncio.sleep(0.01)  # the dispatcher waits on the queue's event before anything arrives
        await transport.publish([message])
        await asyncio.wait_for(received.wait(), timeout=5)
        await subscription.cancel()
        await transport.close()

    asyncio.run(consume_one())
    asyncio.run(consume_one())
