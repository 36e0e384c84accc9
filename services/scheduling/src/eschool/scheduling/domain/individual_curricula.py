"""Individual curricula (индивидуальные учебные планы, seed 001): a pupil's class curriculum with
subjects whose weekly hours are changed, added, or dropped (zero hours: home schooling, an exemption)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from eschool.scheduling.domain.load import ZERO, SubjectHours, check_hours
from eschool.scheduling.domain.rules import Violation


def check_overrides(
    reason: str, overrides: Sequence[SubjectHours], base: Sequence[SubjectHours]
) -> list[Violation]:
    """A reason, and at least one change: each subject once, hours in range, a dropped subject one of the
    class curriculum's, no line that changes nothing."""
    broken = (
        [] if reason else [Violation("reason", "reason_blank", "Укажите основание индивидуального плана")]
    )
    if not overrides:
        broken.append(
            Violation("subjects", "subjects_empty", "Укажите хотя бы одно изменение учебного плана")
        )
    hours = {line.subject_id: line.weekly_hours for line in base}
    seen: set[uuid.UUID] = set()
    for index, line in enumerate(overrides):
        field = f"subjects.{index}"
        if line.subject_id in seen:
            broken.append(Violation(f"{field}.subject_id", "subject_repeated", "Предмет уже есть в плане"))
        seen.add(line.subject_id)
        broken += _line(field, line, hours.get(line.subject_id))
    return broken


def individual_hours(base: Sequence[SubjectHours], overrides: Sequence[SubjectHours]) -> list[SubjectHours]:
    """The pupil's subjects: the class's in its order with the changes, dropped ones out, added ones last."""
    changed = {line.subject_id: line.weekly_hours for line in overrides}
    kept = [SubjectHours(s.subject_id, changed.pop(s.subject_id, s.weekly_hours)) for s in base]
    added = [SubjectHours(s, h) for s, h in changed.items()]
    return [line for line in (*kept, *added) if line.weekly_hours > ZERO]


def _line(field: str, line: SubjectHours, before: Decimal | None) -> list[Violation]:
    if line.weekly_hours == ZERO:
        if before is None:
            detail = "Исключить можно только предмет учебного плана класса"
            return [Violation(f"{field}.subject_id", "subject_not_in_curriculum", detail)]
        return []
    if line.weekly_hours == before:
        detail = "Часы совпадают с учебным планом класса"
        return [Violation(f"{field}.weekly_hours", "override_unchanged", detail)]
    return check_hours(line.weekly_hours, f"{field}.weekly_hours")
