"""The year rollover («Перевести всё»): its jobs (``rollover_job``), the pupils it promoted
(``pupil_promotion``), and the queries on them (``Rollovers``).

A job carries one school's classes of one academic year into the next, a class per transaction; its row
is the progress the school watches (``total`` classes, ``done`` of them, the classes it had to skip).
One job at a time per school and year (a partial unique index over the unfinished ones): a second press
of the button meets the first job.

A promotion moves the pupil's stay (``pupil_enrolment``, one row per stay in a school) into the next
grade's class of the new year, the way a transfer moves it between classes: the personal file number,
which the school keeps unique among its stays, stays with it. ``pupil_promotion`` is the promotion's
natural key, one per stay and class left (``uq_pupil_promotion_pupil_enrolment_id_from_class_id``), so
a job run twice, or two at once, promotes nobody twice; a cancelled promotion keeps its row, so a later
run does not promote the pupil again.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    and_,
    exists,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db import Repository
from eschool.common.db.base import UtcDateTime
from eschool.contingent.db.models import Base, SchoolClass
from eschool.contingent.db.movement import PupilMovement, history_entry
from eschool.contingent.db.people import ENROLLED, PupilEnrolment

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
PROMOTED, PROMOTION_CANCELLED = "promoted", "promotion_cancelled"  # pupil_movement kinds
RUNNING_INDEX = "ix_rollover_job_school_id_unfinished"
_UNFINISHED = text("status IN ('queued', 'running')")


class RolloverJob(Base):
    """One press of «Перевести всё»: which school, from which year into which, which classes, how far."""

    __tablename__ = "rollover_job"
    __table_args__ = (
        Index(
            RUNNING_INDEX,
            "school_id",
            "from_academic_year_id",
            unique=True,
            postgresql_where=_UNFINISHED,
            sqlite_where=_UNFINISHED,
        ),
    )

    rollover_job_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.org_unit_id"), index=True)
    from_academic_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("academic_year.academic_year_id"))
    to_academic_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("academic_year.academic_year_id"))
    class_ids: Mapped[list[str] | None] = mapped_column(JSON)  # None: every class of the year
    promoted_on: Mapped[date] = mapped_column(Date)
    order_series: Mapped[str | None] = mapped_column(String(20))
    order_number: Mapped[str] = mapped_column(String(30))  # empty: no order given
    order_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)  # queued, running, done, failed
    total: Mapped[int] = mapped_column(Integer)  # classes to go through
    done: Mapped[int] = mapped_column(Integer, default=0)
    promoted: Mapped[int] = mapped_column(Integer, default=0)  # pupils promoted by this job
    # Classes skipped, each {class_id, class_name, code, detail}: a conflict is reported, never merged.
    conflicts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)  # why the job failed, in Russian
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The heartbeat: every committed class moves it, so an unfinished job that stopped moving is dead.
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PupilPromotion(Base):
    """A pupil carried from a class into the next grade's class of the new year, and its cancellation."""

    __tablename__ = "pupil_promotion"
    __table_args__ = (UniqueConstraint("pupil_enrolment_id", "from_class_id"),)

    pupil_promotion_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    rollover_job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rollover_job.rollover_job_id"), index=True)
    pupil_enrolment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pupil_enrolment.pupil_enrolment_id"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.person_id"), index=True)
    from_class_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_class.class_id"))
    to_class_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_class.class_id"))
    promoted_on: Mapped[date] = mapped_column(Date)
    # The history's entry of the promotion: a cancellation needs it to be the pupil's latest.
    movement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pupil_movement.pupil_movement_id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class Rollovers(Repository):
    """The queries of rollover jobs and promotions."""

    async def unfinished(self, school_id: uuid.UUID, from_year_id: uuid.UUID) -> RolloverJob | None:
        """The school's queued or running job from this year, if any."""
        stmt = select(RolloverJob).where(
            RolloverJob.school_id == school_id,
            RolloverJob.from_academic_year_id == from_year_id,
            RolloverJob.status.in_((QUEUED, RUNNING)),
        )
        return await self.session.scalar(stmt)

    async def classes_of(self, year_id: uuid.UUID, class_ids: list[uuid.UUID] | None) -> list[SchoolClass]:
        """The year's classes (only ``class_ids`` if given), by grade, then letter."""
        stmt = select(SchoolClass).where(SchoolClass.academic_year_id == year_id)
        if class_ids is not None:
            stmt = stmt.where(SchoolClass.class_id.in_(class_ids))
        order = SchoolClass.grade, SchoolClass.letter, SchoolClass.class_id
        return list((await self.session.scalars(stmt.order_by(*order))).all())

    async def successor(self, year_id: uuid.UUID, school_class: SchoolClass) -> SchoolClass | None:
        """The new year's class promoted from this one, else the one holding its next grade and letter."""
        stmt = select(SchoolClass).where(
            SchoolClass.academic_year_id == year_id,
            (SchoolClass.promoted_from_class_id == school_class.class_id)
            | and_(SchoolClass.grade == school_class.grade + 1, SchoolClass.letter == school_class.letter),
        )
        rows = (await self.session.scalars(stmt)).all()
        own = [c for c in rows if c.promoted_from_class_id == school_class.class_id]
        return (own or list(rows) or [None])[0]

    async def to_promote(self, class_id: uuid.UUID) -> list[PupilEnrolment]:
        """The class's pupils now whom no promotion has carried out of it yet (one query per class)."""
        promoted = exists().where(
            PupilPromotion.pupil_enrolment_id == PupilEnrolment.pupil_enrolment_id,
            PupilPromotion.from_class_id == class_id,
        )
        stmt = select(PupilEnrolment).where(
            PupilEnrolment.class_id == class_id, PupilEnrolment.status == ENROLLED, ~promoted
        )
        return list((await self.session.scalars(stmt.order_by(PupilEnrolment.pupil_enrolment_id))).all())

    async def latest_promotion(self, enrolment_id: uuid.UUID) -> PupilPromotion | None:
        """The stay's latest promotion, cancelled or not."""
        stmt = select(PupilPromotion).where(PupilPromotion.pupil_enrolment_id == enrolment_id)
        order = PupilPromotion.promoted_on.desc(), PupilPromotion.created_at.desc()
        return await self.session.scalar(stmt.order_by(*order).limit(1))

    async def lock_class(self, class_id: uuid.UUID) -> None:
        """Hold the class until commit: two jobs promoting it take turns, the second then finds it done."""
        stmt = update(SchoolClass).where(SchoolClass.class_id == class_id).values(version=SchoolClass.version)
        await self.session.execute(stmt.execution_options(synchronize_session=False))


