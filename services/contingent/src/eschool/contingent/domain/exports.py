"""Lists exported as workbooks, without I/O: the class list of seed 001 and a school's staff.

A list carries what a school prints and hands on — names, birth dates, personal files, positions — and
never a SNILS or contacts: a printed list travels further than the system's access rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from eschool.common.xlsx import table_workbook
from eschool.contingent.domain.people import PersonName

EDUCATION_FORM_LABELS = {
    "full_time": "очная",
    "part_time": "очно-заочная",
    "extramural": "заочная",
    "family": "семейное образование",
    "self_education": "самообразование",
    "home": "обучение на дому",
}
SEX_LABELS = {"male": "м", "female": "ж"}
T = TypeVar("T")
CLASS_LIST_HEADERS = (
    ("№ п/п", 7),
    ("ФИО", 40),
    ("Дата рождения", 15),
    ("Пол", 6),
    ("№ личного дела", 16),
    ("Форма обучения", 22),
    ("Дата зачисления", 16),
)
STAFF_LIST_HEADERS = (
    ("№ п/п", 7),
    ("ФИО", 40),
    ("Дата рождения", 15),
    ("Пол", 6),
    ("Должность", 36),
    ("Дата приёма", 14),
)


@dataclass(frozen=True)
class ClassListEntry:
    """A pupil of the class as the list shows them."""

    name: PersonName
    birth_date: date | None
    sex: str | None
    personal_file_number: str
    education_form: str
    enrolled_on: date


@dataclass(frozen=True)
class StaffListEntry:
    """A staff member as the school's list shows them."""

    name: PersonName
    birth_date: date | None
    sex: str | None
    position: str
    hired_on: date


def full_name(name: PersonName) -> str:
    """«Фамилия Имя Отчество»."""
    return " ".join(part for part in (name.last_name, name.first_name, name.middle_name) if part)


def class_list_title(school: str, class_name: str, year: str) -> str:
    """The list's first row: the school, the class and the academic year."""
    return f"{school}. Список учеников класса {class_name}, {year} учебный год"


def class_list_workbook(title: str, pupils: Sequence[ClassListEntry]) -> bytes:
    """The class list: № п/п, ФИО, дата рождения, пол, № личного дела, форма обучения, дата зачисления."""

    def cells(p: ClassListEntry) -> tuple[Any, ...]:
        form = EDUCATION_FORM_LABELS.get(p.education_form, p.education_form)
        return (*_person(p.name, p.birth_date, p.sex), p.personal_file_number, form, p.enrolled_on)

    return table_workbook("Список класса", title, CLASS_LIST_HEADERS, _numbered(pupils, cells))


def staff_list_workbook(title: str, staff: Sequence[StaffListEntry]) -> bytes:
    """The school's staff: № п/п, ФИО, дата рождения, пол, должность, дата приёма."""

    def cells(s: StaffListEntry) -> tuple[Any, ...]:
        return (*_person(s.name, s.birth_date, s.sex), s.position, s.hired_on)

    return table_workbook("Сотрудники", title, STAFF_LIST_HEADERS, _numbered(staff, cells))


def _person(name: PersonName, birth_date: date | None, sex: str | None) -> tuple[Any, ...]:
    return full_name(name), birth_date, SEX_LABELS.get(sex or "", "")


def _numbered(entries: Sequence[T], cells: Callable[[T], tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Each entry's row, numbered from 1 (the list's «№ п/п»)."""
    return ((number, *cells(entry)) for number, entry in enumerate(entries, 1))
