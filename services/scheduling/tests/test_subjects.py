"""Subjects: the regional catalogue (seeded, read by anyone signed in, kept by the ministry) and each
school's list (chosen from the catalogue or its own, retired never deleted), with their events."""

from __future__ import annotations

from typing import Any

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.service import As, published
from eschool.scheduling.domain.subjects import CATALOGUE

from .conftest import World

SAVED = "scheduling.subject.saved.v1"


async def catalogue(api: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    response = await api.get("/v1/subjects", headers=headers)
    assert response.status_code == 200, response.text
    return {s["code"]: s for s in response.json()}


async def test_the_catalogue_is_seeded_and_read_by_anyone_signed_in(
    api: httpx.AsyncClient, as_: As, world: World, scheduling: ServiceRuntime
) -> None:
    subjects = await catalogue(api, as_(Role.pupil, world.school_a))
    assert len(subjects) == len(CATALOGUE)
    assert subjects["physical_education"]["translations"] == {"ky": "Дене тарбия"}
    assert subjects["mathematics"]["school_id"] is None
    events = await published(scheduling, SAVED)
    assert {e["data"]["code"] for e in events} >= {"russian", "algebra"}
    assert (await api.get("/v1/subjects")).status_code == 401


async def test_the_ministry_adds_and_renames_catalogue_subjects(
    api: httpx.AsyncClient, as_: As, world: World, scheduling: ServiceRuntime
) -> None:
    ministry = as_(Role.ministry, world.region)
    body = {
        "code": "kyrgyz",
        "name": "Кыргызский язык",
        "short_name": "Кырг. яз.",
        "translations": {"ky": "Кыргыз тили"},
    }
    created = await api.post("/v1/subjects", json=body, headers=ministry)
    assert created.status_code == 201, created.text
    subject = created.json()
    again = await api.post(
        "/v1/subjects", json={**body, "code": "kyrgyz2", "name": " КЫРГЫЗСКИЙ  язык"}, headers=ministry
    )
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "body.name"
    code_taken = await api.post("/v1/subjects", json={**body, "name": "Другой"}, headers=ministry)
    assert code_taken.json()["errors"][0]["field"] == "body.code"
    update = {**body, "name": "Кыргыз тили", "retired": True, "version": subject["version"]}
    changed = await api.put(f"/v1/subjects/{subject['subject_id']}", json=update, headers=ministry)
    assert changed.status_code == 200, changed.text
    assert changed.json()["retired"] is True
    stale = await api.put(f"/v1/subjects/{subject['subject_id']}", json=update, headers=ministry)
    assert stale.json()["code"] == "stale_version"
    assert "kyrgyz" not in await catalogue(api, ministry)
    events = [e for e in await published(scheduling, SAVED) if e["subject"] == subject["subject_id"]]
    assert [e["data"]["retired"] for e in events] == [False, True]
    assert events[-1]["school_id"] is None


async def test_only_the_ministry_keeps_the_catalogue(api: httpx.AsyncClient, as_: As, world: World) -> None:
    body = {"code": "chess", "name": "Шахматы"}
    for who, org in ((Role.school_admin, world.school_a), (Role.municipality, world.rayon_a)):
        refused = await api.post("/v1/subjects", json=body, headers=as_(who, org))
        assert refused.status_code == 403
        assert refused.json()["code"] == "catalogue_write_denied"
    bad = await api.post(
        "/v1/subjects", json={"code": "Шахматы", "name": ""}, headers=as_(Role.ministry, world.region)
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} >= {"body.code", "body.name"}


async def test_a_school_chooses_catalogue_subjects_once(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    admin = as_(Role.schedule_dispatcher, world.school_a)
    subjects = await catalogue(api, admin)
    ids = [subjects["mathematics"]["subject_id"], subjects["russian"]["subject_id"]]
    url = f"/v1/schools/{world.school_a}/subjects"
    for _ in range(2):
        chosen = await api.post(url + "/chosen", json={"subject_ids": ids}, headers=admin)
        assert chosen.status_code == 200, chosen.text
    listed = (await api.get(url, headers=as_(Role.guardian, world.school_a))).json()
    assert [(s["subject"]["name"], s["source"]) for s in listed] == [
        ("Математика", "catalogue"),
        ("Русский язык", "catalogue"),
    ]
    retired = await api.post(f"{url}/{ids[0]}/retire", headers=admin)
    assert retired.json()["retired"] is True
    assert len((await api.get(url, headers=admin)).json()) == 1
    assert len((await api.get(url, params={"include_retired": True}, headers=admin)).json()) == 2
    await api.post(url + "/chosen", json={"subject_ids": ids[:1]}, headers=admin)
    assert len((await api.get(url, headers=admin)).json()) == 2
    unknown = await api.post(url + "/chosen", json={"subject_ids": [ids[0], world.region.hex]}, headers=admin)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "body.subject_ids.1"
    rename = await api.put(f"{url}/{ids[1]}", json={"name": "Родной язык", "version": 1}, headers=admin)
    assert rename.json()["code"] == "catalogue_subject_read_only"


async def test_a_school_adds_and_retires_its_own_subject(
    api: httpx.AsyncClient, as_: As, world: World, scheduling: ServiceRuntime
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    url = f"/v1/schools/{world.school_a}/subjects"
    body = {"name": "Основы программирования", "short_name": "Осн. прогр."}
    created = await api.post(url, json=body, headers=admin)
    assert created.status_code == 201, created.text
    own = created.json()
    assert own["source"] == "school"
    twin = await api.post(url, json={"name": "основы  ПРОГРАММИРОВАНИЯ"}, headers=admin)
    assert twin.status_code == 409
    assert twin.json()["code"] == "subject_exists"
    like_catalogue = await api.post(url, json={"name": "Алгебра"}, headers=admin)
    assert like_catalogue.json()["code"] == "subject_in_catalogue"
    elsewhere = await api.post(
        f"/v1/schools/{world.school_b}/subjects", json=body, headers=as_(Role.school_admin, world.school_b)
    )
    assert elsewhere.status_code == 201  # another school's own subject may have the same name
    subject_id = own["subject"]["subject_id"]
    renamed = await api.put(
        f"{url}/{subject_id}", json={"name": "Робототехника", "version": 1}, headers=admin
    )
    assert renamed.json()["subject"]["name"] == "Робототехника"
    assert (await api.post(f"{url}/{subject_id}/retire", headers=admin)).json()["retired"] is True
    events = [e for e in await published(scheduling, SAVED) if e["subject"] == subject_id]
    assert [(e["data"]["name"], e["data"]["retired"]) for e in events] == [
        ("Основы программирования", False),
        ("Робототехника", False),
        ("Робототехника", True),
    ]
    assert events[0]["school_id"] == str(world.school_a)
    restored = await api.post(f"{url}/{subject_id}/restore", headers=admin)
    assert restored.json()["retired"] is False


async def test_school_subjects_are_the_schools_people_only(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    url = f"/v1/schools/{world.school_a}/subjects"
    own = await api.post(url, json={"name": "Шахматы"}, headers=as_(Role.school_admin, world.school_a))
    subject_id = own.json()["subject"]["subject_id"]
    teacher = as_(Role.subject_teacher, world.school_a)
    assert (await api.get(url, headers=teacher)).status_code == 200
    refused = await api.post(url, json={"name": "Танцы"}, headers=teacher)
    assert refused.status_code == 403
    assert refused.json()["code"] == "school_setup_write_denied"
    stranger = as_(Role.school_admin, world.school_b)
    assert (await api.get(url, headers=stranger)).status_code == 404
    assert (await api.post(f"{url}/{subject_id}/retire", headers=stranger)).status_code == 404
    assert (
        await api.post(url, json={"name": "Танцы"}, headers=as_(Role.municipality, world.rayon_a))
    ).status_code == 201
