"""A class's averages in a subject and term: weighted by the work types, rounded by the school's policy
(versioned), every pupil of the roster listed, and read only by the class's teachers and the school's
overseers."""

from __future__ import annotations

import uuid

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.service import As

from .journal_world import World
from .term_helpers import averages_url, director, insert_marks, teacher


async def test_weighted_average_and_rounding_computed_by_hand(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    # P0: 5 (answer, w1), 4 (control, w2), 3 (test, w1.5): (5 + 8 + 4.5) / 4.5 = 3.888… → 3.89 → 4.
    await insert_marks(journal, w, w.pupils[0], [(5, "answer"), (4, "control"), (3, "test")])
    # P2: 5 and 4 at weight 1: 4.5, a 5 at the threshold 0.5 and a 4 at 0.6.
    await insert_marks(journal, w, w.pupils[2], [(5, "answer"), (4, "answer")])
    # An English mark of P0 is not a maths mark.
    await insert_marks(journal, w, w.pupils[0], [(2, "answer")], lessons=w.english_lessons)

    response = await api.get(averages_url(w), headers=teacher(as_, w))

    assert response.status_code == 200, response.text
    found = response.json()
    assert (found["policy_version"], found["rounding_threshold"], found["min_marks"]) == (1, "0.5", 3)
    rows = {uuid.UUID(p["pupil_person_id"]): p for p in found["pupils"]}
    assert set(rows) == set(w.pupils)
    p0, p1, p2 = (rows[p] for p in w.pupils)
    assert (p0["average"], p0["mark"], p0["marks_count"], p0["enough_marks"]) == ("3.89", 4, 3, True)
    assert (p0["next_mark"], p0["name"]) == (5, "Иванов Иван")
    assert p0["fives_for_next"] >= 1
    assert (p1["average"], p1["mark"], p1["marks_count"], p1["marks_needed"]) == (None, None, 0, 3)
    assert (p2["average"], p2["mark"], p2["enough_marks"], p2["marks_needed"]) == ("4.50", 5, False, 1)

    changed = await api.put(
        f"/v1/schools/{w.school}/grading-policy",
        json={"rounding_threshold": "0.6", "min_marks": 2},
        headers=director(as_, w),
    )
    assert changed.status_code == 200, changed.text

    again = (await api.get(averages_url(w), headers=teacher(as_, w))).json()
    assert again["policy_version"] == 2
    p2 = next(p for p in again["pupils"] if p["pupil_person_id"] == str(w.pupils[2]))
    assert (p2["average"], p2["mark"], p2["enough_marks"]) == ("4.50", 4, True)


async def test_class_averages_are_read_by_teachers_of_the_class_and_the_administration(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    allowed = [
        teacher(as_, w),  # teaches 5 А maths
        director(as_, w),
        as_(Role.deputy_director, w.school),
        as_(Role.municipality, w.municipality),
        as_(Role.ministry, w.region),
    ]
    for headers in allowed:
        assert (await api.get(averages_url(w), headers=headers)).status_code == 200
    # The class teacher (the maths teacher) reads the class's other subjects too.
    assert (await api.get(averages_url(w, w.pe), headers=teacher(as_, w))).status_code == 200

    refused = await api.get(averages_url(w), headers=teacher(as_, w, w.english_teacher))
    assert refused.status_code == 403
    assert refused.json()["code"] == "class_subject_denied"
    assert (await api.get(averages_url(w), headers=teacher(as_, w, w.other_teacher))).status_code == 403
    hidden = [
        teacher(as_, w, w.teacher_b, school=w.school_b),
        as_(Role.municipality, w.municipality_b),
    ]
    for headers in hidden:
        assert (await api.get(averages_url(w), headers=headers)).status_code == 404


async def test_unknown_class_or_term_is_not_found(api: httpx.AsyncClient, as_: As, world: World) -> None:
    w = world
    unknown_term = await api.get(averages_url(w, term=uuid.uuid4()), headers=director(as_, w))
    assert (unknown_term.status_code, unknown_term.json()["code"]) == (404, "term_not_found")
    url = f"/v1/classes/{uuid.uuid4()}/subjects/{w.maths}/terms/{w.term_1}/averages"
    assert (await api.get(url, headers=director(as_, w))).status_code == 404
