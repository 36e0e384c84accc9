"""Pupils' import from the template of seed 001: the template as the old system laid it out, a file judged
whole (every bad row by its row number and field), a dry run that writes nothing, an import of all rows
or none through the form's own path, a re-import that changes nothing, and who may import."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select

from eschool.common.auth import Role
from eschool.common.bus.tables import outbox_message
from eschool.common.service import ServiceRuntime
from eschool.contingent.db.people import Person, PupilEnrolment
from eschool.contingent.domain.pupil_import import XLSX_MEDIA_TYPE, import_row, read_workbook

from .conftest import As, published, school_today
from .test_pupils import ENROLLED, School, add_school_class, enrol, pupil_form
from .test_years import Tree, add_tree, problem

HEADER_1 = ["№ личного дела", None, None, None, None, None, "Приказ о зачислении", None, None]
HEADER_2 = [None, "Фамилия", "Имя", "Отчество", "Пол(м,ж)", "Дата рождения", "Серия", "Номер", "Дата"]


def workbook(*rows: list[Any], header: list[Any] = HEADER_2) -> bytes:
    """A filled template: the seed's two header rows, then ``rows`` from the third."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (HEADER_1, header, *rows):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def seed_row(school: School, number: Any = "12р", **changes: Any) -> list[Any]:
    """The seed's first example row (Иванова Анна Сергеевна), the order a month before the class's year."""
    ordered = school.starts_on - timedelta(days=30)
    row = {
        "number": number,
        "last": "Иванова",
        "first": "Анна",
        "middle": "Сергеевна",
        "sex": "ж",
        "born": "10.09.2015",
        "series": "123-К",
        "order": "34234235",
        "ordered": f"{ordered:%d.%m.%Y}",
    }
    return list((row | changes).values())


def class_file(school: School, size: int = 3) -> bytes:
    """``size`` good pupils; the second has Excel dates and numbers where the first has text."""
    ordered = datetime.combine(school.starts_on - timedelta(days=30), datetime.min.time())
    rows = [seed_row(school, f"{n}р", first=["Анна", "Мария", "Ольга", "Юлия"][n % 4]) for n in range(size)]
    rows[1] = seed_row(
        school,
        2003,
        last="Петров",
        first="Константин",
        middle="Александрович",
        sex="М",
        born=datetime(2014, 11, 10),
    )
    rows[1][7:] = [34234236, ordered]
    return workbook(*rows)


