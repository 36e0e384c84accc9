"""Errors that reach a client as RFC 9457 problem+json.

A use case raises a ``Problem`` (or one of its subclasses); the HTTP kit turns it into a response with a
stable machine ``code`` for programs and a Russian ``detail`` for people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

MANY_ERRORS = "Проверьте заполнение полей"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid input field: ``field`` is a dotted path such as ``body.marks.0.value``."""

    field: str
    code: str
    detail: str


@dataclass(eq=False)
class Problem(Exception):  # noqa: N818 - RFC 9457 calls it a problem
    """A failure the client caused or must know about, rendered as problem+json."""

    status: int
    code: str
    detail: str
    title: str = ""
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Exception.__init__(self, self.code)


def bad_request(code: str, detail: str, *, field_name: str | None = None) -> Problem:
    """A 400 for input that parses but breaks a rule; names the field when there is one."""
    errors = [FieldError(field_name, code, detail)] if field_name else []
    return Problem(400, code, detail, title="Некорректный запрос", errors=errors)


def unprocessable(code: str, detail: str, *, field_name: str | None = None) -> Problem:
    """A 422 for a well-formed request that a domain rule refuses."""
    errors = [FieldError(field_name, code, detail)] if field_name else []
    return Problem(422, code, detail, title="Запрос не может быть выполнен", errors=errors)


def unprocessable_fields(errors: Sequence[FieldError]) -> Problem:
    """A 422 for domain rules broken in named fields: the one rule's own code, or ``validation_error``
    listing several."""
    first = errors[0]
    code, detail = (first.code, first.detail) if len(errors) == 1 else ("validation_error", MANY_ERRORS)
    return Problem(422, code, detail, title="Запрос не может быть выполнен", errors=list(errors))


def not_found(code: str, detail: str) -> Problem:
    """A 404: the thing does not exist, or the caller may not know that it does."""
    return Problem(404, code, detail, title="Не найдено")


def conflict(code: str, detail: str, *, field_name: str | None = None) -> Problem:
    """A 409: the request collides with the current state (a duplicate, a stale version); names the
    field the collision is about when there is one."""
    errors = [FieldError(field_name, code, detail)] if field_name else []
    return Problem(409, code, detail, title="Конфликт", errors=errors)


def unauthorized(code: str = "unauthorized", detail: str = "Требуется вход в систему") -> Problem:
    """A 401 with the Bearer challenge."""
    return Problem(
        401, code, detail, title="Не выполнен вход", headers={"WWW-Authenticate": 'Bearer realm="eschool"'}
    )


def forbidden(
    code: str = "forbidden",
    detail: str = "Недостаточно прав для этого действия",
    *,
    field_name: str | None = None,
) -> Problem:
    """A 403: the caller is known but may not do this (``field_name``: which part of the request)."""
    errors = [FieldError(field_name, code, detail)] if field_name else []
    return Problem(403, code, detail, title="Доступ запрещён", errors=errors)
