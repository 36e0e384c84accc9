"""A school's rooms: added by its administration with names unique in the school, listed to its people,
changed and retired on the version the editor saw."""

from __future__ import annotations

import httpx

from eschool.common.auth import Role
from eschool.common.testing.service import As

from .conftest import World


async def test_rooms_are_added_listed_changed_and_retired(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    admin = as_(Role.deputy_director, world.school_a)
    url = f"/v1/schools/{world.school_a}/rooms"
    created = await api.post(url, json={"name": " 204 ", "kind": "laboratory", "capacity": 28}, headers=admin)
    assert created.status_code == 201, created.text
    room = created.json()
    assert (room["name"], room["kind"], room["capacity"], room["retired"]) == ("204", "laboratory", 28, False)
    gym = await api.post(url, json={"name": "Спортзал", "kind": "gym"}, headers=admin)
    twin = await api.post(url, json={"name": "СПОРТЗАЛ"}, headers=admin)
    assert twin.status_code == 409
    assert twin.json()["errors"][0]["field"] == "body.name"
    assert (
        await api.post(
            f"/v1/schools/{world.school_b}/rooms",
            json={"name": "204"},
            headers=as_(Role.school_admin, world.school_b),
        )
    ).status_code == 201
    update = {"name": "204а", "kind": "computer_lab", "capacity": 15, "retired": True, "version": 1}
    changed = await api.put(f"/v1/rooms/{room['room_id']}", json=update, headers=admin)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["version"]) == ("204а", 2)
    assert (await api.put(f"/v1/rooms/{room['room_id']}", json=update, headers=admin)).json()[
        "code"
    ] == "stale_version"
    clash = {"name": "спортзал", "kind": "gym", "version": 2}
    assert (await api.put(f"/v1/rooms/{room['room_id']}", json=clash, headers=admin)).status_code == 409
    listed = (await api.get(url, headers=as_(Role.pupil, world.school_a))).json()
    assert [r["name"] for r in listed] == [gym.json()["name"]]
    everything = (await api.get(url, params={"include_retired": True}, headers=admin)).json()
    assert [r["name"] for r in everything] == ["204а", "Спортзал"]


async def test_bad_room_input_names_the_field(api: httpx.AsyncClient, as_: As, world: World) -> None:
    url = f"/v1/schools/{world.school_a}/rooms"
    admin = as_(Role.school_admin, world.school_a)
    for body, field in (
        ({"name": "1", "capacity": 0}, "body.capacity"),
        ({"name": "1", "kind": "pool"}, "body.kind"),
        ({"name": "   "}, "body.name"),
        ({"name": "1", "floor": 2}, "body.floor"),
    ):
        response = await api.post(url, json=body, headers=admin)
        assert response.status_code == 422, response.text
        assert field in {e["field"] for e in response.json()["errors"]}


async def test_rooms_are_the_schools_people_only(api: httpx.AsyncClient, as_: As, world: World) -> None:
    url = f"/v1/schools/{world.school_a}/rooms"
    room = (await api.post(url, json={"name": "101"}, headers=as_(Role.school_admin, world.school_a))).json()
    teacher = as_(Role.class_teacher, world.school_a)
    assert (await api.get(url, headers=teacher)).status_code == 200
    refused = await api.post(url, json={"name": "102"}, headers=teacher)
    assert refused.status_code == 403
    assert refused.json()["code"] == "school_setup_write_denied"
    stranger = as_(Role.school_admin, world.school_b)
    assert (await api.get(url, headers=stranger)).status_code == 404
    put = await api.put(f"/v1/rooms/{room['room_id']}", json={"name": "1", "version": 1}, headers=stranger)
    assert put.status_code == 404
    assert put.json()["code"] == "room_not_found"
