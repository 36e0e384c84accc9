"""Subgroups of a class: the class teacher divides the class, only the administration moves a pupil
between subgroups, by order, at a term boundary (scheduling's term dates) or with a written reason;
leaving the class ends the stays; every stay stays in the history and is announced."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from eschool.common.auth import Role
from eschool.common.events.scheduling import TermDates, TermSchemeSavedV1
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.contingent.domain.classes import Violation
from eschool.contingent.domain.subgroups import Change, Term, change_of, check_boundary, term_inside

from . import test_pupils
from .conftest import As, published, school_today
from .test_pupils import School, add_school_class, enrolled
from .test_years import problem

# The test schools' zone (the region's default): near midnight UTC their today is a day ahead.
tree, school, school_b = test_pupils.tree, test_pupils.school, test_pupils.school_b

SAVED = "contingent.subgroup.saved.v1"
CHANGED = "contingent.subgroup.membership_changed.v1"
YESTERDAY = school_today() - timedelta(days=1)


def code_of(response: httpx.Response) -> tuple[int, str]:
    """The answer's status and problem code."""
    return problem(response)[:2]


def order(number: str = "15-о") -> dict[str, Any]:
    return {"number": number, "date": str(YESTERDAY)}


def terms_from(first_day: date) -> list[Term]:
    """Two terms with ten days between them, the first from ``first_day``."""
    return [
        Term("1 четверть", first_day, first_day + timedelta(days=55)),
        Term("2 четверть", first_day + timedelta(days=66), first_day + timedelta(days=120)),
    ]


# --- the rules alone -------------------------------------------------------------------------------------


def test_a_term_boundary_is_a_first_day_or_a_day_outside_every_term() -> None:
    first, second = terms_from(date(2026, 9, 1))
    terms = [first, second]
    assert term_inside(first.starts_on, terms) is None  # the first day of a term
    assert term_inside(first.ends_on + timedelta(days=3), terms) is None  # the holidays
    assert term_inside(second.starts_on, terms) is None
    assert term_inside(second.ends_on + timedelta(days=30), terms) is None  # the summer
    assert term_inside(first.starts_on + timedelta(days=1), terms) == first
    assert term_inside(second.ends_on, terms) == second
    check_boundary(second.starts_on, terms, None)
    with pytest.raises(Violation) as inside:
        check_boundary(second.starts_on + timedelta(days=5), terms, None)
    assert (inside.value.field, inside.value.code) == ("effective_on", "not_at_term_boundary")
    assert f"{second.ends_on + timedelta(days=1):%d.%m.%Y}" in inside.value.detail
    check_boundary(second.starts_on + timedelta(days=5), terms, "По заявлению родителей")
    with pytest.raises(Violation) as unknown:
        check_boundary(second.starts_on, None, None)
    assert (unknown.value.field, unknown.value.code) == ("override_reason", "term_dates_unknown")


def test_what_a_placement_is() -> None:
    day = date(2026, 11, 9)
    assert change_of(None, False, day) is Change.JOIN
    assert change_of(day - timedelta(days=5), True, day) is Change.UNCHANGED
    assert change_of(day, False, day) is Change.CORRECTION
    assert change_of(day - timedelta(days=5), False, day) is Change.MOVE
    with pytest.raises(Violation):
        change_of(day + timedelta(days=1), False, day)  # before the stay began
    with pytest.raises(Violation):
        change_of(None, False, day, ended_on=day)  # back into the division before leaving it


# --- the service -----------------------------------------------------------------------------------------


async def add(api: httpx.AsyncClient, school: School, headers: dict[str, str], name: str = "1 группа") -> Any:
    body = {"division": "Английский язык", "name": name}
    return await api.post(f"/v1/classes/{school.class_id}/subgroups", json=body, headers=headers)


async def subgroup(api: httpx.AsyncClient, school: School, name: str = "1 группа") -> str:
    answer = await add(api, school, school.admin, name)
    assert answer.status_code in (200, 201), answer.text
    return str(answer.json()["subgroup_id"])


async def place(
    api: httpx.AsyncClient, group: str, headers: dict[str, str], *pupils: str, **form: Any
) -> httpx.Response:
    body = {"person_ids": list(pupils)} | form
    return await api.post(f"/v1/subgroups/{group}/members", json=body, headers=headers)


async def division(
    api: httpx.AsyncClient, school: School, on: date, headers: dict[str, str]
) -> dict[str, Any]:
    answer = await api.get(f"/v1/classes/{school.class_id}/subgroups?on={on}", headers=headers)
    assert answer.status_code == 200, answer.text
    return {g["name"]: sorted(m["person_id"] for m in g["members"]) for g in answer.json()["items"]}


