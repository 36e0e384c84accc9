"""Periodic tasks: one run per interval however many replicas tick (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase

from eschool.common.db import Database, as_utc, make_metadata, utcnow
from eschool.common.periodic import PeriodicRunner, PeriodicTask, PeriodicTaskNode, claim, run_if_due


class Base(DeclarativeBase):
    metadata = make_metadata()


class PeriodicTaskRow(PeriodicTaskNode, Base):
    __tablename__ = "periodic_task"


TABLE = PeriodicTaskRow.__table__
HOUR = timedelta(hours=1)


@pytest_asyncio.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url, source="toy")
    async with database.engine.begin() as conn:  # a throwaway table for the helper under test
        await conn.run_sync(Base.metadata.create_all)
    yield database
    await database.dispose()


def counting(runs: list[datetime], *, hold: float = 0.0, fail: bool = False) -> PeriodicTask:
    async def work(_db: Database, now: datetime) -> int:
        runs.append(now)
        await asyncio.sleep(hold)
        if fail:
            raise RuntimeError("the work broke")
        return 3

    return PeriodicTask("count", HOUR, work)


async def row(db: Database) -> PeriodicTaskRow:
    async with db.uow() as uow:
        return (await uow.session.execute(select(PeriodicTaskRow))).scalar_one()


async def test_replicas_ticking_at_once_run_the_task_once(db: Database) -> None:
    task, now = counting([]), utcnow()
    taken = await asyncio.gather(*(claim(db, TABLE, task, now) for _ in range(6)))
    assert sorted(taken) == [False] * 5 + [True]


async def test_the_task_runs_again_only_after_its_interval(db: Database) -> None:
    runs: list[datetime] = []
    task, start = counting(runs), utcnow()
    assert await run_if_due(db, TABLE, task, start) == 3
    assert await run_if_due(db, TABLE, task, start + HOUR / 2) is None
    assert await run_if_due(db, TABLE, task, start + HOUR) == 3
    assert runs == [start, start + HOUR]
    kept = await row(db)
    assert (kept.last_units, kept.last_error, as_utc(kept.next_run_at)) == (3, None, start + 2 * HOUR)


async def test_a_failed_run_is_kept_and_tried_at_the_next_interval(db: Database) -> None:
    runs: list[datetime] = []
    start = utcnow()
    assert await run_if_due(db, TABLE, counting(runs, fail=True), start) is None
    assert (await row(db)).last_error == "RuntimeError: the work broke"
    assert await run_if_due(db, TABLE, counting(runs), start + HOUR) == 3
    assert (await row(db)).last_error is None
    assert len(runs) == 2


async def test_two_runners_run_a_due_task_once(db: Database) -> None:
    runs: list[datetime] = []
    task = counting(runs, hold=0.2)
    runners = [PeriodicRunner(db, TABLE, [task], tick=0.05) for _ in range(2)]
    for runner in runners:
        runner.start()
    await asyncio.sleep(0.6)
    for runner in runners:
        await runner.stop()
    assert len(runs) == 1
