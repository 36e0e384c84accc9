"""The demo region: loaded by make run through the real use cases, the same ids as identity's, idempotent;
next year set up beside this one with its first grade only."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from pydantic import SecretStr
from sqlalchemy import func, select

from eschool.common.bus.memory import MemoryTransport
from eschool.common.bus.tables import outbox_message
from eschool.common.demo import MUNICIPALITY_ID, REGION_ID, SCHOOL_ID
from eschool.common.service import ServiceRuntime
from eschool.contingent.app import service
from eschool.contingent.db.models import AcademicYear, OrgUnit, SchoolClass
from eschool.contingent.db.people import ENROLLED, GuardianLink, Person, PupilEnrolment
from eschool.contingent.db.staff import StaffEmployment
from eschool.contingent.db.subgroups import Subgroup, SubgroupMembership
from eschool.contingent.demo import CLASSES, DEMO_SCHOOLS, demo_loaded, school_year_of
from eschool.contingent.demo_next_year import NEXT_YEAR_CLASSES
from eschool.contingent.demo_people import (
    DEMO_DIRECTOR,
    DEMO_GUARDIAN,
    DEMO_PUPIL,
    DEMO_SCHOOL_ADMIN,
    DEMO_TEACHER,
    class_pupils,
    fixed_people,
    school_staff,
)
from eschool.contingent.settings import ContingentSettings

from .conftest import published, school_today

# The test schools' zone (the region's default): near midnight UTC their today is a day ahead.
TABLES = (
    AcademicYear,
    Person,
    PupilEnrolment,
    GuardianLink,
    StaffEmployment,
    SchoolClass,
    OrgUnit,
    Subgroup,
    SubgroupMembership,
)


async def start(tmp_path: Path) -> ServiceRuntime:
    settings = ContingentSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'contingent.db'}",
        bus_url="memory://",
        demo_data=True,
        secret_key=SecretStr("test-secret"),
    )
    runtime = ServiceRuntime(service, settings, transport=MemoryTransport(), run_relay=False)
    await runtime.start()
    await demo_loaded(runtime)  # the other schools load in the background after the start
    return runtime


def year_named(offset: int = 0) -> Any:
    """The demo's academic years named as this one (``offset`` 1: the next one), to select classes by."""
    first = int(school_year_of(date.today())[:4]) + offset
    return select(AcademicYear.academic_year_id).where(AcademicYear.name == f"{first}/{first + 1}")


def this_years_classes() -> Any:
    """Only this year's classes: next year has its first grade alone, with nobody in it yet."""
    return SchoolClass.academic_year_id.in_(year_named())


async def counts(runtime: ServiceRuntime) -> dict[str, int]:
    async with runtime.database.uow() as uow:
        found = {
            table.__tablename__: await uow.session.scalar(select(func.count()).select_from(table))
            for table in TABLES
        }
    return {**found, "events": len(await published(runtime))}


@pytest_asyncio.fixture(scope="module")
async def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[dict[str, int], ServiceRuntime]]:
    """The demo loaded by a first start, and a second start over the same files (make run twice)."""
    path = tmp_path_factory.mktemp("demo")
    first = await start(path)
    try:
        loaded = await counts(first)
    finally:
        await first.stop()
    runtime = await start(path)
    try:
        yield loaded, runtime
    finally:
        await runtime.stop()


def test_the_academic_year_turns_on_the_first_of_september() -> None:
    assert school_year_of(date(2026, 8, 31)) == "2025/2026"
    assert school_year_of(date(2026, 9, 1)) == "2026/2027"


async def test_a_second_start_adds_nothing(demo: tuple[dict[str, int], ServiceRuntime]) -> None:
    loaded, runtime = demo
    assert await counts(runtime) == loaded
    assert len(await published(runtime, "contingent.org_unit.registered.v1")) == 5, "each unit once"