@pytest.fixture
async def termed(api: httpx.AsyncClient, as_: As, tree: Any, deliver: Deliver) -> tuple[School, list[Term]]:
    """Class «5 Б» of school A following a term scheme scheduling has announced."""
    scheme_id = uuid.uuid4()
    school = await add_school_class(api, tree, as_, tree.school_a, "Б", term_scheme_id=str(scheme_id))
    terms = terms_from(school.starts_on)
    await deliver(scheme_event(scheme_id, school.school_id, terms, datetime.now(UTC)))
    return school, terms


def scheme_event(
    scheme_id: uuid.UUID, school_id: uuid.UUID, terms: list[Term], at: datetime
) -> TermSchemeSavedV1:
    dates = [
        TermDates(term_id=uuid.uuid4(), number=i + 1, name=t.name, starts_on=t.starts_on, ends_on=t.ends_on)
        for i, t in enumerate(terms)
    ]
    return TermSchemeSavedV1(
        term_scheme_id=scheme_id, school_id=school_id, name="Четверти", terms=dates, occurred_at=at
    )


async def test_a_subgroup_is_added_once_and_announced(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School, as_: As
) -> None:
    first = await add(api, school, school.admin)
    again = await add(api, school, school.admin)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["subgroup_id"] == again.json()["subgroup_id"]
    [event] = await published(contingent, SAVED)
    assert (event["data"]["division"], event["data"]["class_id"]) == ("Английский язык", school.class_id)
    teacher = as_(Role.class_teacher, school.school_id, person_id=school.teacher)
    assert (await add(api, school, teacher, "2 группа")).status_code == 201
    blank = await api.post(
        f"/v1/classes/{school.class_id}/subgroups", json={"division": " ", "name": "3"}, headers=school.admin
    )
    assert code_of(blank) == (422, "value_required")
    assert blank.json()["errors"][0]["field"] == "body.division"


async def test_the_class_teacher_divides_the_class_and_a_retry_changes_nothing(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School, as_: As
) -> None:
    group = await subgroup(api, school)
    pupils = [await enrolled(api, school, f"{n}р", first_name=name) for n, name in ((1, "Анна"), (2, "Вера"))]
    teacher = as_(Role.class_teacher, school.school_id, person_id=school.teacher)
    start = {"effective_on": str(school.starts_on)}
    first = await place(api, group, teacher, *pupils, **start)
    assert first.json() == {"joined": 2, "moved": 0, "unchanged": 0}, first.text
    again = await place(api, group, teacher, *pupils, **start)
    assert again.json() == {"joined": 0, "moved": 0, "unchanged": 2}
    assert await division(api, school, school_today(), school.admin) == {"1 группа": sorted(pupils)}
    assert await division(api, school, school.starts_on - timedelta(days=1), school.admin) == {"1 группа": []}
    events = await published(contingent, CHANGED)
    assert sorted(e["data"]["person_id"] for e in events) == sorted(pupils)
    assert {e["data"]["until_on"] for e in events} == {None}


async def test_a_move_is_the_administrations_by_order_at_a_term_boundary(
    api: httpx.AsyncClient, contingent: ServiceRuntime, termed: tuple[School, list[Term]], as_: As
) -> None:
    school, (first, second) = termed
    one, two = await subgroup(api, school, "1 группа"), await subgroup(api, school, "2 группа")
    pupil = await enrolled(api, school, "7р")
    assert (await place(api, one, school.admin, pupil, effective_on=str(first.starts_on))).status_code == 200
    teacher = as_(Role.class_teacher, school.school_id, person_id=school.teacher)
    at_boundary = {"effective_on": str(second.starts_on), "order": order()}
    assert code_of(await place(api, two, teacher, pupil, **at_boundary)) == (403, "subgroup_move_denied")
    no_order = await place(api, two, school.admin, pupil, effective_on=str(second.starts_on))
    assert code_of(no_order) == (422, "value_required")
    assert no_order.json()["errors"][0]["field"] == "body.order"
    inside = {"effective_on": str(second.starts_on + timedelta(days=3)), "order": order()}
    refused = await place(api, two, school.admin, pupil, **inside)
    assert code_of(refused) == (422, "not_at_term_boundary")
    assert len(await published(contingent, CHANGED)) == 1  # nothing written by the refusals
    moved = await place(api, two, school.admin, pupil, **at_boundary)
    assert moved.json() == {"joined": 0, "moved": 1, "unchanged": 0}, moved.text
    assert await division(api, school, second.starts_on - timedelta(days=1), school.admin) == {
        "1 группа": [pupil],
        "2 группа": [],
    }
    assert await division(api, school, second.starts_on, school.admin) == {
        "1 группа": [],
        "2 группа": [pupil],
    }
    ended, begun = (await published(contingent, CHANGED))[-2:]
    assert ended["data"]["until_on"] == str(second.starts_on - timedelta(days=1))
    assert (begun["data"]["from_on"], begun["data"]["subgroup_id"]) == (str(second.starts_on), two)


