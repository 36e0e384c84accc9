"""Classes: created only in a year the school has set up, one «5 Б» per year, a profile only for a
profile class of grades 10–11; changed on the version seen, by the school's administration, its
municipality and the ministry; every change of the card announced with the whole card."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.contingent.db.models import OrgUnit
from eschool.contingent.domain.classes import ClassCard, Violation, check_card, normalize_letter
from eschool.contingent.services import classes as class_service

from .conftest import As, published
from .test_years import Tree, add_tree, problem

SAVED = "contingent.class.saved.v1"
TEACHER = "contingent.class.teacher_assigned.v1"


@pytest.fixture
async def tree(contingent: ServiceRuntime) -> Tree:
    return await add_tree(contingent)


@pytest.fixture
def admin(as_: As, tree: Tree) -> dict[str, str]:
    return as_(Role.school_admin, tree.school_a)


@pytest.fixture
async def year(api: httpx.AsyncClient, tree: Tree, admin: dict[str, str]) -> str:
    """The id of school A's year 2025/2026."""
    created = await api.post(
        f"/v1/schools/{tree.school_a}/academic-years", json={"name": "2025/2026"}, headers=admin
    )
    assert created.status_code == 201, created.text
    return str(created.json()["academic_year_id"])


def classes_of(school_id: uuid.UUID) -> str:
    return f"/v1/schools/{school_id}/classes"


async def add_class(
    api: httpx.AsyncClient,
    school_id: uuid.UUID,
    headers: dict[str, str],
    year: str,
    grade: int,
    letter: str,
    **card: Any,
) -> httpx.Response:
    body = {"academic_year_id": year, "grade": grade, "letter": letter, **card}
    return await api.post(classes_of(school_id), json=body, headers=headers)


# --- the rules alone -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kept"),
    [(" б ", "Б"), ("аб", "АБ"), ("1", "1"), ("ромашка", "Ромашка"), ("ң", "Ң"), ("5 - 1", "5 - 1")],
)
def test_letters_are_kept_upper_case_and_trimmed(raw: str, kept: str) -> None:
    assert normalize_letter(raw) == kept


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("  ", "letter_required"),
        ("A", "invalid_letter"),
        ("-Б", "invalid_letter"),
        ("Очень-длинное-имя", "letter_too_long"),
    ],
)
def test_bad_letters_are_refused(raw: str, code: str) -> None:
    with pytest.raises(Violation) as refused:
        normalize_letter(raw)
    assert (refused.value.field, refused.value.code) == ("letter", code)


def test_profile_only_for_profile_classes_of_the_last_two_grades() -> None:
    assert check_card(ClassCard(10, "а", "profile", " технологический ")).profile == "технологический"
    assert check_card(ClassCard(0, "Ромашка")).letter == "Ромашка"  # a pre-school group
    for card, field, code in [
        (ClassCard(10, "А", "profile"), "profile", "profile_required"),
        (ClassCard(10, "А", "general", "гуманитарный"), "profile", "profile_not_allowed"),
        (ClassCard(9, "А", "profile", "гуманитарный"), "grade", "profile_grade"),
        (ClassCard(12, "А"), "grade", "invalid_grade"),
        (ClassCard(5, "А", shift=3), "shift", "invalid_shift"),
        (ClassCard(5, "А", max_size=41), "max_size", "invalid_max_size"),
    ]:
        with pytest.raises(Violation) as refused:
            check_card(card)
        assert (refused.value.field, refused.value.code) == (field, code)


# --- through the API ---------------------------------------------------------------------------------------


async def test_class_created_in_a_set_up_year_is_announced_with_its_card(
    api: httpx.AsyncClient, contingent: ServiceRuntime, tree: Tree, admin: dict[str, str], year: str
) -> None:
    created = await add_class(api, tree.school_a, admin, year, 5, " б ")
    assert created.status_code == 201, created.text
    card = created.json()
    expected = {"grade": 5, "letter": "Б", "kind": "general", "profile": None, "shift": 1, "max_size": 25}
    assert {k: card[k] for k in expected} == expected
    assert (card["school_id"], card["academic_year_id"], card["version"]) == (str(tree.school_a), year, 1)

    [event] = await published(contingent, SAVED)
    assert (event["subject"], event["school_id"]) == (card["class_id"], str(tree.school_a))
    for field in (*expected, "class_id", "academic_year_id", "term_scheme_id", "class_teacher_person_id"):
        assert event["data"][field] == card[field], field
    assert await published(contingent, TEACHER) == []
    read = await api.get(f"/v1/classes/{card['class_id']}", headers=admin)
    assert read.json() == card


