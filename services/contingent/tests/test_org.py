"""The org tree: who registers, keeps, moves, closes and reads which unit; versions; events; pages.

Every refusal is proved with a second person who must be refused: the school next door, the other
municipality.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from eschool.common.auth import Role
from eschool.common.db import encode_cursor
from eschool.common.events.contingent import OrgUnitChangedV1, OrgUnitReassignedV1, OrgUnitRegisteredV1
from eschool.common.service import ServiceRuntime
from eschool.contingent.services import org as org_services
from eschool.contingent.services.scope import jurisdiction_of

from .conftest import As, published

REGISTERED = OrgUnitRegisteredV1.event_type
CHANGED = OrgUnitChangedV1.event_type
REASSIGNED = OrgUnitReassignedV1.event_type
URL = "/v1/org-units"


def card(
    kind: str, parent_id: uuid.UUID | None = None, name: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A unit's card as a client sends it."""
    name = name or f"{kind} {uuid.uuid4().hex[:8]}"
    parent = None if parent_id is None else str(parent_id)
    return {"kind": kind, "parent_id": parent, "full_name": "Полное: " + name, "short_name": name, **extra}


@dataclass(frozen=True)
class Tree:
    """A region, municipalities A and B, school A1 under A and B1 under B, and who works where."""

    region: uuid.UUID
    rayon_a: uuid.UUID
    rayon_b: uuid.UUID
    school_a1: uuid.UUID
    school_b1: uuid.UUID
    ministry: dict[str, str]


async def register(api: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]) -> uuid.UUID:
    """Register a unit, asserting it worked; its id."""
    response = await api.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["org_unit_id"])


@pytest.fixture
async def tree(api: httpx.AsyncClient, as_: As) -> Tree:
    """The tree as the ministry builds it through the API."""
    ministry = as_(Role.ministry, uuid.uuid4())
    region = await register(api, ministry, card("region", name="Владимирская область"))
    rayon_a = await register(api, ministry, card("municipality", region, name="Район А"))
    rayon_b = await register(api, ministry, card("municipality", region, name="Район Б"))
    school_a1 = await register(api, ministry, card("school", rayon_a, name="Школа А1", inn="7707083893"))
    school_b1 = await register(api, ministry, card("school", rayon_b, name="Школа Б1"))
    return Tree(region, rayon_a, rayon_b, school_a1, school_b1, ministry)


async def patch(
    api: httpx.AsyncClient, unit: uuid.UUID, headers: dict[str, str], **fields: Any
) -> httpx.Response:
    """Change a card on the version it has now."""
    current = await api.get(f"{URL}/{unit}", headers=headers)
    return await api.patch(
        f"{URL}/{unit}", json={"version": current.json()["version"], **fields}, headers=headers
    )


async def test_ministry_registers_the_tree_and_one_region_only(
    api: httpx.AsyncClient, contingent: ServiceRuntime, tree: Tree
) -> None:
    again = await api.post(URL, json=card("region"), headers=tree.ministry)
    assert again.status_code == 409
    assert again.json()["code"] == "region_exists"
    school = (await api.get(f"{URL}/{tree.school_a1}", headers=tree.ministry)).json()
    assert school["time_zone"] == "Europe/Moscow"  # the region's default
    assert school["parent_id"] == str(tree.rayon_a)
    assert school["requisites"]["inn"] == "7707083893"

    events = {e["subject"]: e for e in await published(contingent, REGISTERED)}
    assert len(events) == 5
    assert events[str(tree.school_a1)]["school_id"] == str(tree.school_a1)
    assert events[str(tree.school_a1)]["data"]["short_name"] == "Школа А1"
    assert events[str(tree.school_a1)]["data"]["time_zone"] == "Europe/Moscow"
    assert events[str(tree.rayon_a)]["school_id"] is None
    assert events[str(tree.rayon_a)]["data"]["parent_id"] == str(tree.region)
    assert events[str(tree.region)]["data"]["parent_id"] is None