async def upload(
    api: httpx.AsyncClient,
    school: School,
    content: bytes,
    *,
    dry_run: bool,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await api.post(
        f"/v1/classes/{school.class_id}/pupils/import",
        params={"dry_run": str(dry_run).lower()},
        content=content,
        headers={**(school.admin if headers is None else headers), "Content-Type": XLSX_MEDIA_TYPE},
    )


async def counts(runtime: ServiceRuntime) -> tuple[int, int, int]:
    """Persons, enrolments and outbox rows in the database."""
    async with runtime.database.uow() as uow:
        tables = (Person.person_id, PupilEnrolment.pupil_enrolment_id, outbox_message.c.outbox_message_id)
        return tuple([int(await uow.session.scalar(select(func.count(c))) or 0) for c in tables])  # type: ignore[return-value]


@pytest.fixture
async def tree(contingent: ServiceRuntime) -> Tree:
    return await add_tree(contingent)


@pytest.fixture
async def school(api: httpx.AsyncClient, as_: As, tree: Tree) -> School:
    """Class «5 А» of school A."""
    return await add_school_class(api, tree, as_, tree.school_a)


# --- the rules alone -------------------------------------------------------------------------------------


def test_rows_read_text_and_excel_dates_and_numbers_typed_into_cells() -> None:
    typed = import_row(
        3, [12.0, " иванова ", "Анна", None, "Ж", "10.09.2015", None, 34234235, datetime(2020, 12, 12)]
    )
    assert (typed.enrolment.personal_file_number, typed.card.sex, typed.card.birth_date) == (
        "12",
        "female",
        date(2015, 9, 10),
    )
    assert (typed.enrolment.order.number, typed.enrolment.order.date, typed.unread) == (
        "34234235",
        date(2020, 12, 12),
        (),
    )
    bad = import_row(4, ["1", "А", "Б", None, "male", "31.02.2015", None, "1", ""])
    assert [(v.field, v.code) for v in bad.unread] == [
        ("birth_date", "invalid_date"),
        ("order.date", "value_required"),
        ("sex", "invalid_sex"),
    ]


def test_only_the_templates_layout_is_read() -> None:
    with pytest.raises(Exception, match="не похож на шаблон"):
        read_workbook(workbook(["1"], header=["Фамилия", "Имя"]))
    with pytest.raises(Exception, match="не является книгой Excel"):
        read_workbook(b"%PDF-1.4")
    assert [r.row for r in read_workbook(workbook(["1", "А"], [], ["2", "Б"]))] == [3, 5]


# --- through the API -------------------------------------------------------------------------------------


async def test_the_template_keeps_the_seeds_headers(api: httpx.AsyncClient, school: School) -> None:
    got = await api.get(f"/v1/classes/{school.class_id}/pupils/import-template", headers=school.admin)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == XLSX_MEDIA_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(got.content)).active
    assert sheet is not None
    assert [[c.value for c in row] for row in sheet.iter_rows(max_col=9)] == [HEADER_1, HEADER_2]
    assert sorted(str(r) for r in sheet.merged_cells.ranges) == ["A1:A2", "G1:I1"]
    # The template reads back as a template with nobody in it.
    with pytest.raises(Exception, match="нет ни одного ученика"):
        read_workbook(got.content)


