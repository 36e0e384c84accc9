"""Events scheduling publishes about the school year's calendar.

Contingent keeps the term dates of each scheme (a subgroup's membership changes only at a term
boundary); the journal keeps them to lock marks when a term closes, and the holidays to skip lessons.
Every event carries ``occurred_at``, the time of the change in scheduling; consumers keep the newest.
Subjects (the regional catalogue's and schools' own) and bell schedules travel whole: the journal and
reporting show subject names and lesson times from them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from eschool.common.events.base import Event


class TermDates(BaseModel):
    """One term of a scheme (a quarter, a trimester, a half-year) and its dates, both days included."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    term_id: uuid.UUID
    number: int = Field(ge=1, description="1 for the first term of the year")
    name: str = Field(examples=["1 четверть"])
    starts_on: date
    ends_on: date


class TermSchemeSavedV1(Event):
    """Emitted when a term scheme of a school is defined or its terms change; carries the whole scheme
    with every term of its year, newest wins."""

    event_type = "scheduling.term_scheme.saved.v1"

    term_scheme_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID | None = Field(default=None, description="The contingent year it is for")
    name: str = Field(examples=["Четверти, 1-4 классы"])
    terms: list[TermDates]
    occurred_at: datetime


HolidayKind = Literal["vacation", "holiday", "extra_vacation"]


class TermStep(Event):
    """What scheduling says of a term whose lifecycle moved (a base: not an event of its own)."""

    term_id: uuid.UUID
    term_scheme_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    number: int = Field(ge=1)
    name: str = Field(examples=["1 четверть"])
    occurred_at: datetime


class TermClosedV1(TermStep):
    """Emitted when a term is closed: its marks are final, the journal locks them."""

    event_type = "scheduling.term.closed.v1"

    starts_on: date
    ends_on: date


class TermReopenedV1(TermStep):
    """Emitted when a closed term is opened again, with the reason the administration gave; the journal
    unlocks its marks."""

    event_type = "scheduling.term.reopened.v1"

    reason: str = Field(examples=["Исправление итоговой отметки по решению педсовета"])


class HolidayDates(BaseModel):
    """Days without lessons: a vacation, a public holiday, extra vacation days; both days included."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    holiday_id: uuid.UUID
    kind: HolidayKind
    name: str = Field(examples=["Осенние каникулы"])
    starts_on: date
    ends_on: date
    term_scheme_id: uuid.UUID | None = Field(
        default=None, description="Only the classes of this term scheme; None: every class of the school"
    )


class HolidaysChangedV1(Event):
    """Emitted when a holiday of a school's academic year is added, changed or removed; carries the
    year's whole list, newest wins."""

    event_type = "scheduling.holidays.changed.v1"

    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    holidays: list[HolidayDates]
    occurred_at: datetime


class SubjectSavedV1(Event):
    """Emitted when a subject is added to the regional catalogue or to a school's own list, or its names
    or retirement change; carries the whole subject, newest wins. The journal and reporting show
    subject names from it."""

    event_type = "scheduling.subject.saved.v1"

    subject_id: uuid.UUID
    school_id: uuid.UUID | None = Field(
        default=None, description="The school of a school-only subject; None: the regional catalogue's"
    )
    code: str | None = Field(default=None, examples=["math"], description="The catalogue's code")
    name: str = Field(examples=["Математика"])
    short_name: str | None = Field(default=None, examples=["Матем."])
    translations: dict[str, str] = Field(
        default_factory=dict, description="The name in other languages", examples=[{"ky": "Математика"}]
    )
    retired: bool = Field(default=False, description="No longer taught; lessons keep referring to it")
    occurred_at: datetime


class BellSlot(BaseModel):
    """A numbered lesson of a bell schedule and its start and end (the school's local time)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    number: int = Field(ge=0, description="0 for a «нулевой урок», else 1, 2, ...")
    starts_at: time
    ends_at: time


class BellScheduleSavedV1(Event):
    """Emitted when a school's bell schedule is created, changed or carried into another academic year;
    carries the whole schedule with every slot, newest wins."""

    event_type = "scheduling.bell_schedule.saved.v1"

    bell_schedule_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    name: str = Field(examples=["1 смена"])
    shift: int = Field(ge=1, le=2, description="The shift the schedule's lessons belong to")
    slots: list[BellSlot]
    occurred_at: datetime