async def test_municipality_registers_schools_under_itself_only(
    api: httpx.AsyncClient, as_: As, tree: Tree
) -> None:
    rayon_a = as_(Role.municipality, tree.rayon_a)
    mine = await api.post(URL, json=card("school", tree.rayon_a, time_zone="Asia/Bishkek"), headers=rayon_a)
    assert mine.status_code == 201, mine.text
    assert mine.json()["time_zone"] == "Asia/Bishkek"
    assert mine.headers["ETag"] == '"1"'
    for body in (card("school", tree.rayon_b), card("municipality", tree.region)):
        refused = await api.post(URL, json=body, headers=rayon_a)
        assert refused.status_code == 403, body
        assert refused.json()["code"] == "org_unit_not_administered"


async def test_a_retried_registration_finds_the_school_it_made(
    api: httpx.AsyncClient, contingent: ServiceRuntime, tree: Tree
) -> None:
    body = card("school", tree.rayon_a, org_unit_id=str(uuid.uuid4()))
    first = await api.post(URL, json=body, headers=tree.ministry)
    again = await api.post(URL, json=body, headers=tree.ministry)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    registered = await published(contingent, "contingent.org_unit.registered.v1")
    assert [e["subject"] for e in registered].count(body["org_unit_id"]) == 1, "one school, one event"
    other = await api.post(URL, json={**body, "short_name": "Другая школа"}, headers=tree.ministry)
    assert (other.status_code, other.json()["code"]) == (409, "org_unit_id_taken")
    assert other.json()["errors"][0]["field"] == "body.org_unit_id"


@pytest.mark.parametrize("role", [Role.school_admin, Role.director, Role.subject_teacher, Role.guardian])
async def test_school_people_register_nothing(
    api: httpx.AsyncClient, as_: As, tree: Tree, role: Role
) -> None:
    response = await api.post(URL, json=card("school", tree.rayon_a), headers=as_(role, tree.school_a1))
    assert response.status_code == 403


async def test_a_unit_goes_under_an_open_unit_of_the_kind_above(api: httpx.AsyncClient, tree: Tree) -> None:
    cases = [
        (card("school", tree.region), "parent_kind_mismatch"),
        (card("school", tree.school_a1), "parent_kind_mismatch"),
        (card("municipality"), "required"),
        (card("region", tree.region), "parent_not_allowed"),
        (card("school", uuid.uuid4()), "parent_not_found"),
    ]
    closed = await register(api, tree.ministry, card("municipality", tree.region))
    assert (await api.post(f"{URL}/{closed}/close", headers=tree.ministry)).status_code == 200
    cases.append((card("school", closed), "parent_closed"))
    for body, code in cases:
        response = await api.post(URL, json=body, headers=tree.ministry)
        assert response.status_code == 422, body
        assert response.json()["errors"][0] == {
            "field": "body.parent_id",
            "code": code,
            "detail": response.json()["detail"],
        }


@pytest.mark.parametrize("role", [Role.school_admin, Role.director])
async def test_school_administration_keeps_its_own_card_only(
    api: httpx.AsyncClient, as_: As, tree: Tree, role: Role
) -> None:
    admin = as_(role, tree.school_a1)
    own = await patch(api, tree.school_a1, admin, phone="+7 (4922) 32-45-67", email="school1@obr33.ru")
    assert own.status_code == 200, own.text
    assert own.json()["phone"] == "+7 (4922) 32-45-67"
    for unit in (tree.school_b1, tree.rayon_a, tree.region):
        refused = await patch(api, unit, admin, phone="+7 4922 000000")
        assert refused.status_code == 403, unit
    moved = await api.patch(
        f"{URL}/{tree.school_a1}", json={"version": 2, "parent_id": str(tree.rayon_b)}, headers=admin
    )
    assert moved.status_code == 422
    assert moved.json()["errors"][0]["field"] == "body.parent_id"
    assert (await api.post(f"{URL}/{tree.school_a1}/close", headers=admin)).status_code == 403


