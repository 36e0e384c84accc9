"""The demo region's people (``make run`` only), as forms: each class's pupils with their parents, each
school's staff, and the persons of identity's demo accounts.

Everything is generated from a ``random.Random`` seeded by the school, the year and the class, so every
start of ``make run`` plans the same people and a half-finished load completes the same way. Names come
from the demo's lists (``eschool.common.demo_names``) with their feminine forms; a pupil's father is
named after the pupil's patronymic. SNILS numbers are made up but valid, unique by construction: the
first digit says what the person is (1 to 5 here), the second which school (``demo_snils``).

The demo accounts' persons have fixed ids (``eschool.common.demo``) while the use cases give a new
person a fresh one, so ``demo`` writes these few rows first, each with a SNILS, and the forms below carry
the same SNILS: the use cases then find them by it, as they find any person they already know.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from eschool.common.demo import DEMO_GUARDIAN_SNILS, demo_id
from eschool.common.demo_names import BOYS, GIRLS, MEN, SURNAMES, WOMEN, demo_snils, surname_for
from eschool.contingent.domain.people import Enrolment, Order, PersonCard, PersonName
from eschool.contingent.domain.staff import HireForm
from eschool.contingent.services.guardians import GuardianForm
from eschool.contingent.services.pupils import EnrolmentForm

PRIMARY_TEACHER = "Учитель начальных классов"
SUBJECT_TEACHERS = (
    "Учитель русского языка и литературы", "Учитель математики", "Учитель истории и обществознания",
    "Учитель английского языка", "Учитель физики", "Учитель химии", "Учитель биологии",
    "Учитель географии", "Учитель информатики",
)  # fmt: skip
# Subject teachers who lead no class.
OTHER_STAFF = ("Учитель физической культуры", "Учитель музыки", "Учитель технологии", "Педагог-психолог")
DIRECTOR = "Директор"
DEPUTY = "Заместитель директора по учебно-воспитательной работе"

# What a person is, the first digit of their demo SNILS.
_FIXED, _PUPIL, _MOTHER, _FATHER, _STAFF = 1, 2, 3, 4, 5
DEMO_PUPIL = demo_id("person:pupil")
DEMO_GUARDIAN = demo_id("person:guardian")
DEMO_TEACHER = demo_id("person:teacher")
DEMO_DIRECTOR = demo_id("person:director")
DEMO_SCHOOL_ADMIN = demo_id("person:school.admin")
# The demo pupil's class, in the first school; its class teacher is the demo teacher.
DEMO_CLASS = (5, "А")


@dataclass(frozen=True)
class PupilPlan:
    """A pupil to enrol and their guardians to link; ``person_id``: a fixed demo person's id."""

    form: EnrolmentForm
    guardians: tuple[GuardianForm, ...]
    person_id: uuid.UUID | None = None


@dataclass(frozen=True)
class StaffPlan:
    """A staff member to hire, and the class (grade, letter) they lead, if any."""

    form: HireForm
    leads: tuple[int, str] | None = None


@dataclass(frozen=True)
class FixedPerson:
    """A person of a demo account: the fixed id, the card and the SNILS that finds them."""

    person_id: uuid.UUID
    card: PersonCard
    snils: str = field(repr=False)


def fixed_people(first_year: int) -> tuple[FixedPerson, ...]:
    """The persons of the demo accounts in the first school, for the year starting in ``first_year``."""
    pupil_born = date(first_year - DEMO_CLASS[0] - 6, 3, 14)
    return (
        FixedPerson(DEMO_PUPIL, _card("Соколов", "Михаил", "Андреевич", "male", pupil_born), _fixed(1)),
        FixedPerson(
            DEMO_GUARDIAN,
            _card("Соколова", "Елена", "Викторовна", "female", date(pupil_born.year - 33, 7, 2)),
            DEMO_GUARDIAN_SNILS,
        ),
        *FIXED_STAFF.values(),
    )


def class_pupils(school_no: int, first_year: int, grade: int, letter: str) -> list[PupilPlan]:
    """The class's 22 to 27 pupils with their parents; all of them began school together in grade 1."""
    rng = random.Random(f"pupils:{school_no}:{first_year}:{grade}{letter}")
    entry_year = first_year - grade + 1
    order = Order(f"{rng.randint(40, 160)}-у", date(entry_year, 8, rng.randint(20, 31)))
    seq = (first_year % 100) * 100_000 + grade * 1_000 + (0 if letter == "А" else 100)
    pupils = []
    for i in range(1, rng.randint(22, 27) + 1):
        number = f"{grade}{letter}-{i:02d}/{first_year % 100:02d}"
        enrolment = Enrolment(number, "full_time", order, attends_day_care=grade <= 4 and rng.random() < 0.3)
        pupils.append(_pupil(rng, school_no, seq + i, first_year - grade - 6, enrolment))
    if school_no == 1 and (grade, letter) == DEMO_CLASS:
        pupils[0] = _demo_pupil(pupils[0], fixed_people(first_year))
    return pupils


def school_staff(school_no: int, classes: Sequence[tuple[int, str]]) -> list[StaffPlan]:
    """The school's director, deputy, a class teacher for each class and a few more subject teachers."""
    rng = random.Random(f"staff:{school_no}")
    positions: list[tuple[str, tuple[int, str] | None]] = [(DIRECTOR, None), (DEPUTY, None)]
    for index, (grade, letter) in enumerate(sorted(classes)):
        subject = SUBJECT_TEACHERS[index % len(SUBJECT_TEACHERS)]
        positions.append((PRIMARY_TEACHER if grade <= 4 else subject, (grade, letter)))
    positions += [(position, None) for position in OTHER_STAFF]
    plans = [
        _staff(rng, position, leads, demo_snils(_STAFF, school_no, seq))
        for seq, (position, leads) in enumerate(positions)
    ]
    if school_no == 1:
        plans = [_fixed_staff(plan) for plan in plans]
    return plans