async def test_class_in_a_year_not_set_up_is_refused(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, tree: Tree, admin: dict[str, str], year: str
) -> None:
    missing = await add_class(api, tree.school_a, admin, str(uuid.uuid4()), 5, "А")
    assert problem(missing) == (422, "academic_year_not_set_up", ["body.academic_year_id"])
    assert "учебн" in missing.json()["detail"]
    # A year of school A does not make classes in school B.
    foreign = await add_class(api, tree.school_b, as_(Role.ministry, tree.region), year, 5, "А")
    assert problem(foreign) == (422, "academic_year_not_set_up", ["body.academic_year_id"])
    assert await published(contingent, SAVED) == []


async def test_one_class_per_grade_and_letter_in_a_year(
    api: httpx.AsyncClient, tree: Tree, admin: dict[str, str], year: str
) -> None:
    assert (await add_class(api, tree.school_a, admin, year, 5, "Б")).status_code == 201
    again = await add_class(api, tree.school_a, admin, year, 5, "б")
    assert problem(again) == (409, "class_exists", ["body.letter"])
    assert "5 Б" in again.json()["detail"]
    assert (await add_class(api, tree.school_a, admin, year, 6, "Б")).status_code == 201
    next_year = await api.post(
        f"/v1/schools/{tree.school_a}/academic-years", json={"name": "2026/2027"}, headers=admin
    )
    later = await add_class(api, tree.school_a, admin, next_year.json()["academic_year_id"], 5, "Б")
    assert later.status_code == 201