async def test_the_tree_has_three_schools_with_classes_1_to_11(
    demo: tuple[dict[str, int], ServiceRuntime],
) -> None:
    _, runtime = demo
    async with runtime.database.uow() as uow:
        units = {row.org_unit_id: row.kind for row in (await uow.session.scalars(select(OrgUnit)))}
        classes = (
            await uow.session.execute(
                select(SchoolClass.school_id, SchoolClass.grade).where(this_years_classes())
            )
        ).all()
    assert (units[REGION_ID], units[MUNICIPALITY_ID], units[SCHOOL_ID]) == (
        "region",
        "municipality",
        "school",
    )
    assert list(units.values()).count("school") == 3
    assert Counter(school for school, _ in classes) == {s.school_id: len(CLASSES) for s in DEMO_SCHOOLS}
    assert {grade for _, grade in classes} == set(range(1, 12))


async def test_every_class_has_about_25_pupils_each_with_one_or_two_parents(
    demo: tuple[dict[str, int], ServiceRuntime],
) -> None:
    _, runtime = demo
    async with runtime.database.uow() as uow:
        pupils = (await uow.session.execute(select(PupilEnrolment.class_id, PupilEnrolment.person_id))).all()
        links = (await uow.session.execute(select(GuardianLink.pupil_person_id, GuardianLink.kind))).all()
        classes = set(
            (await uow.session.scalars(select(SchoolClass.class_id).where(this_years_classes()))).all()
        )
    per_class = Counter(class_id for class_id, _ in pupils)
    assert set(per_class) == classes
    assert all(22 <= size <= 27 for size in per_class.values()), per_class
    per_pupil = Counter(pupil for pupil, _ in links)
    assert set(per_pupil) == {person for _, person in pupils}
    assert set(per_pupil.values()) == {1, 2}
    assert {kind for _, kind in links} == {"mother", "father"}
    assert len(await published(runtime, "contingent.pupil.enrolled.v1")) == len(pupils)
    assert len(await published(runtime, "contingent.guardian.linked.v1")) == len(links)


async def test_every_class_teacher_is_on_the_staff_with_a_director(
    demo: tuple[dict[str, int], ServiceRuntime],
) -> None:
    _, runtime = demo
    async with runtime.database.uow() as uow:
        led = (
            await uow.session.execute(
                select(SchoolClass.school_id, SchoolClass.class_teacher_person_id).where(this_years_classes())
            )
        ).all()
        staff = (
            await uow.session.execute(
                select(StaffEmployment.school_id, StaffEmployment.person_id, StaffEmployment.position)
            )
        ).all()
    employed = {(school, person) for school, person, _ in staff}
    assert all(teacher is not None and (school, teacher) in employed for school, teacher in led)
    assert len({teacher for _, teacher in led}) == len(led), "one class each"
    for school in DEMO_SCHOOLS:
        positions = [position for at, _, position in staff if at == school.school_id]
        assert positions.count("Директор") == 1
        assert len(positions) > len(CLASSES) + 2, "subject teachers besides the class teachers"


async def test_the_demo_accounts_people_are_where_identity_says(
    demo: tuple[dict[str, int], ServiceRuntime],
) -> None:
    _, runtime = demo
    async with runtime.database.uow() as uow:
        pupil = await uow.session.scalar(
            select(PupilEnrolment).where(
                PupilEnrolment.person_id == DEMO_PUPIL, PupilEnrolment.status == ENROLLED
            )
        )
        assert pupil is not None
        demo_class = await uow.session.get(SchoolClass, pupil.class_id)
        mother = await uow.session.scalar(
            select(GuardianLink.kind).where(
                GuardianLink.pupil_person_id == DEMO_PUPIL, GuardianLink.guardian_person_id == DEMO_GUARDIAN
            )
        )
        led = (
            await uow.session.execute(
                select(SchoolClass.grade, SchoolClass.letter).where(
                    SchoolClass.class_teacher_person_id == DEMO_TEACHER
                )
            )
        ).all()
        staff = set(
            (
                await uow.session.scalars(
                    select(StaffEmployment.person_id).where(StaffEmployment.school_id == SCHOOL_ID)
                )
            ).all()
        )
    assert demo_class is not None
    assert (pupil.school_id, demo_class.grade, demo_class.letter) == (SCHOOL_ID, 5, "А")
    assert demo_class.class_teacher_person_id == DEMO_TEACHER
    assert mother == "mother"
    assert [(r.grade, r.letter) for r in led] == [(5, "А")]
    assert {DEMO_TEACHER, DEMO_DIRECTOR, DEMO_SCHOOL_ADMIN} <= staff


