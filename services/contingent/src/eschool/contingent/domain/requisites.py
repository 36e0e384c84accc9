"""The card of an org unit: names, requisites with their check digits, time zone, contacts.

Seed 000, point 1: wrong ОКАТО or ОКТМО codes hide a school from the regional portal, so the card is
checked when it is entered, not when the portal's upload fails. Pure rules, no I/O: ``clean_card``
returns the given fields trimmed, or raises ``CardInvalid`` listing every bad field at once.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

# Every field of the card; the names are the API's and the table's.
CARD_FIELDS = (
    *("full_name", "short_name", "inn", "ogrn", "okato", "oktmo"),
    *("address", "time_zone", "phone", "email", "website"),
)
REQUISITES = ("inn", "ogrn", "okato", "oktmo")
REQUIRED = frozenset({"full_name", "short_name", "time_zone"})

_INN_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
# ASCII digits only: str.isdigit() would let "²" or Arabic-Indic digits through.
_DIGITS = re.compile(r"[0-9]+")
_PHONE = re.compile(r"\+?[0-9()\- ]{5,30}(?: ?(?:доб\.?|ext\.?) ?[0-9]{1,6})?", re.IGNORECASE)
_EMAIL = re.compile(r"[^@\s]{1,64}@(?:[^@\s.]+\.)+[^@\s.]{2,}")
_HOST = re.compile(r"(?:[^\s.:/@]+\.)+[^\s.:/@]{2,}(?::[0-9]{1,5})?")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class CardError:
    """One bad field of the card: its name, a stable code, and a Russian explanation."""

    field: str
    code: str
    detail: str


class CardInvalid(Exception):  # noqa: N818 - a refusal, as the house's Problem
    """The card breaks its rules; ``errors`` names every bad field."""

    def __init__(self, errors: list[CardError]) -> None:
        super().__init__(", ".join(e.field for e in errors))
        self.errors = errors


class _Bad(Exception):  # noqa: N818
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(code)
        self.code, self.detail = code, detail


def inn_check_digit_ok(inn: str) -> bool:
    """Whether a 10-digit ИНН of an organization has the right check digit (the tax service's rule)."""
    if len(inn) != 10 or not _DIGITS.fullmatch(inn):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(inn, _INN_WEIGHTS, strict=False))
    return total % 11 % 10 == int(inn[9])


def ogrn_check_digit_ok(ogrn: str) -> bool:
    """Whether a 13-digit ОГРН has the right check digit: its first 12 digits mod 11, mod 10."""
    if len(ogrn) != 13 or not _DIGITS.fullmatch(ogrn):
        return False
    return int(ogrn[:12]) % 11 % 10 == int(ogrn[12])


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is a time zone of the IANA database (``Europe/Moscow``, ``Asia/Yekaterinburg``)."""
    return name in _time_zones()


def _name(limit: int) -> Callable[[str], str]:
    def clean(value: str) -> str:
        if len(value) > limit:
            raise _Bad("too_long", f"Слишком длинное наименование (максимум символов: {limit})")
        return value

    return clean


def _inn(value: str) -> str:
    if not (len(value) == 10 and _DIGITS.fullmatch(value)):
        raise _Bad("invalid_inn", "ИНН организации состоит из 10 цифр")
    if not inn_check_digit_ok(value):
        raise _Bad("inn_checksum", "ИНН указан с ошибкой: не сходится контрольная цифра")
    return value


def _ogrn(value: str) -> str:
    if not (len(value) == 13 and _DIGITS.fullmatch(value)):
        raise _Bad("invalid_ogrn", "ОГРН организации состоит из 13 цифр")
    if not ogrn_check_digit_ok(value):
        raise _Bad("ogrn_checksum", "ОГРН указан с ошибкой: не сходится контрольная цифра")
    return value


def _okato(value: str) -> str:
    if not (len(value) <= 11 and _DIGITS.fullmatch(value)):
        raise _Bad("invalid_okato", "Код ОКАТО состоит из цифр, не более 11")
    return value


def _oktmo(value: str) -> str:
    if not (len(value) in (8, 11) and _DIGITS.fullmatch(value)):
        raise _Bad("invalid_oktmo", "Код ОКТМО состоит из 8 или 11 цифр")
    return value


def _address(value: str) -> str:
    if len(value) > 1000:
        raise _Bad("too_long", "Слишком длинный адрес (максимум символов: 1000)")
    return value


def _time_zone(value: str) -> str:
    if not is_time_zone(value):
        raise _Bad(
            "invalid_time_zone", "Неизвестный часовой пояс: укажите его имя по IANA, например Europe/Moscow"
        )
    return value


def _phone(value: str) -> str:
    digits = sum(ch.isascii() and ch.isdigit() for ch in value)
    if not (_PHONE.fullmatch(value) and 5 <= digits <= 20):
        raise _Bad(
            "invalid_phone", "Телефон указан неверно: цифры, «+», скобки, дефисы, «доб.» для добавочного"
        )
    return value


def _email(value: str) -> str:
    if not (len(value) <= 200 and _EMAIL.fullmatch(value)):
        raise _Bad("invalid_email", "Адрес электронной почты указан неверно")
    return value


def _website(value: str) -> str:
    # People write "school1.ru"; the card keeps a link that opens.
    url = value if "://" in value else "https://" + value
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not _HOST.fullmatch(parts.netloc) or len(url) > 300:
        raise _Bad("invalid_website", "Адрес сайта указан неверно, например https://school1.ru")
    return url


_CLEANERS: dict[str, Callable[[str], str]] = {
    "full_name": _name(500),
    "short_name": _name(200),
    "inn": _inn,
    "ogrn": _ogrn,
    "okato": _okato,
    "oktmo": _oktmo,
    "address": _address,
    "time_zone": _time_zone,
    "phone": _phone,
    "email": _email,
    "website": _website,
}


def clean_card(values: Mapping[str, str | None]) -> dict[str, str | None]:
    """The given fields of a card trimmed and checked (an empty optional field becomes None)."""
    cleaned: dict[str, str | None] = {}
    errors: list[CardError] = []
    for field, raw in values.items():
        try:
            cleaned[field] = _clean_field(field, raw)
        except _Bad as bad:
            errors.append(CardError(field, bad.code, bad.detail))
    if errors:
        raise CardInvalid(errors)
    return cleaned


def _clean_field(field: str, raw: str | None) -> str | None:
    # One line each: runs of spaces, tabs and line breaks become one space.
    value = _WHITESPACE.sub(" ", raw).strip() if raw is not None else ""
    if not value:
        if field in REQUIRED:
            raise _Bad("required", "Обязательное поле")
        return None
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise _Bad("invalid_characters", "Недопустимые управляющие символы")
    return _CLEANERS[field](value)
