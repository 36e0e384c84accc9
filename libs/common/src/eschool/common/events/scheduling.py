"""Events scheduling publishes about the school year's calendar.

Contingent keeps the term dates of each scheme (a subgroup's membership changes only at a term
boundary); the journal keeps them to lock marks when a term closes.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

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
