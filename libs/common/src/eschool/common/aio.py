"""Small asyncio helpers the platform's processes and background tasks share."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any, TypeVar

from eschool.common.logging import get_logger

T = TypeVar("T")
log = get_logger(__name__)


def run(main: Coroutine[Any, Any, T], *, cleanup_within: float = 10.0) -> T:
    """Run ``main`` on a new event loop (uvloop where it exists: the AMQP and PostgreSQL clients gain ~15%,
    bench/bus.py) and close it, giving the tasks still running ``cleanup_within`` seconds to end.

    ``asyncio.run`` waits for them forever, and one can never end: SQLAlchemy's graceful close of an
    aiosqlite connection whose transaction was cancelled awaits a worker thread it has itself stopped.
    Such a task is logged and left behind, so that a stopped process exits instead of hanging.
    """
    try:
        import uvloop

        loop = uvloop.new_event_loop()
    except ImportError:  # pragma: no cover - platforms without uvloop
        loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(main)
    finally:
        try:
            _end_remaining_tasks(loop, cleanup_within)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(_bounded(loop.shutdown_default_executor(), cleanup_within))
        finally:
            asyncio.set_event_loop(None)
            loop.close()


def _end_remaining_tasks(loop: asyncio.AbstractEventLoop, within: float) -> None:
    """Cancel the tasks still running and wait for them at most ``within`` seconds."""
    tasks = asyncio.all_tasks(loop)
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    _, stuck = loop.run_until_complete(asyncio.wait(tasks, timeout=within))
    for task in tasks - stuck:
        if not task.cancelled() and task.exception() is not None:
            log.warning("aio.task_failed_at_exit", task=task.get_name(), error=repr(task.exception()))
    for task in stuck:
        log.warning("aio.task_left_running_at_exit", task=task.get_name(), coro=repr(task.get_coro()))


async def _bounded(awaitable: Coroutine[Any, Any, None], within: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(awaitable, within)


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


class BackgroundWork:
    """A service's work in the background (a demo's loading) that stops *between* its transactions.

    A transaction cancelled halfway can leave an SQLite connection that never closes, so at stop the
    work is asked to end (``stopping``, checked between units of work; ``pause`` wakes at once) and
    waited for; only if it takes longer than ``within`` is it cancelled.
    """

    def __init__(self) -> None:
        self._stop = asyncio.Event()
        self._task: asyncio.Task[Any] | None = None

    def start(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run ``work`` in the background."""
        self._task = asyncio.create_task(work)

    @property
    def stopping(self) -> bool:
        """Whether the service is stopping: the work ends at its next unit of work."""
        return self._stop.is_set()

    async def pause(self, seconds: float) -> None:
        """Wait ``seconds``, or less if the service stops meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    async def finished(self) -> None:
        """Wait until the work is over (tests, tools)."""
        if self._task is not None:
            await self._task

    async def stop(self, *, within: float = 20.0) -> None:
        """Ask the work to end between its transactions and wait; cancel it after ``within`` seconds."""
        if self._task is None:
            return
        self._stop.set()
        await asyncio.wait({self._task}, timeout=within)
        await cancel_and_wait(self._task)


def background_of(owner: object, name: str) -> BackgroundWork:
    """The owner's (a service runtime's) background work called ``name``, made on first use."""
    attribute = f"_background_{name}"
    work = getattr(owner, attribute, None)
    if work is None:
        work = BackgroundWork()
        setattr(owner, attribute, work)
    return work