def stale_before(now: datetime) -> datetime:
    """An unfinished job whose heartbeat is older than this died with its process (a class takes
    well under a second; two minutes without one is a stopped job, not a slow one)."""
    return now - timedelta(minutes=2)


def promoted_class(old: SchoolClass, academic_year_id: uuid.UUID, now: datetime) -> SchoolClass:
    """The next grade's class of the new year, promoted from ``old``: same letter, kind, shift, size, term
    scheme and class teacher; a 9th class becomes a general 10th (profiles are chosen for the 10th)."""
    kind, profile = ("general", None) if old.grade == 9 else (old.kind, old.profile)
    same = ("school_id", "letter", "term_scheme_id", "shift", "class_teacher_person_id", "max_size")
    return SchoolClass(
        class_id=uuid.uuid4(),
        academic_year_id=academic_year_id,
        grade=old.grade + 1,
        kind=kind,
        profile=profile,
        promoted_from_class_id=old.class_id,
        created_at=now,
        updated_at=now,
        version=1,
        **{f: getattr(old, f) for f in same},
    )


def promotion_movement(
    by: RolloverJob | PupilMovement,
    enrolment: PupilEnrolment,
    to_class_id: uuid.UUID,
    kind: str,
    day: date,
    *,
    actor_user_id: uuid.UUID | None,
    now: datetime,
) -> PupilMovement:
    """The history's entry of a promotion or its cancellation (``kind``), by the order ``by`` carries."""
    return history_entry(
        enrolment,
        kind,
        day,
        order=(by.order_series, by.order_number, by.order_date),
        actor_user_id=actor_user_id,
        recorded_at=now,
        from_class_id=enrolment.class_id,
        to_class_id=to_class_id,
    )
