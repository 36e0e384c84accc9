"""Rules of persons and of a pupil's enrolment, without I/O: names, sex, birth dates, SNILS, orders.

A person is the identity behind pupil and guardian records (the glossary's «физическое лицо»). The
enrolment form of seed 001 gives the full name, the personal file number, the birth date, the form of
education and the enrolment order (series, number, date); its import template adds sex as «м»/«ж».
Every check reports all the fields it refuses at once (``Refusal``), each as a ``Violation``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, is_dataclass, replace
from datetime import date
from typing import Any, Literal, get_args

from eschool.common.names import INVALID_NAME, PERSON_NAME
from eschool.common.snils import InvalidSnilsError, normalize_snils
from eschool.contingent.domain.classes import Violation

Sex = Literal["male", "female"]
# Очная, очно-заочная, заочная; семейное образование, самообразование; обучение на дому.
EducationForm = Literal["full_time", "part_time", "extramural", "family", "self_education", "home"]
EDUCATION_FORMS: tuple[str, ...] = get_args(EducationForm)
MAX_NAME_LENGTH = 100
MAX_FILE_NUMBER_LENGTH = 30
MAX_AGE_YEARS = 120
# The youngest children a school keeps are its pre-school group of five-year-olds: a younger «pupil»
# is a typo in the birth date (the order's year typed instead, say).
MIN_PUPIL_AGE_YEARS = 4

_SEXES: dict[str, Sex] = {"male": "male", "female": "female", "м": "male", "ж": "female"}
# Letters of any script (Kyrgyz, Latin for foreign citizens), parts joined by a space, hyphen or apostrophe.
_CITIZENSHIP = re.compile(r"^[A-Z]{2}$")
_PHONE = re.compile(r"^\+?\d{10,15}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Refusal(Exception):  # noqa: N818 - broken rules reported to people, not a program fault
    """Every rule the input breaks, each naming its field."""

    def __init__(self, broken: list[Violation]) -> None:
        super().__init__(", ".join(v.code for v in broken))
        self.broken = broken


@dataclass(frozen=True)
class PersonName:
    """A full name: last and first name required, the patronymic optional."""

    last_name: str
    first_name: str
    middle_name: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """The name as people compare and sort it: case folded, «ё» as «е»."""
        return (fold(self.last_name), fold(self.first_name), fold(self.middle_name or ""))


@dataclass(frozen=True)
class PersonCard:
    """What a form says about a person (their SNILS travels apart, see ``check_snils``)."""

    name: PersonName
    birth_date: date | None = None
    sex: str | None = None
    citizenship: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Order:
    """An order of the school (enrolment, withdrawal): series optional, number and date required."""

    number: str
    date: date
    series: str | None = None


@dataclass(frozen=True)
class Enrolment:
    """The enrolment part of the form; ``enrolled_on`` None: from the order's date, not before the year."""

    personal_file_number: str
    education_form: str
    order: Order
    enrolled_on: date | None = None
    attends_day_care: bool = False  # «Посещает группу по присмотру и уходу» (seed 001)


def fold(text: str) -> str:
    """Text as people compare it: case folded, «ё» read as «е»."""
    return text.casefold().replace("ё", "е")


def collecting(*checks: Callable[[], Any]) -> list[Any]:
    """Run every check; the results in order, or a ``Refusal`` with all their violations."""
    results, broken = [], []
    for check in checks:
        try:
            results.append(check())
        except Violation as violation:
            broken.append(violation)
        except Refusal as refusal:
            broken.extend(refusal.broken)
    if broken:
        raise Refusal(broken)
    return results


def name_part(raw: str | None, field: str, label: str, *, required: bool) -> str | None:
    """One part of a name, spaces trimmed and collapsed; typed all in one case, it is capitalised."""
    value = " ".join((raw or "").split())
    if not value:
        if required:
            raise Violation(field, "value_required", f"Укажите {label}")
        return None
    if len(value) > MAX_NAME_LENGTH:
        raise Violation(field, "name_too_long", f"Не длиннее {MAX_NAME_LENGTH} символов")
    if not PERSON_NAME.match(value):
        raise Violation(field, "invalid_name", INVALID_NAME)
    if value.islower() or value.isupper():
        value = "-".join(part[:1].upper() + part[1:].lower() for part in value.split("-"))
    return value


def check_name(name: PersonName) -> PersonName:
    """The name normalized, or a ``Refusal`` naming each broken part."""
    last, first, middle = collecting(
        lambda: name_part(name.last_name, "last_name", "фамилию", required=True),
        lambda: name_part(name.first_name, "first_name", "имя", required=True),
        lambda: name_part(name.middle_name, "middle_name", "отчество", required=False),
    )
    return PersonName(last or "", first or "", middle)


def parse_sex(raw: str | None) -> Sex | None:
    """``male`` or ``female`` from those words or the import template's «м» / «ж» (None: not given)."""
    if raw is None or not raw.strip():
        return None
    sex = _SEXES.get(raw.strip().lower())
    if sex is None:
        raise Violation("sex", "invalid_sex", "Пол: male / female (или «м» / «ж»)")
    return sex


def check_birth_date(born: date, *, today: date) -> date:
    """A birth date not in the future and not absurdly long ago."""
    if born > today:
        raise Violation("birth_date", "birth_date_in_future", "Дата рождения не может быть в будущем")
    if years_between(born, today) > MAX_AGE_YEARS:
        raise Violation("birth_date", "birth_date_too_early", "Проверьте год рождения")
    return born


