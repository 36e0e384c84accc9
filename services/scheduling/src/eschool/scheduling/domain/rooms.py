"""Rooms («Кабинеты»): what a room is for, the rules its card keeps."""

from __future__ import annotations

from enum import StrEnum

from eschool.scheduling.domain.rules import Violation

MAX_CAPACITY = 1000


class RoomKind(StrEnum):
    """What the room is for: the timetable may need a lab for chemistry, the gym for physical education."""

    classroom = "classroom"
    laboratory = "laboratory"
    computer_lab = "computer_lab"
    gym = "gym"
    workshop = "workshop"
    hall = "hall"
    library = "library"
    other = "other"


def check_room(name: str, capacity: int | None) -> list[Violation]:
    """What is wrong with a room's card (empty: nothing)."""
    broken = []
    if not name:
        broken.append(Violation("name", "name_blank", "Укажите номер или название кабинета"))
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        detail = f"Вместимость — от 1 до {MAX_CAPACITY} мест"
        broken.append(Violation("capacity", "capacity_invalid", detail))
    return broken
