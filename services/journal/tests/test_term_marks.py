"""Term, annual and final marks of a whole class in one request: computed averages and the policy
version kept with them, atomic and retry-safe saves, closed terms, access, the first grade."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

import httpx

from eschool.common.db import utcnow
from eschool.common.events.scheduling import TermDates, TermSchemeSavedV1
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As
from eschool.journal.db.records import JournalAudit, TermMark

from .journal_world import TERM_1, TERM_2, World
from .term_helpers import (
    close_term_1,
    count,
    director,
    insert_marks,
    teacher,
    term_body,
    term_mark_events,
    term_marks_url,
)


async def test_term_marks_keep_the_computed_average_and_the_policy_version(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    await insert_marks(journal, w, w.pupils[0], [(5, "answer"), (4, "control"), (3, "test")])
    body = term_body({w.pupils[0]: "4", w.pupils[1]: "5"}, term=w.term_1)

    saved = await api.put(term_marks_url(w), json=body, headers=teacher(as_, w))

    assert saved.status_code == 200, saved.text
    assert saved.json()["changed"] == 2
    p0 = saved.json()["marks"][0]
    assert (p0["value"], p0["computed_average"], p0["policy_version"], p0["version"]) == ("4", "3.89", 1, 1)
    policy = {"rounding_threshold": "0.6", "min_marks": 3}
    assert (
        await api.put(f"/v1/schools/{w.school}/grading-policy", json=policy, headers=director(as_, w))
    ).is_success
    changed = await api.put(
        term_marks_url(w), json=term_body({w.pupils[0]: "5"}, term=w.term_1), headers=teacher(as_, w)
    )
    p0 = changed.json()["marks"][0]
    assert (p0["value"], p0["policy_version"], p0["version"], p0["changed"]) == ("5", 2, 2, True)
    events = await term_mark_events(journal)
    assert [(e["value"], e["version"], e["computed_average"]) for e in events][-1] == ("5", 2, "3.89")


async def test_annual_mark_is_computed_from_the_quarters(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    term_3, term_4 = uuid.uuid4(), uuid.uuid4()
    quarters = [
        TermDates(term_id=w.term_1, number=1, name="1 четверть", starts_on=TERM_1[0], ends_on=TERM_1[1]),
        TermDates(term_id=w.term_2, number=2, name="2 четверть", starts_on=TERM_2[0], ends_on=TERM_2[1]),
        TermDates(
            term_id=term_3,
            number=3,
            name="3 четверть",
            starts_on=date(2026, 1, 12),
            ends_on=date(2026, 3, 22),
        ),
        TermDates(
            term_id=term_4, number=4, name="4 четверть", starts_on=date(2026, 4, 1), ends_on=date(2026, 5, 29)
        ),
    ]
    await deliver(
        TermSchemeSavedV1(
            term_scheme_id=w.scheme,
            school_id=w.school,
            academic_year_id=w.year,
            name="Четверти",
            terms=quarters,
            occurred_at=utcnow() - timedelta(minutes=1),
        )
    )
    # Seed 003, 4.6 (рис. 24): 5 4 4 5 → 5; 4 5 5 3 → 4; 3 3 4 5 → 4.
    rows = {w.pupils[0]: "5445", w.pupils[1]: "4553", w.pupils[2]: "3345"}
    for i, term in enumerate((w.term_1, w.term_2, term_3, term_4)):
        body = term_body({p: marks[i] for p, marks in rows.items()}, term=term)
        assert (await api.put(term_marks_url(w), json=body, headers=director(as_, w))).status_code == 200

    grid = await api.get(term_marks_url(w), params={"academic_year_id": str(w.year)}, headers=teacher(as_, w))

    assert grid.status_code == 200, grid.text
    assert [t["number"] for t in grid.json()["terms"]] == [1, 2, 3, 4]
    by_pupil = {uuid.UUID(p["pupil_person_id"]): p for p in grid.json()["pupils"]}
    assert [c["value"] for c in by_pupil[w.pupils[0]]["terms"]] == ["5", "4", "4", "5"]
    annual = {p: (by_pupil[p]["annual"]["average"], by_pupil[p]["annual"]["mark"]) for p in w.pupils}
    assert annual == {w.pupils[0]: ("4.50", 5), w.pupils[1]: ("4.25", 4), w.pupils[2]: ("3.75", 4)}

    body = term_body({p: str(annual[p][1]) for p in w.pupils}, period="annual")
    saved = await api.put(term_marks_url(w), json=body, headers=teacher(as_, w))
    assert saved.status_code == 200, saved.text
    assert [m["computed_average"] for m in saved.json()["marks"]] == ["4.50", "4.25", "3.75"]
    grid = (await api.get(term_marks_url(w), headers=teacher(as_, w))).json()
    assert {p["annual"]["value"] for p in grid["pupils"]} == {"5", "4"}


async def test_a_bad_entry_refuses_the_whole_class(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    stranger = uuid.uuid4()
    body = term_body({w.pupils[0]: "5", w.pupils[1]: "6", stranger: "4"}, term=w.term_1)

    refused = await api.put(term_marks_url(w), json=body, headers=teacher(as_, w))

    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert fields == {"body.marks.1.value", "body.marks.2.pupil_person_id"}
    assert await count(journal, TermMark) == 0
    assert await count(journal, JournalAudit) == 0
    assert await term_mark_events(journal) == []


async def test_a_retried_save_changes_nothing_more(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    body = term_body({p: "4" for p in w.pupils}, term=w.term_1)
    headers = teacher(as_, w) | {"Idempotency-Key": "save-1"}

    first = await api.put(term_marks_url(w), json=body, headers=headers)
    second = await api.put(term_marks_url(w), json=body, headers=headers)

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert await count(journal, TermMark) == 3
    assert await count(journal, JournalAudit, entity="term_mark") == 3
    assert len(await term_mark_events(journal)) == 3
    other = term_body({w.pupils[0]: "5"}, term=w.term_1)
    reused = await api.put(term_marks_url(w), json=other, headers=headers)
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")
    # Without a key, the same marks again change nothing either.
    plain = await api.put(term_marks_url(w), json=body, headers=teacher(as_, w))
    assert plain.json()["changed"] == 0
    assert len(await term_mark_events(journal)) == 3


async def test_a_removed_mark_keeps_its_row_and_a_new_one_follows_its_version(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    url, headers = term_marks_url(w), teacher(as_, w)
    for value in ("4", "5", None, "3"):
        response = await api.put(url, json=term_body({w.pupils[0]: value}, term=w.term_1), headers=headers)
        assert response.status_code == 200, response.text

    events = await term_mark_events(journal)
    assert [(e["value"], e["version"]) for e in events] == [("4", 1), ("5", 2), (None, 3), ("3", 4)]
    assert await count(journal, TermMark, pupil_person_id=w.pupils[0]) == 2
    async with journal.database.uow() as uow:
        rows = (await uow.session.execute(JournalAudit.__table__.select())).mappings().all()
    assert sorted(r["action"] for r in rows) == ["changed", "deleted", "set", "set"]


async def test_a_closed_term_refuses_the_teacher_and_takes_the_administrations_reasoned_override(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    await close_term_1(deliver, w)
    body = term_body({w.pupils[0]: "4"}, term=w.term_1)

    refused = await api.put(term_marks_url(w), json=body, headers=teacher(as_, w))
    no_reason = await api.put(term_marks_url(w), json=body, headers=director(as_, w))
    blank = await api.put(term_marks_url(w), json=body | {"reason": "  "}, headers=director(as_, w))
    reasoned = body | {"reason": "Решение педагогического совета"}
    overridden = await api.put(term_marks_url(w), json=reasoned, headers=director(as_, w))

    assert (refused.status_code, refused.json()["code"]) == (409, "term_closed")
    assert (no_reason.status_code, no_reason.json()["errors"][0]["field"]) == (422, "body.reason")
    assert blank.status_code == 422
    assert overridden.status_code == 200, overridden.text
    assert overridden.json()["overridden"] is True
    async with journal.database.uow() as uow:
        mark = (await uow.session.execute(TermMark.__table__.select())).mappings().one()
        audit = (await uow.session.execute(JournalAudit.__table__.select())).mappings().one()
    assert mark["override_reason"] == "Решение педагогического совета"
    assert (audit["action"], audit["reason"], audit["new"]["value"]) == (
        "overridden",
        mark["override_reason"],
        "4",
    )
    assert [e["overridden"] for e in await term_mark_events(journal)] == [True]


async def test_only_the_subjects_teachers_of_the_class_set_its_term_marks(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    body = term_body({w.pupils[0]: "4"}, term=w.term_1)

    other = await api.put(term_marks_url(w), json=body, headers=teacher(as_, w, w.other_teacher))
    english = await api.put(term_marks_url(w), json=body, headers=teacher(as_, w, w.english_teacher))
    school_b = await api.put(
        term_marks_url(w), json=body, headers=teacher(as_, w, w.teacher_b, school=w.school_b)
    )

    assert (other.status_code, other.json()["code"]) == (403, "term_marks_denied")
    assert english.status_code == 403
    assert (school_b.status_code, school_b.json()["code"]) == (404, "class_not_found")
    assert await count(journal, TermMark) == 0


async def test_the_first_grade_gets_no_term_marks(api: httpx.AsyncClient, as_: As, world: World) -> None:
    w = world
    body = term_body({w.first_graders[0]: "5"}, term=w.term_1)
    url = term_marks_url(w, w.reading, class_id=w.class_1a)

    refused = await api.put(url, json=body, headers=teacher(as_, w, w.first_grade_teacher))

    assert (refused.status_code, refused.json()["code"]) == (422, "no_marks_in_grade")


async def test_pre_close_check_lists_pupils_with_too_few_marks_and_the_missing_control_work(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    await insert_marks(journal, w, w.pupils[0], [(5, "answer"), (4, "answer"), (4, "test")])
    await insert_marks(journal, w, w.pupils[1], [(3, "answer")])
    await api.put(
        term_marks_url(w), json=term_body({w.pupils[0]: "4"}, term=w.term_1), headers=teacher(as_, w)
    )
    url = f"/v1/classes/{w.class_5a}/subjects/{w.maths}/terms/{w.term_1}/pre-close"

    check = await api.get(url, headers=teacher(as_, w))

    assert check.status_code == 200, check.text
    found = check.json()
    assert found["has_control_work"] is False
    assert found["findings"] == [
        {"code": "no_control_work", "message": "Нет ни одной контрольной работы за период"}
    ]
    assert found["due_on"] == str(TERM_1[1] - timedelta(days=2))
    pupils = {uuid.UUID(p["pupil_person_id"]): p for p in found["pupils"]}
    assert set(pupils) == {w.pupils[1], w.pupils[2]}
    assert [f["code"] for f in pupils[w.pupils[1]]["findings"]] == ["too_few_marks", "no_term_mark"]
    assert pupils[w.pupils[1]]["marks_count"] == 1

    await insert_marks(journal, w, w.pupils[2], [(5, "control")])
    again = (await api.get(url, headers=teacher(as_, w))).json()
    assert (again["has_control_work"], again["findings"]) == (True, [])


async def test_saves_of_one_class_and_subject_at_once_never_lose_a_change(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    url, headers = term_marks_url(w), teacher(as_, w)
    first = await api.put(url, json=term_body({p: "3" for p in w.pupils}, term=w.term_1), headers=headers)
    assert first.status_code == 200, first.text
    bodies = [term_body({p: str(4 + i % 2) for p in w.pupils}, term=w.term_1) for i in range(6)]

    answers = await asyncio.gather(*(api.put(url, json=body, headers=headers) for body in bodies))

    # Each save is whole or refused whole with a 409 to retry; none is half applied or silently lost.
    assert {a.status_code for a in answers} <= {200, 409}, [a.text for a in answers]
    assert any(a.status_code == 200 for a in answers)
    events = await term_mark_events(journal)
    for pupil in w.pupils:
        versions = [e["version"] for e in events if e["pupil_person_id"] == str(pupil)]
        assert versions == list(range(1, len(versions) + 1))  # every change a version of its own
        assert await count(journal, TermMark, pupil_person_id=pupil) == 1
        audits = await count(journal, JournalAudit, entity="term_mark", pupil_person_id=pupil)
        assert audits == len(versions)
    async with journal.database.uow() as uow:
        live = (await uow.session.execute(TermMark.__table__.select())).mappings().all()
    assert {row["version"] for row in live} == {max(e["version"] for e in events)}
