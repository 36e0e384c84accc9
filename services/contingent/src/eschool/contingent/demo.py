"""The demo region (``make run`` only): its tree, this academic year, each school's staff and classes,
and the classes' pupils with their parents (who they are: ``demo_people``), and next year's first grade
(``demo_next_year``), loaded through the same use cases as the API, so their events reach identity and
every other service as real ones would.

The ids are the demo's fixed ones (``eschool.common.demo``): identity's demo accounts are bound to them.
Loading is idempotent: ``make run`` starts many times over the same SQLite files. A class is loaded in one
transaction, as an import is (a few thousand rows in a few seconds, not a commit per row), and a class
that has pupils is taken as loaded: a start stopped halfway completes on the next one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from eschool.common.aio import BackgroundWork, background_of
from eschool.common.auth import Principal, Role, RoleBinding
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.demo import MUNICIPALITY_ID, REGION_ID, SCHOOL_ID, demo_id, demo_term_scheme_id
from eschool.common.logging import get_logger
from eschool.common.service import ServiceRuntime
from eschool.contingent.db.models import SchoolClass
from eschool.contingent.db.people import ENROLLED, People, Person, SnilsKeys
from eschool.contingent.db.staff import Staff
from eschool.contingent.demo_next_year import demo_year, load_next_year
from eschool.contingent.demo_people import (
    FixedPerson,
    PupilPlan,
    StaffPlan,
    class_pupils,
    fixed_people,
    school_staff,
)
from eschool.contingent.demo_subgroups import divide_demo_class
from eschool.contingent.domain.classes import ClassCard
from eschool.contingent.domain.people import PersonCard, form_digest
from eschool.contingent.services.classes import assign_class_teacher, create_class
from eschool.contingent.services.guardians import GuardianForm, add_link
from eschool.contingent.services.org import OrgUnitDraft, register_org_unit
from eschool.contingent.services.people import Pupil, person_for, today_in
from eschool.contingent.services.pupils import add_enrolment, check_form, class_to_enrol_into
from eschool.contingent.services.staff import hire_staff
from eschool.contingent.settings import ContingentSettings

# The loader acts as the region's ministry would.
DEMO_ACTOR = Principal(
    user_id=None,
    person_id=None,
    client_id="demo-loader",
    bindings=(RoleBinding(Role.ministry, REGION_ID),),
    scopes=frozenset(),
)
CLASSES = tuple((grade, letter) for grade in range(1, 12) for letter in ("А", "Б"))
# Many a town school fills its classes above the standard 25.
DEMO_CLASS_SIZE = 30
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


log = get_logger(__name__)


def school_year_of(day: date) -> str:
    """The name of the academic year ``day`` falls in (it turns on 1 September)."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}/{first + 1}"


async def load_demo_region(runtime: ServiceRuntime) -> None:
    """Register what is missing of the demo tree, this academic year, its staff, classes and pupils."""
    settings = runtime.settings
    assert isinstance(settings, ContingentSettings)
    if not settings.demo_data:
        return
    zone = settings.default_time_zone
    first_year = int(school_year_of(date.today())[:4])
    async with runtime.database.uow() as uow:
        await _unit(uow, REGION_ID, "region", None, {"full_name": REGION_NAME}, zone)
        await _unit(uow, MUNICIPALITY_ID, "municipality", REGION_ID, {"full_name": MUNICIPALITY_NAME}, zone)
        for school in DEMO_SCHOOLS:
            card = {"full_name": school.full_name, "short_name": school.short_name}
            card |= {"inn": school.inn, "ogrn": school.ogrn}
            await _unit(uow, school.school_id, "school", MUNICIPALITY_ID, card, zone)
        await _fixed_people(uow, fixed_people(first_year), SnilsKeys.of(settings))
        await uow.commit()
    # Next year's first grade, for enrolment's first-grade campaign: a few rows, before the long part.
    await load_next_year(runtime, (school.school_id for school in DEMO_SCHOOLS), first_year, actor=DEMO_ACTOR)
    # The first school, where the demo accounts work, before the service answers; the other two after,
    # so that make run is up in seconds. Stopped half-way, the next start completes them (idempotent).
    await load_demo_school(runtime, 1, DEMO_SCHOOLS[0].school_id, first_year)
    _rest(runtime).start(_load_the_rest(runtime, first_year))


async def _load_the_rest(runtime: ServiceRuntime, first_year: int) -> None:
    for school_no, school in enumerate(DEMO_SCHOOLS[1:], start=2):
        await load_demo_school(runtime, school_no, school.school_id, first_year)
        if _stopping(runtime):
            return
    log.info("contingent.demo.loaded", schools=len(DEMO_SCHOOLS))


