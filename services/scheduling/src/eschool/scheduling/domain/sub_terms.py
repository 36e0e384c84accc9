"""Rules of a term's sub-periods (seed 000, point 8: «Подпериоды»), without I/O: each named, inside its
term, in order, never overlapping; at most six to a term."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from eschool.scheduling.domain.rules import Violation, ru

MAX_SUB_TERMS = 6
MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class SubTermDraft:
    """A sub-term's name and dates, both days included."""

    name: str
    starts_on: date
    ends_on: date


def check_sub_terms(drafts: Sequence[SubTermDraft], starts_on: date, ends_on: date) -> list[Violation]:
    """What is wrong with ``drafts`` as the sub-terms of a term from ``starts_on`` to ``ends_on``."""
    if len(drafts) > MAX_SUB_TERMS:
        return [Violation("sub_terms", "too_many_sub_terms", f"Не больше {MAX_SUB_TERMS} подпериодов")]
    broken = []
    for i, draft in enumerate(drafts):
        field = f"sub_terms.{i}."
        if not draft.name.strip() or len(draft.name.strip()) > MAX_NAME_LENGTH:
            broken.append(
                Violation(field + "name", "name_blank", f"Название — от 1 до {MAX_NAME_LENGTH} символов")
            )
        if draft.starts_on > draft.ends_on:
            detail = f"Дата окончания {ru(draft.ends_on)} раньше даты начала {ru(draft.starts_on)}"
            broken.append(Violation(field + "ends_on", "dates_reversed", detail))
        if draft.starts_on < starts_on or draft.ends_on > ends_on:
            detail = f"Подпериод — внутри периода ({ru(starts_on)}–{ru(ends_on)})"
            broken.append(Violation(field + "starts_on", "outside_term", detail))
        if i and draft.starts_on <= drafts[i - 1].ends_on:
            detail = f"Подпериод начинается {ru(draft.starts_on)}, не позже окончания предыдущего"
            broken.append(Violation(field + "starts_on", "sub_terms_overlap", detail))
    return broken


def halves(name: str, starts_on: date, ends_on: date) -> list[SubTermDraft]:
    """The term cut in two halves (the usual sub-periods of a quarter)."""
    middle = starts_on + timedelta(days=(ends_on - starts_on).days // 2)
    return [
        SubTermDraft(f"1 половина: {name}", starts_on, middle),
        SubTermDraft(f"2 половина: {name}", middle + timedelta(days=1), ends_on),
    ]
