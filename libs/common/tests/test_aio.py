"""The asyncio helpers background tasks rely on."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from eschool.common.aio import cancel_and_wait


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