async def stop_demo_loading(runtime: ServiceRuntime) -> None:
    """At stop: the background loading of the demo's other schools ends between its transactions."""
    await _rest(runtime).stop()


def _rest(runtime: ServiceRuntime) -> BackgroundWork:
    """The loading of the demo's schools after the first, in the background."""
    return background_of(runtime, "contingent_demo")


def _stopping(runtime: ServiceRuntime) -> bool:
    """Whether the service is stopping: the demo's loading ends at its next unit of work."""
    return _rest(runtime).stopping


async def demo_loaded(runtime: ServiceRuntime) -> None:
    """Wait until the background part of the demo is in (tests, tools)."""
    await _rest(runtime).finished()


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


async def load_demo_school(
    runtime: ServiceRuntime, school_no: int, school_id: uuid.UUID, first_year: int
) -> None:
    """The school's year, staff, classes (each with its class teacher) and pupils with their parents."""
    settings = runtime.settings
    assert isinstance(settings, ContingentSettings)
    keys, actor = SnilsKeys.of(settings), _school_admin(school_id)
    async with runtime.database.uow() as uow:
        year_id = await demo_year(uow, school_id, f"{first_year}/{first_year + 1}", actor=DEMO_ACTOR)
        await uow.commit()
    async with runtime.database.uow() as uow:
        classes = await _classes_of(uow, year_id)
        hired = len(await Staff(uow.session).of_school(school_id, include_dismissed=True))
    plans = school_staff(school_no, CLASSES)
    # Only a staff hired just now leads the classes left without one (an older demo's): a class teacher
    # taken off by hand stays so, and a dismissed member is not hired again.
    fill = hired < len(plans)
    if fill:
        for plan in plans:
            if _stopping(runtime):
                return
            async with runtime.database.uow() as uow:
                await hire_staff(uow, school_id, plan.form, actor=actor, keys=keys)
    if fill or len(classes) < len(CLASSES):
        async with runtime.database.uow() as uow:
            teachers = await _class_teachers(uow, plans, keys)
            scheme = demo_term_scheme_id(school_id, f"{first_year}/{first_year + 1}")
            await _place_classes(uow, school_id, year_id, classes, teachers, fill=fill, scheme=scheme)
            await uow.commit()
            classes = await _classes_of(uow, year_id)
    for (grade, letter), (class_id, _) in sorted(classes.items()):
        if _stopping(runtime):
            return
        pupils = class_pupils(school_no, first_year, grade, letter)
        await _enrol_class(runtime, class_id, pupils, actor=actor, keys=keys)
        await divide_demo_class(runtime, class_id, actor=actor)


async def _classes_of(
    uow: UnitOfWork, year_id: uuid.UUID
) -> dict[tuple[int, str], tuple[uuid.UUID, uuid.UUID | None]]:
    """The year's classes: (grade, letter) to (class id, class teacher)."""
    rows = await uow.session.execute(
        select(
            SchoolClass.grade, SchoolClass.letter, SchoolClass.class_id, SchoolClass.class_teacher_person_id
        ).where(SchoolClass.academic_year_id == year_id)
    )
    return {(r.grade, r.letter): (r.class_id, r.class_teacher_person_id) for r in rows}


async def _class_teachers(
    uow: UnitOfWork, plans: list[StaffPlan], keys: SnilsKeys
) -> dict[tuple[int, str], uuid.UUID]:
    """The persons hired to lead the classes, found by their SNILS: (grade, letter) to person id."""
    people, teachers = People(uow.session), {}
    for plan in plans:
        if plan.leads is not None and plan.form.snils is not None:
            person = await people.by_snils_hash(keys.protect(plan.form.snils).hash)
            if person is not None:
                teachers[plan.leads] = person.person_id
    return teachers


async def _place_classes(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    year_id: uuid.UUID,
    classes: dict[tuple[int, str], tuple[uuid.UUID, uuid.UUID | None]],
    teachers: dict[tuple[int, str], uuid.UUID],
    *,
    fill: bool,
    scheme: uuid.UUID,
) -> None:
    """Create the missing classes with their class teachers, on the demo's term scheme (scheduling's, by
    its fixed id); ``fill``: give a class teacher to those without."""
    for grade, letter in CLASSES:
        teacher = teachers.get((grade, letter))
        if (grade, letter) not in classes:
            card = ClassCard(grade=grade, letter=letter, term_scheme_id=scheme, max_size=DEMO_CLASS_SIZE)
            await create_class(
                uow, school_id, year_id, card, actor=DEMO_ACTOR, class_teacher_person_id=teacher
            )
        elif fill and classes[(grade, letter)][1] is None and teacher is not None:
            await assign_class_teacher(uow, classes[(grade, letter)][0], teacher, actor=DEMO_ACTOR)


