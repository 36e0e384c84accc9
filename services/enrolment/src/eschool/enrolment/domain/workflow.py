"""An application's statuses and the steps between them (seed 000, points 1 and 12; the glossary).

new → documents_check → registered → assigned_to_class → enrolled; rejected (with a reason code) or
withdrawn by the applicant from new, documents_check and registered (not while contingent is enrolling
the child: its answer comes first). An application from a portal arrives in
documents_check; one entered by the school starts as new and may be registered at once (the documents
were shown in person). assigned_to_class may fall back to registered (contingent refused the enrolment:
the class turned out full), never silently: the step is recorded like any other. enrolled, rejected and
withdrawn are final. Each step is checked here, before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    new = "new"
    documents_check = "documents_check"
    registered = "registered"
    assigned_to_class = "assigned_to_class"
    enrolled = "enrolled"
    rejected = "rejected"
    withdrawn = "withdrawn"


STATUS_TITLES: dict[Status, str] = {
    Status.new: "Новое",
    Status.documents_check: "Подтверждение документов",
    Status.registered: "Зарегистрировано",
    Status.assigned_to_class: "Направлен в класс",
    Status.enrolled: "Зачислен",
    Status.rejected: "Отказ",
    Status.withdrawn: "Отозвано",
}
OPEN = frozenset({Status.new, Status.documents_check, Status.registered, Status.assigned_to_class})
FINAL = frozenset(Status) - OPEN
_CLOSING = {Status.rejected, Status.withdrawn}
STEPS: dict[Status, frozenset[Status]] = {
    Status.new: frozenset({Status.documents_check, Status.registered, *_CLOSING}),
    Status.documents_check: frozenset({Status.registered, *_CLOSING}),
    Status.registered: frozenset({Status.assigned_to_class, *_CLOSING}),
    # Contingent is enrolling the child: only its answer moves the application (enrolled, or back to
    # registered). Withdrawn or rejected meanwhile, the application could say no while the child is a
    # pupil: a silent half-enrolment. After the answer the school (or the applicant) goes on.
    Status.assigned_to_class: frozenset({Status.enrolled, Status.registered}),
    **{status: frozenset() for status in FINAL},
}
# Why a school rejects an application; "other" needs a comment saying what.
REJECTION_REASONS: dict[str, str] = {
    "no_free_places": "Нет свободных мест",
    "documents_not_confirmed": "Документы не подтверждены",
    "applicant_did_not_appear": "Заявитель не представил документы в установленный срок",
    "age_out_of_range": "Возраст ребёнка не допускает приём без разрешения учредителя",
    "duplicate": "Повторное заявление",
    "not_eligible": "Нет права на приём в эту организацию",
    "other": "Иная причина (см. комментарий)",
}
WITHDRAWAL_REASONS: dict[str, str] = {
    "applicant_request": "По заявлению заявителя",
    "other": "Иная причина (см. комментарий)",
}


@dataclass(frozen=True)
class IllegalStep(Exception):  # noqa: N818 - a refused step, answered as a 409
    """A step the workflow does not allow from the current status."""

    current: Status
    target: Status

    @property
    def detail(self) -> str:
        if self.current in FINAL:
            return f"Заявление уже в статусе «{STATUS_TITLES[self.current]}»: его статус больше не меняется"
        allowed = ", ".join(f"«{STATUS_TITLES[s]}»" for s in sorted(STEPS[self.current]))
        return (
            f"Из статуса «{STATUS_TITLES[self.current]}» нельзя перейти в «{STATUS_TITLES[self.target]}»;"
            f" допустимо: {allowed}"
        )


class AwaitingAnswer(IllegalStep):
    """A step out of assigned_to_class taken by anyone but contingent's answer."""

    @property
    def detail(self) -> str:
        return "Ребёнок зачисляется в класс: до ответа о зачислении допустимо только ждать"


@dataclass(frozen=True)
class MissingReason(Exception):  # noqa: N818 - a refused step, answered as a 422 naming the field
    """A rejection or withdrawal without a known reason code, or "other" without a comment."""

    field: str
    detail: str


def check_step(
    current: Status, target: Status, reason_code: str | None, comment: str | None, *, answer: bool = False
) -> None:
    """Allow the step from ``current`` to ``target``, or raise ``IllegalStep`` / ``MissingReason``. Out of
    assigned_to_class only contingent's ``answer`` moves the application (``AwaitingAnswer`` otherwise)."""
    waiting = current is Status.assigned_to_class
    if waiting and not answer and target is not current:
        raise AwaitingAnswer(current, target)
    if target not in STEPS[current] or (answer and not waiting):
        raise IllegalStep(current, target)
    if answer:
        return  # contingent's answer: its own reason code, whatever it is, is kept
    reasons = {Status.rejected: REJECTION_REASONS, Status.withdrawn: WITHDRAWAL_REASONS}.get(target, {})
    if not reasons:
        if reason_code is not None:
            raise MissingReason("reason_code", "Причина указывается только при отказе или отзыве заявления")
        return
    if reason_code not in reasons:
        known = ", ".join(reasons)
        raise MissingReason("reason_code", f"Укажите причину ({known})")
    if reason_code == "other" and not (comment or "").strip():
        raise MissingReason("comment", "Для причины «иная» нужен комментарий")
