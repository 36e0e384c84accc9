"""Rules of enrolment by application, without I/O: the personal file number contingent gives, and the
answer an application gets when its data breaks the enrolment form's rules.

Personal file number: the application's own if it has one; else ``<year>-<NNNN>``, the year of the
first day of the stay and, four digits at least, one past the highest sequence the school already
has under that year, so numbers given this way never repeat within the school (a gap left by a
number typed by hand is not filled: a number is never handed to a second child).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from eschool.contingent.domain.classes import Violation

APPLICANT = "applicant."
# Applications do not say it; a school records another form (family education...) on the pupil's card.
EDUCATION_FORM = "full_time"
# Several broken rules at once; one broken rule answers with its own code, as the enrolment form does.
INVALID_APPLICATION = "invalid_application_data"
_SEQUENCE_DIGITS = 4
_LABELS = {
    "last_name": "фамилия",
    "first_name": "имя",
    "middle_name": "отчество",
    "birth_date": "дата рождения",
    "sex": "пол",
    "citizenship": "гражданство",
    "personal_file_number": "номер личного дела",
    "education_form": "форма обучения",
    "order.number": "номер приказа о зачислении",
    "order.date": "дата приказа о зачислении",
    "enrolled_on": "дата зачисления",
}
_WHOSE = {"last_name", "first_name", "middle_name", "birth_date", "sex", "citizenship"}


@dataclass(eq=False)
class ApplicationRefused(Exception):  # noqa: N818 - an answer to the application, not a program fault
    """Why contingent does not enrol the child of an application: a stable code and a Russian detail."""

    code: str
    detail: str

    def __post_init__(self) -> None:
        Exception.__init__(self, self.code)


def next_file_number(year: int, taken: Iterable[str]) -> str:
    """The next ``<year>-<NNNN>`` personal file number after those the school has (``taken``)."""
    pattern = re.compile(rf"^{year}-(\d{{{_SEQUENCE_DIGITS},}})$")
    sequences = [int(found.group(1)) for number in taken if (found := pattern.match(number))]
    return f"{year}-{max(sequences, default=0) + 1:0{_SEQUENCE_DIGITS}d}"


def refusal_of(broken: Sequence[Violation]) -> ApplicationRefused:
    """The refusal of an application whose data breaks the form's rules, naming each field in Russian."""
    code = broken[0].code if len(broken) == 1 else INVALID_APPLICATION
    return ApplicationRefused(code, "; ".join(f"{_label(v.field)}: {v.detail}" for v in broken))


def _label(field: str) -> str:
    applicant = field.startswith(APPLICANT)
    name = field.removeprefix(APPLICANT)
    label = _LABELS.get(name, name)
    if name in _WHOSE:
        label += " заявителя" if applicant else " ребёнка"
    return label[:1].upper() + label[1:]
