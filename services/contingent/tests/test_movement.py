"""Pupils' movement: withdrawal by order with its reason and destination, the arrivals list of the school
of the region a pupil leaves for, acceptance of the same person there, transfer between classes of a
school's year; every movement in the history, announced, entered only by the school's administration,
its municipality and the ministry; guardians stay linked throughout."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime

from . import test_pupils
from .conftest import As, published, school_today
from .test_classes import add_class
from .test_pupils import School, add_school_class, enrol, enrolled, pupil_form, snils_of
from .test_years import problem

# The test schools' zone (the region's default): near midnight UTC their today is a day ahead.
# The pupils' tests' fixtures, shared.
tree, school, school_b = test_pupils.tree, test_pupils.school, test_pupils.school_b

WITHDRAWN = "contingent.pupil.withdrawn.v1"
TRANSFERRED = "contingent.pupil.transferred.v1"
ARRIVED = "contingent.pupil.arrived.v1"
ENROLLED = "contingent.pupil.enrolled.v1"
TODAY = school_today()


def order(number: str = "77-в", on: date | None = None) -> dict[str, Any]:
    return {"series": "В", "number": number, "date": str(on or TODAY - timedelta(days=1))}


def leaving(destination: str = "outside_region", reason: str = "other", **changes: Any) -> dict[str, Any]:
    """A withdrawal form of today, by order «В 77-в» of yesterday."""
    return {
        "withdrawn_on": str(TODAY),
        "reason": reason,
        "destination": destination,
        "order": order(),
    } | changes


def towards(school_id: uuid.UUID, **changes: Any) -> dict[str, Any]:
    return leaving(
        "school_of_region", "transferred_to_school", destination_school_id=str(school_id), **changes
    )


def accepting(school: School, number: str = "45п", **changes: Any) -> dict[str, Any]:
    return (
        {"class_id": school.class_id, "arrived_on": str(TODAY), "personal_file_number": number}
        | {"order": order("12-п")}
        | changes
    )


async def withdraw(api: httpx.AsyncClient, pupil: str, headers: dict[str, str], form: dict[str, Any]) -> Any:
    return await api.post(f"/v1/pupils/{pupil}/withdrawal", json=form, headers=headers)


async def accept(api: httpx.AsyncClient, school: School, pupil: str, form: dict[str, Any]) -> Any:
    path = f"/v1/schools/{school.school_id}/arrivals/{pupil}/acceptance"
    return await api.post(path, json=form, headers=school.admin)


async def arrivals(api: httpx.AsyncClient, school_id: uuid.UUID, headers: dict[str, str]) -> Any:
    return await api.get(f"/v1/schools/{school_id}/arrivals", headers=headers)


async def history(api: httpx.AsyncClient, pupil: str, headers: dict[str, str]) -> list[tuple[str, Any]]:
    answer = await api.get(f"/v1/pupils/{pupil}/movements", headers=headers)
    assert answer.status_code == 200, answer.text
    return [(m["kind"], m["to_class_id"] or m["from_class_id"]) for m in answer.json()["items"]]


@pytest.mark.parametrize(
    ("reason", "destination"),
    [
        ("graduated", "unknown"),
        ("transferred_to_vocational", "unknown"),
        ("left_for_repeated_study", "outside_region"),
        ("changed_form_of_education", "outside_region"),
        ("individual_plan", "unknown"),
        ("other", "outside_region"),
        ("transferred_to_school", "school_of_region"),
    ],
)
async def test_withdrawal_ends_the_stay_and_is_announced(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School, reason: str, destination: str
) -> None:
    pupil = await enrolled(api, school)
    target = str(school.tree.school_b) if destination == "school_of_region" else None
    form = leaving(destination, reason, destination_school_id=target)
    done = await withdraw(api, pupil, school.admin, form)
    assert done.status_code == 201, done.text
    movement = done.json()
    assert (movement["kind"], movement["reason"], movement["destination"]) == (
        "withdrawn",
        reason,
        destination,
    )
    assert (movement["from_class_id"], movement["order"]) == (school.class_id, form["order"])
    [event] = await published(contingent, WITHDRAWN)
    assert (event["subject"], event["school_id"]) == (pupil, str(school.school_id))
    assert {k: v for k, v in event["data"].items() if k != "occurred_at"} == {
        "person_id": pupil,
        "school_id": str(school.school_id),
        "withdrawn_on": str(TODAY),
        "class_id": school.class_id,
        "reason": reason,
        "destination": destination,
        "destination_school_id": target,
    }
    card = (await api.get(f"/v1/pupils/{pupil}", headers=school.admin)).json()
    assert card["status"] == "withdrawn"
    roster = await api.get(f"/v1/classes/{school.class_id}/pupils", headers=school.admin)
    assert roster.json()["items"] == []


async def test_a_retried_withdrawal_answers_the_same_movement_and_another_one_conflicts(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    pupil = await enrolled(api, school)
    first = await withdraw(api, pupil, school.admin, leaving())
    again = await withdraw(api, pupil, school.admin, leaving(order={**order(), "number": " 77-в "}))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    other = await withdraw(api, pupil, school.admin, leaving(reason="graduated"))
    assert problem(other) == (409, "pupil_already_withdrawn", ["path.person_id"])
    assert len(await published(contingent, WITHDRAWN)) == 1


async def test_bad_withdrawals_name_their_fields(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    pupil = await enrolled(api, school)
    tree = school.tree
    cases = [
        (leaving("school_of_region"), "value_required", "body.destination_school_id"),
        (towards(tree.school_a), "destination_is_same_school", "body.destination_school_id"),
        (towards(tree.closed), "destination_school_not_found", "body.destination_school_id"),
        (towards(tree.rayon_b), "destination_school_not_found", "body.destination_school_id"),
        (
            leaving(destination_school_id=str(tree.school_b)),
            "destination_school_unexpected",
            "body.destination_school_id",
        ),
        (
            leaving(withdrawn_on=str(school.starts_on - timedelta(days=1))),
            "date_outside_year",
            "body.withdrawn_on",
        ),
        (leaving(order=order(on=TODAY + timedelta(days=2))), "order_date_in_future", "body.order.date"),
        (leaving(order=order(" ")), "value_required", "body.order.number"),
    ]
    for form, code, field in cases:
        assert problem(await withdraw(api, pupil, school.admin, form)) == (422, code, [field]), code
    assert problem(await withdraw(api, pupil, school.admin, leaving(reason="expelled")))[0] == 422
    assert await published(contingent, WITHDRAWN) == []


async def test_a_pupil_withdrawn_towards_another_school_is_accepted_there_as_the_same_person(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School, school_b: School
) -> None:
    pupil = await enrolled(api, school, snils=snils_of("112233445"))
    mother = {"kind": "mother", "last_name": "Иванова", "first_name": "Елена"}
    assert (
        await api.post(f"/v1/pupils/{pupil}/guardians", json=mother, headers=school.admin)
    ).status_code == 201
    assert (await withdraw(api, pupil, school.admin, towards(school_b.school_id))).status_code == 201

    listed = await arrivals(api, school_b.school_id, school_b.admin)
    assert listed.status_code == 200, listed.text
    [arrival] = listed.json()["items"]
    expected = {
        "person_id": pupil,
        "last_name": "Иванова",
        "birth_date": "2015-09-10",
        "snils": "***-***-*** 95",
        "from_school_id": str(school.school_id),
        "from_class_id": school.class_id,
        "from_class_name": "5 А",
        "withdrawn_on": str(TODAY),
    }
    assert {k: arrival[k] for k in expected} == expected
    assert (await arrivals(api, school.school_id, school.admin)).json()["items"] == []
    # School A sees nothing of B's list; B's teachers are in sight but not allowed.
    assert problem(await arrivals(api, school_b.school_id, school.admin))[:2] == (404, "school_not_found")
    assert (
        await arrivals(api, school_b.school_id, as_(Role.class_teacher, school_b.school_id))
    ).status_code == 403
    assert (
        await arrivals(api, school_b.school_id, as_(Role.municipality, school.tree.rayon_b))
    ).status_code == 200

    accepted = await accept(api, school_b, pupil, accepting(school_b))
    assert accepted.status_code == 201, accepted.text
    card = accepted.json()
    assert (card["person_id"], card["school_id"], card["class_id"]) == (
        pupil,
        str(school_b.school_id),
        school_b.class_id,
    )
    assert (card["status"], card["personal_file_number"], card["enrolled_on"]) == (
        "enrolled",
        "45п",
        str(TODAY),
    )
    again = await accept(api, school_b, pupil, accepting(school_b))
    assert (again.status_code, again.json()) == (200, card)
    assert problem(await accept(api, school_b, pupil, accepting(school_b, "46п")))[:2] == (
        409,
        "arrival_already_accepted",
    )
    assert (await arrivals(api, school_b.school_id, school_b.admin)).json()["items"] == []

    [arrived] = await published(contingent, ARRIVED)
    assert {
        k: arrived["data"][k] for k in ("person_id", "school_id", "class_id", "from_school_id", "arrived_on")
    } == {
        "person_id": pupil,
        "school_id": str(school_b.school_id),
        "class_id": school_b.class_id,
        "from_school_id": str(school.school_id),
        "arrived_on": str(TODAY),
    }
    enrolments = [e["data"] for e in await published(contingent, ENROLLED)]
    assert [(e["school_id"], e["class_id"]) for e in enrolments] == [
        (str(school.school_id), school.class_id),
        (str(school_b.school_id), school_b.class_id),
    ]
    roster = (await api.get(f"/v1/classes/{school_b.class_id}/pupils", headers=school_b.admin)).json()[
        "items"
    ]
    assert [p["person_id"] for p in roster] == [pupil]
    guardians = (await api.get(f"/v1/pupils/{pupil}/guardians", headers=school_b.admin)).json()["items"]
    assert [g["first_name"] for g in guardians] == ["Елена"]
    # The mother's link is announced again in school B, where identity grants her the child.
    links = [e["data"] for e in await published(contingent, "contingent.guardian.linked.v1")]
    assert [(link["school_id"], link["pupil_person_id"]) for link in links] == [
        (str(school.school_id), pupil),
        (str(school_b.school_id), pupil),
    ]
    assert await history(api, pupil, school_b.admin) == [
        ("enrolled", school.class_id),
        ("withdrawn", school.class_id),
        ("arrived", school_b.class_id),
    ]


async def test_only_pupils_on_the_list_are_accepted_and_only_where_there_is_room(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School, school_b: School
) -> None:
    pupil = await enrolled(api, school)
    elsewhere = await enrolled(api, school, "13р", first_name="Мария")
    await withdraw(api, elsewhere, school.admin, leaving())
    assert problem(await accept(api, school_b, elsewhere, accepting(school_b)))[:2] == (
        404,
        "arrival_not_found",
    )
    assert problem(await accept(api, school_b, str(uuid.uuid4()), accepting(school_b)))[:2] == (
        404,
        "arrival_not_found",
    )

    await withdraw(api, pupil, school.admin, towards(school_b.school_id))
    small = await add_school_class(api, school.tree, as_, school_b.school_id, "Б", max_size=1)
    await enrolled(api, small, "1б", first_name="Олег")
    full = await accept(api, school_b, pupil, accepting(small))
    assert problem(full) == (409, "class_full", ["body.class_id"])
    foreign = await accept(api, school_b, pupil, accepting(school))
    assert problem(foreign) == (422, "class_not_in_school", ["body.class_id"])
    early = await accept(api, school_b, pupil, accepting(school_b, arrived_on=str(TODAY - timedelta(days=1))))
    assert problem(early)[:2] == (422, "date_before_last_movement")
    await enrolled(api, school_b, "45п", first_name="Ян")
    taken = await accept(api, school_b, pupil, accepting(school_b))
    assert problem(taken) == (409, "personal_file_number_taken", ["body.personal_file_number"])
    assert await published(contingent, ARRIVED) == []
    assert len((await arrivals(api, school_b.school_id, school_b.admin)).json()["items"]) == 1


async def test_a_pupil_withdrawn_into_their_own_school_returns_with_the_same_personal_file(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School
) -> None:
    """Seed 001, stage 1 of the year transition: repeated study, another form of education, the 9th grade
    going on to the 10th are withdrawn into the school itself, then accepted there into a class."""
    pupil = await enrolled(api, school, "12р")
    graduated = leaving("school_of_region", "graduated", destination_school_id=str(school.school_id))
    assert problem(await withdraw(api, pupil, school.admin, graduated))[:2] == (
        422,
        "destination_is_same_school",
    )
    repeat = leaving(
        "school_of_region", "left_for_repeated_study", destination_school_id=str(school.school_id)
    )
    assert (await withdraw(api, pupil, school.admin, repeat)).status_code == 201
    [listed] = (await arrivals(api, school.school_id, school.admin)).json()["items"]
    assert (listed["person_id"], listed["from_school_id"]) == (pupil, str(school.school_id))
    other = await add_school_class(api, school.tree, as_, school.school_id, "Б")
    tomorrow = str(TODAY + timedelta(days=1))
    back = accepting(other, "12р", arrived_on=tomorrow, education_form="home")
    answer = await accept(api, other, pupil, back)
    assert answer.status_code == 201, answer.text
    card = answer.json()
    assert (card["class_id"], card["personal_file_number"], card["status"]) == (
        other.class_id,
        "12р",
        "enrolled",
    )
    assert (card["education_form"], card["enrolled_on"]) == ("home", tomorrow)
    assert (await accept(api, other, pupil, back)).status_code == 200  # a retry
    # Nobody else can take the number, which stays the pupil's.
    taken = await enrol(api, school.class_id, school.admin, pupil_form(school, "12р", first_name="Ян"))
    assert problem(taken)[:2] == (409, "personal_file_number_taken")
    assert await history(api, pupil, school.admin) == [
        ("enrolled", school.class_id),
        ("withdrawn", school.class_id),
        ("arrived", other.class_id),
    ]
    enrolments = [e["data"] for e in await published(contingent, ENROLLED)]
    assert [(e["class_id"], e["enrolled_on"]) for e in enrolments][-1] == (other.class_id, tomorrow)


async def test_a_pupil_moves_to_another_class_of_the_same_year(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School, school_b: School
) -> None:
    pupil = await enrolled(api, school)
    other = await add_school_class(api, school.tree, as_, school.school_id, "Б")
    path = f"/v1/pupils/{pupil}/transfer"
    form = {"to_class_id": other.class_id, "transferred_on": str(TODAY), "order": order("5-п")}
    moved = await api.post(path, json=form, headers=school.admin)
    assert moved.status_code == 201, moved.text
    assert (moved.json()["from_class_id"], moved.json()["to_class_id"]) == (school.class_id, other.class_id)
    again = await api.post(path, json=form, headers=school.admin)
    assert (again.status_code, again.json()) == (200, moved.json())
    [event] = await published(contingent, TRANSFERRED)
    assert {
        k: event["data"][k]
        for k in ("person_id", "school_id", "from_class_id", "to_class_id", "transferred_on")
    } == {
        "person_id": pupil,
        "school_id": str(school.school_id),
        "from_class_id": school.class_id,
        "to_class_id": other.class_id,
        "transferred_on": str(TODAY),
    }
    for school_class in (school, other):
        roster = await api.get(f"/v1/classes/{school_class.class_id}/pupils", headers=school.admin)
        assert len(roster.json()["items"]) == (school_class is other)
    assert (await api.get(f"/v1/pupils/{pupil}", headers=school.admin)).json()["class_id"] == other.class_id

    first = school.starts_on.year
    years = f"/v1/schools/{school.school_id}/academic-years"
    next_year = await api.post(years, json={"name": f"{first + 1}/{first + 2}"}, headers=school.admin)
    later = await add_class(api, school.school_id, school.admin, next_year.json()["academic_year_id"], 6, "А")
    refusals = [
        (later.json()["class_id"], "class_of_another_year"),
        (school_b.class_id, "class_of_another_school"),
        (str(uuid.uuid4()), "class_of_another_school"),
    ]
    for class_id, code in refusals:
        refused = await api.post(path, json=form | {"to_class_id": class_id}, headers=school.admin)
        assert problem(refused) == (422, code, ["body.to_class_id"])
    back = {"to_class_id": school.class_id, "transferred_on": str(TODAY), "order": order("6-п")}
    assert (await api.post(path, json=back, headers=school.admin)).status_code == 201
    same = await api.post(path, json=back | {"order": order("7-п")}, headers=school.admin)
    assert problem(same) == (422, "same_class", ["body.to_class_id"])
    await withdraw(api, pupil, school.admin, leaving())
    assert await history(api, pupil, school.admin) == [
        ("enrolled", school.class_id),
        ("transferred", other.class_id),
        ("transferred", school.class_id),
        ("withdrawn", school.class_id),
    ]
    gone = await api.post(path, json=form, headers=school.admin)
    assert problem(gone) == (409, "pupil_withdrawn", ["path.person_id"])


async def test_a_full_class_takes_no_transferred_pupil(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School
) -> None:
    pupil = await enrolled(api, school)
    small = await add_school_class(api, school.tree, as_, school.school_id, "Б", max_size=1)
    await enrolled(api, small, "1б", first_name="Олег")
    form = {"to_class_id": small.class_id, "transferred_on": str(TODAY), "order": order()}
    assert problem(await api.post(f"/v1/pupils/{pupil}/transfer", json=form, headers=school.admin)) == (
        409,
        "class_full",
        ["body.to_class_id"],
    )


async def test_who_enters_movement(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School
) -> None:
    tree = school.tree
    teacher = as_(Role.class_teacher, tree.school_a, person_id=school.teacher)
    for refused in (teacher, as_(Role.secretary, tree.school_a), as_(Role.subject_teacher, tree.school_a)):
        pupil = await enrolled(api, school, str(uuid.uuid4())[:8])
        assert problem(await withdraw(api, pupil, refused, leaving()))[:2] == (403, "movement_denied")
        assert (await api.get(f"/v1/pupils/{pupil}/movements", headers=refused)).status_code == 200
    for outsider in (as_(Role.school_admin, tree.school_b), as_(Role.municipality, tree.rayon_b)):
        assert problem(await withdraw(api, pupil, outsider, leaving()))[:2] == (404, "pupil_not_found")
        assert (await api.get(f"/v1/pupils/{pupil}/movements", headers=outsider)).status_code == 404
    guardian = as_(Role.guardian, tree.school_a, pupils=[uuid.UUID(pupil)])
    assert (await withdraw(api, pupil, guardian, leaving())).status_code == 403
    assert (await withdraw(api, pupil, {}, leaving())).status_code == 401
    assert (await arrivals(api, tree.school_a, {})).status_code == 401
    for allowed in (
        as_(Role.director, tree.school_a),
        as_(Role.municipality, tree.rayon_a),
        as_(Role.ministry, tree.region),
    ):
        pupil = await enrolled(api, school, str(uuid.uuid4())[:8])
        assert (await withdraw(api, pupil, allowed, leaving())).status_code == 201