async def test_municipality_keeps_its_own_and_its_schools_cards(
    api: httpx.AsyncClient, as_: As, tree: Tree
) -> None:
    rayon_a = as_(Role.municipality, tree.rayon_a)
    assert (
        await patch(api, tree.school_a1, rayon_a, address="г. Владимир, ул. Школьная, 1")
    ).status_code == 200
    assert (await patch(api, tree.rayon_a, rayon_a, phone="+7 4922 111111")).status_code == 200
    for unit in (tree.school_b1, tree.rayon_b, tree.region):
        assert (await patch(api, unit, rayon_a, phone="+7 4922 111111")).status_code == 403, unit
    assert (await patch(api, tree.region, tree.ministry, short_name="Минобр")).status_code == 200


async def test_a_change_names_the_version_it_was_based_on(api: httpx.AsyncClient, tree: Tree) -> None:
    url = f"{URL}/{tree.school_a1}"
    seen = await api.get(url, headers=tree.ministry)
    assert seen.headers["ETag"] == '"1"'
    first = await api.patch(
        url, json={"phone": "+7 4922 222222"}, headers={**tree.ministry, "If-Match": '"1"'}
    )
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] == '"2"'
    stale = await api.patch(url, json={"version": 1, "phone": "+7 4922 333333"}, headers=tree.ministry)
    assert stale.status_code == 409
    assert (stale.json()["code"], stale.json()["current_version"]) == ("stale_version", 2)
    missing = await api.patch(url, json={"phone": "+7 4922 333333"}, headers=tree.ministry)
    assert missing.status_code == 428
    assert missing.json()["errors"][0]["field"] == "body.version"
    garbled = await api.patch(url, json={"phone": "1"}, headers={**tree.ministry, "If-Match": "abc"})
    assert garbled.status_code == 400
    disagree = await api.patch(url, json={"version": 1}, headers={**tree.ministry, "If-Match": '"2"'})
    assert disagree.status_code == 400
    assert (await api.get(url, headers=tree.ministry)).json()["phone"] == "+7 4922 222222"


async def test_two_changes_on_one_version_one_wins(
    api: httpx.AsyncClient, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each change waits a moment for the other between reading the card and writing it: were the card
    # not locked when read, both would read version 1 and both would win.
    arrived, both = [], asyncio.Event()

    async def meet_then_check(uow: Any, actor: Any) -> Any:
        arrived.append(actor)
        if len(arrived) == 2:
            both.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(both.wait(), 0.5)
        return await jurisdiction_of(uow, actor)

    monkeypatch.setattr(org_services, "jurisdiction_of", meet_then_check)
    url = f"{URL}/{tree.school_a1}"
    phones = ("+7 111111", "+7 222222")
    replies = await asyncio.gather(
        *(api.patch(url, json={"version": 1, "phone": phone}, headers=tree.ministry) for phone in phones)
    )
    assert sorted(r.status_code for r in replies) == [200, 409]
    assert (await api.get(url, headers=tree.ministry)).json()["version"] == 2


async def test_only_what_consumers_keep_is_published(
    api: httpx.AsyncClient, contingent: ServiceRuntime, tree: Tree
) -> None:
    assert (await patch(api, tree.school_a1, tree.ministry, phone="+7 4922 444444")).status_code == 200
    assert await published(contingent, CHANGED) == []
    same = await patch(api, tree.school_a1, tree.ministry, phone=" +7 4922 444444 ")
    assert same.json()["version"] == 2  # nothing changed: no new version
    renamed = await patch(
        api, tree.school_a1, tree.ministry, short_name="  МБОУ  СОШ №1 ", time_zone="Europe/Samara"
    )
    assert renamed.json()["short_name"] == "МБОУ СОШ №1"
    [event] = await published(contingent, CHANGED)
    assert (event["subject"], event["school_id"]) == (str(tree.school_a1), str(tree.school_a1))
    assert event["data"] | {"occurred_at": None} == {
        "org_unit_id": str(tree.school_a1),
        "kind": "school",
        "short_name": "МБОУ СОШ №1",
        "time_zone": "Europe/Samara",
        "closed": False,
        "occurred_at": None,
    }


async def test_ministry_moves_a_school_to_another_municipality(
    api: httpx.AsyncClient, as_: As, contingent: ServiceRuntime, tree: Tree
) -> None:
    rayon_a, rayon_b = as_(Role.municipality, tree.rayon_a), as_(Role.municipality, tree.rayon_b)
    move_url = f"{URL}/{tree.school_a1}/move"
    to_b = {"parent_id": str(tree.rayon_b)}
    assert (await api.post(move_url, json=to_b, headers=rayon_a)).status_code == 403
    assert (
        await api.post(move_url, json=to_b, headers=as_(Role.school_admin, tree.school_a1))
    ).status_code == 403
    stale = await api.post(move_url, json={**to_b, "version": 7}, headers=tree.ministry)
    assert stale.status_code == 409
    moved = await api.post(move_url, json={**to_b, "version": 1}, headers=tree.ministry)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["parent_id"], moved.json()["version"]) == (str(tree.rayon_b), 2)
    [event] = await published(contingent, REASSIGNED)
    assert (event["subject"], event["school_id"]) == (str(tree.school_a1), str(tree.school_a1))
    assert event["data"]["parent_id"] == str(tree.rayon_b)
    # The school is now the other municipality's to keep.
    assert (await patch(api, tree.school_a1, rayon_a, phone="+7 4922 555555")).status_code == 403
    assert (await patch(api, tree.school_a1, rayon_b, phone="+7 4922 555555")).status_code == 200

    for unit, parent in (
        (tree.rayon_a, tree.region),
        (tree.school_b1, tree.region),
        (tree.school_b1, tree.school_a1),
    ):
        refused = await api.post(f"{URL}/{unit}/move", json={"parent_id": str(parent)}, headers=tree.ministry)
        assert refused.status_code == 422, (unit, parent)
        assert refused.json()["errors"][0]["field"] == "body.parent_id"
    assert len(await published(contingent, REASSIGNED)) == 1