def _pupil(rng: random.Random, school_no: int, seq: int, born_by: int, enrolment: Enrolment) -> PupilPlan:
    """A pupil aged ``grade + 6`` on the year's 1 September (born up to that day in ``born_by``)."""
    sex = rng.choice(("male", "female"))
    surname = rng.choice(SURNAMES)
    father, son_of, daughter_of = rng.choice(MEN)
    name = PersonName(
        surname_for(surname, sex),
        rng.choice(BOYS if sex == "male" else GIRLS),
        son_of if sex == "male" else daughter_of,
    )
    born = date(born_by, 9, 1) - timedelta(days=rng.randint(0, 364))
    snils = demo_snils(_PUPIL, school_no, seq) if rng.random() < 0.2 else None
    mother = PersonName(surname_for(surname, "female"), rng.choice(WOMEN), rng.choice(MEN)[2])
    dad = PersonName(surname, father, rng.choice(MEN)[1])
    mother_born = _some_day(rng, born.year - rng.randint(22, 38))
    dad_born = _some_day(rng, mother_born.year - rng.randint(0, 6))
    guardians = (
        _guardian(rng, mother, "female", mother_born, "mother", demo_snils(_MOTHER, school_no, seq)),
        _guardian(rng, dad, "male", dad_born, "father", demo_snils(_FATHER, school_no, seq)),
    )
    # Most pupils have both parents entered; some only the mother, a few only the father.
    which = rng.random()
    guardians = guardians if which < 0.7 else guardians[:1] if which < 0.92 else guardians[1:]
    card = PersonCard(name, born, sex, "RU")
    return PupilPlan(EnrolmentForm(card, enrolment, snils), guardians)


def _guardian(
    rng: random.Random, name: PersonName, sex: str, born: date, kind: str, snils: str
) -> GuardianForm:
    card = PersonCard(name, born, sex, "RU")
    return GuardianForm(card, kind, snils if rng.random() < 0.5 else None)


def _demo_pupil(generated: PupilPlan, people: tuple[FixedPerson, ...]) -> PupilPlan:
    """The demo pupil in place of a generated one: the demo guardian their mother, a father named after
    their patronymic."""
    pupil, mother = people[0], people[1]
    assert pupil.card.birth_date is not None
    dad = _card("Соколов", "Андрей", "Петрович", "male", date(pupil.card.birth_date.year - 35, 1, 19))
    father = GuardianForm(dad, "father")
    guardians = (GuardianForm(mother.card, "mother", mother.snils), father)
    form = EnrolmentForm(pupil.card, generated.form.enrolment, pupil.snils)
    return PupilPlan(form, guardians, person_id=pupil.person_id)


def _staff(rng: random.Random, position: str, leads: tuple[int, str] | None, snils: str) -> StaffPlan:
    sex = "female" if rng.random() < 0.8 or position == PRIMARY_TEACHER else "male"
    name = PersonName(
        surname_for(rng.choice(SURNAMES), sex),
        rng.choice(WOMEN) if sex == "female" else rng.choice(MEN)[0],
        rng.choice(MEN)[2 if sex == "female" else 1],
    )
    born = _some_day(rng, rng.randint(1962, 1998))
    hired_on = date(rng.randint(born.year + 23, 2024), 8, rng.randint(20, 31))
    return StaffPlan(HireForm(PersonCard(name, born, sex, "RU"), position, hired_on, snils), leads)


def _fixed_staff(plan: StaffPlan) -> StaffPlan:
    """In the first school the director, the deputy and 5 А's class teacher are the demo accounts'."""
    if plan.form.position == DIRECTOR:
        person = FIXED_STAFF[DEMO_DIRECTOR]
    elif plan.form.position == DEPUTY:
        person = FIXED_STAFF[DEMO_SCHOOL_ADMIN]
    elif plan.leads == DEMO_CLASS:
        person = FIXED_STAFF[DEMO_TEACHER]
        plan = replace(plan, form=replace(plan.form, position=SUBJECT_TEACHERS[0]))
    else:
        return plan
    assert person.card.birth_date is not None
    hired_on = date(person.card.birth_date.year + 25, 8, 28)
    return replace(plan, form=replace(plan.form, person=person.card, hired_on=hired_on, snils=person.snils))


def _card(last: str, first: str, middle: str, sex: str, born: date) -> PersonCard:
    return PersonCard(PersonName(last, first, middle), born, sex, "RU")


def _fixed(seq: int) -> str:
    return demo_snils(_FIXED, 0, seq)


def _some_day(rng: random.Random, year: int) -> date:
    return date(year, rng.randint(1, 12), rng.randint(1, 28))


FIXED_STAFF = {
    person.person_id: person
    for person in (
        FixedPerson(
            DEMO_TEACHER, _card("Морозова", "Ольга", "Николаевна", "female", date(1984, 5, 20)), _fixed(3)
        ),
        FixedPerson(
            DEMO_DIRECTOR, _card("Кузнецов", "Андрей", "Викторович", "male", date(1971, 11, 3)), _fixed(4)
        ),
        FixedPerson(
            DEMO_SCHOOL_ADMIN, _card("Лебедева", "Ирина", "Сергеевна", "female", date(1979, 2, 11)), _fixed(5)
        ),
    )
}
