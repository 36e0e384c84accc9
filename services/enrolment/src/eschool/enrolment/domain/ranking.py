"""The order of a school's ranked list of applications, and the first grade's age rule.

Priority groups, first to last (Федеральный закон № 273-ФЗ, ст. 67; приказ Минпросвещения № 458): 1 an
extraordinary right (внеочередное право), 2 a first-priority right (первоочередное право), 3 a sibling
already in the school (преимущественное право), 4 registered in the territory assigned to the school,
5 everyone else. Within a group, the earlier receipt first, to the microsecond.

A first-grader starts school at 6 years and 6 months at the earliest and no later than turning 8 (273-ФЗ,
ст. 67, ч. 1): on the 1st of September at least 6.5 and not past the 8th birthday. Outside that the
school may take the child only with the founder's permission, so such an application is flagged, not
refused.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from typing import Literal

Benefit = Literal["none", "extraordinary", "first_priority"]
BENEFIT_GROUPS: dict[str, int] = {"extraordinary": 1, "first_priority": 2}
SIBLING_GROUP, TERRITORY_GROUP, OTHERS_GROUP = 3, 4, 5


def priority_group(benefit: Benefit, *, sibling_in_school: bool, in_territory: bool) -> int:
    """The application's priority group (1 first)."""
    if benefit in BENEFIT_GROUPS:
        return BENEFIT_GROUPS[benefit]
    if sibling_in_school:
        return SIBLING_GROUP
    return TERRITORY_GROUP if in_territory else OTHERS_GROUP


def months_old(birth_date: date, on: date) -> int:
    """Whole months of age on the day."""
    months = (on.year - birth_date.year) * 12 + on.month - birth_date.month
    return months - 1 if on.day < birth_date.day else months


def plus_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it has no such day: 29 February)."""
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def first_grade_age_out_of_range(birth_date: date, school_year: int) -> bool:
    """True if on 1 September the child is not yet 6 years and 6 months old, or turned 8 before it."""
    first_of_september = date(school_year, 9, 1)
    return (
        plus_months(birth_date, 78) > first_of_september or plus_months(birth_date, 96) < first_of_september
    )


def open_school_years(today: date) -> tuple[int, int]:
    """The school years applications are taken for: the current one (transfers) and the next (first and
    tenth grades), each named by the year it starts in."""
    current = today.year if today.month >= 9 else today.year - 1
    return current, current + 1