async def test_closing_and_reopening(
    api: httpx.AsyncClient, as_: As, contingent: ServiceRuntime, tree: Tree
) -> None:
    rayon_a = as_(Role.municipality, tree.rayon_a)
    assert (await api.post(f"{URL}/{tree.school_b1}/close", headers=rayon_a)).status_code == 403
    assert (await api.post(f"{URL}/{tree.rayon_a}/close", headers=rayon_a)).status_code == 403
    assert (await api.post(f"{URL}/{tree.region}/close", headers=tree.ministry)).status_code == 422
    busy = await api.post(f"{URL}/{tree.rayon_a}/close", headers=tree.ministry)
    assert (busy.status_code, busy.json()["code"]) == (409, "has_open_children")

    closed = await api.post(f"{URL}/{tree.school_a1}/close", json={"version": 1}, headers=rayon_a)
    assert closed.status_code == 200, closed.text
    assert closed.json()["closed_at"] is not None
    assert (await api.post(f"{URL}/{tree.school_a1}/close", headers=rayon_a)).json()["version"] == 2
    assert (await api.post(f"{URL}/{tree.rayon_a}/close", headers=tree.ministry)).status_code == 200
    school = await api.post(URL, json=card("school", tree.rayon_a), headers=tree.ministry)
    assert (school.status_code, school.json()["code"]) == (422, "parent_closed")
    orphan = await api.post(f"{URL}/{tree.school_a1}/reopen", headers=tree.ministry)
    assert (orphan.status_code, orphan.json()["code"]) == (409, "parent_closed")
    assert (await api.post(f"{URL}/{tree.rayon_a}/reopen", headers=tree.ministry)).status_code == 200
    assert (await api.post(f"{URL}/{tree.school_a1}/reopen", headers=rayon_a)).status_code == 200

    events = [
        (e["subject"], e["school_id"], e["data"]["closed"]) for e in await published(contingent, CHANGED)
    ]
    a1, rayon = str(tree.school_a1), str(tree.rayon_a)
    assert events == [(a1, a1, True), (rayon, None, True), (rayon, None, False), (a1, a1, False)]


