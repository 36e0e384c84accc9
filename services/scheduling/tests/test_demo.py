"""The demo calendar: once contingent's demo years arrive, each demo school gets its quarters with
vacations and public holidays, through the real use cases; a restart adds nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from eschool.common.bus.memory import MemoryTransport
from eschool.common.demo import SCHOOL_IDS, academic_year_name
from eschool.common.events.contingent import AcademicYearSetUpV1
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import deliverer
from eschool.common.testing.service import published
from eschool.scheduling.app import service
from eschool.scheduling.db.calendar import Holiday, Term, TermScheme
from eschool.scheduling.db.models import Base
from eschool.scheduling.demo import DEMO_SCHEME, demo_loaded
from eschool.scheduling.settings import SchedulingSettings


async def start(tmp_path: Path) -> ServiceRuntime:
    settings = SchedulingSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'scheduling.db'}",
        bus_url="memory://",
        demo_data=True,
        demo_wait_s=2.0,  # no classes arrive here: the timetable phase gives up soon
    )
    runtime = ServiceRuntime(service, settings, transport=MemoryTransport(), run_relay=False)
    await runtime.start()
    return runtime


def demo_years() -> list[AcademicYearSetUpV1]:
    name = academic_year_name(date.today())
    first = int(name[:4])
    return [
        AcademicYearSetUpV1(
            academic_year_id=uuid.uuid4(),
            school_id=school_id,
            name=name,
            starts_on=date(first, 9, 1),
            ends_on=date(first + 1, 8, 31),
            occurred_at=datetime(first, 6, 1, tzinfo=UTC),
        )
        for school_id in SCHOOL_IDS
    ]


async def table_counts(runtime: ServiceRuntime, *tables: type[Base]) -> dict[str, int]:
    """Rows per table."""
    async with runtime.database.uow() as uow:
        return {
            table.__tablename__: await uow.session.scalar(select(func.count()).select_from(table)) or 0
            for table in tables
        }


async def counts(runtime: ServiceRuntime) -> dict[str, int]:
    return await table_counts(runtime, TermScheme, Term, Holiday)


async def test_each_demo_school_gets_its_calendar_once(tmp_path: Path) -> None:
    runtime = await start(tmp_path)
    try:
        await deliverer(runtime)(*demo_years())
        await demo_loaded(runtime)
        loaded = await counts(runtime)
        async with runtime.database.uow() as uow:
            names = set((await uow.session.execute(select(TermScheme.name))).scalars())
        saved = await published(runtime, "scheduling.term_scheme.saved.v1")
    finally:
        await runtime.stop()
    assert names == {DEMO_SCHEME}
    assert loaded["term_scheme"] == 3
    assert loaded["term"] == 12
    assert loaded["holiday"] >= 3 * (3 + 6)  # three vacations and the public holidays of the year
    assert {e["school_id"] for e in saved} == {str(s) for s in SCHOOL_IDS}
    runtime = await start(tmp_path)
    try:
        await demo_loaded(runtime)
        assert await counts(runtime) == loaded
    finally:
        await runtime.stop()
