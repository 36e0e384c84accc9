"""Days without lessons (seed 000, point 8: «Праздники», «Доп. каникулы»): vacations, public holidays,
extra vacation days; the defaults a new scheme brings, and the rules a holiday keeps.

Holidays may overlap each other and the terms: New Year's days fall inside the winter vacation, a
public holiday inside a term (its lessons are skipped), the first graders' extra February week inside
the third quarter.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from eschool.scheduling.domain.rules import Violation, YearSpan, check_span
from eschool.scheduling.domain.terms import DAY, TermDraft


class HolidayKind(StrEnum):
    """What the days off are."""

    vacation = "vacation"
    holiday = "holiday"
    extra_vacation = "extra_vacation"


@dataclass(frozen=True)
class HolidayDraft:
    """Days off: their kind, name and dates, both days included."""

    kind: HolidayKind
    name: str
    starts_on: date
    ends_on: date


# Russia's fixed public holidays (Labour Code, art. 112) as (month, first day, last day, name).
PUBLIC_HOLIDAYS = (
    (11, 4, 4, "День народного единства"),
    (1, 1, 8, "Новогодние праздники"),
    (2, 23, 23, "День защитника Отечества"),
    (3, 8, 8, "Международный женский день"),
    (5, 1, 1, "Праздник Весны и Труда"),
    (5, 9, 9, "День Победы"),
    (6, 12, 12, "День России"),
)


def check_holiday(draft: HolidayDraft, year: YearSpan) -> list[Violation]:
    """What is wrong with the holiday in ``year`` (empty: nothing)."""
    return check_span("", draft.name, draft.starts_on, draft.ends_on, year)


def vacation_name(starts_on: date) -> str:
    """The season's name of a vacation starting on ``starts_on``."""
    if starts_on.month in (10, 11):
        return "Осенние каникулы"
    if starts_on.month in (12, 1, 2):
        return "Зимние каникулы"
    if starts_on.month in (3, 4):
        return "Весенние каникулы"
    return "Каникулы"


def default_vacations(terms: Sequence[TermDraft]) -> list[HolidayDraft]:
    """The vacations between consecutive terms (the days no term holds)."""
    gaps = itertools.pairwise(terms)
    return [
        HolidayDraft(HolidayKind.vacation, vacation_name(a.ends_on + DAY), a.ends_on + DAY, b.starts_on - DAY)
        for a, b in gaps
        if b.starts_on - a.ends_on > DAY
    ]


def public_holidays(year: YearSpan) -> list[HolidayDraft]:
    """The public holidays that fall inside ``year``, earliest first."""
    found = []
    for calendar_year in (year.starts_on.year, year.ends_on.year):
        for month, first, last, name in PUBLIC_HOLIDAYS:
            starts_on, ends_on = date(calendar_year, month, first), date(calendar_year, month, last)
            if year.holds(starts_on) and year.holds(ends_on):
                found.append(HolidayDraft(HolidayKind.holiday, name, starts_on, ends_on))
    return sorted(set(found), key=lambda h: h.starts_on)
