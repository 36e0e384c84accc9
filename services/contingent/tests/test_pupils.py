"""Pupils: enrolled into a class by the form of seed 001 (one pupil per personal file number in a school,
a retry of the same form answering the same pupil, no pupil past the class's size), read by the school,
its municipality and the ministry, by the pupil and their guardians; SNILS kept out of every answer,
event and log line but the one endpoint for the school's administration."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import structlog
from sqlalchemy import select, update

from eschool.common.auth import Role
from eschool.common.logging import configure_logging
from eschool.common.service import ServiceRuntime
from eschool.common.snils import snils_checksum
from eschool.contingent.db.models import OrgUnit
from eschool.contingent.db.people import Person, PupilEnrolment
from eschool.contingent.domain.classes import Violation
from eschool.contingent.domain.people import (
    Enrolment,
    Order,
    PersonName,
    Refusal,
    check_enrolment,
    check_name,
    mask_snils,
    name_part,
    parse_sex,
)

from .conftest import As, published, school_today
from .test_classes import add_class
from .test_years import Tree, add_tree, problem

# The test schools' zone (the region's default): near midnight UTC their today is a day ahead.
ENROLLED = "contingent.pupil.enrolled.v1"


def snils_of(nine: str) -> str:
    """A valid SNILS, written as on the card, from its first nine digits."""
    return f"{nine[:3]}-{nine[3:6]}-{nine[6:]} {snils_checksum(nine):02d}"


@dataclass(frozen=True)
class School:
    """A class of a school's current year (led by ``teacher``), as the school's administrator sees it."""

    tree: Tree
    school_id: uuid.UUID
    year: str
    starts_on: date
    class_id: str
    teacher: uuid.UUID
    admin: dict[str, str]


async def add_school_class(
    api: httpx.AsyncClient, tree: Tree, as_: As, school_id: uuid.UUID, letter: str = "А", **card: Any
) -> School:
    """A class «5 <letter>» of the school's current academic year (set up if it is not yet)."""
    admin = as_(Role.school_admin, school_id)
    today = school_today()
    first = today.year if today.month >= 9 else today.year - 1
    years = f"/v1/schools/{school_id}/academic-years"
    await api.post(years, json={"name": f"{first}/{first + 1}"}, headers=admin)
    [year] = [y for y in (await api.get(years, headers=admin)).json() if y["name"] == f"{first}/{first + 1}"]
    teacher = uuid.uuid4()
    created = await add_class(
        api,
        school_id,
        admin,
        year["academic_year_id"],
        5,
        letter,
        class_teacher_person_id=str(teacher),
        **card,
    )
    assert created.status_code == 201, created.text
    class_id = created.json()["class_id"]
    return School(tree, school_id, year["academic_year_id"], date(first, 9, 1), class_id, teacher, admin)


@pytest.fixture
async def tree(contingent: ServiceRuntime) -> Tree:
    return await add_tree(contingent)


@pytest.fixture
async def school(api: httpx.AsyncClient, as_: As, tree: Tree) -> School:
    """Class «5 А» of school A."""
    return await add_school_class(api, tree, as_, tree.school_a)


@pytest.fixture
async def school_b(api: httpx.AsyncClient, as_: As, tree: Tree) -> School:
    """Class «5 А» of school B, under another municipality."""
    return await add_school_class(api, tree, as_, tree.school_b)


def pupil_form(school: School, number: str = "12р", **changes: Any) -> dict[str, Any]:
    """The seed's form: Иванова Анна Сергеевна, ж, with an enrolment order a month before the year."""
    form = {
        "last_name": "Иванова",
        "first_name": "Анна",
        "middle_name": "Сергеевна",
        "sex": "ж",
        "birth_date": "2015-09-10",
        "personal_file_number": number,
        "education_form": "full_time",
        "order": {
            "series": "123-К",
            "number": "34234235",
            "date": str(school.starts_on - timedelta(days=30)),
        },
    }
    return form | changes


async def enrol(api: httpx.AsyncClient, class_id: str, headers: dict[str, str], form: dict[str, Any]) -> Any:
    return await api.post(f"/v1/classes/{class_id}/pupils", json=form, headers=headers)


