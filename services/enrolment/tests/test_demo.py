"""The demo's first-grade campaign: once contingent's schools, next year and its first grade have arrived,
each demo school has its places and applications in every status a school sets (enrolled comes from
contingent's answer), the demo guardian's among them; a second start changes nothing, contingent's
answers included."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date

from sqlalchemy import func, select

from eschool.common.bus.memory import MemoryTransport
from eschool.common.db import utcnow
from eschool.common.demo import DEMO_GUARDIAN_SNILS, MUNICIPALITY_ID, REGION_ID, SCHOOL_IDS
from eschool.common.events import Event
from eschool.common.events.contingent import AcademicYearSetUpV1, ClassSavedV1, PupilEnrolledV1
from eschool.common.service import ServiceRuntime
from eschool.common.snils import normalize_snils, snils_hash
from eschool.common.testing.events import deliverer
from eschool.enrolment.app import service
from eschool.enrolment.db.models import Application, StatusChange
from eschool.enrolment.demo import campaign_year, demo_loaded
from eschool.enrolment.demo_plan import SLOTS
from eschool.enrolment.domain.ranking import first_grade_age_out_of_range
from eschool.enrolment.domain.workflow import Status
from eschool.enrolment.services.places import school_places
from eschool.enrolment.settings import EnrolmentSettings

from .conftest import published, unit_registered

YEAR = campaign_year(utcnow().date())
PER_SCHOOL = Counter(slot.goal for slot in SLOTS)


def year_set_up(school: uuid.UUID, year_id: uuid.UUID, start: int) -> AcademicYearSetUpV1:
    return AcademicYearSetUpV1(
        academic_year_id=year_id,
        school_id=school,
        name=f"{start}/{start + 1}",
        starts_on=date(start, 9, 1),
        ends_on=date(start + 1, 8, 31),
        occurred_at=utcnow(),
    )


def class_saved(school: uuid.UUID, year_id: uuid.UUID, letter: str) -> ClassSavedV1:
    return ClassSavedV1(
        class_id=uuid.uuid4(),
        school_id=school,
        academic_year_id=year_id,
        grade=1,
        letter=letter,
        kind="general",
        profile=None,
        shift=1,
        term_scheme_id=None,
        max_size=25,
        class_teacher_person_id=None,
        occurred_at=utcnow(),
    )


def contingent_demo() -> list[Event]:
    """What contingent's demo publishes that enrolment needs: the tree, and in each school this year's
    first grade (not the campaign's) and next year's, 1 А and 1 Б."""
    events: list[Event] = [
        unit_registered(REGION_ID, "region", None),
        unit_registered(MUNICIPALITY_ID, "municipality", REGION_ID),
        *(unit_registered(school, "school", MUNICIPALITY_ID) for school in SCHOOL_IDS),
    ]
    for school in SCHOOL_IDS:
        this_year, next_year = uuid.uuid4(), uuid.uuid4()
        events += [year_set_up(school, this_year, YEAR - 1), class_saved(school, this_year, "А")]
        events += [year_set_up(school, next_year, YEAR)]
        events += [class_saved(school, next_year, letter) for letter in ("А", "Б")]
    return events


async def start(db_url: str, events: list[Event]) -> ServiceRuntime:
    """Enrolment with demo data on (a make run start), ``events`` delivered before its start hooks run;
    returned once the demo is loaded."""
    settings = EnrolmentSettings(database_url=db_url, bus_url="memory://", demo_data=True)
    runtime = ServiceRuntime(service, settings, transport=MemoryTransport(), run_relay=False)
    await runtime.prepare()
    if events:
        await deliverer(runtime)(*events)
    await runtime.launch()
    await demo_loaded(runtime)
    return runtime


async def applications(runtime: ServiceRuntime) -> list[Application]:
    async with runtime.database.reader() as uow:
        return list((await uow.session.scalars(select(Application))).all())


async def counts(runtime: ServiceRuntime) -> dict[str, object]:
    """How many applications, steps and events there are, and the applications' statuses."""
    async with runtime.database.reader() as uow:
        steps = await uow.session.scalar(select(func.count()).select_from(StatusChange))
    found = await applications(runtime)
    return {
        "applications": len(found),
        "steps": steps,
        "events": len(await published(runtime)),
        "statuses": Counter(Status(a.status) for a in found),
        "by_school": Counter((a.school_id, a.status) for a in found),
    }


async def test_the_demo_opens_the_campaign_with_applications_in_every_status(db_url: str) -> None:
    events = contingent_demo()
    next_years = {
        e.academic_year_id for e in events if isinstance(e, AcademicYearSetUpV1) and e.name[:4] == str(YEAR)
    }
    campaign_classes = {
        e.class_id for e in events if isinstance(e, ClassSavedV1) and e.academic_year_id in next_years
    }
    runtime = await start(db_url, events)
    try:
        found = await applications(runtime)
        async with runtime.database.reader() as uow:
            places = {school: await school_places(uow, school, YEAR) for school in SCHOOL_IDS}
            closing = (
                await uow.session.execute(
                    select(StatusChange.to_status, StatusChange.reason_code).where(
                        StatusChange.to_status.in_([Status.rejected, Status.withdrawn])
                    )
                )
            ).all()
        assigned = await published(runtime, "enrolment.application.assigned_to_class.v1")
    finally:
        await runtime.stop()

    for school in SCHOOL_IDS:
        assert Counter(Status(a.status) for a in found if a.school_id == school) == PER_SCHOOL
        (grade_one,) = places[school]
        assert (grade_one.grade, grade_one.free_places, grade_one.taken) == (1, 50, 4)
    assert set(Status) - {a.status for a in found} == {Status.enrolled}, "enrolled: contingent's answer"
    assert all(a.school_year == YEAR and a.grade == 1 and a.kind == "first_grade" for a in found)
    assert not any(
        a.age_out_of_range or first_grade_age_out_of_range(a.child_birth_date, YEAR) for a in found
    )
    assert {a.priority_group for a in found} == {1, 2, 3, 4, 5}
    assert {a.source for a in found} == {"state_portal", "regional_portal", "school"}
    assert Counter(closing) == {
        ("rejected", "documents_not_confirmed"): len(SCHOOL_IDS),
        ("rejected", "duplicate"): len(SCHOOL_IDS),
        ("withdrawn", "applicant_request"): len(SCHOOL_IDS),
    }
    assert len(assigned) == 4 * len(SCHOOL_IDS)
    assert {e["data"]["class_id"] for e in assigned} == {str(a.class_id) for a in found if a.class_id}
    assert {a.class_id for a in found if a.class_id} == campaign_classes, "next year's 1 А and 1 Б in turn"
    duplicates = [a for a in found if a.duplicate_of is not None]
    assert [a.status for a in duplicates] == [Status.rejected] * len(SCHOOL_IDS)

    key = EnrolmentSettings().snils_hmac_key.get_secret_value().encode()
    guardian = snils_hash(normalize_snils(DEMO_GUARDIAN_SNILS), key)
    (hers,) = [a for a in found if a.applicant_snils_hash == guardian]
    assert (hers.school_id, hers.status, hers.source) == (SCHOOL_IDS[0], Status.registered, "state_portal")
    assert (hers.child_last_name, hers.sibling_in_school, hers.priority_group) == ("Соколова", True, 3)


async def test_a_second_start_changes_nothing_after_contingent_answered(db_url: str) -> None:
    runtime = await start(db_url, contingent_demo())
    try:
        waiting = [a for a in await applications(runtime) if a.status == Status.assigned_to_class]
        # Contingent enrols three of each school's four; the fourth's answer is still to come.
        answered = [a for school in SCHOOL_IDS for a in [w for w in waiting if w.school_id == school][:3]]
        await deliverer(runtime)(
            *(
                PupilEnrolledV1(
                    person_id=uuid.uuid4(),
                    school_id=a.school_id,
                    class_id=a.class_id,
                    academic_year_id=uuid.uuid4(),
                    enrolled_on=date(YEAR, 9, 1),
                    application_id=a.application_id,
                    occurred_at=utcnow(),
                )
                for a in answered
            )
        )
        loaded = await counts(runtime)
    finally:
        await runtime.stop()
    assert loaded["statuses"] == {
        **{s: n * len(SCHOOL_IDS) for s, n in PER_SCHOOL.items() if s is not Status.assigned_to_class},
        Status.assigned_to_class: len(SCHOOL_IDS),
        Status.enrolled: 3 * len(SCHOOL_IDS),
    }

    again = await start(db_url, [])
    try:
        assert await counts(again) == loaded
    finally:
        await again.stop()
