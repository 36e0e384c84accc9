"""Enrolment's tables: the applications, each change of their status, the portals' remembered intake
answers, and contingent's org tree as enrolment knows it (which units are open schools).

An application keeps the child's and the applicant's particulars the school needs to handle it; a
declared SNILS is kept only as its keyed hash (``eschool.common.snils``), and contacts never leave this
database (no event carries them). Rows carry ``school_id`` and their indexes start with it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from eschool.common.db import make_metadata
from eschool.common.db.base import BigIntPK, JsonDoc, UtcDateTime
from eschool.common.db.idempotency import IdempotentRequestNode
from eschool.common.db.org_tree import OrgUnitNode, OrgUnitStateNode
from eschool.common.db.person_keys import PersonKeyNode
from eschool.common.periodic import PeriodicTaskNode


class Base(DeclarativeBase):
    metadata = make_metadata()


class OrgUnit(OrgUnitNode, Base):
    """A unit of the org tree (region, municipality, school) and its parent, as contingent last said."""

    __tablename__ = "org_unit"


class OrgUnitState(OrgUnitStateNode, Base):
    """A unit's name, time zone and whether it is closed, as contingent last said."""

    __tablename__ = "org_unit_state"


class IdempotentRequest(IdempotentRequestNode, Base):
    """A portal's application as first answered, keyed by the portal and its own number."""

    __tablename__ = "idempotent_request"


class Application(Base):
    """An application for a place in a school: what is asked, for whom, by whom, where it stands."""

    __tablename__ = "application"
    __table_args__ = (
        # The natural key of a portal's application: a re-sent one never makes a second row.
        Index("uq_application_source_portal_number", "source", "portal_number", unique=True),
        # The school's ranked list: its status, the priority group, then the receipt time.
        Index("ix_application_school_rank", "school_id", "status", "priority_group", "received_at"),
        Index("ix_application_school_child", "school_id", "child_birth_date", "child_last_name"),
        # The automatic steps: a school's applications in a status since before a day.
        Index("ix_application_school_status_since", "school_id", "status", "status_since"),
        # The applicant's own applications, in every school (``services.applicant``).
        Index("ix_application_applicant_snils_hash", "applicant_snils_hash"),
    )

    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(20))
    grade: Mapped[int] = mapped_column(Integer)
    school_year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))
    portal_number: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(30))
    # When the application took its status: the automatic steps count their days from it.
    status_since: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    benefit: Mapped[str] = mapped_column(String(30))
    sibling_in_school: Mapped[bool] = mapped_column(Boolean)
    in_territory: Mapped[bool] = mapped_column(Boolean)
    priority_group: Mapped[int] = mapped_column(Integer)
    child_last_name: Mapped[str] = mapped_column(String(100))
    child_first_name: Mapped[str] = mapped_column(String(100))
    child_middle_name: Mapped[str | None] = mapped_column(String(100))
    child_birth_date: Mapped[date] = mapped_column(Date)
    child_sex: Mapped[str] = mapped_column(String(10))
    child_citizenship: Mapped[str | None] = mapped_column(String(2))
    child_snils_hash: Mapped[str | None] = mapped_column(String(64))
    applicant_kind: Mapped[str] = mapped_column(String(30))
    applicant_last_name: Mapped[str] = mapped_column(String(100))
    applicant_first_name: Mapped[str] = mapped_column(String(100))
    applicant_middle_name: Mapped[str | None] = mapped_column(String(100))
    applicant_snils_hash: Mapped[str | None] = mapped_column(String(64))
    applicant_email: Mapped[str | None] = mapped_column(String(254))
    applicant_phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(500))
    documents: Mapped[Any] = mapped_column(JsonDoc)
    age_out_of_range: Mapped[bool] = mapped_column(Boolean)
    duplicate_of: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # Set when the application is assigned to a class (the saga to contingent starts) and kept after.
    class_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # Set when contingent has not answered the assignment in time (the saga's visible failure state);
    # cleared by its answer.
    answer_overdue_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer)


class StatusChange(Base):
    """One step of an application's history: from, to, why, who, when (the first step comes from None)."""

    __tablename__ = "application_status_change"
    __table_args__ = (
        Index("ix_application_status_change_school_application", "school_id", "application_id"),
    )

    change_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("application.application_id"))
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    reason_code: Mapped[str | None] = mapped_column(String(50))
    comment: Mapped[str | None] = mapped_column(String(1000))
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_client_id: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer)


class AcademicYear(Base):
    """A school's academic year and its dates, as contingent last said: a class belongs to one."""

    __tablename__ = "academic_year"
    __table_args__ = (Index("ix_academic_year_school_id", "school_id"),)

    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)


class SchoolClass(Base):
    """A class an application may be assigned to: its school, year, grade, letter and maximum size, as
    contingent last said."""

    __tablename__ = "school_class"
    __table_args__ = (Index("ix_school_class_school_id_academic_year_id", "school_id", "academic_year_id"),)

    class_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    grade: Mapped[int] = mapped_column(Integer)
    letter: Mapped[str] = mapped_column(String(10))
    max_size: Mapped[int] = mapped_column(Integer)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)


class GradePlaces(Base):
    """The free places the school offers in a grade for a school year (seed 000, point 7: «Количество
    свободных мест в параллелях»): the row applications assigned to a class in that grade are counted
    against, and locked while one is."""

    __tablename__ = "grade_places"

    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    grade: Mapped[int] = mapped_column(Integer, primary_key=True)
    free_places: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    version: Mapped[int] = mapped_column(Integer)


class FeedEvent(Base):
    """An event partners may read, in the order it was committed: the partner exchange's messages, kept
    for the HTTP feed (``GET /v1/feed?after=``) with the same envelope and id."""

    __tablename__ = "feed_event"

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=False)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    event_type: Mapped[str] = mapped_column(String(200))
    school_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    envelope: Mapped[Any] = mapped_column(JsonDoc)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class FeedPending(Base):
    """A partner-visible event written with the change that raised it, waiting for its position: the
    sequencer moves it to ``feed_event`` (``services.feed``)."""

    __tablename__ = "feed_pending"

    feed_pending_id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    event_type: Mapped[str] = mapped_column(String(200))
    school_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    envelope: Mapped[Any] = mapped_column(JsonDoc)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FeedCounter(Base):
    """The feed's last position, held by the sequencer (one at a time) while it gives the waiting events
    theirs: positions are given in order and committed together, so a reader never passes a position
    that is filled later."""

    __tablename__ = "feed_counter"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigIntPK)


class SchoolSettings(Base):
    """A school's enrolment settings (seed 000, point 7, «Настройки зачисления»): what fills a grade (its
    free places, or each class's maximum size), and after how many days the system registers an
    application still in the documents check and enrols a registered one by itself (None: never), with
    the order that automatic enrolments go under."""

    __tablename__ = "school_enrolment_settings"

    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    fill_type: Mapped[str] = mapped_column(String(20))
    register_after_days: Mapped[int | None] = mapped_column(Integer)
    enrol_after_days: Mapped[int | None] = mapped_column(Integer)
    order_series: Mapped[str | None] = mapped_column(String(20))
    order_number: Mapped[str | None] = mapped_column(String(50))
    order_date: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    version: Mapped[int] = mapped_column(Integer)


class PeriodicTaskRow(PeriodicTaskNode, Base):
    """A periodic task of enrolment (the automatic steps, the saga's timeout, the feed's retention)."""

    __tablename__ = "periodic_task"


class PersonKey(PersonKeyNode, Base):
    """A person's SNILS as contingent's keyed hash: the applicant asking is recognised by it."""

    __tablename__ = "person_key"
