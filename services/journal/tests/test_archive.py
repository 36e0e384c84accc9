"""The journal archive at a year's end: refused while a term is open, archived once, read-only after, who
may archive and read it, and its exports (the summary sheet in xlsx and pdf, a subject's journal)."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime
from typing import Any

import httpx
from openpyxl import load_workbook

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As, published

from .diary_helpers import put_absence, put_mark, put_record
from .journal_helpers import give_mark, mark_body, reopen_term_1, work_types
from .journal_world import MATHS_DAYS, World, term_1_closed, term_closed
from .term_helpers import director, teacher, term_body, term_marks_url

ARCHIVED = "journal.journal.archived.v1"


def archive_url(w: World, school: uuid.UUID | None = None, year: uuid.UUID | None = None) -> str:
    return f"/v1/schools/{school or w.school}/years/{year or w.year}/archive"


def year_url(w: World, what: str) -> str:
    return f"/v1/schools/{w.school}/years/{w.year}/{what}"


async def fill_year(journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, w: World) -> None:
    """Marks (one through the API), an absence and a topic in maths, and two pupils' maths marks of term
    1, the year and the final."""
    await put_mark(journal, w.maths_lessons[0], w.pupils[0], 5)
    await put_mark(journal, w.maths_lessons[1], w.pupils[0], 4, work_type="control")
    await put_absence(journal, w.maths_lessons[1], w.pupils[1], "ill")
    await put_record(journal, w.maths_lessons[0], "Натуральные числа", "№ 12")
    answer = (await work_types(journal, w))["answer"]
    given = await give_mark(api, teacher(as_, w), w.maths_lessons[2], mark_body(w.pupils[2], "3", answer))
    assert given.status_code == 201, given.text  # through the API: with its audit row
    for period, term in (("term", w.term_1), ("annual", None), ("final", None)):
        body = term_body({w.pupils[0]: "4", w.pupils[1]: "5"}, period=period, term=term)
        saved = await api.put(term_marks_url(w), json=body, headers=teacher(as_, w))
        assert saved.status_code == 200, saved.text


async def close_year(deliver: Deliver, w: World) -> None:
    """Scheduling closes both terms of the year."""
    await deliver(term_1_closed(w), term_closed(w, 2))


async def archived_year(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, w: World, deliver: Deliver
) -> dict[str, Any]:
    """The year filled, closed and archived by the director; the archive."""
    await fill_year(journal, api, as_, w)
    await close_year(deliver, w)
    done = await api.post(archive_url(w), headers=director(as_, w))
    assert done.status_code == 201, done.text
    return done.json()


async def test_archiving_is_refused_while_a_term_of_the_year_is_open(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    refused = await api.post(archive_url(w), headers=director(as_, w))
    assert (refused.status_code, refused.json()["code"]) == (409, "academic_year_not_closed")
    assert "«1 четверть», «2 четверть»" in refused.json()["detail"]
    await deliver(term_1_closed(w))
    refused = await api.post(archive_url(w), headers=director(as_, w))
    assert refused.status_code == 409
    assert "«2 четверть»" in refused.json()["detail"]
    assert "1 четверть" not in refused.json()["detail"]


async def test_a_closed_year_is_archived_once(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    await close_year(deliver, w)

    first = await api.post(archive_url(w), headers=director(as_, w))
    again = await api.post(archive_url(w), headers=as_(Role.ministry, w.region))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    archive = first.json()
    archived_on = datetime.fromisoformat(archive["archived_at"]).date()
    kept = (
        date.fromisoformat(archive["journals_kept_until"]),
        date.fromisoformat(archive["summary_sheets_kept_until"]),
    )
    assert [k.year - archived_on.year for k in kept] == [5, 25]
    assert archive["journals_purged_at"] is None
    events = await published(journal, ARCHIVED)
    assert len(events) == 1
    assert events[0]["data"]["journals_kept_until"] == archive["journals_kept_until"]
    listed = await api.get(f"/v1/schools/{w.school}/archives", headers=as_(Role.municipality, w.municipality))
    assert [a["academic_year_id"] for a in listed.json()] == [str(w.year)]


async def test_only_the_administration_or_the_ministry_archives(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    await close_year(deliver, w)
    other_director = as_(Role.director, w.school_b, person_id=uuid.uuid4())
    answers = [
        await api.post(archive_url(w), headers=teacher(as_, w)),
        await api.post(archive_url(w), headers=as_(Role.municipality, w.municipality)),
        await api.post(archive_url(w), headers=other_director),
        await api.get(f"/v1/schools/{w.school}/archives", headers=other_director),
        await api.get(f"/v1/schools/{w.school}/archives", headers=teacher(as_, w)),
        await api.post(archive_url(w, year=uuid.uuid4()), headers=director(as_, w)),
    ]
    assert [(a.status_code, a.json()["code"]) for a in answers] == [
        (403, "archive_denied"),
        (403, "archive_denied"),
        (404, "school_not_found"),
        (404, "school_not_found"),
        (403, "archive_denied"),
        (404, "academic_year_not_found"),
    ]


async def test_an_archived_year_takes_no_writes_not_even_an_override(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    await archived_year(journal, api, as_, w, deliver)
    override = term_body({w.pupils[0]: "5"}, term=w.term_1, reason="Ошибка при вводе")
    overridden = await api.put(term_marks_url(w), json=override, headers=director(as_, w))
    assert (overridden.status_code, overridden.json()["code"]) == (409, "journal_archived")
    assert "архив" in overridden.json()["detail"]

    await reopen_term_1(deliver, w)  # even a term opened again stays read-only in the archive
    lesson, headers = w.maths_lessons[2], teacher(as_, w)
    attendance = {"entries": [{"pupil_person_id": str(w.pupils[0]), "code": "absent"}]}
    refused = [
        await give_mark(
            api, headers, lesson, mark_body(w.pupils[0], "5", (await work_types(journal, w))["answer"])
        ),
        await api.put(f"/v1/lessons/{lesson}/attendance", json=attendance, headers=headers),
        await api.put(f"/v1/lessons/{lesson}/record", json={"topic": "Дроби"}, headers=headers),
        await api.put(term_marks_url(w), json=term_body({w.pupils[0]: "5"}, term=w.term_1), headers=headers),
        # The class teacher's correction of the day, which builds its own lessons' scopes.
        await api.patch(
            f"/v1/classes/{w.class_5a}/attendance/{MATHS_DAYS[2]}",
            json={
                "entries": [{"lesson_id": str(lesson), "pupil_person_id": str(w.pupils[0]), "code": "ill"}]
            },
            headers=headers,
        ),
    ]
    assert [(r.status_code, r.json()["code"]) for r in refused] == [(409, "journal_archived")] * 5


async def test_the_summary_sheet_holds_the_term_annual_and_final_marks(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    url = year_url(w, f"summary-sheet?class_id={w.class_5a}")
    await fill_year(journal, api, as_, w)
    early = await api.get(url, headers=director(as_, w))
    assert (early.status_code, early.json()["code"]) == (409, "journal_not_archived")
    await close_year(deliver, w)
    assert (await api.post(archive_url(w), headers=director(as_, w))).status_code == 201

    sheet = await api.get(url, headers=as_(Role.municipality, w.municipality))

    assert sheet.status_code == 200, sheet.text
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Сводная ведомость учета успеваемости"
    assert rows[1][0] == "Образовательная организация: МБОУ СОШ № 1"
    assert rows[3][:3] == ("№", "Обучающийся", "Математика")
    assert rows[4][2:6] == ("1 четверть", "2 четверть", "Год", "Итоговая")
    pupils = {row[1]: row[2:6] for row in rows[5:8]}
    assert pupils["Иванов Иван"] == (4, None, 4, 4)
    assert pupils["Петрова Анна"] == (5, None, 5, 5)
    assert any(str(row[0]).startswith("Директор") for row in rows[8:])
    printed = await api.get(f"{url}&format=pdf", headers=director(as_, w))
    assert printed.status_code == 200
    assert printed.content.startswith(b"%PDF")
    assert printed.headers["content-type"] == "application/pdf"
    assert (await api.get(url, headers=teacher(as_, w))).status_code == 403


async def test_the_journal_export_has_the_lesson_dates_across(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    await archived_year(journal, api, as_, w, deliver)

    export = await api.get(
        year_url(w, f"journal-export?class_id={w.class_5a}&subject_id={w.maths}"), headers=director(as_, w)
    )

    assert export.status_code == 200, export.text
    book = load_workbook(io.BytesIO(export.content))
    grid = list(book["Журнал"].iter_rows(values_only=True))
    assert [d.date() for d in grid[1][2:4]] == [date(2025, 9, 8), date(2025, 9, 10)]
    by_name = {row[1]: row[2:] for row in grid[2:]}
    assert by_name["Иванов Иван"][:2] == ("5", "4")
    assert by_name["Петрова Анна"][1] == "Б"
    topics = list(book["Темы"].iter_rows(values_only=True))
    assert topics[1][2:] == ("Натуральные числа", "№ 12")
