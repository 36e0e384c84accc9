"""The demo's first-grade campaign on paper (``make run`` only): which applications each demo school
receives, from where, for whom, by whom, and the status the demo takes each of them to. No I/O.

Every school gets the same fifteen slots (``SLOTS``): portal applications (the state portal, the regional
portal) and paper ones the school enters, left in every status the school sets: new, documents check,
registered, assigned to a class (contingent then enrols the child), rejected with a reason, withdrawn at
the applicant's request. One is a duplicate: the same child sent again through the other portal, which
the school rejects as such. Priority groups are dealt so that the ranked list shows each of them (an
extraordinary right, a first-priority right, a sibling in the school, the territory, everyone else).

The people are generated from a ``random.Random`` seeded by the school, the campaign year and the slot,
so every start plans the same applications (the same portal numbers, the same bodies: a re-sent portal
application is answered as the first time). Children are 6.5 to 8 years old on 1 September of the
campaign year, as the first grade takes them. Demo SNILS numbers start with 6 (children) and 7
(applicants): contingent's demo people use 1 to 5. In the first school one application is the demo
guardian's, for a younger sister of the demo pupil (5 А): her SNILS as the applicant's, so that her own
applications show it.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from eschool.common.demo import DEMO_GUARDIAN_SNILS
from eschool.common.demo_names import BOYS, GIRLS, MEN, SURNAMES, WOMEN, demo_snils, surname_for
from eschool.enrolment.api.schemas import (
    ApplicantIn,
    ApplicationFields,
    ApplicationIn,
    ChildIn,
    SchoolApplicationIn,
)
from eschool.enrolment.domain.workflow import Status

PORTALS = ("state_portal", "regional_portal")
SCHOOL = "school"
_CHILD, _APPLICANT = 6, 7
TOWN = "Демонстрационная обл., г. Демоград"
STREETS = (
    "ул. Ленина", "ул. Садовая", "ул. Школьная", "ул. Мира", "ул. Советская", "ул. Молодёжная",
    "ул. Гагарина", "ул. Центральная", "ул. Заречная", "ул. Лесная", "Набережная ул.", "пр. Строителей",
)  # fmt: skip


@dataclass(frozen=True)
class Slot:
    """Where an application comes from, the status the demo takes it to, and why (a closing step)."""

    source: str
    goal: Status
    reason_code: str | None = None
    comment: str | None = None


SLOTS = (
    Slot("state_portal", Status.documents_check),
    Slot("state_portal", Status.documents_check),
    Slot("regional_portal", Status.documents_check),
    Slot(SCHOOL, Status.new),
    Slot(SCHOOL, Status.new),
    Slot("state_portal", Status.registered),
    Slot("regional_portal", Status.registered),
    Slot(SCHOOL, Status.registered),
    Slot("state_portal", Status.assigned_to_class),
    Slot("state_portal", Status.assigned_to_class),
    Slot("regional_portal", Status.assigned_to_class),
    Slot(SCHOOL, Status.assigned_to_class),
    Slot("state_portal", Status.rejected, "documents_not_confirmed", "Не представлен оригинал свидетельства"),
    Slot("regional_portal", Status.rejected, "duplicate", "Заявление на этого ребёнка уже подано через ЕПГУ"),
    Slot("state_portal", Status.withdrawn, "applicant_request", "Семья переезжает в другой район"),
)
# The slot whose child the duplicate (slot 13) asks for again: an application still open.
DUPLICATE, ORIGINAL = 13, 0
# The demo guardian's application in the first school: registered, with her sibling claim.
GUARDIAN_SLOT = 5
# Who claims what (dealt over the slots by the school's seed): benefit, sibling in school, in territory.
PROFILES = (
    ("extraordinary", False, True),
    ("first_priority", False, True),
    ("first_priority", False, False),
    ("none", True, True),
    ("none", True, True),
    ("none", False, False),
    ("none", False, False),
    *(("none", False, True),) * 8,
)


@dataclass(frozen=True)
class DemoApplication:
    """A planned application: its slot, its key (the portal number; for a paper one, the school's
    number in the demo), and the body as its source sends it."""

    slot: int
    source: str
    goal: Status
    reason_code: str | None
    comment: str | None
    key: str
    body: ApplicationFields

    @property
    def from_portal(self) -> bool:
        return self.source in PORTALS


def school_campaign(school_no: int, school_id: uuid.UUID, school_year: int) -> list[DemoApplication]:
    """The school's applications, in the order they arrive (an original before its duplicate)."""
    profiles = list(PROFILES)
    random.Random(f"enrolment:profiles:{school_no}:{school_year}").shuffle(profiles)
    fields = [_fields(school_no, school_year, slot, profiles[slot]) for slot in range(len(SLOTS))]
    fields[DUPLICATE] = fields[ORIGINAL]
    if school_no == 1:
        fields[GUARDIAN_SLOT] = _guardians(school_year)
    planned = [_planned(school_no, school_id, school_year, slot, fields[slot]) for slot in range(len(SLOTS))]
    order = [p for p in planned if p.slot != DUPLICATE]
    random.Random(f"enrolment:order:{school_no}:{school_year}").shuffle(order)
    return [*order, planned[DUPLICATE]]


