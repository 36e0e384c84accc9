"""What the thematic plan tests share: a class of school A with a curriculum of mathematics, a plan's
topics, and filled templates."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from eschool.common.auth import Role
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As
from eschool.common.xlsx import new_sheet, saved

from .conftest import World
from .contingent_facts import class_saved
from .load_helpers import chosen_subjects, new_curriculum

HEADER = ("№", "Раздел", "Тема урока", "Часы", "Тип урока")


@dataclass(frozen=True)
class PlanClass:
    """Class 5 «А» of school A's year following a curriculum with mathematics ``weekly`` hours a week."""

    class_id: uuid.UUID
    subject_id: str
    url: str


async def plan_class(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, *, weekly: float = 1, grade: int = 5
) -> PlanClass:
    """The class, the school's mathematics and the curriculum the class follows (34 × ``weekly`` h a year)."""
    admin = as_(Role.school_admin, world.school_a)
    class_id = uuid.uuid4()
    await deliver(class_saved(class_id, world.school_a, world.year_a, grade=grade))
    subject = (await chosen_subjects(api, as_, world, "mathematics"))["mathematics"]
    name = f"{grade} классы {uuid.uuid4().hex[:6]}"
    curriculum = await new_curriculum(api, admin, world, {subject: weekly}, name=name, grade=grade)
    body = {"curriculum_id": curriculum["curriculum_id"]}
    followed = await api.put(f"/v1/classes/{class_id}/curriculum", json=body, headers=admin)
    assert followed.status_code == 200, followed.text
    return PlanClass(class_id, subject, f"/v1/classes/{class_id}/thematic-plans/{subject}")


def topics(*hours: int) -> list[dict[str, Any]]:
    """Topics numbered from 1 with these hours; the last a control work."""
    return [
        {
            "number": n,
            "title": f"Тема {n}",
            "hours": h,
            "section": "Глава 1",
            "lesson_type": "контрольная работа" if n == len(hours) else None,
        }
        for n, h in enumerate(hours, 1)
    ]


def workbook(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> bytes:
    """A filled template."""
    book, sheet = new_sheet("КТП")
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    return saved(book)