async def test_a_duplicate_that_slips_past_the_check_is_still_a_409(
    api: httpx.AsyncClient,
    contingent: ServiceRuntime,
    tree: Tree,
    admin: dict[str, str],
    year: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = (await add_class(api, tree.school_a, admin, year, 5, "Б")).json()
    other = (await add_class(api, tree.school_a, admin, year, 5, "В")).json()

    async def never_taken(*_args: Any, **_kwargs: Any) -> bool:
        return False  # as if another request committed the same class between the check and the insert

    monkeypatch.setattr(class_service, "_taken", never_taken)
    raced = await add_class(api, tree.school_a, admin, year, 5, "Б")
    assert problem(raced) == (409, "class_exists", ["body.letter"])
    renamed = await api.patch(
        f"/v1/classes/{other['class_id']}", json={"version": 1, "letter": "Б"}, headers=admin
    )
    assert problem(renamed) == (409, "class_exists", ["body.letter"])
    assert (await api.get(f"/v1/classes/{first['class_id']}", headers=admin)).json()["letter"] == "Б"
    assert len(await published(contingent, SAVED)) == 2  # the refused saves announced nothing


async def test_profile_and_card_rules_name_the_field(
    api: httpx.AsyncClient, tree: Tree, admin: dict[str, str], year: str
) -> None:
    school = tree.school_a
    cases = [
        ((10, "А"), {"kind": "profile"}, (422, "profile_required", ["body.profile"])),
        ((5, "А"), {"profile": "гуманитарный"}, (422, "profile_not_allowed", ["body.profile"])),
        ((9, "А"), {"kind": "profile", "profile": "гуманитарный"}, (422, "profile_grade", ["body.grade"])),
        ((5, "A"), {}, (422, "invalid_letter", ["body.letter"])),
        ((12, "А"), {}, (422, "validation_error", ["body.grade"])),
        ((5, "А"), {"shift": 3}, (422, "validation_error", ["body.shift"])),
        ((5, "А"), {"max_size": 41}, (422, "validation_error", ["body.max_size"])),
        ((5, "А"), {"kind": "gifted"}, (422, "validation_error", ["body.kind"])),
    ]
    for (grade, letter), card, expected in cases:
        assert problem(await add_class(api, school, admin, year, grade, letter, **card)) == expected, card
    profile = await add_class(api, school, admin, year, 10, "А", kind="profile", profile="технологический")
    assert profile.status_code == 201, profile.text
    pre_school = await add_class(api, school, admin, year, 0, "Ромашка", max_size=20, shift=2)
    assert (pre_school.status_code, pre_school.json()["letter"]) == (201, "Ромашка")


async def test_classes_are_listed_by_grade_then_letter(
    api: httpx.AsyncClient, as_: As, tree: Tree, admin: dict[str, str], year: str
) -> None:
    for grade, letter in [(10, "В"), (5, "Б"), (5, "А"), (1, "А"), (11, "А")]:
        assert (await add_class(api, tree.school_a, admin, year, grade, letter)).status_code == 201
    next_year = await api.post(
        f"/v1/schools/{tree.school_a}/academic-years", json={"name": "2026/2027"}, headers=admin
    )
    await add_class(api, tree.school_a, admin, next_year.json()["academic_year_id"], 2, "А")
    teacher = as_(Role.class_teacher, tree.school_a)

    def names(response: httpx.Response) -> list[str]:
        return [f"{c['grade']}{c['letter']}" for c in response.json()["items"]]

    url = classes_of(tree.school_a)
    in_year = await api.get(url, params={"academic_year_id": year}, headers=teacher)
    assert names(in_year) == ["1А", "5А", "5Б", "10В", "11А"]
    fifth = await api.get(url, params={"academic_year_id": year, "grade": 5}, headers=teacher)
    assert names(fifth) == ["5А", "5Б"]
    seen, cursor = [], None
    while True:
        page = await api.get(
            url, params={"limit": 2, **({"cursor": cursor} if cursor else {})}, headers=teacher
        )
        seen += names(page)
        if not (cursor := page.json()["next_cursor"]):
            break
    assert seen == ["1А", "2А", "5А", "5Б", "10В", "11А"]
    assert (await api.get(classes_of(tree.school_b), headers=teacher)).status_code == 404


async def test_who_may_read_and_change_classes(
    api: httpx.AsyncClient, as_: As, tree: Tree, admin: dict[str, str], year: str
) -> None:
    card = (await add_class(api, tree.school_a, admin, year, 5, "А")).json()
    url = f"/v1/classes/{card['class_id']}"
    for role in (Role.subject_teacher, Role.class_teacher, Role.schedule_dispatcher):
        staff = as_(role, tree.school_a)
        assert (await api.get(url, headers=staff)).status_code == 200
        assert problem(await api.patch(url, json={"version": 1, "max_size": 30}, headers=staff))[:2] == (
            403,
            "school_write_denied",
        )
        refused = await add_class(api, tree.school_a, staff, year, 6, "А")
        assert problem(refused)[:2] == (403, "school_write_denied")
    teacher_put = await api.put(
        f"{url}/class-teacher", json={"person_id": None}, headers=as_(Role.class_teacher, tree.school_a)
    )
    assert teacher_put.status_code == 403
    for outsider in (as_(Role.school_admin, tree.school_b), as_(Role.municipality, tree.rayon_b)):
        assert problem(await api.get(url, headers=outsider))[:2] == (404, "class_not_found")
        assert problem(await api.patch(url, json={"version": 1}, headers=outsider))[:2] == (
            404,
            "class_not_found",
        )
        assert problem(await add_class(api, tree.school_a, outsider, year, 6, "А"))[:2] == (
            404,
            "school_not_found",
        )
    assert problem(await api.get(f"/v1/classes/{uuid.uuid4()}", headers=admin))[:2] == (
        404,
        "class_not_found",
    )
    version = 1
    for writer in (
        as_(Role.municipality, tree.rayon_a),
        as_(Role.ministry, tree.region),
        as_(Role.deputy_director, tree.school_a),
    ):
        changed = await api.patch(url, json={"version": version, "max_size": 20 + version}, headers=writer)
        assert changed.status_code == 200, changed.text
        version = changed.json()["version"]
    assert version == 4


async def test_card_changes_on_the_version_seen_and_are_announced(
    api: httpx.AsyncClient, contingent: ServiceRuntime, tree: Tree, admin: dict[str, str], year: str
) -> None:
    card = (await add_class(api, tree.school_a, admin, year, 10, "А")).json()
    await add_class(api, tree.school_a, admin, year, 10, "Б")
    url = f"/v1/classes/{card['class_id']}"
    scheme = str(uuid.uuid4())
    change = {"version": 1, "kind": "profile", "profile": "социально-экономический", "term_scheme_id": scheme}
    changed = await api.patch(url, json=change, headers=admin)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["kind"], changed.json()["term_scheme_id"], changed.json()["version"]) == (
        "profile",
        scheme,
        2,
    )
    stale = await api.patch(url, json={"version": 1, "max_size": 30}, headers=admin)
    assert problem(stale) == (409, "stale_version", ["body.version"])
    for body, expected in [
        ({"version": 2, "letter": "б"}, (409, "class_exists", ["body.letter"])),
        ({"version": 2, "kind": "general"}, (422, "profile_not_allowed", ["body.profile"])),
        ({"version": 2, "grade": 9}, (422, "profile_grade", ["body.grade"])),
        ({"version": 2, "letter": None}, (422, "value_required", ["body.letter"])),
        (
            {"version": 2, "class_teacher_person_id": scheme},
            (422, "validation_error", ["body.class_teacher_person_id"]),
        ),
    ]:
        assert problem(await api.patch(url, json=body, headers=admin)) == expected, body
    back = await api.patch(
        url, json={"version": 2, "kind": "general", "profile": None, "grade": 11}, headers=admin
    )
    assert back.status_code == 200, back.text
    unchanged = await api.patch(url, json={"version": 3, "grade": 11, "letter": "а"}, headers=admin)
    assert unchanged.json()["version"] == 3

    events = [e["data"] for e in await published(contingent, SAVED) if e["subject"] == card["class_id"]]
    assert [(e["grade"], e["kind"], e["profile"]) for e in events] == [
        (10, "general", None),
        (10, "profile", "социально-экономический"),
        (11, "general", None),
    ]
    assert events[1]["term_scheme_id"] == scheme


