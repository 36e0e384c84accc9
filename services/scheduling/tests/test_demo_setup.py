"""The demo school setup: once contingent's demo years arrive, each demo school teaches the catalogue's
subjects, has 25 rooms and a «1 смена» in this year; a restart adds nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from eschool.common.demo import SCHOOL_IDS
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import deliverer
from eschool.scheduling.db.bells import BellSchedule
from eschool.scheduling.db.rooms import Room
from eschool.scheduling.db.subjects import SchoolSubject, Subject
from eschool.scheduling.demo import demo_loaded
from eschool.scheduling.demo_setup import DEMO_BELLS
from eschool.scheduling.domain.subjects import CATALOGUE

from .test_demo import demo_years, start


async def counts(runtime: ServiceRuntime) -> dict[str, int]:
    async with runtime.database.uow() as uow:
        return {
            table.__tablename__: await uow.session.scalar(select(func.count()).select_from(table)) or 0
            for table in (Subject, SchoolSubject, Room, BellSchedule)
        }


async def test_each_demo_school_gets_subjects_rooms_and_bells_once(tmp_path: Path) -> None:
    runtime = await start(tmp_path)
    try:
        await deliverer(runtime)(*demo_years())
        await demo_loaded(runtime)
        loaded = await counts(runtime)
        async with runtime.database.uow() as uow:
            names = set((await uow.session.execute(select(BellSchedule.name))).scalars())
    finally:
        await runtime.stop()
    schools = len(SCHOOL_IDS)
    assert names == {DEMO_BELLS}
    assert loaded == {
        "subject": len(CATALOGUE),
        "school_subject": schools * len(CATALOGUE),
        "room": schools * 25,
        "bell_schedule": schools,
    }
    runtime = await start(tmp_path)
    try:
        await demo_loaded(runtime)
        assert await counts(runtime) == loaded
    finally:
        await runtime.stop()
