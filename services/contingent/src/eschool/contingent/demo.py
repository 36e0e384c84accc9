"""The demo region's tree, years and classes (``make run`` only), loaded through the same use cases as
the API, so their events reach identity and every other service as real ones would.

The ids are the demo's fixed ones (``eschool.common.demo``): identity's demo accounts are bound to them.
Loading is idempotent: ``make run`` starts many times over the same SQLite files.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from eschool.common.auth import Principal, Role, RoleBinding
from eschool.common.db import UnitOfWork
from eschool.common.demo import MUNICIPALITY_ID, REGION_ID, SCHOOL_ID, demo_id
from eschool.common.service import ServiceRuntime
from eschool.contingent.db.models import AcademicYear, SchoolClass
from eschool.contingent.domain.classes import ClassCard
from eschool.contingent.services.classes import create_class
from eschool.contingent.services.org import OrgUnitDraft, register_org_unit
from eschool.contingent.services.years import set_up_year
from eschool.contingent.settings import ContingentSettings

# The loader acts as the region's ministry would.
DEMO_ACTOR = Principal(
    user_id=None,
    person_id=None,
    client_id="demo-loader",
    bindings=(RoleBinding(Role.ministry, REGION_ID),),
    scopes=frozenset(),
)
LETTERS = ("А", "Б")
GRADES = range(1, 12)
DEMO_TEACHER = demo_id("person:teacher")
REGION_NAME = "Министерство образования демонстрационной области"
MUNICIPALITY_NAME = "Управление образования Демо-района"


@dataclass(frozen=True)
class DemoSchool:
    """A school of the demo municipality."""

    school_id: uuid.UUID
    full_name: str
    short_name: str
    inn: str
    ogrn: str


MBOU = "Муниципальное бюджетное общеобразовательное учреждение"
DEMO_SCHOOLS = (
    DemoSchool(SCHOOL_ID, f"{MBOU} «Средняя школа № 1»", "СШ № 1", "3301000017", "1023300000019"),
    DemoSchool(demo_id("org:school:2"), f"{MBOU} «Лицей № 2»", "Лицей № 2", "3301000024", "1023300000020"),
    DemoSchool(
        demo_id("org:school:3"), f"{MBOU} «Гимназия № 3»", "Гимназия № 3", "3301000031", "1023300000030"
    ),
)


def school_year_of(day: date) -> str:
    """The name of the academic year ``day`` falls in (it turns on 1 September)."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}/{first + 1}"


async def load_demo_region(runtime: ServiceRuntime) -> None:
    """Register what is missing of the demo tree, this academic year and its classes."""
    settings = runtime.settings
    assert isinstance(settings, ContingentSettings)
    if not settings.demo_data:
        return
    zone = settings.default_time_zone
    async with runtime.database.uow() as uow:
        await _unit(uow, REGION_ID, "region", None, {"full_name": REGION_NAME}, zone)
        await _unit(uow, MUNICIPALITY_ID, "municipality", REGION_ID, {"full_name": MUNICIPALITY_NAME}, zone)
        for school in DEMO_SCHOOLS:
            card = {"full_name": school.full_name, "short_name": school.short_name}
            card |= {"inn": school.inn, "ogrn": school.ogrn}
            await _unit(uow, school.school_id, "school", MUNICIPALITY_ID, card, zone)
    for school in DEMO_SCHOOLS:
        async with runtime.database.uow() as uow:
            year = await _year(uow, school.school_id, school_year_of(date.today()))
            await _classes(uow, school.school_id, year)
            await uow.commit()


async def _unit(
    uow: UnitOfWork,
    org_unit_id: uuid.UUID,
    kind: str,
    parent_id: uuid.UUID | None,
    card: dict[str, str | None],
    zone: str,
) -> None:
    card = {"short_name": card["full_name"], **card, "time_zone": zone}
    draft = OrgUnitDraft(kind, parent_id, card, org_unit_id=org_unit_id)
    await register_org_unit(uow, draft, actor=DEMO_ACTOR, default_time_zone=zone)


async def _year(uow: UnitOfWork, school_id: uuid.UUID, name: str) -> uuid.UUID:
    found = await uow.session.execute(
        select(AcademicYear.academic_year_id).where(
            AcademicYear.school_id == school_id, AcademicYear.name == name
        )
    )
    if (year_id := found.scalar_one_or_none()) is not None:
        return year_id
    year = await set_up_year(uow, school_id, name, actor=DEMO_ACTOR)
    return year.academic_year_id


async def _classes(uow: UnitOfWork, school_id: uuid.UUID, year_id: uuid.UUID) -> None:
    existing = await uow.session.execute(
        select(SchoolClass.grade, SchoolClass.letter).where(SchoolClass.academic_year_id == year_id)
    )
    have = {(row.grade, row.letter) for row in existing}
    for grade in GRADES:
        for letter in LETTERS:
            if (grade, letter) in have:
                continue
            # The demo teacher leads 5 А of the first school, as identity's demo binding says.
            leads = school_id == SCHOOL_ID and (grade, letter) == (5, "А")
            await create_class(
                uow,
                school_id,
                year_id,
                ClassCard(grade=grade, letter=letter),
                actor=DEMO_ACTOR,
                class_teacher_person_id=DEMO_TEACHER if leads else None,
            )


DEMO_LINES = (
    "demo region: one municipality, schools «СШ № 1», «Лицей № 2», «Гимназия № 3», classes 1 А to 11 Б "
    "of this academic year",
)
