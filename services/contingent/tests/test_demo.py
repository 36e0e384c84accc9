"""The demo region: loaded by make run through the real use cases, the same ids as identity's, idempotent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import func, select

from eschool.common.bus.memory import MemoryTransport
from eschool.common.demo import MUNICIPALITY_ID, REGION_ID, SCHOOL_ID
from eschool.common.service import ServiceRuntime
from eschool.contingent.app import service
from eschool.contingent.db.models import OrgUnit, SchoolClass
from eschool.contingent.demo import DEMO_TEACHER, school_year_of
from eschool.contingent.settings import ContingentSettings

from .conftest import published


async def start(tmp_path: Path) -> ServiceRuntime:
    settings = ContingentSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'contingent.db'}",
        bus_url="memory://",
        demo_data=True,
        secret_key=SecretStr("test-secret"),
    )
    runtime = ServiceRuntime(service, settings, transport=MemoryTransport(), run_relay=False)
    await runtime.start()
    return runtime


def test_the_academic_year_turns_on_the_first_of_september() -> None:
    assert school_year_of(date(2026, 8, 31)) == "2025/2026"
    assert school_year_of(date(2026, 9, 1)) == "2026/2027"


async def test_the_demo_tree_and_classes_load_once(tmp_path: Path) -> None:
    for _ in range(2):  # make run started twice: nothing twice
        runtime = await start(tmp_path)
        try:
            async with runtime.database.uow() as uow:
                units = {
                    row.org_unit_id: row.kind
                    for row in (await uow.session.execute(select(OrgUnit))).scalars()
                }
                classes = (await uow.session.execute(select(func.count()).select_from(SchoolClass))).scalar()
                led = (
                    await uow.session.execute(
                        select(SchoolClass.grade, SchoolClass.letter).where(
                            SchoolClass.class_teacher_person_id == DEMO_TEACHER
                        )
                    )
                ).all()
            registered = await published(runtime, "contingent.org_unit.registered.v1")
        finally:
            await runtime.stop()
        assert units[REGION_ID] == "region"
        assert units[MUNICIPALITY_ID] == "municipality"
        assert units[SCHOOL_ID] == "school"
        assert sorted(units.values()).count("school") == 3
        assert classes == 3 * 11 * 2
        assert [(r.grade, r.letter) for r in led] == [(5, "А")]
        assert len(registered) == 5, "each unit announced once, on the first start only"
