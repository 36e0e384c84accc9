"""Pydantic validation errors as ``FieldError``: a dotted path that keeps the location, a Russian message."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from eschool.common.errors import FieldError

_INTEGER = "Должно быть целым числом"
_NUMBER = "Должно быть числом"
_BOOLEAN = "Должно быть логическим значением (true или false)"
_UUID = "Должно быть идентификатором UUID"
_DATE = "Должно быть датой в формате ГГГГ-ММ-ДД"
_DATETIME = "Должно быть датой и временем в формате ISO 8601"
_TIME = "Должно быть временем в формате ЧЧ:ММ"
_CHOICE = "Допустимые значения: {expected}"
_OBJECT = "Должно быть объектом"

# Pydantic error type -> Russian message; placeholders come from the error's ``ctx``.
MESSAGES: Mapping[str, str] = {
    "missing": "Обязательное поле",
    "extra_forbidden": "Лишнее поле",
    **dict.fromkeys(("int_parsing", "int_type", "int_from_float", "int_parsing_size"), _INTEGER),
    **dict.fromkeys(("float_parsing", "float_type", "decimal_parsing", "decimal_type"), _NUMBER),
    **dict.fromkeys(("bool_parsing", "bool_type"), _BOOLEAN),
    **dict.fromkeys(("uuid_parsing", "uuid_type", "uuid_version"), _UUID),
    **dict.fromkeys(
        ("date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact"), _DATE
    ),
    **dict.fromkeys(("datetime_parsing", "datetime_type", "datetime_from_date_parsing"), _DATETIME),
    **dict.fromkeys(("time_parsing", "time_type"), _TIME),
    "string_type": "Должно быть строкой",
    "string_too_short": "Слишком короткое значение (минимум символов: {min_length})",
    "string_too_long": "Слишком длинное значение (максимум символов: {max_length})",
    "string_pattern_mismatch": "Значение не соответствует формату",
    "too_short": "Слишком мало элементов (минимум: {min_length})",
    "too_long": "Слишком много элементов (максимум: {max_length})",
    "greater_than": "Должно быть больше {gt}",
    "greater_than_equal": "Должно быть не меньше {ge}",
    "less_than": "Должно быть меньше {lt}",
    "less_than_equal": "Должно быть не больше {le}",
    "multiple_of": "Должно быть кратно {multiple_of}",
    "enum": _CHOICE,
    "literal_error": _CHOICE,
    "list_type": "Должно быть списком",
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"), _OBJECT),
    # A validator's own message, already written for people.
    "value_error": "{error}",
    "assertion_error": "{error}",
}


def field_errors(errors: Iterable[Mapping[str, Any]]) -> list[FieldError]:
    """One ``FieldError`` per pydantic error; the pydantic type becomes the error code."""
    return [FieldError(field_path(error.get("loc", ())), error["type"], message(error)) for error in errors]


def field_path(loc: Iterable[str | int]) -> str:
    """The location as a dotted path that keeps where the value came from: ``body.marks.0.value``."""
    return ".".join(str(part) for part in loc)


def message(error: Mapping[str, Any]) -> str:
    """The Russian message for one pydantic error, or pydantic's own when we have no translation."""
    template = MESSAGES.get(error["type"])
    if template is None:
        return str(error.get("msg", ""))
    ctx = {key: _shown(value) for key, value in (error.get("ctx") or {}).items()}
    if "expected" in ctx:
        # Pydantic lists the choices as "'a', 'b' or 'c'".
        ctx["expected"] = ctx["expected"].replace(" or ", " или ")
    try:
        return template.format_map(ctx)
    except (KeyError, IndexError, ValueError):
        return str(error.get("msg", ""))


def _shown(value: Any) -> str:
    # A bound on a float field arrives as 0.0; people expect "больше 0".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
