"""Exemptions: kept by the class teacher and the administration; an exempted pupil gets no mark."""

from __future__ import annotations

import asyncio

import httpx

from eschool.common.service import ServiceRuntime
from eschool.common.testing.service import As, published

from .journal_helpers import give_mark, mark_body, work_types
from .journal_world import PE_DAY, World
from .term_helpers import teacher

REASON = "Справка: освобождён от физкультуры"


def pe_exemption(w: World) -> dict[str, str]:
    """The second pupil exempted from physical education from the PE day on."""
    return {
        "pupil_person_id": str(w.pupils[1]),
        "subject_id": str(w.pe),
        "from_on": str(PE_DAY),
        "reason": REASON,
    }


async def test_an_exempted_pupil_gets_no_mark_until_the_exemption_is_withdrawn(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    kinds = await work_types(journal, w)
    body = pe_exemption(w)
    # The maths teacher is the class teacher of 5 А.
    granted = await api.post(f"/v1/schools/{w.school}/exemptions", json=body, headers=teacher(as_, w))
    assert granted.status_code == 201, granted.text
    pe = teacher(as_, w, w.other_teacher)
    refused = await give_mark(api, pe, w.pe_lesson, mark_body(w.pupils[1], "5", kinds["answer"]))
    assert (refused.status_code, refused.json()["code"]) == (422, "pupil_exempted")
    sheet = (await api.get(f"/v1/lessons/{w.pe_lesson}", headers=pe)).json()
    assert {p["pupil_person_id"]: p["exempted"] for p in sheet["pupils"]}[str(w.pupils[1])] is True
    listed = await api.get(
        f"/v1/schools/{w.school}/exemptions",
        params={"pupil_person_id": str(w.pupils[1])},
        headers=teacher(as_, w),
    )
    assert [e["reason"] for e in listed.json()] == [REASON]
    withdrawn = await api.delete(f"/v1/exemptions/{granted.json()['exemption_id']}", headers=teacher(as_, w))
    assert withdrawn.status_code == 200
    assert (
        await give_mark(api, pe, w.pe_lesson, mark_body(w.pupils[1], "5", kinds["answer"]))
    ).status_code == 201
    assert all(REASON not in str(e) for e in await published(journal))
    # Who granted and withdrew it, for which subject and days, is in the pupil's audit; the reason is not.
    audit = await api.get(
        f"/v1/pupils/{w.pupils[1]}/audit", params={"school_id": str(w.school)}, headers=teacher(as_, w)
    )
    entries = [i for i in audit.json()["items"] if i["entity"] == "exemption"]
    assert [(i["action"], i["actor_person_id"]) for i in entries] == [
        ("withdrawn", str(w.maths_teacher)),
        ("granted", str(w.maths_teacher)),
    ]
    assert entries[1]["new"] == {"subject_id": str(w.pe), "from_on": str(PE_DAY), "until_on": None}
    assert REASON not in audit.text


async def test_exemptions_are_kept_by_the_class_teacher_and_the_administration_only(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    url = f"/v1/schools/{w.school}/exemptions"
    body = pe_exemption(w)
    assert (await api.post(url, json=body, headers=teacher(as_, w, w.other_teacher))).status_code == 403
    stranger = teacher(as_, w, w.teacher_b, school=w.school_b)
    assert (await api.post(url, json=body, headers=stranger)).status_code == 404
    backwards = {**body, "until_on": "2025-09-01"}
    answer = await api.post(url, json=backwards, headers=teacher(as_, w))
    assert answer.json()["errors"][0]["field"] == "body.until_on"


async def test_two_withdrawals_at_once_withdraw_once(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    body = pe_exemption(w)
    granted = await api.post(f"/v1/schools/{w.school}/exemptions", json=body, headers=teacher(as_, w))
    url = f"/v1/exemptions/{granted.json()['exemption_id']}"

    answers = await asyncio.gather(*(api.delete(url, headers=teacher(as_, w)) for _ in range(4)))

    assert sorted(a.status_code for a in answers) == [200, 404, 404, 404]
    audit = await api.get(
        f"/v1/pupils/{w.pupils[1]}/audit", params={"school_id": str(w.school)}, headers=teacher(as_, w)
    )
    actions = [i["action"] for i in audit.json()["items"] if i["entity"] == "exemption"]
    assert actions == ["withdrawn", "granted"]