def _planned(
    school_no: int, school_id: uuid.UUID, school_year: int, slot: int, fields: ApplicationFields
) -> DemoApplication:
    s = SLOTS[slot]
    key = f"DEMO-{school_year}-{school_no}-{slot:02d}"
    common = fields.model_dump()
    body: ApplicationFields
    if s.source in PORTALS:
        body = ApplicationIn(**common, portal_number=key, source=s.source, school_id=school_id)
    else:
        body = SchoolApplicationIn(**common)
    return DemoApplication(slot, s.source, s.goal, s.reason_code, s.comment, key, body)


def _fields(
    school_no: int, school_year: int, slot: int, profile: tuple[str, bool, bool]
) -> ApplicationFields:
    rng = random.Random(f"enrolment:{school_no}:{school_year}:{slot}")
    seq = (school_year % 100) * 1_000 + slot
    sex, surname = rng.choice(("male", "female")), rng.choice(SURNAMES)
    father, son_of, daughter_of = rng.choice(MEN)
    child = ChildIn(
        last_name=surname_for(surname, sex),
        first_name=rng.choice(BOYS if sex == "male" else GIRLS),
        middle_name=son_of if sex == "male" else daughter_of,
        birth_date=first_grader_born(rng, school_year),
        sex=sex,  # type: ignore[arg-type]
        citizenship="RU",
        snils=demo_snils(_CHILD, school_no, seq) if rng.random() < 0.4 else None,
    )
    mother = rng.random() < 0.75
    applicant = ApplicantIn(
        kind="mother" if mother else "father",
        last_name=surname_for(surname, "female" if mother else "male"),
        first_name=rng.choice(WOMEN) if mother else father,
        middle_name=rng.choice(MEN)[2 if mother else 1],
        snils=demo_snils(_APPLICANT, school_no, seq) if rng.random() < 0.5 else None,
        email=f"family{rng.randint(1000, 9999)}@example.ru" if rng.random() < 0.6 else None,
        phone=f"+79{rng.randint(0, 999_999_999):09d}",
    )
    benefit, sibling, territory = profile
    return ApplicationFields(
        kind="first_grade",
        grade=1,
        school_year=school_year,
        child=child,
        applicant=applicant,
        address=_address(rng),
        in_territory=territory,
        benefit=benefit,  # type: ignore[arg-type]
        sibling_in_school=sibling,
        documents=_documents(benefit, sibling=sibling, in_territory=territory),
    )


def first_grader_born(rng: random.Random, school_year: int) -> date:
    """A birth date that makes a child 6 years 7 months to 7 years 11 months old on 1 September."""
    first_of_september = date(school_year, 9, 1)
    youngest = date(school_year - 6, 2, 1)  # 6 years 7 months
    oldest = date(school_year - 8, 10, 1)  # 7 years 11 months
    assert oldest < youngest < first_of_september
    return oldest + timedelta(days=rng.randint(0, (youngest - oldest).days))


def _address(rng: random.Random) -> str:
    house = f"{TOWN}, {rng.choice(STREETS)}, д. {rng.randint(1, 60)}"
    return house if rng.random() < 0.15 else f"{house}, кв. {rng.randint(1, 120)}"


def _documents(benefit: str, *, sibling: bool, in_territory: bool) -> list[str]:
    documents = ["birth_certificate", "applicant_identity"]
    if in_territory:
        documents.append("registration_certificate")
    if benefit != "none":
        documents.append("benefit_proof")
    if sibling:
        documents.append("sibling_proof")
    return documents


def _guardians(school_year: int) -> ApplicationFields:
    """The demo guardian's application for her daughter, the demo pupil's younger sister: the family lives
    by the school, where her brother is in 5 А."""
    rng = random.Random(f"enrolment:guardian:{school_year}")
    return ApplicationFields(
        kind="first_grade",
        grade=1,
        school_year=school_year,
        child=ChildIn(
            last_name="Соколова",
            first_name="Варвара",
            middle_name="Андреевна",
            birth_date=first_grader_born(rng, school_year),
            sex="female",
            citizenship="RU",
        ),
        applicant=ApplicantIn(
            kind="mother",
            last_name="Соколова",
            first_name="Елена",
            middle_name="Викторовна",
            snils=DEMO_GUARDIAN_SNILS,
            email="sokolova.elena@example.ru",
            phone="+79005550102",
        ),
        address=f"{TOWN}, ул. Школьная, д. 3, кв. 17",
        in_territory=True,
        sibling_in_school=True,
        documents=_documents("none", sibling=True, in_territory=True),
    )
