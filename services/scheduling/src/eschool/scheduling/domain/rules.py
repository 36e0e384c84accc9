"""A broken rule of the calendar, and the year's span every date must fall in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Violation:
    """A broken rule: the body field it is about (``terms.2.starts_on``), a stable code, a Russian detail."""

    field: str
    code: str
    detail: str


@dataclass(frozen=True)
class YearSpan:
    """An academic year's first and last day, both included."""

    starts_on: date
    ends_on: date

    def holds(self, day: date) -> bool:
        """Whether ``day`` is inside the year."""
        return self.starts_on <= day <= self.ends_on


def ru(day: date) -> str:
    """A date as people read it: ``01.09.2025``."""
    return f"{day:%d.%m.%Y}"


def check_span(field: str, name: str, starts_on: date, ends_on: date, year: YearSpan) -> list[Violation]:
    """A named non-empty range of days inside the year (``field``: the body path of the range)."""
    broken = []
    if not name.strip():
        broken.append(Violation(f"{field}name", "name_blank", "Укажите название"))
    if starts_on > ends_on:
        detail = f"Дата окончания {ru(ends_on)} раньше даты начала {ru(starts_on)}"
        broken.append(Violation(f"{field}ends_on", "dates_reversed", detail))
    span = f"{ru(year.starts_on)} – {ru(year.ends_on)}"
    if not year.holds(starts_on):
        detail = f"Дата начала {ru(starts_on)} вне учебного года ({span})"
        broken.append(Violation(f"{field}starts_on", "outside_academic_year", detail))
    if not year.holds(ends_on):
        detail = f"Дата окончания {ru(ends_on)} вне учебного года ({span})"
        broken.append(Violation(f"{field}ends_on", "outside_academic_year", detail))
    return broken
