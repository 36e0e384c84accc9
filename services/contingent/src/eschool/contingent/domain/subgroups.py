"""Rules of a class's subgroups, without I/O: names, term boundaries, what a change of stay is.

Seed 004 (4.3.3, 4.4.7): at the start of every year the class teacher and the subject teachers divide
the class into subgroups; «перевод учащихся из группы в группу может быть произведен администратором
только по окончании четверти, по приказу директора». So placing a pupil who has no subgroup of the
division yet is the division itself (the class teacher or the administration, any day); moving a
pupil to another subgroup, or taking them out, is the administration's, by order, from a term boundary:
the first day of a term or a day outside every term (the holidays between terms, before the first,
after the last). Inside a term only with the administrator's written reason (``override_reason``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from eschool.contingent.domain.classes import Violation

MAX_SUBGROUP_NAME_LENGTH = 100
MAX_REASON_LENGTH = 1000


@dataclass(frozen=True)
class Term:
    """A term of the class's scheme, both days included."""

    name: str
    starts_on: date
    ends_on: date


class Change(Enum):
    """What placing a pupil into a subgroup is, given their open stay in its division."""

    JOIN = "join"  # no subgroup of the division yet: the division itself
    UNCHANGED = "unchanged"  # already there from that day: a retry
    CORRECTION = "correction"  # placed elsewhere the same day: the mistaken stay is voided
    MOVE = "move"  # from another subgroup of the division, from a later day


def clean_label(raw: str, field: str, label: str) -> str:
    """A division's or subgroup's name: spaces folded, required, at most 100 characters."""
    value = " ".join(raw.split())
    if not value:
        raise Violation(field, "value_required", f"Укажите {label}")
    if len(value) > MAX_SUBGROUP_NAME_LENGTH:
        raise Violation(field, "value_too_long", f"Не длиннее {MAX_SUBGROUP_NAME_LENGTH} символов")
    return value


def clean_reason(raw: str | None) -> str | None:
    """The administrator's reason for a change inside a term, spaces folded; None if not given."""
    value = " ".join((raw or "").split())
    if len(value) > MAX_REASON_LENGTH:
        raise Violation("override_reason", "value_too_long", f"Не длиннее {MAX_REASON_LENGTH} символов")
    return value or None


def change_of(open_from: date | None, same_subgroup: bool, day: date, ended_on: date | None = None) -> Change:
    """What placing from ``day`` is, for a pupil whose open stay in the division began ``open_from``
    (None: no open stay; ``ended_on``: the last day of their latest ended stay in it, if any)."""
    if open_from is None:
        if ended_on is not None and day <= ended_on:
            detail = f"Ученик был в подгруппе по {ended_on:%d.%m.%Y}: снова — не раньше следующего дня"
            raise Violation("effective_on", "date_before_membership", detail)
        return Change.JOIN
    if same_subgroup and open_from <= day:
        return Change.UNCHANGED
    if day < open_from:
        detail = f"Ученик в подгруппе с {open_from:%d.%m.%Y}: изменение возможно не раньше этого дня"
        raise Violation("effective_on", "date_before_membership", detail)
    return Change.CORRECTION if day == open_from else Change.MOVE


def term_inside(day: date, terms: Sequence[Term]) -> Term | None:
    """The term that ``day`` falls strictly inside (after its first day), if any: a change from that day
    splits the term."""
    return next((t for t in terms if t.starts_on < day <= t.ends_on), None)


def check_boundary(day: date, terms: Sequence[Term] | None, reason: str | None) -> None:
    """A move or a leave from ``day``: at a term boundary, or with the administrator's reason."""
    if reason is not None:
        return
    if terms is None:
        detail = (
            "Учебные периоды класса ещё не заданы в расписании: перевести ученика между подгруппами "
            "можно только с обоснованием администратора"
        )
        raise Violation("override_reason", "term_dates_unknown", detail)
    term = term_inside(day, terms)
    if term is not None:
        boundary = term.ends_on + timedelta(days=1)
        detail = (
            f"Перевод между подгруппами — только по окончании учебного периода «{term.name}» "
            f"(с {boundary:%d.%m.%Y}) или с обоснованием администратора"
        )
        raise Violation("effective_on", "not_at_term_boundary", detail)
