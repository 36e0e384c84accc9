"""Term schemes: generated with default terms and vacations for a year contingent announced, several
per school and year, corrected by hand on the version seen, each change announced in its transaction."""

from __future__ import annotations

import uuid

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.service import As, published

from .conftest import World, new_scheme, shifted

SAVED = "scheduling.term_scheme.saved.v1"
HOLIDAYS = "scheduling.holidays.changed.v1"


async def test_a_scheme_is_generated_with_quarters_and_vacations(
    api: httpx.AsyncClient, as_: As, world: World, scheduling: ServiceRuntime
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    scheme = await new_scheme(api, admin, world.school_a, world.year_a)
    assert [(t["name"], t["starts_on"], t["status"]) for t in scheme["terms"]] == [
        ("1 четверть", "2025-09-01", "open"),
        ("2 четверть", "2025-11-05", "open"),
        ("3 четверть", "2026-01-09", "open"),
        ("4 четверть", "2026-04-01", "open"),
    ]
    assert scheme["terms"][-1]["ends_on"] == "2026-05-31"  # lessons end with May, not the year
    assert scheme["version"] == 1
    [saved] = await published(scheduling, SAVED)
    assert saved["data"]["term_scheme_id"] == scheme["term_scheme_id"]
    assert [t["term_id"] for t in saved["data"]["terms"]] == [t["term_id"] for t in scheme["terms"]]
    [holidays] = await published(scheduling, HOLIDAYS)
    assert [h["name"] for h in holidays["data"]["holidays"]] == [
        "Осенние каникулы",
        "Зимние каникулы",
        "Весенние каникулы",
    ]
    assert {h["term_scheme_id"] for h in holidays["data"]["holidays"]} == {scheme["term_scheme_id"]}


async def test_several_schemes_per_year_and_a_twin_is_refused(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    admin = as_(Role.director, world.school_a)
    await new_scheme(api, admin, world.school_a, world.year_a)
    await new_scheme(
        api, admin, world.school_a, world.year_a, name="Полугодия, 10–11 классы", kind="half_years"
    )
    twin = await api.post(
        f"/v1/schools/{world.school_a}/term-schemes",
        json={"academic_year_id": str(world.year_a), "name": " Четверти, 1–4 классы ", "kind": "quarters"},
        headers=admin,
    )
    assert twin.status_code == 409
    assert twin.json()["errors"][0]["field"] == "body.name"
    listed = await api.get(
        f"/v1/schools/{world.school_a}/term-schemes",
        params={"academic_year_id": str(world.year_a)},
        headers=admin,
    )
    assert sorted(len(s["terms"]) for s in listed.json()) == [2, 4]


async def test_a_year_contingent_has_not_announced_is_a_409(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    response = await api.post(
        f"/v1/schools/{world.school_a}/term-schemes",
        json={"academic_year_id": str(uuid.uuid4()), "name": "Четверти", "kind": "quarters"},
        headers=as_(Role.school_admin, world.school_a),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "academic_year_not_announced"
    assert "контингент" in response.json()["detail"]


async def test_another_schools_year_and_a_bad_kind_are_refused_naming_the_field(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    url = f"/v1/schools/{world.school_a}/term-schemes"
    other = await api.post(
        url, json={"academic_year_id": str(world.year_b), "name": "Ч", "kind": "quarters"}, headers=admin
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "body.academic_year_id"
    kind = await api.post(
        url, json={"academic_year_id": str(world.year_a), "name": "Ч", "kind": "weeks"}, headers=admin
    )
    assert kind.status_code == 422
    assert kind.json()["errors"][0]["field"] == "body.kind"


async def test_terms_are_corrected_by_hand_on_the_version_seen(
    api: httpx.AsyncClient, as_: As, world: World, scheduling: ServiceRuntime
) -> None:
    dispatcher = as_(Role.schedule_dispatcher, world.school_a)
    scheme = await new_scheme(api, dispatcher, world.school_a, world.year_a)
    url = f"/v1/term-schemes/{scheme['term_scheme_id']}/terms"
    body = shifted(scheme["terms"], 3, -6, "ends_on")
    body = shifted(body, 0, 2, "ends_on")
    done = await api.put(url, json={"version": 1, "terms": body}, headers=dispatcher)
    assert done.status_code == 200, done.text
    assert done.json()["version"] == 2
    assert (done.json()["terms"][0]["ends_on"], done.json()["terms"][3]["ends_on"]) == (
        "2025-10-27",
        "2026-05-25",
    )
    assert [t["term_id"] for t in done.json()["terms"]] == [t["term_id"] for t in scheme["terms"]]
    stale = await api.put(url, json={"version": 1, "terms": body}, headers=dispatcher)
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    saved = await published(scheduling, SAVED)
    assert len(saved) == 2
    assert saved[-1]["data"]["terms"][3]["ends_on"] == "2026-05-25"


async def test_bad_terms_are_refused_naming_each_field(api: httpx.AsyncClient, as_: As, world: World) -> None:
    admin = as_(Role.school_admin, world.school_a)
    scheme = await new_scheme(api, admin, world.school_a, world.year_a)
    url = f"/v1/term-schemes/{scheme['term_scheme_id']}/terms"
    overlapping = shifted(scheme["terms"], 2, -70)
    outside = shifted(overlapping, 3, 100, "ends_on")  # past the year's 31 August
    response = await api.put(url, json={"version": 1, "terms": outside}, headers=admin)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "body.terms.2.starts_on",
        "body.terms.3.ends_on",
    }
    short = await api.put(url, json={"version": 1, "terms": outside[:3]}, headers=admin)
    assert short.status_code == 422
    assert short.json()["errors"][0]["field"] == "body.terms"
    garbage = await api.put(
        url, json={"version": 1, "terms": [{"name": "1", "starts_on": "32.13.2025"}]}, headers=admin
    )
    assert garbage.status_code == 422
    assert {e["field"] for e in garbage.json()["errors"]} == {
        "body.terms.0.starts_on",
        "body.terms.0.ends_on",
    }
    unchanged = await api.get(f"/v1/term-schemes/{scheme['term_scheme_id']}", headers=admin)
    assert unchanged.json()["terms"] == scheme["terms"]
    assert unchanged.json()["version"] == 1
