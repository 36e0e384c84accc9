"""Planned topics on dated lessons (seed 000, points 13-16), with no I/O: the scheduled lessons of a
class's (or subgroup's) subject in the year, by day and slot, take the thematic plan's topics in order,
each topic as many lessons as its hours. Cancelled lessons take none; lessons past the plan's hours
take none either, and topics past the last lesson are left unplaced (the plan check reports the hours).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from eschool.scheduling.domain.thematic_plans import Topic

PlacedTopic = tuple[int, str]
SCHEDULED = "scheduled"


class DatedLesson(Protocol):
    """What the order needs of a lesson: where it is held now and whether it still is."""

    @property
    def lesson_id(self) -> uuid.UUID: ...
    @property
    def lesson_on(self) -> date: ...
    @property
    def slot_number(self) -> int: ...
    @property
    def planned_on(self) -> date: ...
    @property
    def status(self) -> str: ...


def topics_in_order(
    lessons: Sequence[DatedLesson], topics: Sequence[Topic]
) -> dict[uuid.UUID, PlacedTopic | None]:
    """Each lesson's planned topic (number, title), or None; the lessons are of one class (or
    subgroup) and subject."""
    hours = [(t.number, t.title) for t in sorted(topics, key=lambda t: t.number) for _ in range(t.hours)]
    held = sorted(
        (x for x in lessons if x.status == SCHEDULED),
        key=lambda x: (x.lesson_on, x.slot_number, x.planned_on, str(x.lesson_id)),
    )
    placed: dict[uuid.UUID, PlacedTopic | None] = {x.lesson_id: None for x in lessons}
    for lesson, topic in zip(held, hours, strict=False):
        placed[lesson.lesson_id] = topic
    return placed