async def test_no_snils_appears_in_clear_in_the_outbox(demo: tuple[dict[str, int], ServiceRuntime]) -> None:
    _, runtime = demo
    first_year = int(school_year_of(school_today())[:4])
    numbers = {person.snils for person in fixed_people(first_year)}
    for school_no in range(1, len(DEMO_SCHOOLS) + 1):
        numbers |= {plan.form.snils for plan in school_staff(school_no, CLASSES) if plan.form.snils}
        for grade, letter in CLASSES:
            for plan in class_pupils(school_no, first_year, grade, letter):
                numbers |= {f.snils for f in (plan.form, *plan.guardians) if f.snils}
    async with runtime.database.uow() as uow:
        envelopes = (await uow.session.scalars(select(outbox_message.c.envelope))).all()
        hashed = await uow.session.scalar(
            select(func.count()).select_from(Person).where(Person.snils_hash.is_not(None))
        )
    assert (hashed or 0) > 1000, "many people have a SNILS"
    assert len(numbers) >= (hashed or 0), "every SNILS stored is one of the demo's"
    text = "\n".join(json.dumps(envelope) for envelope in envelopes)
    assert not [number for number in numbers if number in text or number[:9] in text]


async def test_classes_2_to_11_are_divided_in_two_for_english(
    demo: tuple[dict[str, int], ServiceRuntime],
) -> None:
    _, runtime = demo
    async with runtime.database.uow() as uow:
        groups = (await uow.session.execute(select(Subgroup.class_id, Subgroup.subgroup_id))).all()
        stays = (await uow.session.execute(select(SubgroupMembership.subgroup_id))).scalars().all()
        pupils = await uow.session.scalar(
            select(func.count())
            .select_from(PupilEnrolment)
            .join(SchoolClass, SchoolClass.class_id == PupilEnrolment.class_id)
            .where(PupilEnrolment.status == ENROLLED, SchoolClass.grade >= 2)
        )
    divided = {class_id for class_id, _ in groups}
    assert len(groups) == 2 * len(divided) == 2 * len(DEMO_SCHOOLS) * sum(1 for g, _ in CLASSES if g >= 2)
    assert len(stays) == pupils  # every pupil of grades 2 to 11 in one of their class's two groups
    assert all(stays.count(subgroup_id) >= 10 for _, subgroup_id in groups)


async def test_next_year_is_set_up_once_in_each_school_with_1a_and_1b_empty(
    demo: tuple[dict[str, int], ServiceRuntime],
) -> None:
    _, runtime = demo
    async with runtime.database.uow() as uow:
        years = (await uow.session.scalars(year_named(1))).all()
        classes = (
            await uow.session.scalars(select(SchoolClass).where(SchoolClass.academic_year_id.in_(years)))
        ).all()
        pupils = await uow.session.scalar(
            select(func.count())
            .select_from(PupilEnrolment)
            .where(PupilEnrolment.class_id.in_([c.class_id for c in classes]))
        )
    assert len(years) == len(DEMO_SCHOOLS), "one next year a school, after two starts"
    per_school = Counter(c.school_id for c in classes)
    assert per_school == {s.school_id: len(NEXT_YEAR_CLASSES) for s in DEMO_SCHOOLS}
    assert {(c.grade, c.letter) for c in classes} == set(NEXT_YEAR_CLASSES)
    assert all(c.max_size == 25 and c.class_teacher_person_id is None for c in classes)
    assert pupils == 0
    first = int(school_year_of(date.today())[:4])
    names = [e["data"]["name"] for e in await published(runtime, "contingent.academic_year.set_up.v1")]
    assert names.count(f"{first + 1}/{first + 2}") == len(DEMO_SCHOOLS), "announced once each"
