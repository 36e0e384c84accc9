"""Pupils' movement (``pupil_movement``): every enrolment, withdrawal, transfer between classes and
arrival, each with its order, kept for the history and the movement reports; and the queries on it
(``Movements``).

A withdrawal towards a school of the region puts the pupil on that school's arrivals list
(``destination_school_id``) until it accepts them: the arrival row names the withdrawal it answers
(``withdrawal_movement_id``, unique, so one withdrawal is accepted once).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Uuid, and_, exists, select
from sqlalchemy.orm import Mapped, aliased, mapped_column

from eschool.common.db import Repository
from eschool.common.db.base import UtcDateTime
from eschool.contingent.db.models import Base
from eschool.contingent.db.people import ENROLLED, Person, PupilEnrolment

ENROLMENT = "enrolled"
WITHDRAWAL = "withdrawn"
TRANSFER = "transferred"
ARRIVAL = "arrived"


class PupilMovement(Base):
    """One movement of a pupil: what happened (``kind``), on which day, between which classes, by
    which order, why and where to (a withdrawal), who entered it and when."""

    __tablename__ = "pupil_movement"

    pupil_movement_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.person_id"), index=True)
    pupil_enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pupil_enrolment.pupil_enrolment_id"), index=True
    )
    # The school it happened in: the leaving school of a withdrawal, the receiving one of an arrival.
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.org_unit_id"))
    kind: Mapped[str] = mapped_column(String(20))  # enrolled, withdrawn, transferred, arrived
    happened_on: Mapped[date] = mapped_column(Date)
    from_class_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("school_class.class_id"))
    to_class_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("school_class.class_id"))
    order_series: Mapped[str | None] = mapped_column(String(20))
    order_number: Mapped[str] = mapped_column(String(30))
    order_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(40))
    destination: Mapped[str | None] = mapped_column(String(20))  # school_of_region, outside_region, unknown
    destination_school_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("org_unit.org_unit_id"), index=True
    )
    withdrawal_movement_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("pupil_movement.pupil_movement_id"), unique=True
    )
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


def history_entry(
    enrolment: PupilEnrolment,
    kind: str,
    day: date,
    *,
    order: tuple[str | None, str, date],
    actor_user_id: uuid.UUID | None,
    recorded_at: datetime,
    movement_id: uuid.UUID | None = None,
    from_class_id: uuid.UUID | None = None,
    to_class_id: uuid.UUID | None = None,
) -> PupilMovement:
    """One entry of a stay's history: what happened (``kind``) on ``day``, by the order (series, number,
    date), entered by whom and when; every movement builds its entry here."""
    series, number, order_date = order
    return PupilMovement(
        pupil_movement_id=movement_id or uuid.uuid4(),
        person_id=enrolment.person_id,
        pupil_enrolment_id=enrolment.pupil_enrolment_id,
        school_id=enrolment.school_id,
        kind=kind,
        happened_on=day,
        from_class_id=from_class_id,
        to_class_id=to_class_id,
        order_series=series,
        order_number=number,
        order_date=order_date,
        actor_user_id=actor_user_id,
        recorded_at=recorded_at,
    )


def enrolment_movement(row: PupilEnrolment, *, actor_user_id: uuid.UUID | None) -> PupilMovement:
    """The history's entry of an enrolment by form (its id is the enrolment's: one entry per enrolment)."""
    return history_entry(
        row,
        ENROLMENT,
        row.enrolled_on,
        order=(row.order_series, row.order_number, row.order_date),
        actor_user_id=actor_user_id,
        recorded_at=row.created_at,
        movement_id=row.pupil_enrolment_id,
        to_class_id=row.class_id,
    )


class Movements(Repository):
    """The queries of the movement history and the arrivals lists."""

    async def of_person(self, person_id: uuid.UUID) -> list[PupilMovement]:
        """Every movement of the person, in the order it happened."""
        stmt = select(PupilMovement).where(PupilMovement.person_id == person_id)
        order = PupilMovement.happened_on, PupilMovement.recorded_at, PupilMovement.pupil_movement_id
        return list((await self.session.scalars(stmt.order_by(*order))).all())

    async def of_enrolment(self, enrolment_id: uuid.UUID, kind: str) -> list[PupilMovement]:
        """The enrolment's movements of one kind, the latest first."""
        stmt = select(PupilMovement).where(
            PupilMovement.pupil_enrolment_id == enrolment_id, PupilMovement.kind == kind
        )
        order = PupilMovement.happened_on.desc(), PupilMovement.recorded_at.desc()
        return list((await self.session.scalars(stmt.order_by(*order))).all())

    async def acceptance_of(self, withdrawal_id: uuid.UUID) -> PupilMovement | None:
        """The arrival that answered this withdrawal, if it was accepted."""
        stmt = select(PupilMovement).where(PupilMovement.withdrawal_movement_id == withdrawal_id)
        return await self.session.scalar(stmt)

    async def arrivals(
        self, school_id: uuid.UUID, person_id: uuid.UUID | None = None
    ) -> list[tuple[PupilMovement, PupilEnrolment, Person]]:
        """The school's arrivals list: withdrawals towards it of pupils who have no later enrolment
        anywhere (not accepted here, not enrolled elsewhere since), with the stays they left."""
        later = aliased(PupilEnrolment)
        superseded = exists().where(
            and_(
                later.person_id == PupilEnrolment.person_id,
                (later.status == ENROLLED) | (later.created_at > PupilEnrolment.created_at),
            )
        )
        stmt = (
            select(PupilMovement, PupilEnrolment, Person)
            .join(PupilEnrolment, PupilEnrolment.pupil_enrolment_id == PupilMovement.pupil_enrolment_id)
            .join(Person, Person.person_id == PupilMovement.person_id)
            .where(
                PupilMovement.kind == WITHDRAWAL,
                PupilMovement.destination_school_id == school_id,
                ~superseded,
            )
            .order_by(PupilMovement.happened_on, PupilMovement.recorded_at)
        )
        if person_id is not None:
            stmt = stmt.where(PupilMovement.person_id == person_id)
        return [(row[0], row[1], row[2]) for row in await self.session.execute(stmt)]

    async def withdrawals_towards(self, school_id: uuid.UUID, person_id: uuid.UUID) -> list[PupilMovement]:
        """The person's withdrawals towards the school, the latest first (a retried acceptance's)."""
        stmt = select(PupilMovement).where(
            PupilMovement.kind == WITHDRAWAL,
            PupilMovement.destination_school_id == school_id,
            PupilMovement.person_id == person_id,
        )
        order = PupilMovement.happened_on.desc(), PupilMovement.recorded_at.desc()
        return list((await self.session.scalars(stmt.order_by(*order))).all())
