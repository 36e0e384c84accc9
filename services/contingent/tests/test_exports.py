"""Lists downloaded as workbooks: the class list of seed 001 (its pupils now, titled with the school, the
class and the year) and a school's working staff, each read by whoever reads the list itself, and neither
with a SNILS."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
import openpyxl

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.xlsx import XLSX_MEDIA_TYPE

from . import test_pupils
from .conftest import As, school_today
from .test_pupils import School, enrolled, snils_of, withdraw
from .test_staff import TEACHER_SNILS, dismiss, hired, staff_of
from .test_years import Tree, problem

# The pupils' tests' fixtures, shared.
tree, school = test_pupils.tree, test_pupils.school
PUPIL_SNILS = snils_of("556677889")
CLASS_HEADERS = [
    "№ п/п",
    "ФИО",
    "Дата рождения",
    "Пол",
    "№ личного дела",
    "Форма обучения",
    "Дата зачисления",
]
STAFF_HEADERS = ["№ п/п", "ФИО", "Дата рождения", "Пол", "Должность", "Дата приёма"]


def class_export(school: School) -> str:
    return f"/v1/classes/{school.class_id}/pupils/export"


def sheet_of(response: httpx.Response) -> list[list[Any]]:
    """The downloaded workbook's first sheet, row by row (trailing empty cells dropped)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX_MEDIA_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [r[: max((i + 1 for i, v in enumerate(r) if v is not None), default=0)] for r in rows]


def never_snils(response: httpx.Response, *snils: str) -> None:
    """No spelling of these SNILS in any cell of the workbook."""
    cells = " ".join(str(v) for row in sheet_of(response) for v in row)
    for number in snils:
        digits = number.replace("-", "").replace(" ", "")
        for spelling in (number, digits, digits[:9], number[:11]):
            assert spelling not in cells


async def test_the_class_list_has_the_class_pupils_now(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    await enrolled(api, school, "12р", snils=PUPIL_SNILS)
    await enrolled(api, school, "7", last_name="Петров", first_name="Константин", middle_name=None, sex="м")
    gone = await enrolled(api, school, "9", first_name="Мария")
    await withdraw(contingent, gone)
    got = await api.get(class_export(school), headers=school.admin)
    [title, headers, *rows] = sheet_of(got)
    year = f"{school.starts_on.year}/{school.starts_on.year + 1}"
    assert title == [f"school {school.school_id.hex[:6]}. Список учеников класса 5 А, {year} учебный год"]
    assert headers == CLASS_HEADERS
    enrolled_on = datetime.combine(school.starts_on, datetime.min.time())
    assert rows == [
        [1, "Иванова Анна Сергеевна", datetime(2015, 9, 10), "ж", "12р", "очная", enrolled_on],
        [2, "Петров Константин", datetime(2015, 9, 10), "м", "7", "очная", enrolled_on],
    ]
    name = f"Список класса 5 А ({year.replace('/', '-')}).xlsx"
    assert f"filename*=UTF-8''{quote(name)}" in got.headers["content-disposition"]
    never_snils(got, PUPIL_SNILS)


async def test_an_empty_class_is_a_list_with_its_title_only(api: httpx.AsyncClient, school: School) -> None:
    [title, headers] = sheet_of(await api.get(class_export(school), headers=school.admin))
    assert ("5 А" in title[0], headers) == (True, CLASS_HEADERS)


async def test_who_exports_the_class_list(
    api: httpx.AsyncClient, as_: As, tree: Tree, school: School
) -> None:
    await enrolled(api, school)
    lead = as_(Role.class_teacher, tree.school_a, person_id=school.teacher)
    for headers, status in (
        (lead, 200),
        (as_(Role.subject_teacher, tree.school_a), 200),
        (as_(Role.municipality, tree.rayon_a), 200),
        (as_(Role.school_admin, tree.school_b), 404),
        (as_(Role.municipality, tree.rayon_b), 404),
        (as_(Role.guardian, tree.school_a), 403),
        ({}, 401),
    ):
        assert (await api.get(class_export(school), headers=headers)).status_code == status, headers
    missing = await api.get(
        "/v1/classes/00000000-0000-0000-0000-000000000000/pupils/export", headers=school.admin
    )
    assert problem(missing)[:2] == (404, "class_not_found")


async def test_the_staff_list_has_the_schools_working_staff(api: httpx.AsyncClient, school: School) -> None:
    await hired(api, school)
    await hired(
        api,
        school,
        last_name="Антонов",
        first_name="Пётр",
        middle_name="Сергеевич",
        sex="м",
        snils=None,
        position="завуч",
    )
    gone = await hired(api, school, first_name="Вера", snils=None)
    assert (await dismiss(api, gone, school.admin)).status_code == 200
    got = await api.get(f"{staff_of(school.school_id)}/export", headers=school.admin)
    [title, headers, *rows] = sheet_of(got)
    # The school's own today (Moscow, the region's default zone): near midnight UTC it is a day ahead.
    today = school_today()
    assert title == [f"school {school.school_id.hex[:6]}. Сотрудники на {today:%d.%m.%Y}"]
    assert headers == STAFF_HEADERS
    assert rows == [
        [1, "Антонов Пётр Сергеевич", datetime(1985, 3, 15), "м", "завуч", datetime(2020, 9, 1)],
        [
            2,
            "Смирнова Ольга Ивановна",
            datetime(1985, 3, 15),
            "ж",
            "учитель русского языка",
            datetime(2020, 9, 1),
        ],
    ]
    name = f"Сотрудники school {school.school_id.hex[:6]}.xlsx"
    assert f"filename*=UTF-8''{quote(name)}" in got.headers["content-disposition"]
    never_snils(got, TEACHER_SNILS)


async def test_who_exports_the_staff_list(
    api: httpx.AsyncClient, as_: As, tree: Tree, school: School
) -> None:
    await hired(api, school)
    path = f"{staff_of(school.school_id)}/export"
    for headers, status in (
        (as_(Role.subject_teacher, tree.school_a), 200),
        (as_(Role.ministry, tree.region), 200),
        (as_(Role.school_admin, tree.school_b), 404),
        (as_(Role.guardian, tree.school_a), 403),
        ({}, 401),
    ):
        assert (await api.get(path, headers=headers)).status_code == status, headers