async def test_class_teacher_changes_are_announced_with_the_previous_one(
    api: httpx.AsyncClient, contingent: ServiceRuntime, tree: Tree, admin: dict[str, str], year: str
) -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    card = (
        await add_class(api, tree.school_a, admin, year, 5, "А", class_teacher_person_id=str(first))
    ).json()
    url = f"/v1/classes/{card['class_id']}/class-teacher"
    for person_id in (second, second, None):
        response = await api.put(
            url, json={"person_id": None if person_id is None else str(person_id)}, headers=admin
        )
        assert response.status_code == 200, response.text
    assert response.json()["class_teacher_person_id"] is None
    assert response.json()["version"] == 3  # setting the same teacher again changed nothing
    stale = await api.put(url, json={"person_id": str(first), "version": 2}, headers=admin)
    assert problem(stale) == (409, "stale_version", ["body.version"])

    assigned = [
        (e["data"]["person_id"], e["data"]["previous_person_id"])
        for e in await published(contingent, TEACHER)
    ]
    assert assigned == [(str(first), None), (str(second), str(first)), (None, str(second))]
    cards = [e["data"]["class_teacher_person_id"] for e in await published(contingent, SAVED)]
    assert cards == [str(first), str(second), None]


async def test_a_closed_school_keeps_its_classes_read_only(
    api: httpx.AsyncClient, contingent: ServiceRuntime, tree: Tree, admin: dict[str, str], year: str
) -> None:
    card = (await add_class(api, tree.school_a, admin, year, 5, "А")).json()
    async with contingent.database.uow() as uow:
        closing = update(OrgUnit).where(OrgUnit.org_unit_id == tree.school_a)
        await uow.session.execute(closing.values(closed_at=datetime(2026, 6, 1, tzinfo=UTC)))
        await uow.commit()
    url = f"/v1/classes/{card['class_id']}"
    assert (await api.get(url, headers=admin)).status_code == 200
    assert problem(await api.patch(url, json={"version": 1, "max_size": 20}, headers=admin))[:2] == (
        409,
        "school_closed",
    )
    assert problem(await add_class(api, tree.school_a, admin, year, 6, "А"))[:2] == (409, "school_closed")
