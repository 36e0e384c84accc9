"""A term's lifecycle: open → closing → closed. Closing is the rush at a term's end (term marks being
set); closed locks the term's marks in the journal. A closed term is reopened only with a reason, which
the history keeps; closing may be called off back to open."""

from __future__ import annotations

from enum import StrEnum

from eschool.scheduling.domain.rules import Violation


class TermStatus(StrEnum):
    """Where a term stands."""

    open = "open"
    closing = "closing"
    closed = "closed"


STATUS_TITLES = {TermStatus.open: "открыт", TermStatus.closing: "закрывается", TermStatus.closed: "закрыт"}
ALLOWED = {
    (TermStatus.open, TermStatus.closing),
    (TermStatus.closing, TermStatus.open),
    (TermStatus.closing, TermStatus.closed),
    (TermStatus.closed, TermStatus.open),
}
MAX_REASON = 2000


class IllegalTransition(Exception):  # noqa: N818 - a refusal, as the domain names it
    """The term cannot go from its status to the one asked for."""

    def __init__(self, current: TermStatus, target: TermStatus) -> None:
        super().__init__(f"{current} -> {target}")
        self.detail = (
            f"Период {STATUS_TITLES[current]}: перевести его в состояние «{STATUS_TITLES[target]}» нельзя"
        )


def is_reopening(current: TermStatus, target: TermStatus) -> bool:
    """Whether the step opens a closed term again."""
    return current is TermStatus.closed and target is TermStatus.open


def check_transition(current: TermStatus, target: TermStatus, reason: str | None) -> str | None:
    """The reason to record for the step (stripped), or raise; a reopening without one is a ``Violation``."""
    if (current, target) not in ALLOWED:
        raise IllegalTransition(current, target)
    reason = (reason or "").strip() or None
    if is_reopening(current, target) and reason is None:
        raise ReasonRequired(
            Violation("reason", "reason_required", "Укажите причину открытия закрытого периода")
        )
    return reason


class ReasonRequired(Exception):  # noqa: N818 - a refusal, as the domain names it
    """A closed term reopened without a reason."""

    def __init__(self, violation: Violation) -> None:
        super().__init__(violation.code)
        self.violation = violation
