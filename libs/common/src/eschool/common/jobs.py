"""Long jobs a request queues and this process runs in the background (a school's year rollover, a
term's lessons), one unit of work per transaction, so a job's row shows its progress as it goes.

The services keep each job's row (status, total, done, heartbeat); this module keeps which jobs run in
this process, and runs one: ``begin`` gives the units, ``each`` does one in its own transaction,
``finish`` ends the job as done, or as failed with a Russian explanation (the unit that failed rolled
back; the job can be run again, the units done stay done).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TypeVar

from eschool.common.logging import get_logger

log = get_logger(__name__)
T = TypeVar("T")
DONE, FAILED = "done", "failed"
_RUNNING: dict[Hashable, asyncio.Task[None]] = {}


def start_job(key: Hashable, work: Callable[[], Awaitable[None]], *, name: str) -> None:
    """Run the job in the background of this process, unless it runs here already."""
    if key in _RUNNING:
        return

    async def run() -> None:
        await work()

    task = asyncio.create_task(run(), name=name)
    _RUNNING[key] = task
    task.add_done_callback(lambda _: _RUNNING.pop(key, None))


def running_here(key: Hashable) -> bool:
    """Whether the job runs in this process (a job no process runs and whose heartbeat stopped is dead)."""
    return key in _RUNNING


async def run_units(
    begin: Callable[[], Awaitable[Sequence[T]]],
    each: Callable[[T], Awaitable[None]],
    finish: Callable[[str, str | None], Awaitable[None]],
    *,
    failure: str,
    event: str,
    **ids: str,
) -> None:
    """Do ``each`` unit ``begin`` gives, then ``finish(DONE, None)``; any failure logs ``event`` with
    ``ids`` and ends with ``finish(FAILED, failure)``."""
    try:
        for unit in await begin():
            await each(unit)
        await finish(DONE, None)
    except Exception:
        log.exception(event, **ids)
        await finish(FAILED, failure)
