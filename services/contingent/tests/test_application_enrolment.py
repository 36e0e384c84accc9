"""Enrolment by application: an application assigned to a class enrols its child there once, however
often and however concurrently it arrives, by the form's path (class list, history, PupilEnrolledV1 with
the application's id), the applicant becoming a guardian; or it is refused with EnrolmentRefusedV1 and
nothing else written."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from eschool.common.bus.inbox import claim_event
from eschool.common.events.enrolment import (
    ApplicationApplicant,
    ApplicationAssignedToClassV1,
    ApplicationChild,
    EnrolmentOrder,
)
from eschool.common.service import ServiceRuntime
from eschool.common.snils import snils_hash
from eschool.common.testing.events import Deliver
from eschool.contingent.db.applications import ApplicationEnrolment
from eschool.contingent.db.people import GuardianLink, Person, PupilEnrolment
from eschool.contingent.domain.applications import next_file_number
from eschool.contingent.services.applications import carry_out_application

from . import test_pupils
from .conftest import SNILS_KEY, As, published
from .test_pupils import School, add_school_class, enrolled, snils_of, withdraw

# The pupils' tests' fixtures, shared.
tree, school = test_pupils.tree, test_pupils.school
ENROLLED = "contingent.pupil.enrolled.v1"
REFUSED = "contingent.enrolment.refused.v1"
LINKED = "contingent.guardian.linked.v1"


def hash_of(nine: str) -> str:
    """The keyed hash of a valid SNILS (from its first nine digits), as enrolment would send it."""
    return snils_hash(snils_of(nine), SNILS_KEY.encode())


def assigned(school: School, **changes: Any) -> ApplicationAssignedToClassV1:
    """Мария Петрова, 7 years old on the first day of the year, applied for by her mother."""
    child = ApplicationChild(
        last_name="Петрова",
        first_name="Мария",
        middle_name="Ивановна",
        birth_date=date(school.starts_on.year - 7, 3, 14),
        sex="female",
        snils_hash=hash_of("112233445"),
    )
    mother = ApplicationApplicant(
        kind="mother", last_name="Петрова", first_name="Ольга", snils_hash="ab" * 32
    )
    event = ApplicationAssignedToClassV1(
        application_id=uuid.uuid4(),
        school_id=school.school_id,
        academic_year_id=uuid.UUID(school.year),
        class_id=uuid.UUID(school.class_id),
        enrol_on=school.starts_on,
        order=EnrolmentOrder(series="З", number="15", date=school.starts_on - timedelta(days=30)),
        child=child,
        applicant=mother,
        occurred_at=datetime.now(UTC),
    )
    return event.model_copy(update=changes)


def child(event: ApplicationAssignedToClassV1, **changes: Any) -> ApplicationChild:
    return event.child.model_copy(update=changes)


async def count(runtime: ServiceRuntime, model: Any) -> int:
    async with runtime.database.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def outcome(runtime: ServiceRuntime, application_id: uuid.UUID) -> ApplicationEnrolment | None:
    async with runtime.database.uow() as uow:
        return await uow.session.get(ApplicationEnrolment, application_id)


# --- the rules alone -------------------------------------------------------------------------------------


def test_file_numbers_follow_the_highest_of_the_year() -> None:
    assert next_file_number(2026, []) == "2026-0001"
    assert (
        next_file_number(2026, ["2026-0009", "2026-0010", "2025-0500", "2026-7", "2026-0003а"]) == "2026-0011"
    )
    assert next_file_number(2026, ["2026-9999"]) == "2026-10000"


# --- through the consumer --------------------------------------------------------------------------------


async def test_an_assigned_application_enrols_the_child(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School, deliver: Deliver
) -> None:
    event = assigned(school)
    await deliver(event)

    [pupil] = (await api.get(f"/v1/classes/{school.class_id}/pupils", headers=school.admin)).json()["items"]
    expected = {
        "last_name": "Петрова",
        "first_name": "Мария",
        "sex": "female",
        "enrolled_on": str(school.starts_on),
    }
    assert {k: pupil[k] for k in expected} == expected
    assert pupil["personal_file_number"] == f"{school.starts_on.year}-0001"
    assert pupil["order"] == {"series": "З", "number": "15", "date": str(event.order.date)}
    [announced] = await published(contingent, ENROLLED)
    assert announced["data"]["application_id"] == str(event.application_id)
    assert announced["data"]["person_id"] == pupil["person_id"]
    history = await api.get(f"/v1/pupils/{pupil['person_id']}/movements", headers=school.admin)
    assert [(m["kind"], m["to_class_id"]) for m in history.json()["items"]] == [("enrolled", school.class_id)]
    row = await outcome(contingent, event.application_id)
    assert row is not None
    assert (row.outcome, row.refusal_code) == ("enrolled", None)
    assert row.pupil_enrolment_id is not None
    assert await published(contingent, REFUSED) == []


async def test_a_redelivery_and_a_resent_application_enrol_once(
    contingent: ServiceRuntime, school: School, deliver: Deliver
) -> None:
    event, same_id = assigned(school), uuid.uuid4()
    await deliver(event, event_id=same_id)
    await deliver(event, event_id=same_id)  # the broker's redelivery
    await deliver(event)  # enrolment re-sends the application under a new event id
    await deliver(event, event)  # twice in one batch

    assert await count(contingent, PupilEnrolment) == 1
    assert len(await published(contingent, ENROLLED)) == 1
    assert len(await published(contingent, LINKED)) == 1
    assert await published(contingent, REFUSED) == []


async def test_two_deliveries_at_once_enrol_once(contingent: ServiceRuntime, school: School) -> None:
    event = assigned(school)

    async def handle() -> str | None:
        async with contingent.database.uow() as uow:
            await claim_event(
                uow.session, consumer="test", event_id=uuid.uuid4(), event_type=event.event_type
            )
            answer = await carry_out_application(uow, event)
            await uow.commit()
        return answer

    answers = await asyncio.gather(handle(), handle())
    assert sorted(answers, key=str) == [None, "enrolled"]
    assert await count(contingent, PupilEnrolment) == 1
    assert len(await published(contingent, ENROLLED)) == 1


async def test_a_full_class_refuses_and_writes_nothing_else(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School, deliver: Deliver
) -> None:
    small = await add_school_class(api, school.tree, as_, school.tree.school_a, "Б", max_size=1)
    await enrolled(api, small, "1")
    persons, before = await count(contingent, Person), await published(contingent)
    event = assigned(small)
    await deliver(event)

    [refusal] = await published(contingent, REFUSED)
    assert refusal["subject"] == str(event.application_id)
    assert {k: refusal["data"][k] for k in ("application_id", "class_id", "code")} == {
        "application_id": str(event.application_id),
        "class_id": small.class_id,
        "code": "class_full",
    }
    assert "мест" in refusal["data"]["detail"]
    assert (await published(contingent))[:-1] == before
    assert (await count(contingent, Person), await count(contingent, GuardianLink)) == (persons, 0)
    row = await outcome(contingent, event.application_id)
    assert row is not None
    assert (row.outcome, row.refusal_code, row.pupil_enrolment_id) == ("refused", "class_full", None)


async def test_a_batch_answers_each_application_of_it(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School, deliver: Deliver
) -> None:
    small = await add_school_class(api, school.tree, as_, school.tree.school_a, "Б", max_size=1)
    await enrolled(api, small, "1")
    first = assigned(school)
    second = assigned(school, child=child(first, first_name="Вера", snils_hash=None), applicant=None)
    await deliver(first, assigned(small, child=child(first, snils_hash=None)), second)

    assert [e["data"]["code"] for e in await published(contingent, REFUSED)] == ["class_full"]
    assert len(await published(contingent, ENROLLED)) == 3  # the form's pupil and two applications
    assert len(await published(contingent, LINKED)) == 1


async def test_a_child_enrolled_elsewhere_is_refused_a_withdrawn_one_comes_back(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School, deliver: Deliver
) -> None:
    elsewhere = await add_school_class(api, school.tree, as_, school.tree.school_b)
    born = str(date(school.starts_on.year - 7, 3, 14))
    person = await enrolled(
        api, elsewhere, "7", first_name="Мария", birth_date=born, snils=snils_of("112233445")
    )
    busy = assigned(school)
    await deliver(busy)
    [refusal] = await published(contingent, REFUSED)
    assert refusal["data"]["code"] == "pupil_already_enrolled"

    await withdraw(contingent, person)
    await deliver(assigned(school))
    *_, announced = await published(contingent, ENROLLED)
    assert announced["data"]["person_id"] == person
    assert await count(contingent, Person) == 2  # the child and the mother


async def test_the_applicant_becomes_a_guardian_found_again_by_snils(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School, deliver: Deliver
) -> None:
    daughter = assigned(school)
    son = assigned(school, child=child(daughter, first_name="Иван", sex="male", snils_hash=None))
    await deliver(daughter)
    await deliver(son)

    links = await published(contingent, LINKED)
    assert [(e["data"]["kind"], e["data"]["snils_hash"]) for e in links] == [("mother", "ab" * 32)] * 2
    assert len({e["data"]["guardian_person_id"] for e in links}) == 1
    pupil = links[0]["data"]["pupil_person_id"]
    guardians = (await api.get(f"/v1/pupils/{pupil}/guardians", headers=school.admin)).json()
    assert [(g["last_name"], g["first_name"], g["kind"]) for g in guardians["items"]] == [
        ("Петрова", "Ольга", "mother")
    ]


async def test_file_numbers_given_by_contingent_never_repeat(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School
) -> None:
    other = await add_school_class(api, school.tree, as_, school.tree.school_a, "Б")
    events = [
        assigned(target, child=child(assigned(target), first_name=name, snils_hash=None), applicant=None)
        for target, name in [(school, "Анна"), (other, "Вера"), (school, "Дарья"), (other, "Ева")]
    ]

    async def handle(event: ApplicationAssignedToClassV1) -> None:
        async with contingent.database.uow() as uow:
            assert await carry_out_application(uow, event) == "enrolled"
            await uow.commit()

    await asyncio.gather(*(handle(e) for e in events))
    async with contingent.database.uow() as uow:
        numbers = set((await uow.session.scalars(select(PupilEnrolment.personal_file_number))).all())
    year = school.starts_on.year
    assert numbers == {f"{year}-000{n}" for n in range(1, 5)}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda s: {"school_id": s.tree.school_b}, "class_not_in_school"),
        (lambda s: {"academic_year_id": uuid.uuid4()}, "class_not_in_year"),
        (lambda s: {"class_id": uuid.uuid4()}, "class_not_found"),
        (lambda s: {"enrol_on": s.starts_on - timedelta(days=1)}, "enrolled_on_outside_year"),
        (lambda s: {"personal_file_number": "12р"}, "personal_file_number_taken"),
        (
            lambda s: {
                "applicant": None,
                "child": ApplicationChild(
                    last_name="Петрова1", first_name=" ", birth_date=s.starts_on, sex="female"
                ),
            },
            "invalid_application_data",
        ),
    ],
)
async def test_an_application_the_school_cannot_carry_out_is_refused(
    api: httpx.AsyncClient,
    contingent: ServiceRuntime,
    school: School,
    deliver: Deliver,
    change: Callable[[School], dict[str, Any]],
    code: str,
) -> None:
    await enrolled(api, school, "12р")
    event = assigned(school, **change(school))
    await deliver(event)
    [refusal] = await published(contingent, REFUSED)
    assert (refusal["data"]["code"], refusal["school_id"]) == (code, str(event.school_id))
    assert refusal["data"]["detail"]
    assert len(await published(contingent, ENROLLED)) == 1  # the form's pupil only