def years_between(born: date, on: date) -> int:
    """Full years from ``born`` to ``on`` (the age on that day)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def check_citizenship(raw: str | None) -> str | None:
    """The two-letter country code (ISO 3166-1: «RU», «KG»), upper-cased; None when not given."""
    value = (raw or "").strip().upper()
    if not value:
        return None
    if not _CITIZENSHIP.match(value):
        raise Violation("citizenship", "invalid_citizenship", "Гражданство: двухбуквенный код страны, «RU»")
    return value


def check_contacts(phone: str | None, email: str | None) -> tuple[str | None, str | None]:
    """A phone of 10 to 15 digits (separators dropped, a leading + kept) and an e-mail address."""
    phone = re.sub(r"[\s\-()]", "", phone or "") or None
    email = (email or "").strip() or None
    checked_phone, checked_email = collecting(
        lambda: _checked(phone, _PHONE, "phone", "invalid_phone", "Телефон: от 10 до 15 цифр, «+7…»"),
        lambda: _checked(email, _EMAIL, "email", "invalid_email", "Проверьте адрес электронной почты"),
    )
    return checked_phone, checked_email


def _checked(value: str | None, pattern: re.Pattern[str], field: str, code: str, detail: str) -> str | None:
    if value is not None and not pattern.match(value):
        raise Violation(field, code, detail)
    return value


def check_snils(raw: str | None) -> str | None:
    """The SNILS's 11 digits (spaces and hyphens dropped) with its checksum verified; None when not given."""
    if raw is None or not raw.strip():
        return None
    try:
        return normalize_snils(raw.strip())
    except InvalidSnilsError as error:
        raise Violation("snils", "invalid_snils", str(error)) from None


def mask_snils(tail: str | None) -> str | None:
    """The SNILS as everyone but the school's administration sees it: only its check digits."""
    return None if tail is None else f"***-***-*** {tail}"


def format_snils(digits: str) -> str:
    """The SNILS as it is written on the card: ``123-456-789 64``."""
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"


def check_person(card: PersonCard, *, today: date, birth_required: bool = False) -> PersonCard:
    """The card normalized, or a ``Refusal`` with everything it breaks."""

    def birth() -> date | None:
        if card.birth_date is None:
            if birth_required:
                raise Violation("birth_date", "value_required", "Укажите дату рождения")
            return None
        return check_birth_date(card.birth_date, today=today)

    name, born, sex, country, (phone, email) = collecting(
        lambda: check_name(card.name),
        birth,
        lambda: parse_sex(card.sex),
        lambda: check_citizenship(card.citizenship),
        lambda: check_contacts(card.phone, card.email),
    )
    return PersonCard(name, born, sex, country, phone, email)


def personal_file_number(raw: str) -> str:
    """The personal file number as kept: spaces collapsed; required, and not too long."""
    value = " ".join(raw.split())
    if not value:
        raise Violation("personal_file_number", "value_required", "Укажите номер личного дела")
    if len(value) > MAX_FILE_NUMBER_LENGTH:
        detail = f"Номер личного дела — не длиннее {MAX_FILE_NUMBER_LENGTH} символов"
        raise Violation("personal_file_number", "file_number_too_long", detail)
    return value


def check_enrolment(
    enrolment: Enrolment, *, born: date | None, year: tuple[date, date], today: date
) -> Enrolment:
    """The enrolment normalized, ``enrolled_on`` resolved inside the class's year, the pupil (born on
    ``born``, if known) old enough."""
    starts_on, ends_on = year
    enrolled_on = enrolment.enrolled_on or max(enrolment.order.date, starts_on)

    def file_number() -> str:
        return personal_file_number(enrolment.personal_file_number)

    def form() -> str:
        if enrolment.education_form not in EDUCATION_FORMS:
            raise Violation("education_form", "invalid_education_form", "Неизвестная форма обучения")
        return enrolment.education_form

    def order_number() -> str:
        number = " ".join(enrolment.order.number.split())
        if not number:
            raise Violation("order.number", "value_required", "Укажите номер приказа о зачислении")
        return number

    def order_date() -> date:
        if enrolment.order.date > today:
            raise Violation("order.date", "order_date_in_future", "Дата приказа не может быть в будущем")
        return enrolment.order.date

    def day() -> date:
        if not starts_on <= enrolled_on <= ends_on:
            detail = (
                f"Дата зачисления — в пределах учебного года класса ({starts_on:%d.%m.%Y}–{ends_on:%d.%m.%Y})"
            )
            raise Violation("enrolled_on", "enrolled_on_outside_year", detail)
        if born is not None and years_between(born, enrolled_on) < MIN_PUPIL_AGE_YEARS:
            detail = f"Ученику на дату зачисления меньше {MIN_PUPIL_AGE_YEARS} лет: проверьте дату рождения"
            raise Violation("birth_date", "pupil_too_young", detail)
        return enrolled_on

    number, education_form, order, ordered_on, on = collecting(
        file_number, form, order_number, order_date, day
    )
    series = " ".join((enrolment.order.series or "").split()) or None
    return replace(
        enrolment,
        personal_file_number=number,
        education_form=education_form,
        order=Order(order, ordered_on, series),
        enrolled_on=on,
    )


def same_person(known: PersonCard, typed: PersonCard) -> bool:
    """Whether a form describes the person already known under its SNILS: the same first name and, when
    both are known, birth date. A surname may change (marriage); a first name and a birthday do not, and a
    mistyped SNILS that happens to pass its checksum must not hand a child to a stranger."""
    if fold(known.name.first_name) != fold(typed.name.first_name):
        return False
    return known.birth_date is None or typed.birth_date is None or known.birth_date == typed.birth_date


def form_digest(*parts: object) -> str:
    """A digest of a normalized form, to tell a retry (the same digest) from another pupil's data."""
    plain = [asdict(p) if is_dataclass(p) and not isinstance(p, type) else p for p in parts]
    return hashlib.sha256(json.dumps(plain, default=str, sort_keys=True).encode()).hexdigest()
