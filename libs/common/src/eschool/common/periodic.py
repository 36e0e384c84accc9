"""Periodic work of a service (automatic steps after a number of days, a saga's timeout), run once per
interval however many replicas of the service run it.

Every replica ticks; at each tick, for each task, it tries to move the task's ``next_run_at`` from the
past to one interval ahead with a conditional UPDATE. Only one replica's UPDATE matches: on PostgreSQL
the second waits for the first's row lock and then finds the row no longer due; on SQLite (one process)
the writer lock puts them in turn. The replica that moved it runs the work, after the claim committed,
so the work's own transactions never hold the task's row. A replica that dies mid-run leaves the rest
for the next interval; the work must still be safe to run twice at once (a replica stalled past its
interval): it locks the rows it changes and checks them again, as every use case does.

A service keeps the tasks' rows in its own database (``PeriodicTaskNode``, created by the migration
helper ``create_periodic_task_table``) and starts a ``PeriodicRunner`` from its start hook.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from prometheus_client import Counter, Gauge
from sqlalchemy import Table, update
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.aio import BackgroundWork
from eschool.common.db import Database, utcnow
from eschool.common.db.base import UtcDateTime
from eschool.common.db.projection import insert_absent
from eschool.common.logging import get_logger

log = get_logger(__name__)
RUNS = Counter(
    "periodic_task_runs_total", "Runs of a periodic task by outcome: done, failed", ["task", "outcome"]
)
UNITS = Counter("periodic_task_units_total", "Units of work (rows changed) done by a periodic task", ["task"])
LAST_SUCCESS = Gauge(
    "periodic_task_last_success_timestamp_seconds", "When a periodic task last ended well here", ["task"]
)


class PeriodicTaskNode:
    """A periodic task's row: when it is due next and how its last run here ended."""

    name: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    next_run_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_units: Mapped[int | None] = mapped_column(sa.Integer)
    last_error: Mapped[str | None] = mapped_column(sa.Text)


def create_periodic_task_table() -> None:
    """Alembic: create ``periodic_task`` (a service's migration calls it once)."""
    from alembic import op

    op.create_table(
        "periodic_task",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("next_run_at", UtcDateTime, nullable=False),
        sa.Column("last_started_at", UtcDateTime, nullable=True),
        sa.Column("last_finished_at", UtcDateTime, nullable=True),
        sa.Column("last_units", sa.Integer, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
    )


@dataclass(frozen=True)
class PeriodicTask:
    """Work to run every ``every``: given the database and the moment of the run, it returns how many
    units (rows) it changed."""

    name: str
    every: timedelta
    work: Callable[[Database, datetime], Awaitable[int]]


async def claim(database: Database, table: Table, task: PeriodicTask, now: datetime) -> bool:
    """Take the task's run that is due at ``now`` (True), or find it taken or not yet due (False)."""
    async with database.uow() as uow:
        await uow.serialize()
        await insert_absent(uow.session, table, {"name": task.name, "next_run_at": now}, key=("name",))
        moved = await uow.session.execute(
            update(table)
            .where(table.c.name == task.name, table.c.next_run_at <= now)
            .values(next_run_at=now + task.every, last_started_at=now)
        )
        await uow.commit()
    return bool(moved.rowcount)  # type: ignore[attr-defined]


async def run_if_due(
    database: Database, table: Table, task: PeriodicTask, now: datetime | None = None
) -> int | None:
    """Run the task if this replica takes its due run: the units it changed, or None if it did not run.
    A failure is logged and kept on the task's row; the next interval tries again."""
    now = now or utcnow()
    if not await claim(database, table, task, now):
        return None
    units, error = 0, None
    try:
        units = await task.work(database, now)
    except Exception as exc:
        log.exception("periodic.task.failed", task=task.name)
        RUNS.labels(task.name, "failed").inc()
        error = f"{type(exc).__name__}: {exc}"[:2000]
    else:
        RUNS.labels(task.name, "done").inc()
        UNITS.labels(task.name).inc(units)
        LAST_SUCCESS.labels(task.name).set_to_current_time()
        if units:
            log.info("periodic.task.done", task=task.name, units=units)
    async with database.uow() as uow:
        await uow.session.execute(
            update(table)
            .where(table.c.name == task.name)
            .values(last_finished_at=utcnow(), last_units=units, last_error=error)
        )
        await uow.commit()
    return None if error else units


class PeriodicRunner:
    """Ticks every ``tick`` seconds in the background and runs the tasks that are due (see the module);
    at stop it ends between two runs."""

    def __init__(
        self, database: Database, table: Table, tasks: Sequence[PeriodicTask], *, tick: float
    ) -> None:
        self._database, self._table, self._tasks, self._tick = database, table, tuple(tasks), tick
        self._work = BackgroundWork()

    def start(self) -> None:
        """Start ticking."""
        self._work.start(self._run())

    async def stop(self) -> None:
        """Stop between two runs (a run under way is waited for a while, then cancelled)."""
        await self._work.stop()

    async def _run(self) -> None:
        while not self._work.stopping:
            for task in self._tasks:
                if self._work.stopping:
                    return
                try:
                    await run_if_due(self._database, self._table, task)
                except Exception:  # the claim itself failed (the database away): try at the next tick
                    log.exception("periodic.task.claim_failed", task=task.name)
            await self._work.pause(self._tick)