async def enrolled(api: httpx.AsyncClient, school: School, number: str = "12р", **changes: Any) -> str:
    """A pupil enrolled into the school's class; their person id."""
    response = await enrol(api, school.class_id, school.admin, pupil_form(school, number, **changes))
    assert response.status_code == 201, response.text
    return str(response.json()["person_id"])


async def withdraw(runtime: ServiceRuntime, person_id: str) -> None:
    """End the pupil's enrolment straight in the database (withdrawals are not this slice's)."""
    async with runtime.database.uow() as uow:
        stmt = update(PupilEnrolment).where(PupilEnrolment.person_id == uuid.UUID(person_id))
        await uow.session.execute(stmt.values(status="withdrawn"))
        await uow.commit()


@pytest.fixture
def debug_logs() -> Iterator[None]:
    """JSON logs at DEBUG on stdout for this test (capsys reads them), the previous setup restored after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("DEBUG", json=True)
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


# --- the rules alone -------------------------------------------------------------------------------------


def test_names_are_trimmed_and_capitalised_when_typed_in_one_case() -> None:
    assert check_name(PersonName("  иванова-петрова ", "АННА", " ")) == PersonName("Иванова-Петрова", "Анна")
    assert name_part("д'Артаньян", "last_name", "фамилию", required=True) == "д'Артаньян"
    with pytest.raises(Refusal) as refused:
        check_name(PersonName("", "Анна2", "Сергеевна"))
    assert [(v.field, v.code) for v in refused.value.broken] == [
        ("last_name", "value_required"),
        ("first_name", "invalid_name"),
    ]


def test_sex_from_the_import_template_and_the_snils_mask() -> None:
    assert [parse_sex(s) for s in ("м", "Ж", "female", None, " ")] == ["male", "female", "female", None, None]
    with pytest.raises(Violation):
        parse_sex("x")
    assert mask_snils("95") == "***-***-*** 95"


def test_enrolment_day_defaults_to_the_order_not_before_the_year() -> None:
    year = (date(2025, 9, 1), date(2026, 8, 31))
    form = Enrolment(" 12р ", "family", Order(" 1 ", date(2025, 6, 1), " "))
    checked = check_enrolment(form, born=date(2018, 1, 1), year=year, today=date(2025, 10, 1))
    assert (checked.personal_file_number, checked.enrolled_on, checked.order) == (
        "12р",
        date(2025, 9, 1),
        Order("1", date(2025, 6, 1)),
    )
    late = Enrolment("1", "full_time", Order("1", date(2025, 10, 2)))
    assert check_enrolment(late, born=None, year=year, today=date(2025, 10, 2)).enrolled_on == date(
        2025, 10, 2
    )
    with pytest.raises(Refusal) as refused:
        check_enrolment(
            Enrolment("", "x", Order("", date(2026, 1, 1))),
            born=date(2024, 1, 1),
            year=year,
            today=date(2025, 10, 1),
        )
    assert [(v.field, v.code) for v in refused.value.broken] == [
        ("personal_file_number", "value_required"),
        ("education_form", "invalid_education_form"),
        ("order.number", "value_required"),
        ("order.date", "order_date_in_future"),
        ("birth_date", "pupil_too_young"),
    ]


# --- through the API -------------------------------------------------------------------------------------


async def test_pupil_enrolled_by_form_is_announced(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    form = pupil_form(school, snils=snils_of("112233445"), citizenship="ru", attends_day_care=True)
    created = await enrol(api, school.class_id, school.admin, form)
    assert created.status_code == 201, created.text
    card = created.json()
    expected = {
        "last_name": "Иванова",
        "sex": "female",
        "citizenship": "RU",
        "snils": "***-***-*** 95",
        "personal_file_number": "12р",
        "enrolled_on": str(school.starts_on),
        "order": form["order"],
        "attends_day_care": True,
        "status": "enrolled",
        "class_id": school.class_id,
        "school_id": str(school.school_id),
        "academic_year_id": school.year,
    }
    assert {k: card[k] for k in expected} == expected
    [event] = await published(contingent, ENROLLED)
    assert (event["subject"], event["school_id"]) == (card["person_id"], str(school.school_id))
    fields = ("person_id", "school_id", "class_id", "academic_year_id", "enrolled_on")
    assert {f: event["data"][f] for f in fields} == {f: card[f] for f in fields}
    # The name, for the rosters that show it; nothing else of the person (no SNILS, no contacts).
    assert event["data"]["name"] == {"last_name": "Иванова", "first_name": "Анна", "middle_name": "Сергеевна"}
    assert "snils" not in json.dumps(event["data"]).replace("snils_hash", "")
    assert (await api.get(f"/v1/pupils/{card['person_id']}", headers=school.admin)).json() == card


async def test_a_retry_answers_the_same_pupil_and_another_pupil_cannot_take_the_file_number(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School
) -> None:
    form = pupil_form(school, snils=snils_of("112233445"))
    first = await enrol(api, school.class_id, school.admin, form)
    again = await enrol(api, school.class_id, school.admin, form | {"last_name": " иванова "})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    other = await enrol(api, school.class_id, school.admin, pupil_form(school, first_name="Мария"))
    assert problem(other) == (409, "personal_file_number_taken", ["body.personal_file_number"])
    assert len(await published(contingent, ENROLLED)) == 1
    # Another school has its own numbering.
    other = await add_school_class(api, school.tree, as_, school.tree.school_b)
    assert (await enrol(api, other.class_id, other.admin, pupil_form(other))).status_code == 201


async def test_a_retry_sent_while_the_first_is_in_flight_enrols_once(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    form = pupil_form(school, snils=snils_of("112233445"))
    both = await asyncio.gather(*(enrol(api, school.class_id, school.admin, form) for _ in range(2)))
    assert sorted(r.status_code for r in both) == [200, 201]
    assert both[0].json()["person_id"] == both[1].json()["person_id"]
    assert len(await published(contingent, ENROLLED)) == 1


async def test_a_full_class_takes_nobody_more(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School
) -> None:
    small = await add_school_class(api, school.tree, as_, school.tree.school_a, "Б", max_size=1)
    await enrolled(api, small, "1")
    full = await enrol(api, small.class_id, small.admin, pupil_form(small, "2", first_name="Мария"))
    assert problem(full) == (409, "class_full", ["path.class_id"])
    # A retry of the first pupil's form still answers them.
    assert (await enrol(api, small.class_id, small.admin, pupil_form(small, "1"))).status_code == 200
    assert len(await published(contingent, ENROLLED)) == 1


async def test_bad_forms_name_every_field(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    bad_snils = await enrol(api, school.class_id, school.admin, pupil_form(school, snils="112-233-445 96"))
    assert problem(bad_snils) == (422, "invalid_snils", ["body.snils"])
    assert "112" not in bad_snils.text
    tomorrow = str(school_today() + timedelta(days=1))
    form = pupil_form(school, last_name=" ", sex="x", birth_date=tomorrow, enrolled_on="2001-09-01")
    many = await enrol(
        api, school.class_id, school.admin, form | {"order": {"number": "1", "date": tomorrow}}
    )
    assert problem(many) == (
        422,
        "validation_error",
        ["body.last_name", "body.birth_date", "body.sex", "body.order.date", "body.enrolled_on"],
    )
    assert all(error["detail"] for error in many.json()["errors"])
    young = await enrol(
        api, school.class_id, school.admin, pupil_form(school, birth_date=str(school.starts_on))
    )
    assert problem(young) == (422, "pupil_too_young", ["body.birth_date"])
    schema = await enrol(api, school.class_id, school.admin, pupil_form(school, education_form="evening"))
    assert problem(schema) == (422, "validation_error", ["body.education_form"])
    assert await published(contingent, ENROLLED) == []


async def test_one_snils_is_one_person_enrolled_in_one_school_at_a_time(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School
) -> None:
    snils = snils_of("123456789")
    first = await enrolled(api, school, "1", snils=snils)
    elsewhere = await add_school_class(api, school.tree, as_, school.tree.school_b)
    busy = await enrol(api, elsewhere.class_id, elsewhere.admin, pupil_form(elsewhere, "7", snils=snils))
    assert problem(busy) == (409, "pupil_already_enrolled", ["body.snils"])
    stranger = pupil_form(elsewhere, "7", snils=snils, first_name="Пётр", sex="м")
    assert problem(await enrol(api, elsewhere.class_id, elsewhere.admin, stranger))[:2] == (
        409,
        "snils_of_another_person",
    )
    await withdraw(contingent, first)
    moved = await enrol(api, elsewhere.class_id, elsewhere.admin, pupil_form(elsewhere, "7", snils=snils))
    assert (moved.status_code, moved.json()["person_id"]) == (201, first)
    async with contingent.database.uow() as uow:
        assert len((await uow.session.execute(select(Person))).all()) == 1


async def test_the_class_list_goes_by_name(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    for number, (last, first) in enumerate(
        [("Иванова", "Анна"), ("Ёлкина", "Юлия"), ("абрамов", "олег"), ("Егорова", "Ася")]
    ):
        await enrolled(api, school, str(number), last_name=last, first_name=first)
    withdrawn = await enrolled(api, school, "9", last_name="Баранов", first_name="Ян")
    await withdraw(contingent, withdrawn)
    listed = await api.get(f"/v1/classes/{school.class_id}/pupils", headers=school.admin)
    assert [p["last_name"] for p in listed.json()["items"]] == ["Абрамов", "Егорова", "Ёлкина", "Иванова"]


async def test_who_reads_and_enters_pupils(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School
) -> None:
    tree = school.tree
    child = await enrolled(api, school, "1")
    sibling = await enrolled(api, school, "2", first_name="Мария")
    card, roster = f"/v1/pupils/{child}", f"/v1/classes/{school.class_id}/pupils"

    async def answers(headers: dict[str, str]) -> tuple[int, int, int]:
        form = pupil_form(school, str(uuid.uuid4())[:8], first_name="Олег")
        posted = await enrol(api, school.class_id, headers, form)
        return (
            (await api.get(card, headers=headers)).status_code,
            (await api.get(roster, headers=headers)).status_code,
            posted.status_code,
        )

    assert await answers(as_(Role.secretary, tree.school_a)) == (200, 200, 201)
    assert await answers(as_(Role.class_teacher, tree.school_a, person_id=school.teacher)) == (200, 200, 201)
    for reader in (
        (Role.municipality, tree.rayon_a),
        (Role.ministry, tree.region),
        (Role.class_teacher, tree.school_a),
        (Role.subject_teacher, tree.school_a),
    ):
        assert await answers(as_(*reader)) == (200, 200, 403), reader
    for outsider in (
        (Role.school_admin, tree.school_b),
        (Role.municipality, tree.rayon_b),
        (Role.guardian, tree.school_b),
    ):
        assert await answers(as_(*outsider)) == (404, 404, 404), outsider
    guardian = as_(Role.guardian, tree.school_a, pupils=[uuid.UUID(child)])
    assert await answers(guardian) == (200, 403, 403)
    assert problem(await api.get(f"/v1/pupils/{sibling}", headers=guardian))[:2] == (
        403,
        "pupils_access_denied",
    )
    pupil = as_(Role.pupil, tree.school_a, person_id=uuid.UUID(child))
    assert (await api.get(card, headers=pupil)).status_code == 200
    assert (await api.get(f"/v1/pupils/{sibling}", headers=pupil)).status_code == 403
    assert problem(await api.get(f"/v1/pupils/{uuid.uuid4()}", headers=school.admin))[:2] == (
        404,
        "pupil_not_found",
    )
    for anonymous in (api.get(card), api.get(roster), api.post(roster, json=pupil_form(school, "x"))):
        assert (await anonymous).status_code == 401


async def test_a_closed_school_enrols_nobody(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    async with contingent.database.uow() as uow:
        closing = update(OrgUnit).where(OrgUnit.org_unit_id == school.tree.school_a)
        await uow.session.execute(closing.values(closed_at=datetime.now(UTC)))
        await uow.commit()
    assert problem(await enrol(api, school.class_id, school.admin, pupil_form(school)))[:2] == (
        409,
        "school_closed",
    )
