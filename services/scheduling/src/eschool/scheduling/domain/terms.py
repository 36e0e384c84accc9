"""Terms of a scheme: the default dates of a new year (seed 003, 3.7: generated, then corrected by hand)
and the rules a corrected set must keep.

The defaults follow the Russian school calendar: quarters of about 1 Sep – late Oct, early Nov – late
Dec, ~9 Jan – ~20 Mar, 1 Apr – 31 May; trimesters of Sep–Nov, Dec–Feb, Mar–May; half-years split at the
New Year holidays. Lessons end with May (the summer is the academic year's, not a term's), or with the
year itself if it ends sooner. The gaps between terms are the vacations. A year too short or too odd
for the calendar (one starting in October, say) is split evenly instead, so the defaults always pass
the rules below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from eschool.scheduling.domain.rules import Violation, YearSpan, check_span, ru


class SchemeKind(StrEnum):
    """How a scheme divides the year."""

    quarters = "quarters"
    trimesters = "trimesters"
    half_years = "half_years"


TERM_COUNTS = {SchemeKind.quarters: 4, SchemeKind.trimesters: 3, SchemeKind.half_years: 2}
TERM_WORDS = {
    SchemeKind.quarters: "четверть",
    SchemeKind.trimesters: "триместр",
    SchemeKind.half_years: "полугодие",
}
DAY = timedelta(days=1)


@dataclass(frozen=True)
class TermDraft:
    """A term's name and dates, both days included."""

    name: str
    starts_on: date
    ends_on: date


def term_name(kind: SchemeKind, number: int) -> str:
    """``2 четверть``, ``1 полугодие``."""
    return f"{number} {TERM_WORDS[kind]}"


def _calendar_bounds(kind: SchemeKind, first: int) -> list[tuple[date, date]]:
    """Each term's (start, end) in the calendar of the year starting in ``first``."""
    second = first + 1
    last_day = date(second, 5, 31)
    if kind is SchemeKind.quarters:
        return [
            (date(first, 9, 1), date(first, 10, 25)),
            (date(first, 11, 5), date(first, 12, 28)),
            (date(second, 1, 9), date(second, 3, 21)),
            (date(second, 4, 1), last_day),
        ]
    if kind is SchemeKind.trimesters:
        return [
            (date(first, 9, 1), date(first, 11, 30)),
            (date(first, 12, 1), date(second, 3, 1) - DAY),
            (date(second, 3, 1), last_day),
        ]
    return [(date(first, 9, 1), date(first, 12, 28)), (date(second, 1, 9), last_day)]


def default_terms(kind: SchemeKind, year: YearSpan) -> list[TermDraft]:
    """The terms a new scheme of ``kind`` starts with in ``year``."""
    bounds = _calendar_bounds(
        kind, year.starts_on.year if year.starts_on.month >= 7 else year.starts_on.year - 1
    )
    # The year's own first and last day win over the calendar's (a year starting on 2 September).
    starts = [year.starts_on, *(start for start, _ in bounds[1:])]
    ends = [min(end, year.ends_on) for _, end in bounds]
    terms = [
        TermDraft(term_name(kind, n), s, e) for n, (s, e) in enumerate(zip(starts, ends, strict=True), 1)
    ]
    return terms if not check_terms(kind, terms, year) else split_evenly(kind, year)


def split_evenly(kind: SchemeKind, year: YearSpan) -> list[TermDraft]:
    """The year cut into equal terms with no gaps (the last takes the remainder)."""
    count = TERM_COUNTS[kind]
    length = ((year.ends_on - year.starts_on).days + 1) // count
    starts = [year.starts_on + timedelta(days=length * i) for i in range(count)]
    ends = [start - DAY for start in starts[1:]] + [year.ends_on]
    return [TermDraft(term_name(kind, n), s, e) for n, (s, e) in enumerate(zip(starts, ends, strict=True), 1)]


def check_terms(kind: SchemeKind, terms: Sequence[TermDraft], year: YearSpan) -> list[Violation]:
    """What is wrong with ``terms`` as the whole set of a ``kind`` scheme in ``year`` (empty: nothing)."""
    count = TERM_COUNTS[kind]
    if len(terms) != count:
        detail = f"Схема «{TERM_WORDS[kind]}» состоит из {count} периодов, передано {len(terms)}"
        return [Violation("terms", "term_count", detail)]
    broken = [v for i, term in enumerate(terms) for v in _check_term(i, term, year)]
    for i in range(1, count):
        previous, term = terms[i - 1], terms[i]
        # The later of the previous term's days: a reversed previous term must not let this one pass.
        last = max(previous.starts_on, previous.ends_on)
        if term.starts_on <= last:
            detail = f"Период начинается {ru(term.starts_on)}, не позже окончания предыдущего ({ru(last)})"
            broken.append(Violation(f"terms.{i}.starts_on", "terms_overlap", detail))
    return broken


def _check_term(index: int, term: TermDraft, year: YearSpan) -> list[Violation]:
    return check_span(f"terms.{index}.", term.name, term.starts_on, term.ends_on, year)
