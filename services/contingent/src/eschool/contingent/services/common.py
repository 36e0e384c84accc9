"""What the use cases of the tree, the years and the classes answer alike: refusals, versions, touches."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from eschool.common.db import utcnow
from eschool.common.errors import FieldError, Problem, conflict, unprocessable_fields
from eschool.contingent.db.models import AcademicYear, OrgUnit, SchoolClass

# The rows people edit: each carries a version and when it was last changed.
Versioned = OrgUnit | AcademicYear | SchoolClass


class Broken(Protocol):
    """A broken domain rule (``Violation``, ``CardError``): the body field, a stable code, the detail."""

    @property
    def field(self) -> str: ...

    @property
    def code(self) -> str: ...

    @property
    def detail(self) -> str: ...


def refused(*broken: Broken) -> Problem:
    """The 422 for broken domain rules, naming each body field: one rule's own code, or
    ``validation_error`` listing several."""
    return unprocessable_fields([FieldError("body." + rule.field, rule.code, rule.detail) for rule in broken])


def conflict_at(code: str, detail: str, field: str) -> Problem:
    """A 409 that names the field the collision is about."""
    return conflict(code, detail, field_name=field)


def stale_version() -> Problem:
    """The 409 for a change based on a version someone has changed since."""
    return conflict_at(
        "stale_version", "Запись уже изменена другим пользователем: обновите её и повторите", "body.version"
    )


def check_version(row: Versioned, seen: int | None) -> None:
    """409 ``stale_version`` when the change was based on another version than the row's (None: no check)."""
    if seen is not None and seen != row.version:
        raise stale_version()


def touch(row: Versioned, now: datetime | None = None) -> datetime:
    """Mark the row changed: a new version, ``updated_at`` now (returned)."""
    now = now or utcnow()
    row.version += 1
    row.updated_at = now
    return now
