"""Sub-periods of a term (seed 000, point 8: «Подпериоды»): set whole on the scheme's version, inside
the term, in order; the halves of a quarter on request; announced with the scheme; a term's new dates
may not leave a sub-period outside; a closed term's sub-periods stay."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.service import As, published

from .conftest import World, new_scheme, shifted

SAVED = "scheduling.term_scheme.saved.v1"


def url(scheme: dict[str, Any], term: dict[str, Any]) -> str:
    return f"/v1/term-schemes/{scheme['term_scheme_id']}/terms/{term['term_id']}/sub-terms"


async def test_a_quarter_cut_in_halves_and_announced_with_the_scheme(
    api: httpx.AsyncClient, as_: As, world: World, scheduling: ServiceRuntime
) -> None:
    admin = as_(Role.schedule_dispatcher, world.school_a)
    scheme = await new_scheme(api, admin, world.school_a, world.year_a)
    first = scheme["terms"][0]
    done = await api.put(url(scheme, first), json={"version": 1, "halves": True}, headers=admin)
    assert done.status_code == 200, done.text
    items = done.json()["items"]
    assert [x["number"] for x in items] == [1, 2]
    assert (items[0]["starts_on"], items[1]["ends_on"]) == (first["starts_on"], first["ends_on"])
    assert date.fromisoformat(items[1]["starts_on"]) == date.fromisoformat(items[0]["ends_on"]) + timedelta(1)
    again = await api.put(url(scheme, first), json={"version": 2, "halves": True}, headers=admin)
    assert again.json()["items"] == items  # the same again: nothing changes, nothing announced
    stale = await api.put(url(scheme, first), json={"version": 1, "sub_terms": []}, headers=admin)
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    saved = await published(scheduling, SAVED)
    assert len(saved) == 2
    announced = saved[-1]["data"]["terms"][0]["sub_terms"]
    assert [x["sub_term_id"] for x in announced] == [x["sub_term_id"] for x in items]
    read = await api.get(url(scheme, first), headers=as_(Role.subject_teacher, world.school_a))
    assert read.json()["items"] == items


async def test_bad_sub_terms_are_refused_and_term_dates_keep_them_inside(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    scheme = await new_scheme(api, admin, world.school_a, world.year_a)
    first = scheme["terms"][0]
    start, end = date.fromisoformat(first["starts_on"]), date.fromisoformat(first["ends_on"])
    bad = [
        {"name": "A", "starts_on": str(start - timedelta(1)), "ends_on": str(start + timedelta(9))},
        {"name": " ", "starts_on": str(start + timedelta(5)), "ends_on": str(start + timedelta(3))},
    ]
    refused = await api.put(url(scheme, first), json={"version": 1, "sub_terms": bad}, headers=admin)
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} >= {
        "body.sub_terms.0.starts_on",
        "body.sub_terms.1.name",
        "body.sub_terms.1.ends_on",
    }
    good = [{"name": "Весь период", "starts_on": str(start), "ends_on": str(end)}]
    assert (
        await api.put(url(scheme, first), json={"version": 1, "sub_terms": good}, headers=admin)
    ).status_code == 200
    shorter = shifted(scheme["terms"], 0, -5, "ends_on")
    moved = await api.put(
        f"/v1/term-schemes/{scheme['term_scheme_id']}/terms",
        json={"version": 2, "terms": shorter},
        headers=admin,
    )
    assert (moved.status_code, moved.json()["code"]) == (409, "sub_terms_outside_term")
    teacher = as_(Role.subject_teacher, world.school_a)
    assert (
        await api.put(url(scheme, first), json={"version": 2, "sub_terms": []}, headers=teacher)
    ).status_code == 403
    other = as_(Role.school_admin, world.school_b)
    assert (await api.get(url(scheme, first), headers=other)).status_code == 404
