"""Rules of the staff hiring form, without I/O: the person's card, the position, the first day, the age.

The same rules judge a form (``services.staff``) and each row of the staff import (``services.staff_import``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from eschool.contingent.db.staff import MAX_POSITION_LENGTH
from eschool.contingent.domain.classes import Violation
from eschool.contingent.domain.people import PersonCard, check_person, check_snils, collecting, years_between

MIN_STAFF_AGE_YEARS = 14


@dataclass(frozen=True)
class HireForm:
    """The staff member's card, position and first day, their SNILS as typed (never shown, never logged)."""

    person: PersonCard
    position: str
    hired_on: date
    snils: str | None = field(default=None, repr=False)


def check_hire(form: HireForm, today: date) -> HireForm:
    """The form normalized (the SNILS as its 11 digits), or a ``Refusal`` with every field it breaks."""

    def position() -> str:
        value = " ".join(form.position.split())
        if not value:
            raise Violation("position", "value_required", "Укажите должность")
        if len(value) > MAX_POSITION_LENGTH:
            raise Violation("position", "position_too_long", f"Не длиннее {MAX_POSITION_LENGTH} символов")
        return value

    def age() -> None:
        born = form.person.birth_date
        # Only against a birth date that is itself possible (check_person refuses the others).
        if born is not None and born <= today and years_between(born, form.hired_on) < MIN_STAFF_AGE_YEARS:
            detail = f"Сотруднику на дату приёма меньше {MIN_STAFF_AGE_YEARS} лет: проверьте дату рождения"
            raise Violation("birth_date", "staff_too_young", detail)

    card, digits, checked_position, _ = collecting(
        lambda: check_person(form.person, today=today, birth_required=True),
        lambda: check_snils(form.snils),
        position,
        age,
    )
    return HireForm(card, checked_position, form.hired_on, digits)
