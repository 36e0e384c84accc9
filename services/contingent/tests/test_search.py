"""Search for pupils and staff: by name words in any case, birth date or file number, in one's own schools."""

from __future__ import annotations

import uuid

import httpx
import pytest

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime

from .conftest import As
from .test_pupils import School, add_school_class, enrolled
from .test_years import Tree, add_tree

PUPILS, STAFF = "/v1/search/pupils", "/v1/search/staff"


@pytest.fixture
async def tree(contingent: ServiceRuntime) -> Tree:
    return await add_tree(contingent)


@pytest.fixture
async def schools(api: httpx.AsyncClient, as_: As, tree: Tree) -> tuple[School, School]:
    """School A with Иванова Анна and Петров Олег in 5 А; school B (another municipality) with an Иванова."""
    a = await add_school_class(api, tree, as_, tree.school_a)
    b = await add_school_class(api, tree, as_, tree.school_b)
    await enrolled(api, a, "1")
    await enrolled(api, a, "2", last_name="Петров", first_name="Олег", middle_name=None, sex="м")
    await enrolled(api, b, "1", first_name="Мария", birth_date="2015-01-02")
    return a, b


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [f"{item['last_name']} {item['first_name']}" for item in response.json()["items"]]


async def test_a_school_finds_its_own_pupils_by_name_in_any_case(
    api: httpx.AsyncClient, schools: tuple[School, School]
) -> None:
    a, _ = schools
    for typed in ("иванова", "ИВАНОВА", "Иван", "анна иванова"):
        assert names(await api.get(PUPILS, params={"q": typed}, headers=a.admin)) == ["Иванова Анна"], typed
    found = (await api.get(PUPILS, params={"personal_file_number": "2"}, headers=a.admin)).json()["items"]
    assert [(f["last_name"], f["class_label"], f["personal_file_number"]) for f in found] == [
        ("Петров", "5 А", "2")
    ]
    assert "snils" not in found[0]


async def test_the_municipality_and_the_ministry_search_wider(
    api: httpx.AsyncClient, as_: As, tree: Tree, schools: tuple[School, School]
) -> None:
    rayon_a = as_(Role.municipality, tree.rayon_a)
    assert names(await api.get(PUPILS, params={"q": "Иванова"}, headers=rayon_a)) == ["Иванова Анна"]
    ministry = as_(Role.ministry, tree.region)
    assert sorted(names(await api.get(PUPILS, params={"q": "Иванова"}, headers=ministry))) == [
        "Иванова Анна",
        "Иванова Мария",
    ]
    by_birth = await api.get(PUPILS, params={"birth_date": "2015-01-02"}, headers=ministry)
    assert names(by_birth) == ["Иванова Мария"]


async def test_refusals(api: httpx.AsyncClient, as_: As, tree: Tree, schools: tuple[School, School]) -> None:
    a, b = schools
    vague = await api.get(PUPILS, params={"q": "И"}, headers=a.admin)
    assert (vague.status_code, vague.json()["errors"][0]["field"]) == (422, "query.q")
    elsewhere = await api.get(PUPILS, params={"q": "Иванова", "school_id": str(b.school_id)}, headers=a.admin)
    assert elsewhere.status_code == 403
    guardian = as_(Role.guardian, tree.school_a)
    assert (await api.get(PUPILS, params={"q": "Иванова"}, headers=guardian)).status_code == 403
    assert (await api.get(PUPILS, params={"q": "Иванова"})).status_code == 401
    staff_by_file = await api.get(STAFF, params={"personal_file_number": "1"}, headers=a.admin)
    assert staff_by_file.status_code == 422


async def test_staff_are_found_by_name_while_they_work(
    api: httpx.AsyncClient, as_: As, tree: Tree, schools: tuple[School, School]
) -> None:
    a, _ = schools
    hired = await api.post(
        f"/v1/schools/{a.school_id}/staff",
        json={
            "last_name": "Орлова",
            "first_name": "Вера",
            "birth_date": "1985-03-02",
            "position": "учитель",
            "hired_on": str(a.starts_on),
        },
        headers=a.admin,
    )
    assert hired.status_code == 201, hired.text
    teacher = as_(Role.subject_teacher, tree.school_a)
    found = (await api.get(STAFF, params={"q": "орлова"}, headers=teacher)).json()["items"]
    assert [(f["last_name"], f["position"]) for f in found] == [("Орлова", "учитель")]
    dismissed = await api.post(
        f"/v1/staff/{hired.json()['staff_employment_id']}/dismiss",
        json={"dismissed_on": str(a.starts_on)},
        headers=a.admin,
    )
    assert dismissed.status_code == 200, dismissed.text
    assert names(await api.get(STAFF, params={"q": "орлова"}, headers=teacher)) == []
    assert uuid.UUID(found[0]["person_id"])
