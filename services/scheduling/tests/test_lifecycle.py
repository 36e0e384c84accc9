"""A term's lifecycle: open → closing → closed; reopened only with a reason; each step in the history
(who, when, why); closing and reopening announced; a closed term's dates stay put."""

from __future__ import annotations

import uuid

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.service import As, published

from .conftest import World, new_scheme, shifted


def status_url(scheme: dict, term: dict) -> str:
    return f"/v1/term-schemes/{scheme['term_scheme_id']}/terms/{term['term_id']}/status"


async def test_a_term_is_closed_and_reopened_with_a_reason_on_record(
    api: httpx.AsyncClient, as_: As, world: World, scheduling: ServiceRuntime
) -> None:
    deputy_id = uuid.uuid4()
    deputy = as_(Role.deputy_director, world.school_a, person_id=deputy_id)
    scheme = await new_scheme(api, deputy, world.school_a, world.year_a)
    term, url = scheme["terms"][0], status_url(scheme, scheme["terms"][0])
    for status in ("closing", "closed"):
        moved = await api.post(url, json={"status": status}, headers=deputy)
        assert moved.status_code == 200, moved.text
        assert moved.json()["status"] == status
    no_reason = await api.post(url, json={"status": "open", "reason": "  "}, headers=deputy)
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "body.reason"
    reason = "Исправление итоговой отметки по решению педсовета"
    reopened = await api.post(url, json={"status": "open", "reason": reason}, headers=deputy)
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "open"
    history = await api.get(
        url.replace("/status", "/history"), headers=as_(Role.subject_teacher, world.school_a)
    )
    assert [(h["from_status"], h["to_status"], h["reason"]) for h in history.json()] == [
        ("open", "closing", None),
        ("closing", "closed", None),
        ("closed", "open", reason),
    ]
    assert {h["changed_by_person_id"] for h in history.json()} == {str(deputy_id)}
    [closed] = await published(scheduling, "scheduling.term.closed.v1")
    assert closed["data"]["term_id"] == term["term_id"]
    assert closed["data"]["ends_on"] == term["ends_on"]
    [again] = await published(scheduling, "scheduling.term.reopened.v1")
    assert again["data"]["reason"] == reason


async def test_illegal_steps_are_409(api: httpx.AsyncClient, as_: As, world: World) -> None:
    admin = as_(Role.school_admin, world.school_a)
    scheme = await new_scheme(api, admin, world.school_a, world.year_a)
    url = status_url(scheme, scheme["terms"][1])
    straight = await api.post(url, json={"status": "closed"}, headers=admin)
    assert straight.status_code == 409
    assert straight.json()["code"] == "illegal_transition"
    unknown = await api.post(url, json={"status": "archived"}, headers=admin)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "body.status"
    other_term = f"/v1/term-schemes/{scheme['term_scheme_id']}/terms/{uuid.uuid4()}/status"
    assert (await api.post(other_term, json={"status": "closing"}, headers=admin)).status_code == 404


async def test_a_closed_terms_dates_do_not_move(api: httpx.AsyncClient, as_: As, world: World) -> None:
    admin = as_(Role.school_admin, world.school_a)
    scheme = await new_scheme(api, admin, world.school_a, world.year_a)
    url = status_url(scheme, scheme["terms"][0])
    for status in ("closing", "closed"):
        await api.post(url, json={"status": status}, headers=admin)
    terms_url = f"/v1/term-schemes/{scheme['term_scheme_id']}/terms"
    moved = await api.put(
        terms_url, json={"version": 1, "terms": shifted(scheme["terms"], 0, 1, "ends_on")}, headers=admin
    )
    assert moved.status_code == 409
    assert moved.json()["errors"][0]["field"] == "body.terms.0"
    later = await api.put(
        terms_url, json={"version": 1, "terms": shifted(scheme["terms"], 1, 1, "ends_on")}, headers=admin
    )
    assert later.status_code == 200
    assert later.json()["terms"][0]["status"] == "closed"


async def test_closing_is_the_administrations_not_a_teachers(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    scheme = await new_scheme(api, as_(Role.school_admin, world.school_a), world.school_a, world.year_a)
    url = status_url(scheme, scheme["terms"][0])
    teacher = await api.post(url, json={"status": "closing"}, headers=as_(Role.class_teacher, world.school_a))
    assert teacher.status_code == 403
    stranger = await api.post(url, json={"status": "closing"}, headers=as_(Role.school_admin, world.school_b))
    assert stranger.status_code == 404
    assert stranger.json()["code"] == "term_scheme_not_found"
