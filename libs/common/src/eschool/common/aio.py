"""Small asyncio helpers the platform's processes and background tasks share."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """asyncio.run on uvloop where it exists: the AMQP and PostgreSQL clients gain ~15% (bench/bus.py)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - platforms without uvloop
        return asyncio.run(main)
    return uvloop.run(main)


async def cancel_and_wait(task: asyncio.Task[Any] | None, *, nudge_every: float = 1.0) -> None:
    """Cancel a background task and wait until it has really stopped (its cleanup included).

    A library may turn a cancellation into an ordinary error (aio-pika closing a channel in a
    ``finally`` does), and a loop that survives errors then runs on: such a task is cancelled again
    every ``nudge_every`` seconds until it ends, instead of being waited for forever.
    """
    if task is None:
        return
    task.cancel()
    while not (await asyncio.wait({task}, timeout=nudge_every))[0]:
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
