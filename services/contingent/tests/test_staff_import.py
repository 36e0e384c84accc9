"""Staff import from an xlsx template: a file judged whole (every bad row by its row, column and field), a
dry run that writes nothing, an import of all rows or none through the hiring form's own path (one person
across schools by SNILS, ``StaffHiredV1``), a re-import that changes nothing, who may import, and the
SNILS kept out of every answer, event and log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import func, select

from eschool.common.auth import Role
from eschool.common.bus.tables import outbox_message
from eschool.common.service import ServiceRuntime
from eschool.common.snils import snils_hash
from eschool.common.xlsx import XLSX_MEDIA_TYPE, new_sheet, saved
from eschool.contingent.db.people import Person
from eschool.contingent.db.staff import StaffEmployment
from eschool.contingent.domain.staff_import import read_workbook, staff_row

from . import test_pupils
from .conftest import SNILS_KEY, As, published
from .test_exports import sheet_of
from .test_pupils import School, snils_of
from .test_staff import HIRED, TEACHER_SNILS, dismiss, hired, staff_of
from .test_years import Tree, problem

# The pupils' tests' fixtures, shared.
tree, school, school_b, debug_logs = (
    test_pupils.tree,
    test_pupils.school,
    test_pupils.school_b,
    test_pupils.debug_logs,
)

HEADER = ["Фамилия", "Имя", "Отчество", "Пол (м/ж)", "Дата рождения", "СНИЛС", "Должность", "Дата приёма"]
# Its first digit is a zero: typed into a cell as a number, Excel drops it.
ZERO_SNILS = snils_of("023456789")


def workbook(*rows: list[Any], header: list[Any] = HEADER) -> bytes:
    """A filled template: the header row, then ``rows`` from the second."""
    book, sheet = new_sheet("Сотрудники")
    for cells in (header, *rows):
        sheet.append(cells)
    return saved(book)


def row(**changes: Any) -> list[Any]:
    """The teacher of ``test_staff`` as a row of the template."""
    cells = {
        "last": "Смирнова",
        "first": "Ольга",
        "middle": "Ивановна",
        "sex": "ж",
        "born": "15.03.1985",
        "snils": TEACHER_SNILS,
        "position": " учитель  русского языка ",
        "hired": "01.09.2020",
    }
    return list((cells | changes).values())


def staff_file() -> bytes:
    """Three good rows: text, Excel dates and a SNILS typed as a number, and one without SNILS."""
    return workbook(
        row(),
        row(
            last="Петров",
            first="Пётр",
            middle="Петрович",
            sex="М",
            born=datetime(1979, 5, 2),
            snils=int(ZERO_SNILS.replace("-", "").replace(" ", "")),
            position="учитель физики",
            hired=datetime(2021, 9, 1),
        ),
        row(last="Кузнецова", first="Анна", middle=None, snils=None, position="завуч"),
    )


async def upload(
    api: httpx.AsyncClient, school: School, content: bytes, *, dry_run: bool, headers: Any = None
) -> httpx.Response:
    url = f"{staff_of(school.school_id)}/import?dry_run={str(dry_run).lower()}"
    sent = (school.admin if headers is None else headers) | {"Content-Type": XLSX_MEDIA_TYPE}
    return await api.post(url, content=content, headers=sent)


async def counts(runtime: ServiceRuntime) -> tuple[int, ...]:
    """Persons, employments and outbox rows in the database."""
    keys = (Person.person_id, StaffEmployment.staff_employment_id, outbox_message.c.outbox_message_id)
    async with runtime.database.uow() as uow:
        return tuple([int(await uow.session.scalar(select(func.count(c))) or 0) for c in keys])


def summary(report: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(report[k] for k in ("rows", "valid", "would_hire", "already_employed", "hired"))


# --- the rules alone -------------------------------------------------------------------------------------


def test_rows_read_text_excel_dates_and_a_snils_typed_as_a_number() -> None:
    typed = staff_row(
        2, ["Петров", "Пётр", None, "М", datetime(1979, 5, 2), 2345678906.0, "учитель", "01.09.2021"]
    )
    assert (typed.card.sex, typed.card.birth_date, typed.hired_on, typed.snils, typed.unread) == (
        "male",
        date(1979, 5, 2),
        date(2021, 9, 1),
        "02345678906",
        (),
    )
    bad = staff_row(3, ["А", "Б", None, "male", "31.02.1985", None, "учитель", ""])
    unread = {v.field: v.code for v in bad.unread}
    assert unread == {"sex": "invalid_sex", "birth_date": "invalid_date", "hired_on": "value_required"}
    # Wholly empty rows are skipped; the others keep the spreadsheet's own numbers.
    assert [r.row for r in read_workbook(workbook(row(), [], row(first="Мария")))] == [2, 4]


# --- through the API -------------------------------------------------------------------------------------


async def test_the_template_has_the_forms_columns(api: httpx.AsyncClient, school: School) -> None:
    got = await api.get(f"{staff_of(school.school_id)}/import-template", headers=school.admin)
    assert sheet_of(got) == [HEADER]
    assert quote("Шаблон импорта сотрудников.xlsx") in got.headers["content-disposition"]
    with pytest.raises(Exception, match="нет ни одного сотрудника"):
        read_workbook(got.content)


async def test_a_good_file_hires_everyone_with_an_event(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    imported = await upload(api, school, staff_file(), dry_run=False)
    assert imported.status_code == 200, imported.text
    assert (summary(imported.json()), imported.json()["errors"]) == ((3, True, 3, 0, 3), [])
    listed = (await api.get(staff_of(school.school_id), headers=school.admin)).json()["items"]
    petrov = next(s for s in listed if s["last_name"] == "Петров")
    assert (petrov["birth_date"], petrov["sex"], petrov["position"], petrov["hired_on"]) == (
        "1979-05-02",
        "male",
        "учитель физики",
        "2021-09-01",
    )
    assert petrov["snils"] == f"***-***-*** {ZERO_SNILS[-2:]}"
    events = await published(contingent, HIRED)
    assert sorted(e["subject"] for e in events) == sorted(s["person_id"] for s in listed)
    assert {e["data"]["school_id"] for e in events} == {str(school.school_id)}
    hashes = {e["data"]["snils_hash"] for e in events}
    assert hashes == {
        snils_hash(TEACHER_SNILS, SNILS_KEY.encode()),
        snils_hash(ZERO_SNILS, SNILS_KEY.encode()),
        None,
    }


async def test_a_dry_run_writes_nothing(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    before = await counts(contingent)
    checked = await upload(api, school, staff_file(), dry_run=True)
    assert checked.status_code == 200, checked.text
    assert summary(checked.json()) == (3, True, 3, 0, 0)
    assert await counts(contingent) == before


async def test_every_bad_row_is_reported_and_nothing_is_written(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    content = workbook(
        row(),
        row(first="Мария", born="31.02.1985", snils=None),
        row(first="Вера", sex="x", snils=None),
        row(last=" ", snils=None),
        row(first="Зоя", snils="112-233-445 96"),
        row(first="Инна"),
        row(first="Лена", snils=None, hired="2020-13-01"),
        row(first="Нина", snils=None, position="  "),
        row(first="Рита", snils=None, born="01.01.2015"),
        row(first="Анна", snils=None),
        row(first="Анна", snils=None, position="завуч"),
    )
    expected = [
        (3, "E", "birth_date", "invalid_date"),
        (4, "D", "sex", "invalid_sex"),
        (5, "A", "last_name", "value_required"),
        (6, "F", "snils", "invalid_snils"),
        (7, "F", "snils", "duplicate_in_file"),
        (8, "H", "hired_on", "invalid_date"),
        (9, "G", "position", "value_required"),
        (10, "E", "birth_date", "staff_too_young"),
        (12, "A", "last_name", "duplicate_in_file"),
    ]
    before = await counts(contingent)
    checked = await upload(api, school, content, dry_run=True)
    assert checked.status_code == 200, checked.text
    report = checked.json()
    assert summary(report) == (11, False, 2, 0, 0)
    assert [(e["row"], e["column"], e["field"], e["code"]) for e in report["errors"]] == expected
    assert report["errors"][4]["message"] == "Этот СНИЛС уже указан в строке 2"
    assert all(e["message"] for e in report["errors"])
    refused = await upload(api, school, content, dry_run=False)
    assert problem(refused)[:2] == (422, "import_file_invalid")
    assert refused.json()["report"] | {"hired": 0} == report
    assert problem(refused)[2][:2] == ["file.3.birth_date", "file.4.sex"]
    assert await counts(contingent) == before


async def test_the_hiring_forms_refusals_are_reported_by_row(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School, school_b: School
) -> None:
    await hired(api, school_b)  # the SNILS belongs to Смирнова Ольга
    gone = await hired(api, school, first_name="Вера", snils=snils_of("998877665"))
    assert (await dismiss(api, gone, school.admin)).status_code == 200
    await hired(api, school, first_name="Зоя", snils=None)
    content = workbook(
        row(first="Мария"),
        row(first="Вера", snils=snils_of("998877665")),
        row(first="Зоя", snils=None, position="завуч"),
        row(first="Нина", snils=None),
    )
    before = await counts(contingent)
    report = (await upload(api, school, content, dry_run=True)).json()
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        (2, "F", "snils_of_another_person"),
        (3, "F", "staff_dismissed"),
        (4, "F", "staff_already_employed"),
    ]
    assert summary(report) == (4, False, 1, 0, 0)
    assert problem(await upload(api, school, content, dry_run=False))[:2] == (422, "import_file_invalid")
    assert await counts(contingent) == before


async def test_reimporting_the_same_file_changes_nothing(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    content = staff_file()
    assert (await upload(api, school, content, dry_run=False)).status_code == 200
    before = await counts(contingent)
    listed = (await api.get(staff_of(school.school_id), headers=school.admin)).json()
    for dry_run in (True, False):
        again = await upload(api, school, content, dry_run=dry_run)
        assert again.status_code == 200, again.text
        assert summary(again.json()) == (3, True, 0, 3, 0)
    assert await counts(contingent) == before
    assert (await api.get(staff_of(school.school_id), headers=school.admin)).json() == listed
    assert len(await published(contingent, HIRED)) == 3


async def test_a_person_working_in_another_school_is_one_person(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School, school_b: School
) -> None:
    elsewhere = await hired(api, school_b)
    persons = (await counts(contingent))[0]
    imported = await upload(
        api, school, workbook(row(last="Смирнова-Петрова", position="педагог")), dry_run=False
    )
    assert summary(imported.json()) == (1, True, 1, 0, 1)
    [here] = (await api.get(staff_of(school.school_id), headers=school.admin)).json()["items"]
    assert here["person_id"] == elsewhere["person_id"]
    assert (await counts(contingent))[0] == persons
    last = (await published(contingent, HIRED))[-1]
    assert (last["subject"], last["school_id"]) == (elsewhere["person_id"], str(school.school_id))


async def test_who_imports(api: httpx.AsyncClient, as_: As, tree: Tree, school: School) -> None:
    content, template_path = staff_file(), f"{staff_of(school.school_id)}/import-template"
    for headers, status in (
        (as_(Role.municipality, tree.rayon_a), 200),
        (as_(Role.ministry, tree.region), 200),
        (as_(Role.school_admin, tree.school_b), 404),
        (as_(Role.municipality, tree.rayon_b), 404),
        (as_(Role.subject_teacher, tree.school_a), 403),
        (as_(Role.guardian, tree.school_a), 403),
        ({}, 401),
    ):
        checked = await upload(api, school, content, dry_run=True, headers=headers)
        template = await api.get(template_path, headers=headers)
        assert (checked.status_code, template.status_code) == (status, status), headers
    teacher_refused = await upload(
        api, school, content, dry_run=False, headers=as_(Role.class_teacher, tree.school_a)
    )
    assert problem(teacher_refused)[:2] == (403, "staff_write_denied")


async def test_what_is_not_a_filled_template_is_refused(api: httpx.AsyncClient, school: School) -> None:
    path = f"{staff_of(school.school_id)}/import"
    csv = await api.post(path, params={"dry_run": "true"}, content=b"a;b", headers=school.admin)
    assert problem(csv)[:2] == (415, "unsupported_media_type")
    assert problem(await upload(api, school, b"not a zip", dry_run=True))[:2] == (
        422,
        "import_file_unreadable",
    )
    wrong = await upload(api, school, workbook(row(), header=HEADER[:-1]), dry_run=True)
    assert problem(wrong)[:2] == (422, "import_file_unreadable")
    empty = await upload(api, school, workbook(), dry_run=True)
    assert problem(empty)[:2] == (422, "import_file_unreadable")
    huge = await upload(api, school, b"0" * (5 * 1024 * 1024 + 1), dry_run=True)
    assert problem(huge)[:2] == (413, "import_file_too_large")


async def test_snils_never_in_clear(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School, debug_logs: None, capsys: Any
) -> None:
    answers = [
        await upload(api, school, workbook(row(), row(first="Инна")), dry_run=True),
        await upload(api, school, workbook(row(), row(first="Анна", snils=ZERO_SNILS)), dry_run=False),
        await upload(api, school, workbook(row(first="Мария", snils=ZERO_SNILS)), dry_run=False),
        await upload(api, school, workbook(row(snils="112-233-445 96")), dry_run=True),
        await api.get(staff_of(school.school_id), headers=school.admin),
    ]
    assert [a.status_code for a in answers] == [200, 200, 422, 200, 200]
    logs = capsys.readouterr().out
    assert "contingent.staff.imported" in logs  # the log did capture this run
    envelopes = str(await published(contingent))
    for snils in (TEACHER_SNILS, ZERO_SNILS, "112-233-445 96"):
        digits = snils.replace("-", "").replace(" ", "")
        for spelling in (snils, digits, snils[:11], digits[:9]):
            for text in (logs, envelopes, *(a.text for a in answers)):
                assert spelling not in text