async def test_inside_a_term_only_with_a_reason_which_the_history_keeps(
    api: httpx.AsyncClient, termed: tuple[School, list[Term]]
) -> None:
    school, (first, _) = termed
    one, two = await subgroup(api, school, "1 группа"), await subgroup(api, school, "2 группа")
    pupil = await enrolled(api, school, "8р")
    await place(api, one, school.admin, pupil, effective_on=str(first.starts_on))
    day = first.starts_on + timedelta(days=20)
    reason = "Перевод по заявлению родителей, согласовано с учителем"
    form = {"effective_on": str(day), "order": order("16-о"), "override_reason": reason}
    assert (await place(api, two, school.admin, pupil, **form)).status_code == 200
    history = (await api.get(f"/v1/subgroups/{two}/history", headers=school.admin)).json()
    [stay] = history["stays"]
    assert (stay["override_reason"], stay["order"]["number"], stay["from_on"]) == (reason, "16-о", str(day))
    [old] = (await api.get(f"/v1/subgroups/{one}/history", headers=school.admin)).json()["stays"]
    assert (old["until_on"], old["end_override_reason"]) == (str(day - timedelta(days=1)), reason)


async def test_without_term_dates_a_move_needs_a_reason(api: httpx.AsyncClient, school: School) -> None:
    one, two = await subgroup(api, school, "1 группа"), await subgroup(api, school, "2 группа")
    pupil = await enrolled(api, school, "9р")
    await place(api, one, school.admin, pupil, effective_on=str(school.starts_on))
    form = {"effective_on": str(school.starts_on + timedelta(days=40)), "order": order()}
    refused = await place(api, two, school.admin, pupil, **form)
    assert code_of(refused) == (422, "term_dates_unknown")
    assert refused.json()["errors"][0]["field"] == "body.override_reason"
    done = await place(api, two, school.admin, pupil, **form, override_reason="Расписание ещё не составлено")
    assert done.json()["moved"] == 1


async def test_a_mistaken_placement_is_corrected_the_same_day_and_voided(
    api: httpx.AsyncClient, contingent: ServiceRuntime, termed: tuple[School, list[Term]], as_: As
) -> None:
    school, (first, _) = termed
    one, two = await subgroup(api, school, "1 группа"), await subgroup(api, school, "2 группа")
    pupil = await enrolled(api, school, "10р")
    teacher = as_(Role.class_teacher, school.school_id, person_id=school.teacher)
    day = {"effective_on": str(first.starts_on + timedelta(days=10))}
    await place(api, one, teacher, pupil, **day)
    fixed = await place(api, two, teacher, pupil, **day)
    assert fixed.json() == {"joined": 0, "moved": 1, "unchanged": 0}, fixed.text
    voided = (await published(contingent, CHANGED))[-2]["data"]
    assert date.fromisoformat(voided["until_on"]) < date.fromisoformat(voided["from_on"])
    assert await division(api, school, first.starts_on + timedelta(days=10), school.admin) == {
        "1 группа": [],
        "2 группа": [pupil],
    }


async def test_a_placement_is_all_or_nothing_and_names_the_pupil(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School, school_b: School
) -> None:
    group = await subgroup(api, school)
    ours = await enrolled(api, school, "11р")
    other = await enrolled(api, school_b, "11р", snils=None, first_name="Мария")
    answer = await place(api, group, school.admin, ours, other, effective_on=str(school.starts_on))
    assert code_of(answer) == (422, "pupil_not_in_class")
    assert answer.json()["errors"][0]["field"] == "body.person_ids[1]"
    outside = await place(
        api, group, school.admin, ours, effective_on=str(school.starts_on - timedelta(days=1))
    )
    status, _, fields = problem(outside)
    assert status == 422
    assert "body.effective_on" in fields
    assert await published(contingent, CHANGED) == []


