"""The calendar's HTTP shapes."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from eschool.common.http.request import Stamp
from eschool.scheduling.domain.holidays import HolidayKind
from eschool.scheduling.domain.lifecycle import MAX_REASON, TermStatus
from eschool.scheduling.domain.terms import SchemeKind
from eschool.scheduling.services.term_schemes import SchemeView

Name = Annotated[str, Field(min_length=1, max_length=200)]


class TermSchemeCreate(BaseModel):
    """A scheme to generate in the school's year: its terms get the calendar's default dates."""

    model_config = ConfigDict(extra="forbid")

    academic_year_id: uuid.UUID
    name: Name = Field(examples=["Четверти, 1–4 классы"])
    kind: SchemeKind


class TermUpdate(BaseModel):
    """A term's name and dates, both days included."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=100, examples=["1 четверть"])]
    starts_on: date
    ends_on: date


class TermsReplace(BaseModel):
    """Every term of the scheme in order, and the scheme's version they were based on."""

    model_config = ConfigDict(extra="forbid")

    version: int
    terms: list[TermUpdate] = Field(max_length=12)


class TermRead(BaseModel):
    """A term of a scheme."""

    term_id: uuid.UUID
    number: int
    name: str
    starts_on: date
    ends_on: date
    status: TermStatus
    status_changed_at: Stamp


class TermSchemeRead(BaseModel):
    """A term scheme with its terms."""

    term_scheme_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    name: str
    kind: SchemeKind
    version: int
    created_at: Stamp
    updated_at: Stamp
    terms: list[TermRead]

    @classmethod
    def of(cls, view: SchemeView) -> TermSchemeRead:
        """The shape of a scheme and its terms."""
        terms = [TermRead.model_validate(t, from_attributes=True) for t in view.terms]
        return cls.model_validate({**_columns(view.scheme), "terms": terms})


class TermStatusChangeCreate(BaseModel):
    """The status to move the term to; a reopening of a closed term needs the reason."""

    model_config = ConfigDict(extra="forbid")

    status: TermStatus
    reason: Annotated[str | None, Field(max_length=MAX_REASON)] = None


class TermStatusChangeRead(BaseModel):
    """A step of a term's lifecycle: who, when, from what to what, why."""

    term_status_change_id: uuid.UUID
    from_status: TermStatus
    to_status: TermStatus
    reason: str | None
    changed_by_user_id: uuid.UUID | None
    changed_by_person_id: uuid.UUID | None
    changed_by_client_id: str | None
    changed_at: Stamp


class HolidayFields(BaseModel):
    """Days off: kind, name, dates (both included), for one term scheme's classes or (None) all."""

    model_config = ConfigDict(extra="forbid")

    kind: HolidayKind
    name: Name = Field(examples=["Дополнительные каникулы для 1 классов"])
    starts_on: date
    ends_on: date
    term_scheme_id: uuid.UUID | None = None


class HolidayCreate(HolidayFields):
    """A holiday to add to the school's year."""

    academic_year_id: uuid.UUID


class HolidayUpdate(HolidayFields):
    """A holiday's new fields, and the version they were based on."""

    version: int


class HolidayRead(HolidayFields):
    """A holiday of a school's year."""

    model_config = ConfigDict(extra="ignore")

    holiday_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    version: int
    created_at: Stamp
    updated_at: Stamp


def _columns(row: object) -> dict[str, object]:
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}  # type: ignore[attr-defined]
