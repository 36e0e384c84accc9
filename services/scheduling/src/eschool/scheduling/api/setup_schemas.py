"""The HTTP shapes of rooms and bell schedules."""

from __future__ import annotations

import uuid
from datetime import time
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from eschool.scheduling.api.schemas import Stamp
from eschool.scheduling.db.bells import BellSchedule
from eschool.scheduling.domain.bells import MAX_SLOTS, Slot
from eschool.scheduling.domain.rooms import MAX_CAPACITY, RoomKind
from eschool.scheduling.services.bells import BellDraft
from eschool.scheduling.services.rooms import RoomDraft

Clock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["08:00"])]
Shift = Literal[1, 2]


class RoomFields(BaseModel):
    """A room's card: number or name, what it is for, how many it seats."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=50, examples=["204"])]
    kind: RoomKind = RoomKind.classroom
    capacity: Annotated[int | None, Field(ge=1, le=MAX_CAPACITY)] = None

    def draft(self) -> RoomDraft:
        """The card as the use cases take it."""
        return RoomDraft(self.name, self.kind, self.capacity)


class RoomCreate(RoomFields):
    """A room to add to the school."""


class RoomUpdate(RoomFields):
    """A room's new card, retired or not, and the version it was based on."""

    retired: bool = False
    version: int


class RoomRead(RoomFields):
    """A room of a school."""

    model_config = ConfigDict(extra="ignore")

    room_id: uuid.UUID
    school_id: uuid.UUID
    retired: bool
    version: int
    created_at: Stamp
    updated_at: Stamp


class BellSlotFields(BaseModel):
    """A lesson of the schedule: its number (0 for a «нулевой урок»), start and end, ``HH:MM``."""

    model_config = ConfigDict(extra="forbid")

    number: Annotated[int, Field(ge=0, le=MAX_SLOTS)]
    starts_at: Clock
    ends_at: Clock

    def slot(self) -> Slot:
        """The slot as the domain takes it."""
        return Slot(self.number, time.fromisoformat(self.starts_at), time.fromisoformat(self.ends_at))


Slots = Annotated[list[BellSlotFields], Field(max_length=MAX_SLOTS + 1)]


class BellScheduleFields(BaseModel):
    """A bell schedule's name and shift."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=100, examples=["1 смена"])]
    shift: Shift = 1


class BellScheduleCreate(BellScheduleFields):
    """A bell schedule to add to the school's year: its slots in order, or none for the default
    (``lessons`` lessons of 45 minutes from ``starts_at`` with the usual breaks)."""

    academic_year_id: uuid.UUID
    slots: Slots | None = None
    lessons: Annotated[int, Field(ge=1, le=MAX_SLOTS)] = 7
    starts_at: Clock = "08:00"


class BellScheduleUpdate(BellScheduleFields):
    """Every slot of the schedule in order, its name and shift, and the version they were based on."""

    slots: Slots
    version: int

    def draft(self) -> BellDraft:
        """The schedule as the use cases take it."""
        return BellDraft(self.name, self.shift, [s.slot() for s in self.slots])


class BellScheduleRead(BellScheduleFields):
    """A bell schedule of a school's year."""

    model_config = ConfigDict(extra="ignore")

    bell_schedule_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    slots: list[BellSlotFields]
    version: int
    created_at: Stamp
    updated_at: Stamp

    @classmethod
    def of(cls, schedule: BellSchedule) -> BellScheduleRead:
        """The shape of a schedule."""
        return cls.model_validate(schedule, from_attributes=True)


class BellSchedulesCarry(BaseModel):
    """Which year's schedules to carry into which year (``bell_schedule_ids``: only these; none: all)."""

    model_config = ConfigDict(extra="forbid")

    from_academic_year_id: uuid.UUID
    to_academic_year_id: uuid.UUID
    bell_schedule_ids: Annotated[list[uuid.UUID] | None, Field(max_length=50)] = None


class BellSchedulesCarried(BaseModel):
    """The schedules the carrying created in the target year, and those it found there by name."""

    created: list[BellScheduleRead]
    existing: list[BellScheduleRead]