async def test_taking_a_pupil_out_by_order_and_a_retry(
    api: httpx.AsyncClient, contingent: ServiceRuntime, termed: tuple[School, list[Term]], as_: As
) -> None:
    school, (first, second) = termed
    group = await subgroup(api, school)
    pupil = await enrolled(api, school, "12р")
    await place(api, group, school.admin, pupil, effective_on=str(first.starts_on))
    path = f"/v1/subgroups/{group}/members/{pupil}/departure"
    form = {"effective_on": str(second.starts_on), "order": order("20-о")}
    teacher = as_(Role.class_teacher, school.school_id, person_id=school.teacher)
    assert code_of(await api.post(path, json=form, headers=teacher)) == (403, "subgroup_move_denied")
    out = await api.post(path, json=form, headers=school.admin)
    again = await api.post(path, json=form, headers=school.admin)
    assert (out.status_code, again.status_code) == (200, 200), out.text
    assert out.json()["until_on"] == again.json()["until_on"] == str(second.starts_on - timedelta(days=1))
    assert len(await published(contingent, CHANGED)) == 2
    back = await place(api, group, teacher, pupil, effective_on=str(second.starts_on - timedelta(days=2)))
    assert code_of(back) == (422, "date_before_membership")


async def test_leaving_the_class_ends_the_stays(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School, as_: As
) -> None:
    group = await subgroup(api, school)
    staying, leaving, moving = [
        await enrolled(api, school, f"{n}р", first_name=name)
        for n, name in ((21, "Анна"), (22, "Вера"), (23, "Яна"))
    ]
    await place(api, group, school.admin, staying, leaving, moving, effective_on=str(school.starts_on))
    other = await add_school_class(api, school.tree, as_, school.school_id, "В")
    today = school_today()
    transfer = {"to_class_id": other.class_id, "transferred_on": str(today), "order": order("30-п")}
    assert (
        await api.post(f"/v1/pupils/{moving}/transfer", json=transfer, headers=school.admin)
    ).status_code == 201
    withdrawal = {
        "withdrawn_on": str(today),
        "reason": "other",
        "destination": "unknown",
        "order": order("31-в"),
    }
    answer = await api.post(f"/v1/pupils/{leaving}/withdrawal", json=withdrawal, headers=school.admin)
    assert answer.status_code == 201, answer.text
    ends = {e["data"]["person_id"]: e["data"]["until_on"] for e in await published(contingent, CHANGED)}
    assert ends == {staying: None, moving: str(today - timedelta(days=1)), leaving: str(today)}
    assert await division(api, school, today + timedelta(days=1), school.admin) == {"1 группа": [staying]}


async def test_who_reads_and_changes_subgroups(
    api: httpx.AsyncClient, school: School, school_b: School, as_: As
) -> None:
    group = await subgroup(api, school)
    pupil = await enrolled(api, school, "40р")
    listing = f"/v1/classes/{school.class_id}/subgroups"
    subject_teacher = as_(Role.subject_teacher, school.school_id)
    assert (await api.get(listing, headers=subject_teacher)).status_code == 200
    assert code_of(await add(api, school, subject_teacher, "2")) == (403, "pupils_write_denied")
    assert code_of(await place(api, group, subject_teacher, pupil)) == (403, "pupils_write_denied")
    assert code_of(await api.get(listing, headers=school_b.admin)) == (404, "class_not_found")
    assert code_of(await place(api, group, school_b.admin, pupil)) == (404, "subgroup_not_found")
    history = f"/v1/subgroups/{group}/history"
    assert code_of(await api.get(history, headers=school_b.admin)) == (404, "subgroup_not_found")
    guardian = as_(Role.guardian, school.school_id, pupils=[uuid.UUID(pupil)])
    assert code_of(await api.get(listing, headers=guardian)) == (403, "pupils_access_denied")


async def test_an_older_term_scheme_arriving_late_changes_nothing(
    api: httpx.AsyncClient, termed: tuple[School, list[Term]], deliver: Deliver
) -> None:
    school, (first, second) = termed
    one, two = await subgroup(api, school, "1 группа"), await subgroup(api, school, "2 группа")
    pupil = await enrolled(api, school, "50р")
    await place(api, one, school.admin, pupil, effective_on=str(first.starts_on))
    answer = await api.get(f"/v1/classes/{school.class_id}", headers=school.admin)
    scheme = uuid.UUID(answer.json()["term_scheme_id"])
    stale = [Term("Полугодие", first.starts_on, second.ends_on)]
    await deliver(scheme_event(scheme, school.school_id, stale, datetime(2000, 1, 1, tzinfo=UTC)))
    moved = await place(api, two, school.admin, pupil, effective_on=str(second.starts_on), order=order())
    assert moved.status_code == 200, moved.text
