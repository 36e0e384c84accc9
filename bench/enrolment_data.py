"""The applications of bench/enrolment.py: valid first-grade applications with random children, the
open-loop schedule of the opening minute with its re-sends, and the same applications as the bare
layer's rows of ``application``."""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from eschool.common.snils import snils_checksum
from eschool.enrolment.db.models import Application
from eschool.enrolment.domain.ranking import priority_group

LAST = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков")
FIRST = {
    "male": ("Александр", "Михаил", "Иван", "Артём", "Максим", "Лев", "Матвей", "Марк"),
    "female": ("Анна", "София", "Мария", "Алиса", "Ева", "Виктория", "Полина", "Василиса"),
}
MIDDLE = ("Сергеев", "Андреев", "Алексеев", "Дмитриев", "Игорев", "Олегов")
STREETS = ("Большая Московская", "Девическая", "Гагарина", "Мира", "Добросельская", "Суздальский пр-т")
DOCUMENTS = ["birth_certificate", "applicant_identity", "registration_certificate"]
LATER_S = (0.5, 5.0)  # a re-send that does not race its first: this much later


def _snils(rng: random.Random) -> str:
    number = f"{rng.randrange(2_000_000, 999_999_999):09d}"
    return f"{number[:3]}-{number[3:6]}-{number[6:]} {snils_checksum(number):02d}"


def _surname(last: str, sex: str) -> str:
    return last + "а" if sex == "female" else last


def _middle(root: str, sex: str) -> str:
    return root + ("на" if sex == "female" else "ич")


def application(rng: random.Random, number: str, school: uuid.UUID, year: int) -> dict[str, Any]:
    """A first-grade application as a portal sends it: a child of 6.5 to 8 next September, random data."""
    sex, mother = rng.choice(("male", "female")), rng.random() < 0.8
    street = f"ул. {rng.choice(STREETS)}, д. {rng.randrange(1, 120)}"
    family, born = rng.choice(LAST), date(year - 7, 1, 1) + timedelta(days=rng.randrange(0, 540) - 120)
    benefit = rng.choices(("none", "first_priority", "extraordinary"), (90, 8, 2))[0]
    documents = DOCUMENTS + (["benefit_proof"] if benefit != "none" else [])
    applicant = {
        "kind": "mother" if mother else "father",
        "last_name": _surname(family, "female" if mother else "male"),
        "first_name": rng.choice(FIRST["female" if mother else "male"]),
        "middle_name": _middle(rng.choice(MIDDLE), "female" if mother else "male"),
        "email": f"parent{rng.randrange(10**8)}@example.ru",
        "phone": f"+79{rng.randrange(10**9):09d}",
    }
    if rng.random() < 0.5:
        applicant["snils"] = _snils(rng)
    child = {
        "last_name": _surname(family, sex),
        "first_name": rng.choice(FIRST[sex]),
        "middle_name": _middle(rng.choice(MIDDLE), sex),
        "birth_date": born.isoformat(),
        "sex": sex,
        "citizenship": "RU",
    }
    if rng.random() < 0.5:
        child["snils"] = _snils(rng)
    return {
        "portal_number": number,
        "source": "state_portal",
        "kind": "first_grade",
        "school_id": str(school),
        "grade": 1,
        "school_year": year,
        "child": child,
        "applicant": applicant,
        "address": f"г. Владимир, {street}, кв. {rng.randrange(1, 300)}",
        "in_territory": rng.random() < 0.7,
        "benefit": benefit,
        "sibling_in_school": rng.random() < 0.15,
        "documents": documents,
    }


@dataclass(frozen=True)
class Shot:
    """One request: when it is due (s from the start), the client sending it, the application, whether it
    is a re-send."""

    due: float
    client: int
    index: int
    resend: bool


def schedule(rng: random.Random, count: int, seconds: float, clients: int, resend: float) -> list[Shot]:
    """``count`` applications due evenly over ``seconds`` (client ``i % clients``), and a share ``resend``
    of them sent again by another client: half at the same moment as the first, half a little later."""
    rate = count / seconds
    shots = [Shot(i / rate, i % clients, i, False) for i in range(count)]
    again = rng.sample(range(count), round(count * resend))
    for n, i in enumerate(again):
        other = (i % clients + 1 + rng.randrange(clients - 1)) % clients
        due = i / rate + (0.0 if n % 2 == 0 else rng.uniform(*LATER_S))
        shots.append(Shot(due, other, i, True))
    return sorted(shots, key=lambda s: (s.due, s.resend))


@dataclass(frozen=True)
class Burst:
    """The applications of a phase (their numbers start with ``prefix``), their bodies and the schedule."""

    prefix: str
    bodies: list[bytes]
    shots: list[Shot]


def burst(
    rng: random.Random, prefix: str, schools: list[uuid.UUID], year: int, shape: tuple[int, float, int, float]
) -> Burst:
    """``shape``: applications, seconds, clients, the share re-sent."""
    count, seconds, clients, resend = shape
    bodies = [
        json.dumps(application(rng, f"{prefix}-{i:06d}", schools[i % len(schools)], year)).encode()
        for i in range(count)
    ]
    return Burst(prefix, bodies, schedule(rng, count, seconds, clients, resend))


COLUMNS = [column.name for column in Application.__table__.columns]
INSERT = (
    f"INSERT INTO application ({', '.join(COLUMNS)})"
    f" VALUES ({', '.join(f'${n}' for n in range(1, len(COLUMNS) + 1))})"
    " ON CONFLICT (source, portal_number) DO NOTHING"
)


def _hash(value: str | None) -> str | None:
    return None if value is None else hashlib.sha256(value.encode()).hexdigest()


def raw_row(body: bytes, now: Any) -> tuple[Any, ...]:
    """The ``application`` row the service writes for this body (SNILS hashed without the key), in
    ``COLUMNS`` order."""
    a = json.loads(body)
    child, applicant = a["child"], a["applicant"]
    flags = {"sibling_in_school": a["sibling_in_school"], "in_territory": a["in_territory"]}
    row = {name: a[name] for name in ("school_id", "kind", "grade", "school_year", "source", "portal_number")}
    row |= {name: a[name] for name in ("benefit", "address")} | flags
    row |= {f"child_{name}": child[name] for name in ("last_name", "first_name", "middle_name", "sex")}
    row |= {f"applicant_{name}": applicant[name] for name in ("kind", "last_name", "first_name")}
    row |= {f"applicant_{name}": applicant[name] for name in ("middle_name", "email", "phone")}
    row |= {
        "application_id": uuid.uuid4(),
        "school_id": uuid.UUID(a["school_id"]),
        "status": "documents_check",
        "status_since": now,
        "received_at": now,
        "priority_group": priority_group(a["benefit"], **flags),
        "child_birth_date": date.fromisoformat(child["birth_date"]),
        "child_citizenship": child["citizenship"],
        "child_snils_hash": _hash(child.get("snils")),
        "applicant_snils_hash": _hash(applicant.get("snils")),
        "documents": json.dumps(a["documents"]),
        "age_out_of_range": False,
        "duplicate_of": None,
        "class_id": None,
        "answer_overdue_at": None,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    return tuple(row[name] for name in COLUMNS)