async def test_anyone_signed_in_reads_the_public_card_administrators_the_requisites(
    api: httpx.AsyncClient, as_: As, tree: Tree
) -> None:
    url = f"{URL}/{tree.school_a1}"
    readers = {
        Role.guardian: (tree.school_a1, False),
        Role.subject_teacher: (tree.school_a1, False),
        Role.school_admin: (tree.school_b1, False),
        Role.municipality: (tree.rayon_b, False),
        Role.director: (tree.school_a1, True),
    }
    readers_a = [(as_(role, unit), shown) for role, (unit, shown) in readers.items()]
    readers_a.append((as_(Role.municipality, tree.rayon_a), True))
    for headers, shown in readers_a:
        response = await api.get(url, headers=headers)
        assert response.status_code == 200
        assert response.json()["short_name"] == "Школа А1"
        assert (response.json()["requisites"] is not None) is shown
    assert (await api.get(url)).status_code == 401
    assert (await api.get(f"{URL}/{uuid.uuid4()}", headers=tree.ministry)).status_code == 404


async def test_children_and_search_come_in_pages(api: httpx.AsyncClient, as_: As, tree: Tree) -> None:
    names = ["Гимназия №3", "Лицей №2", "Школа №10", "школа-интернат", "Гимназия №1"]
    for name in names:
        await register(api, tree.ministry, card("school", tree.rayon_a, name=name))
    guardian = as_(Role.guardian, tree.school_a1)
    pages: list[list[str]] = []
    cursor = None
    while len(pages) < 5 and (cursor or not pages):
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await api.get(f"{URL}/{tree.rayon_a}/children", params=params, headers=guardian)).json()
        pages.append([item["short_name"] for item in page["items"]])
        cursor = page["next_cursor"]
    assert [len(p) for p in pages] == [2, 2, 2]
    assert sorted(name for page in pages for name in page) == sorted([*names, "Школа А1"])

    found = await api.get(
        URL, params={"kind": "school", "parent_id": str(tree.rayon_a), "q": "гимназия"}, headers=guardian
    )
    assert sorted(i["short_name"] for i in found.json()["items"]) == ["Гимназия №1", "Гимназия №3"]
    assert [
        i["short_name"] for i in (await api.get(URL, params={"q": "ЛИЦЕЙ"}, headers=guardian)).json()["items"]
    ] == ["Лицей №2"]
    await api.post(f"{URL}/{tree.school_a1}/close", headers=tree.ministry)
    open_only = await api.get(f"{URL}/{tree.rayon_a}/children", params={"q": "А1"}, headers=guardian)
    assert open_only.json()["items"] == []
    everything = await api.get(
        f"{URL}/{tree.rayon_a}/children", params={"q": "А1", "include_closed": True}, headers=guardian
    )
    assert len(everything.json()["items"]) == 1

    assert (await api.get(f"{URL}/{uuid.uuid4()}/children", headers=guardian)).status_code == 404
    for forged in ("not-a-cursor", encode_cursor([123, "x"])):
        bad = await api.get(f"{URL}/{tree.rayon_a}/children", params={"cursor": forged}, headers=guardian)
        assert (bad.status_code, bad.json()["errors"][0]["field"]) == (400, "query.cursor")


async def test_history_says_who_changed_what(api: httpx.AsyncClient, as_: As, tree: Tree) -> None:
    director_id = uuid.uuid4()
    director = as_(Role.director, tree.school_a1, user_id=director_id)
    assert (await patch(api, tree.school_a1, director, phone="+7 4922 777777")).status_code == 200
    history = await api.get(f"{URL}/{tree.school_a1}/changes", headers=as_(Role.municipality, tree.rayon_a))
    assert history.status_code == 200
    latest, first = history.json()["items"]
    assert (latest["action"], latest["actor_user_id"], latest["version"]) == ("changed", str(director_id), 2)
    assert latest["changes"] == {"phone": {"old": None, "new": "+7 4922 777777"}}
    assert first["action"] == "registered"
    assert first["changes"]["inn"] == {"old": None, "new": "7707083893"}
    for outsider in (as_(Role.guardian, tree.school_a1), as_(Role.school_admin, tree.school_b1)):
        assert (await api.get(f"{URL}/{tree.school_a1}/changes", headers=outsider)).status_code == 403
