"""The class journal (seed 003, 4.5): the lessons of a class's subject in a term across, the pupils down by
name, marks and attendance in the right cells, the term's weighted average; read by the class's teachers
and the school's overseers only; exported as a workbook and a PDF; a handful of statements whatever
the class's size."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import httpx
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import event

from eschool.common.auth import Role
from eschool.common.db import utcnow
from eschool.common.events.contingent import FullName, PupilEnrolledV1
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As

from .diary_helpers import put_absence, put_mark, put_record
from .journal_world import ENGLISH_DAYS, MATHS_DAYS, World


def url(w: World, subject: uuid.UUID | None = None, *, export: bool = False) -> str:
    path = f"/v1/classes/{w.class_5a}/subjects/{subject or w.maths}/journal"
    return f"{path}/export" if export else path


def teacher(
    as_: As, w: World, person: uuid.UUID | None = None, school: uuid.UUID | None = None
) -> dict[str, str]:
    return as_(Role.subject_teacher, school or w.school, person_id=person or w.maths_teacher)


async def _marked(journal: ServiceRuntime, w: World) -> None:
    await put_record(journal, w.maths_lessons[0], "Натуральные числа", "§ 1")
    await put_mark(journal, w.maths_lessons[0], w.pupils[0], 5, work_type="control", comment="Отлично")
    await put_mark(journal, w.maths_lessons[1], w.pupils[0], 4)
    await put_mark(journal, w.maths_lessons[1], w.pupils[2], 3)
    await put_absence(journal, w.maths_lessons[2], w.pupils[1], "ill")
    await put_absence(journal, w.maths_lessons[3], w.pupils[0], "absent")


async def test_marks_and_attendance_stand_in_their_cells_with_the_average(
    api: httpx.AsyncClient, as_: As, world: World, journal: ServiceRuntime
) -> None:
    w = world
    await _marked(journal, w)
    response = await api.get(url(w), params={"term_id": str(w.term_1)}, headers=teacher(as_, w))
    assert response.status_code == 200, response.text
    grid = response.json()
    assert (grid["class_title"], grid["subject_name"], grid["term_name"]) == (
        "5 А",
        "Математика",
        "1 четверть",
    )
    assert [x["lesson_on"] for x in grid["lessons"]] == [str(d) for d in MATHS_DAYS]
    first = grid["lessons"][0]
    assert (first["topic"], first["homework"], first["attachments"]) == ("Натуральные числа", True, 0)
    assert [p["name"]["last_name"] for p in grid["pupils"]] == ["Иванов", "Петрова", "Сидоров"]
    p0, p1, p2 = grid["pupils"]
    assert [c["lesson_id"] for c in p0["cells"]] == [str(x) for x in w.maths_lessons]
    assert [(m["value"], m["work_type"], m["weight"], m["comment"]) for m in p0["cells"][0]["marks"]] == [
        ("5", "control", "2.00", "Отлично")
    ]
    assert [m["value"] for m in p0["cells"][1]["marks"]] == ["4"]
    assert p0["cells"][3]["attendance"] == "absent"
    assert p1["cells"][2]["attendance"] == "ill"
    assert all(not c["marks"] for c in p1["cells"])
    # (5·2 + 4·1) / 3 = 4.666… → 4.67, a 5 at the default threshold 0.5.
    assert (p0["average"], p0["mark"], p0["marks_count"]) == ("4.67", 5, 2)
    assert (p1["average"], p1["marks_count"], p2["average"]) == (None, 0, "3.00")


async def test_a_subgroups_teacher_sees_the_subgroup_and_a_late_pupil_shows_the_day_they_came(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    newcomer = uuid.uuid4()
    await deliver(
        PupilEnrolledV1(
            person_id=newcomer,
            school_id=w.school,
            class_id=w.class_5a,
            academic_year_id=w.year,
            enrolled_on=date(2025, 9, 12),
            name=FullName(last_name="Алексеев", first_name="Борис"),
            occurred_at=utcnow(),
        )
    )
    params = {"term_id": str(w.term_1)}
    english = (
        await api.get(url(w, w.english), params=params, headers=teacher(as_, w, w.english_teacher))
    ).json()
    assert english["subgroup_ids"] == [str(w.english_group)]
    assert [x["lesson_on"] for x in english["lessons"]] == [str(d) for d in ENGLISH_DAYS]
    assert {p["pupil_person_id"] for p in english["pupils"]} == {str(p) for p in w.pupils[:2]}
    maths = (await api.get(url(w), params=params, headers=teacher(as_, w))).json()
    assert [p["name"]["last_name"] for p in maths["pupils"]] == ["Алексеев", "Иванов", "Петрова", "Сидоров"]
    assert (maths["pupils"][0]["from_on"], maths["pupils"][1]["from_on"]) == ("2025-09-12", None)
    # The class teacher sees the whole class, or the subgroup asked for.
    whole = (await api.get(url(w, w.english), params=params, headers=teacher(as_, w))).json()
    assert (whole["subgroup_ids"], len(whole["pupils"])) == ([], 4)
    one = await api.get(
        url(w, w.english), params={**params, "subgroup_id": str(w.english_group)}, headers=teacher(as_, w)
    )
    assert len(one.json()["pupils"]) == 2
    unknown = await api.get(
        url(w), params={**params, "subgroup_id": str(uuid.uuid4())}, headers=teacher(as_, w)
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "subgroup_not_found")


async def test_only_the_classes_teachers_and_overseers_read_the_journal(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    params = {"term_id": str(w.term_1)}
    for headers in [
        teacher(as_, w),
        as_(Role.director, w.school, person_id=uuid.uuid4()),
        as_(Role.municipality, w.municipality),
        as_(Role.ministry, w.region),
    ]:
        assert (await api.get(url(w), params=params, headers=headers)).status_code == 200
    for person in (w.english_teacher, w.other_teacher):
        refused = await api.get(url(w), params=params, headers=teacher(as_, w, person))
        assert (refused.status_code, refused.json()["code"]) == (403, "class_subject_denied")
    for headers, status in [
        (teacher(as_, w, w.teacher_b, w.school_b), 404),
        (as_(Role.municipality, w.municipality_b), 404),
        # In the school, but not a reader of the journal.
        (as_(Role.guardian, w.school, person_id=w.guardian), 403),
    ]:
        assert (await api.get(url(w), params=params, headers=headers)).status_code == status
    stranger = await api.get(url(w), params=params, headers=teacher(as_, w, w.teacher_b, w.school_b))
    assert stranger.json()["code"] == "class_not_found"
    exported = await api.get(url(w, export=True), params=params, headers=teacher(as_, w, w.english_teacher))
    assert exported.status_code == 403


async def test_the_current_term_is_shown_when_none_is_asked_for(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    # The world's terms are of 2025; today is past the second one's start.
    grid = (await api.get(url(w), headers=teacher(as_, w))).json()
    assert grid["term_id"] == str(w.term_2)
    missing = await api.get(url(w), params={"term_id": str(uuid.uuid4())}, headers=teacher(as_, w))
    assert (missing.status_code, missing.json()["code"]) == (404, "term_not_found")


async def test_the_journal_exports_as_a_workbook_and_a_pdf(
    api: httpx.AsyncClient, as_: As, world: World, journal: ServiceRuntime
) -> None:
    w = world
    await _marked(journal, w)
    params = {"term_id": str(w.term_1)}
    response = await api.get(
        url(w, export=True), params={**params, "format": "xlsx"}, headers=teacher(as_, w)
    )
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Журнал 5 А, Математика, 1 четверть"
    assert rows[1] == ["№", "Обучающийся", *(f"{d:%d.%m}" for d in MATHS_DAYS), "Средний балл"]
    assert rows[2][:6] == [1, "Иванов Иван", "5", "4", None, "Н"]
    assert (rows[2][-1], rows[3][4]) == (4.67, "Б")

    pdf = await api.get(url(w, export=True), params={**params, "format": "pdf"}, headers=teacher(as_, w))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Журнал 5 А, Математика, 1 четверть" in text
    assert "Иванов Иван" in text


@contextmanager
def _statements(journal: ServiceRuntime) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    engine = journal.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def test_the_grid_costs_the_same_statements_whatever_the_class_holds(
    api: httpx.AsyncClient, as_: As, world: World, journal: ServiceRuntime
) -> None:
    w = world
    params = {"term_id": str(w.term_1)}
    with _statements(journal) as empty:
        assert (await api.get(url(w), params=params, headers=teacher(as_, w))).status_code == 200
    await _marked(journal, w)
    with _statements(journal) as full:
        assert (await api.get(url(w), params=params, headers=teacher(as_, w))).status_code == 200
    assert len(full) == len(empty) <= 16