async def test_a_good_file_enrols_every_pupil_with_an_event(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    imported = await upload(api, school, class_file(school), dry_run=False)
    assert imported.status_code == 200, imported.text
    report = imported.json()
    assert {
        k: report[k] for k in ("rows", "valid", "errors", "would_enrol", "already_enrolled", "enrolled")
    } == {"rows": 3, "valid": True, "errors": [], "would_enrol": 3, "already_enrolled": 0, "enrolled": 3}
    listed = (await api.get(f"/v1/classes/{school.class_id}/pupils", headers=school.admin)).json()["items"]
    petrov = next(p for p in listed if p["last_name"] == "Петров")
    assert (petrov["personal_file_number"], petrov["sex"], petrov["birth_date"]) == (
        "2003",
        "male",
        "2014-11-10",
    )
    assert petrov["order"]["number"] == "34234236"
    events = await published(contingent, ENROLLED)
    assert sorted(e["subject"] for e in events) == sorted(p["person_id"] for p in listed)
    assert {e["data"]["class_id"] for e in events} == {school.class_id}


async def test_a_dry_run_writes_nothing(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    before = await counts(contingent)
    checked = await upload(api, school, class_file(school), dry_run=True)
    assert checked.status_code == 200, checked.text
    assert (checked.json()["valid"], checked.json()["would_enrol"], checked.json()["enrolled"]) == (
        True,
        3,
        0,
    )
    assert await counts(contingent) == before


async def test_every_bad_row_is_reported_and_nothing_is_written(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    # Tomorrow at the school (Moscow, the region's default zone), a day ahead of UTC near midnight.
    tomorrow = f"{school_today() + timedelta(days=1):%d.%m.%Y}"
    content = workbook(
        seed_row(school, "1"),
        seed_row(school, "2", born="31.02.2015"),
        seed_row(school, "1", first="Мария"),
        seed_row(school, "3", sex="x"),
        seed_row(school, "4", last=" "),
        seed_row(school, "5", born=tomorrow),
        seed_row(school, "6", born=f"{school.starts_on:%d.%m.%Y}"),
        seed_row(school, "7", order=None, ordered=None),
        seed_row(school, "8", first=None),
    )
    before = await counts(contingent)
    expected = [
        (4, "F", "birth_date", "invalid_date"),
        (5, "A", "personal_file_number", "duplicate_in_file"),
        (6, "E", "sex", "invalid_sex"),
        (7, "B", "last_name", "value_required"),
        (8, "F", "birth_date", "birth_date_in_future"),
        (9, "F", "birth_date", "pupil_too_young"),
        (10, "I", "order.date", "value_required"),
        (10, "H", "order.number", "value_required"),
        (11, "C", "first_name", "value_required"),
    ]
    checked = await upload(api, school, content, dry_run=True)
    assert checked.status_code == 200
    report = checked.json()
    assert (report["rows"], report["valid"]) == (9, False)
    assert [(e["row"], e["column"], e["field"], e["code"]) for e in report["errors"]] == expected
    assert all(e["message"] for e in report["errors"])
    refused = await upload(api, school, content, dry_run=False)
    assert problem(refused)[:2] == (422, "import_file_invalid")
    assert refused.json()["report"] | {"enrolled": 0} == report
    assert await counts(contingent) == before


async def test_reimporting_the_same_file_changes_nothing(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School
) -> None:
    content = class_file(school)
    assert (await upload(api, school, content, dry_run=False)).status_code == 200
    before = await counts(contingent)
    again = await upload(api, school, content, dry_run=False)
    assert again.status_code == 200, again.text
    assert (again.json()["already_enrolled"], again.json()["enrolled"]) == (3, 0)
    assert await counts(contingent) == before
    # The same number with other data, or a number of another class, is another pupil's.
    other = await add_school_class(api, school.tree, as_, school.tree.school_a, "Б")
    assert (await enrol(api, other.class_id, other.admin, pupil_form(other, "9р"))).status_code == 201
    changed = workbook(seed_row(school, "0р", first="Алла"), seed_row(school, "9р"), seed_row(school, "10р"))
    report = (await upload(api, school, changed, dry_run=True)).json()
    assert [(e["row"], e["code"]) for e in report["errors"]] == [
        (3, "personal_file_number_taken"),
        (4, "personal_file_number_taken"),
    ]
    assert len(await published(contingent, ENROLLED)) == 4


async def test_a_file_larger_than_the_class_is_refused_whole(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School
) -> None:
    small = await add_school_class(api, school.tree, as_, school.tree.school_a, "В", max_size=2)
    refused = await upload(api, small, class_file(small), dry_run=False)
    assert problem(refused) == (422, "import_file_invalid", ["file.class.class"])
    assert await published(contingent, ENROLLED) == []


async def test_who_imports(api: httpx.AsyncClient, as_: As, school: School) -> None:
    tree, content = school.tree, class_file(school)
    template = f"/v1/classes/{school.class_id}/pupils/import-template"
    lead = as_(Role.class_teacher, tree.school_a, person_id=school.teacher)
    assert (await upload(api, school, content, dry_run=True, headers=lead)).status_code == 200
    assert (await api.get(template, headers=lead)).status_code == 200
    for headers, status in (
        (as_(Role.school_admin, tree.school_b), 404),
        (as_(Role.class_teacher, tree.school_a, person_id=uuid.uuid4()), 403),
        ({}, 401),
    ):
        assert (await upload(api, school, content, dry_run=True, headers=headers)).status_code == status
        assert (await api.get(template, headers=headers)).status_code == status


async def test_what_is_not_a_filled_template_is_refused(api: httpx.AsyncClient, school: School) -> None:
    path = f"/v1/classes/{school.class_id}/pupils/import"
    csv = await api.post(path, params={"dry_run": "true"}, content=b"a;b", headers=school.admin)
    assert problem(csv)[:2] == (415, "unsupported_media_type")
    assert problem(await upload(api, school, b"not a zip", dry_run=True))[:2] == (
        422,
        "import_file_unreadable",
    )
    wrong = await upload(api, school, workbook(["1"], header=["Фамилия"]), dry_run=True)
    assert problem(wrong)[:2] == (422, "import_file_unreadable")
    huge = await upload(api, school, b"0" * (5 * 1024 * 1024 + 1), dry_run=True)
    assert problem(huge)[:2] == (413, "import_file_too_large")
