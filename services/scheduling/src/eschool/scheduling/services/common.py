"""What the calendar's use cases answer alike: refusals of broken rules, versions, touches."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from eschool.common.db import utcnow
from eschool.common.errors import FieldError, Problem, conflict, unprocessable_fields
from eschool.scheduling.db.calendar import Holiday, TermScheme
from eschool.scheduling.domain.rules import Violation

Versioned = TermScheme | Holiday


def refused(broken: Iterable[Violation]) -> Problem:
    """The 422 naming each body field a rule is broken in."""
    return unprocessable_fields([FieldError("body." + v.field, v.code, v.detail) for v in broken])


def check_version(row: Versioned, seen: int | None) -> None:
    """409 ``stale_version`` when the change was based on another version than the row's (None: no check)."""
    if seen is not None and seen != row.version:
        raise conflict(
            "stale_version",
            "Запись уже изменена другим пользователем: обновите её и повторите",
            field_name="body.version",
        )


def touch(row: Versioned, now: datetime | None = None) -> datetime:
    """Mark the row changed: a new version, ``updated_at`` now (returned)."""
    row.version += 1
    row.updated_at = now or utcnow()
    return row.updated_at
