"""A person's card corrected: the school's administration or the class teacher fix a name or a SNILS,
the change is kept with its old and new values (a SNILS never in clear) and announced; a stale version
is refused, the same correction again changes nothing, a SNILS of another person is refused."""

from __future__ import annotations

import json
from typing import Any

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime

from . import test_pupils
from .conftest import As, published
from .test_pupils import School, enrolled, snils_of
from .test_years import problem

tree, school, school_b = test_pupils.tree, test_pupils.school, test_pupils.school_b
CHANGED = "contingent.person.changed.v1"


def card(version: int, **changes: Any) -> dict[str, Any]:
    """Анна Сергеевна Иванова's card as enrolled by ``pupil_form``, with ``changes``."""
    base = {
        "version": version,
        "last_name": "Иванова",
        "first_name": "Анна",
        "middle_name": "Сергеевна",
        "birth_date": "2015-09-10",
        "sex": "ж",
    }
    return base | changes


async def test_a_new_surname_is_kept_with_its_history_and_announced(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    pupil = await enrolled(api, school)
    fixed = await api.put(f"/v1/persons/{pupil}", json=card(1, last_name="Петрова"), headers=school.admin)
    assert fixed.status_code == 200, fixed.text
    assert (fixed.json()["last_name"], fixed.json()["version"]) == ("Петрова", 2)
    again = await api.put(f"/v1/persons/{pupil}", json=card(1, last_name="Петрова"), headers=school.admin)
    assert (again.status_code, again.json()["version"]) == (200, 2)  # the same correction: nothing
    stale = await api.put(f"/v1/persons/{pupil}", json=card(1, first_name="Анастасия"), headers=school.admin)
    assert problem(stale)[:2] == (409, "stale_version")
    [event] = await published(contingent, CHANGED)
    assert event["data"]["name"] == {"last_name": "Петрова", "first_name": "Анна", "middle_name": "Сергеевна"}
    history = (await api.get(f"/v1/persons/{pupil}/changes", headers=school.admin)).json()["items"]
    assert [h["changes"] for h in history] == [{"last_name": {"old": "Иванова", "new": "Петрова"}}]
    listed = (await api.get(f"/v1/classes/{school.class_id}/pupils", headers=school.admin)).json()["items"]
    assert [p["last_name"] for p in listed] == ["Петрова"]


async def test_a_mistyped_snils_is_corrected_never_shown_and_never_another_persons(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    pupil = await enrolled(api, school, snils=snils_of("112233445"))
    other = await enrolled(api, school, "13р", first_name="Вера", snils=snils_of("998877665"))
    body = card(1, snils=snils_of("998877665"))
    taken = await api.put(f"/v1/persons/{pupil}", json=body, headers=school.admin)
    assert problem(taken) == (409, "snils_of_another_person", ["body.snils"])
    bad = await api.put(f"/v1/persons/{pupil}", json=card(1, snils="123"), headers=school.admin)
    assert problem(bad)[:3] == (422, "invalid_snils", ["body.snils"])
    fixed = await api.put(
        f"/v1/persons/{pupil}", json=card(1, snils=snils_of("554433221")), headers=school.admin
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["snils"].startswith("***-***-***")
    history = (await api.get(f"/v1/persons/{pupil}/changes", headers=school.admin)).json()["items"]
    assert history[0]["changes"] == {"snils": {"old": "***", "new": "***"}}
    [event] = await published(contingent, CHANGED)
    assert event["data"]["snils_hash"] not in (None, "")
    assert "554433221" not in json.dumps(await published(contingent)) + json.dumps(history)
    assert other  # the other pupil keeps her SNILS


async def test_who_corrects_a_card(api: httpx.AsyncClient, as_: As, school: School, school_b: School) -> None:
    pupil = await enrolled(api, school)
    path = f"/v1/persons/{pupil}"
    teacher = as_(Role.class_teacher, school.school_id, person_id=school.teacher)
    assert (await api.put(path, json=card(1, last_name="Сидорова"), headers=teacher)).status_code == 200
    subject_teacher = as_(Role.subject_teacher, school.school_id)
    denied = await api.put(path, json=card(2, last_name="Козлова"), headers=subject_teacher)
    assert problem(denied)[:2] == (403, "person_write_denied")
    assert problem(await api.put(path, json=card(2, last_name="Козлова"), headers=school_b.admin))[:2] == (
        404,
        "person_not_found",
    )
    assert problem(await api.get(f"{path}/changes", headers=school_b.admin))[:2] == (404, "person_not_found")
    guardian = as_(Role.guardian, school.school_id, pupils=[pupil])
    assert problem(await api.put(path, json=card(2, last_name="Козлова"), headers=guardian))[:2] == (
        403,
        "person_write_denied",
    )
    blank = await api.put(path, json=card(2, last_name=" ", birth_date=None), headers=school.admin)
    assert problem(blank)[0] == 422
    assert set(problem(blank)[2]) == {"body.last_name", "body.birth_date"}