async def _enrol_class(
    runtime: ServiceRuntime, class_id: uuid.UUID, plans: list[PupilPlan], *, actor: Principal, keys: SnilsKeys
) -> None:
    """Enrol the class's pupils by ``add_enrolment`` and link their parents, in one transaction as an
    import does; a class that has pupils was loaded on an earlier start."""
    async with runtime.database.uow() as uow:
        school_class, year, school = await class_to_enrol_into(uow, class_id, actor=actor)
        people = People(uow.session)
        if await people.class_size(class_id):
            return
        today, now = today_in(school), utcnow()
        families: list[tuple[Pupil, Person, GuardianForm]] = []
        for plan in plans[: school_class.max_size]:
            # A demo pupil still enrolled from an earlier year's demo stays where they are.
            if plan.person_id is not None and await _still_enrolled(people, plan.person_id):
                continue
            card, enrolment, digits = check_form(plan.form, year, today)
            snils = keys.protect(digits) if digits else None
            digest = form_digest(class_id, card, enrolment, snils.hash if snils else None)
            pupil = await add_enrolment(uow, school_class, card, enrolment, snils, digest=digest, actor=actor)
            for form in plan.guardians:
                # The demo family's parents are looked up by SNILS; generated parents are new persons
                # (their demo SNILS unique by construction), written together: one insert, not one each.
                if plan.person_id is not None:
                    guardian_snils = keys.protect(form.snils) if form.snils else None
                    guardian = await person_for(uow, form.person, guardian_snils, now=now)
                else:
                    guardian = _person_row(uuid.uuid4(), form.person, form.snils, keys, now)
                families.append((pupil, guardian, form))
        uow.session.add_all(guardian for _, guardian, _ in families)
        await uow.session.flush()
        for pupil, guardian, form in families:
            _link(uow, pupil, guardian, form.kind, actor=actor, now=now)
        await uow.commit()


async def _still_enrolled(people: People, person_id: uuid.UUID) -> bool:
    enrolment = await people.current_enrolment(person_id)
    return enrolment is not None and enrolment.status == ENROLLED


def _link(
    uow: UnitOfWork, pupil: Pupil, guardian: Person, kind: str, *, actor: Principal, now: datetime
) -> None:
    """``link_guardian``'s link and event, for a pupil enrolled just now (no guardian yet)."""
    add_link(
        uow,
        pupil.person.person_id,
        pupil.enrolment.school_id,
        guardian,
        kind,
        actor_user_id=actor.user_id,
        now=now,
    )


async def _fixed_people(uow: UnitOfWork, people: tuple[FixedPerson, ...], keys: SnilsKeys) -> None:
    """Write the demo accounts' persons that are missing, under their fixed ids, with their SNILS."""
    now = utcnow()
    for fixed in people:
        if await uow.session.get(Person, fixed.person_id) is None:
            uow.session.add(_person_row(fixed.person_id, fixed.card, fixed.snils, keys, now))


def _person_row(
    person_id: uuid.UUID, card: PersonCard, snils: str | None, keys: SnilsKeys, now: datetime
) -> Person:
    """A new person as ``person_for`` writes one, from a card already in its checked form."""
    protected = keys.protect(snils) if snils else None
    return Person(
        person_id=person_id,
        last_name=card.name.last_name,
        first_name=card.name.first_name,
        middle_name=card.name.middle_name,
        birth_date=card.birth_date,
        sex=card.sex,
        citizenship=card.citizenship,
        snils_hash=protected and protected.hash,
        snils_ciphertext=protected and protected.ciphertext,
        snils_tail=protected and protected.tail,
        created_at=now,
        updated_at=now,
        version=1,
    )


def _school_admin(school_id: uuid.UUID) -> Principal:
    """The loader as the school's administration: it enrols pupils, links parents and hires staff."""
    binding = RoleBinding(Role.school_admin, school_id)
    return Principal(
        user_id=None, person_id=None, client_id="demo-loader", bindings=(binding,), scopes=frozenset()
    )


DEMO_LINES = (
    "demo region: one municipality, schools «СШ № 1», «Лицей № 2», «Гимназия № 3», classes 1 А to 11 Б "
    "of this academic year, 22-27 pupils a class with their parents, each school's staff, classes 2 to 11 "
    "divided in two for English; next academic year set up with its first grade, 1 А and 1 Б",
)
