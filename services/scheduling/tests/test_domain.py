"""The calendar's rules without I/O: default terms of a year, the rules a corrected set keeps, the
vacations between terms, the public holidays, the term lifecycle."""

from __future__ import annotations

from datetime import date

import pytest

from eschool.scheduling.domain.holidays import (
    HolidayDraft,
    HolidayKind,
    check_holiday,
    default_vacations,
    public_holidays,
)
from eschool.scheduling.domain.lifecycle import (
    IllegalTransition,
    ReasonRequired,
    TermStatus,
    check_transition,
)
from eschool.scheduling.domain.rules import YearSpan
from eschool.scheduling.domain.terms import SchemeKind, TermDraft, check_terms, default_terms

YEAR = YearSpan(date(2025, 9, 1), date(2026, 8, 31))


def spans(terms: list[TermDraft]) -> list[tuple[date, date]]:
    return [(t.starts_on, t.ends_on) for t in terms]


def test_quarters_follow_the_russian_school_calendar() -> None:
    terms = default_terms(SchemeKind.quarters, YEAR)
    assert [t.name for t in terms] == ["1 четверть", "2 четверть", "3 четверть", "4 четверть"]
    assert spans(terms) == [
        (date(2025, 9, 1), date(2025, 10, 25)),
        (date(2025, 11, 5), date(2025, 12, 28)),
        (date(2026, 1, 9), date(2026, 3, 21)),
        (date(2026, 4, 1), date(2026, 5, 31)),
    ]


def test_trimesters_and_half_years_cover_the_year() -> None:
    trimesters = default_terms(SchemeKind.trimesters, YEAR)
    assert spans(trimesters) == [
        (date(2025, 9, 1), date(2025, 11, 30)),
        (date(2025, 12, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 5, 31)),
    ]
    halves = default_terms(SchemeKind.half_years, YEAR)
    assert [t.name for t in halves] == ["1 полугодие", "2 полугодие"]
    assert spans(halves) == [(date(2025, 9, 1), date(2025, 12, 28)), (date(2026, 1, 9), date(2026, 5, 31))]


def test_a_leap_february_ends_the_second_trimester_on_the_29th() -> None:
    leap = YearSpan(date(2027, 9, 1), date(2028, 5, 31))
    assert default_terms(SchemeKind.trimesters, leap)[1].ends_on == date(2028, 2, 29)


def test_the_years_own_first_and_last_day_win() -> None:
    year = YearSpan(date(2025, 9, 2), date(2026, 5, 26))
    terms = default_terms(SchemeKind.quarters, year)
    assert terms[0].starts_on == date(2025, 9, 2)
    assert terms[-1].ends_on == date(2026, 5, 26)


def test_an_odd_year_is_split_evenly_and_still_keeps_the_rules() -> None:
    year = YearSpan(date(2025, 10, 15), date(2026, 1, 31))
    terms = default_terms(SchemeKind.quarters, year)
    assert terms[0].starts_on == year.starts_on
    assert terms[-1].ends_on == year.ends_on
    assert check_terms(SchemeKind.quarters, terms, year) == []


@pytest.mark.parametrize("kind", list(SchemeKind))
def test_the_defaults_keep_the_rules(kind: SchemeKind) -> None:
    assert check_terms(kind, default_terms(kind, YEAR), YEAR) == []


def test_overlapping_reversed_and_outside_terms_are_named() -> None:
    terms = default_terms(SchemeKind.quarters, YEAR)
    terms[2] = TermDraft("3 четверть", date(2025, 11, 3), date(2026, 3, 21))
    terms[1] = TermDraft("2 четверть", date(2025, 11, 5), date(2025, 11, 1))
    terms[3] = TermDraft(" ", date(2026, 4, 1), date(2026, 9, 30))
    broken = {(v.field, v.code) for v in check_terms(SchemeKind.quarters, terms, YEAR)}
    assert broken == {
        ("terms.1.ends_on", "dates_reversed"),
        ("terms.2.starts_on", "terms_overlap"),
        ("terms.3.name", "name_blank"),
        ("terms.3.ends_on", "outside_academic_year"),
    }


def test_a_scheme_keeps_its_number_of_terms() -> None:
    broken = check_terms(SchemeKind.quarters, default_terms(SchemeKind.half_years, YEAR), YEAR)
    assert [(v.field, v.code) for v in broken] == [("terms", "term_count")]


def test_vacations_are_the_gaps_between_quarters() -> None:
    vacations = default_vacations(default_terms(SchemeKind.quarters, YEAR))
    assert [(v.name, v.starts_on, v.ends_on) for v in vacations] == [
        ("Осенние каникулы", date(2025, 10, 26), date(2025, 11, 4)),
        ("Зимние каникулы", date(2025, 12, 29), date(2026, 1, 8)),
        ("Весенние каникулы", date(2026, 3, 22), date(2026, 3, 31)),
    ]
    assert {v.kind for v in vacations} == {HolidayKind.vacation}
    assert default_vacations(default_terms(SchemeKind.trimesters, YEAR)) == []


def test_public_holidays_inside_the_year() -> None:
    holidays = public_holidays(YEAR)
    assert holidays[0] == HolidayDraft(
        HolidayKind.holiday, "День народного единства", date(2025, 11, 4), date(2025, 11, 4)
    )
    assert (date(2026, 1, 1), date(2026, 1, 8)) in [(h.starts_on, h.ends_on) for h in holidays]
    short = public_holidays(YearSpan(date(2025, 9, 1), date(2026, 5, 31)))
    assert "День России" not in [h.name for h in short]
    assert len(short) == 6


def test_a_holiday_outside_the_year_is_refused() -> None:
    draft = HolidayDraft(HolidayKind.extra_vacation, "Доп. каникулы", date(2026, 9, 1), date(2026, 8, 30))
    assert {(v.field, v.code) for v in check_holiday(draft, YEAR)} == {
        ("starts_on", "outside_academic_year"),
        ("ends_on", "dates_reversed"),
    }


def test_the_lifecycle_goes_open_closing_closed() -> None:
    assert check_transition(TermStatus.open, TermStatus.closing, None) is None
    assert check_transition(TermStatus.closing, TermStatus.closed, " ") is None
    assert check_transition(TermStatus.closing, TermStatus.open, None) is None
    assert check_transition(TermStatus.closed, TermStatus.open, " Исправление ") == "Исправление"


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (TermStatus.open, TermStatus.closed),
        (TermStatus.open, TermStatus.open),
        (TermStatus.closed, TermStatus.closing),
        (TermStatus.closed, TermStatus.closed),
    ],
)
def test_other_steps_are_illegal(current: TermStatus, target: TermStatus) -> None:
    with pytest.raises(IllegalTransition):
        check_transition(current, target, "причина")


def test_reopening_needs_a_reason() -> None:
    with pytest.raises(ReasonRequired) as refused:
        check_transition(TermStatus.closed, TermStatus.open, "   ")
    assert refused.value.violation.field == "reason"
