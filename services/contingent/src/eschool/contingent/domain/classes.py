"""Rules of academic years and class cards, without I/O.

A year is named by its two calendar years (``2025/2026``) and runs 1 Sep to 31 Aug unless the school
gives other dates inside those two years. A class is a grade level and a letter (``5 Б``) in one year.
Grade 0 is a pre-school group («предшкольная подготовка»): schools keep such groups as classes of
their own, and the table already anticipates them; the seeds' pupils are of grades 1 to 11.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import get_args

from eschool.common.events.contingent import ClassKind

MIN_GRADE, MAX_GRADE = 0, 11
# The federal standard has profile education in the last two grades only (glossary: «Профиль (10–11 кл.)»).
PROFILE_GRADES = range(10, MAX_GRADE + 1)
SHIFTS = (1, 2)
MIN_SIZE, MAX_SIZE, DEFAULT_SIZE = 1, 40, 25
MAX_LETTER_LENGTH = 10
MAX_PROFILE_LENGTH = 200
KINDS: tuple[str, ...] = get_args(ClassKind)

# People write «2025/2026», «2025-2026», «2025 – 2026» (seed 001); the name kept is «2025/2026».
_YEAR_NAME = re.compile(r"^\s*(\d{4})\s*[/\-–—]\s*(\d{4})\s*$")
_FIRST_YEARS = range(1990, 2101)
# Cyrillic only, so that a Latin «A» never makes a second «5 А» that looks the same; digits for schools
# that number their classes («5-1», «5-2»), and the Cyrillic block covers Kyrgyz «Ң», «Ө», «Ү» (seed 003).
_LETTER = re.compile(r"^[\u0400-\u04FF0-9][\u0400-\u04FF0-9 \-]*$")


@dataclass(frozen=True)
class Violation(Exception):  # noqa: N818 - a broken rule, reported to people, not a program fault
    """A rule the input breaks: which field, a stable code, and the Russian detail."""

    field: str
    code: str
    detail: str


@dataclass(frozen=True)
class YearDates:
    """A year's normalized name and its first and last day."""

    name: str
    starts_on: date
    ends_on: date


def year_name(raw: str) -> tuple[str, int]:
    """The normalized name (``2025/2026``) and its first calendar year; the second must follow the first."""
    match = _YEAR_NAME.match(raw)
    if match is None:
        raise Violation("name", "invalid_year_name", "Название учебного года указывается в виде «2025/2026»")
    first, second = int(match[1]), int(match[2])
    if second != first + 1:
        raise Violation("name", "invalid_year_name", "Учебный год охватывает два соседних года: «2025/2026»")
    if first not in _FIRST_YEARS:
        raise Violation("name", "invalid_year_name", "Учебный год указан вне допустимого диапазона")
    return f"{first}/{second}", first


def year_dates(raw_name: str, starts_on: date | None = None, ends_on: date | None = None) -> YearDates:
    """The year's dates: 1 Sep to 31 Aug unless given; inside the named years, at most a year long."""
    name, first = year_name(raw_name)
    return check_dates(name, starts_on or date(first, 9, 1), ends_on or date(first + 1, 8, 31))


def check_dates(name: str, starts_on: date, ends_on: date) -> YearDates:
    """Refuse dates that run backwards, leave the named years, or last longer than a year."""
    _, first = year_name(name)
    for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day.year not in (first, first + 1):
            raise Violation(
                field, "date_outside_year", f"Дата должна приходиться на {first} или {first + 1} год"
            )
    if starts_on >= ends_on:
        raise Violation("ends_on", "dates_reversed", "Дата окончания должна быть позже даты начала")
    if ends_on >= _same_day_next_year(starts_on):
        raise Violation("ends_on", "year_too_long", "Учебный год не может длиться больше года")
    return YearDates(name, starts_on, ends_on)


def _same_day_next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28) + timedelta(days=1)


@dataclass(frozen=True)
class ClassCard:
    """What a class's card holds besides its year (the class teacher is set on its own)."""

    grade: int
    letter: str
    kind: str = "general"
    profile: str | None = None
    shift: int = 1
    term_scheme_id: uuid.UUID | None = None
    max_size: int = DEFAULT_SIZE


def normalize_letter(raw: str) -> str:
    """The letter as kept: spaces trimmed and collapsed; a letter or two upper-cased («б» → «Б»); a
    longer name («Ромашка») keeps its case but starts with a capital."""
    value = " ".join(raw.split())
    if not value:
        raise Violation("letter", "letter_required", "Укажите литеру класса")
    if len(value) > MAX_LETTER_LENGTH:
        raise Violation(
            "letter", "letter_too_long", f"Литера класса — не длиннее {MAX_LETTER_LENGTH} символов"
        )
    if not _LETTER.match(value):
        raise Violation(
            "letter",
            "invalid_letter",
            "Литера класса пишется кириллицей («А», «Б»…) или цифрами, допускаются пробел и дефис",
        )
    return value.upper() if len(value) <= 2 else value[0].upper() + value[1:]


def check_card(card: ClassCard) -> ClassCard:
    """The card normalized (letter, profile), or the first rule it breaks."""
    if not MIN_GRADE <= card.grade <= MAX_GRADE:
        raise Violation("grade", "invalid_grade", f"Параллель — от {MIN_GRADE} до {MAX_GRADE}")
    if card.kind not in KINDS:
        raise Violation("kind", "invalid_kind", "Неизвестный вид класса")
    if card.shift not in SHIFTS:
        raise Violation("shift", "invalid_shift", "Смена — первая или вторая")
    if not MIN_SIZE <= card.max_size <= MAX_SIZE:
        raise Violation(
            "max_size", "invalid_max_size", f"Наполняемость — от {MIN_SIZE} до {MAX_SIZE} человек"
        )
    return replace(card, letter=normalize_letter(card.letter), profile=_checked_profile(card))


def _checked_profile(card: ClassCard) -> str | None:
    profile = " ".join(card.profile.split()) if card.profile else None
    if card.kind != "profile":
        if profile is not None:
            raise Violation(
                "profile", "profile_not_allowed", "Профиль указывается только у профильного класса"
            )
        return None
    if profile is None:
        raise Violation("profile", "profile_required", "Укажите профиль профильного класса")
    if len(profile) > MAX_PROFILE_LENGTH:
        raise Violation("profile", "profile_too_long", f"Профиль — не длиннее {MAX_PROFILE_LENGTH} символов")
    if card.grade not in PROFILE_GRADES:
        raise Violation("grade", "profile_grade", "Профильными бывают только 10 и 11 классы")
    return profile
