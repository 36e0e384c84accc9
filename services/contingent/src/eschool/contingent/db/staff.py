"""Staff members' employments in schools (``staff_employment``) and the queries on them (``Staff``).

An employment is a person's work in one school, from hiring to dismissal. One physical person may work in
several schools (seed 000, point 6): one ``person`` row, one employment per school. The row stays after
dismissal (``dismissed_on``): that is the school's register of the dismissed, from which the same row is
restored, so a school has at most one employment per person (``uq_staff_employment_school_id_person_id``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint, Uuid, select, update
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db import Repository
from eschool.common.db.base import UtcDateTime
from eschool.contingent.db.models import AcademicYear, Base, OrgUnit, SchoolClass
from eschool.contingent.db.people import Person

MAX_POSITION_LENGTH = 100
MAX_REASON_LENGTH = 500


class StaffEmployment(Base):
    """A person's work in a school: the position, when hired, when and why dismissed (None: working)."""

    __tablename__ = "staff_employment"
    __table_args__ = (UniqueConstraint("school_id", "person_id"),)

    staff_employment_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.org_unit_id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.person_id"), index=True)
    # Free text («учитель», «заместитель директора по УВР»): schools' staff lists name positions their own
    # way; what a staff member may do in the system is a role in identity, not this.
    position: Mapped[str] = mapped_column(String(MAX_POSITION_LENGTH))
    hired_on: Mapped[date] = mapped_column(Date)
    hired_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    dismissed_on: Mapped[date | None] = mapped_column(Date)
    dismissal_reason: Mapped[str | None] = mapped_column(String(MAX_REASON_LENGTH))
    dismissed_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Staff(Repository):
    """The queries of staff members' employments."""

    async def employment(self, school_id: uuid.UUID, person_id: uuid.UUID) -> StaffEmployment | None:
        """The person's employment in the school (working or dismissed), if any."""
        return await self.session.scalar(
            select(StaffEmployment).where(
                StaffEmployment.school_id == school_id, StaffEmployment.person_id == person_id
            )
        )

    async def of_person(self, person_id: uuid.UUID) -> list[StaffEmployment]:
        """The person's employments in every school, dismissed ones included."""
        stmt = select(StaffEmployment).where(StaffEmployment.person_id == person_id)
        return list((await self.session.scalars(stmt)).all())

    async def of_school(
        self, school_id: uuid.UUID, *, include_dismissed: bool
    ) -> list[tuple[StaffEmployment, Person]]:
        """The school's staff with their persons (unordered: names sort the way people read them)."""
        stmt = (
            select(StaffEmployment, Person)
            .join(Person, Person.person_id == StaffEmployment.person_id)
            .where(StaffEmployment.school_id == school_id)
        )
        if not include_dismissed:
            stmt = stmt.where(StaffEmployment.dismissed_on.is_(None))
        return [(row[0], row[1]) for row in await self.session.execute(stmt)]

    async def classes_led(
        self, school_id: uuid.UUID, person_id: uuid.UUID, *, since: date
    ) -> list[tuple[SchoolClass, AcademicYear]]:
        """The school's classes the person is class teacher of, in years not ended before ``since``."""
        stmt = (
            select(SchoolClass, AcademicYear)
            .join(AcademicYear, AcademicYear.academic_year_id == SchoolClass.academic_year_id)
            .where(
                SchoolClass.school_id == school_id,
                SchoolClass.class_teacher_person_id == person_id,
                AcademicYear.ends_on >= since,
            )
            .order_by(AcademicYear.starts_on, SchoolClass.grade, SchoolClass.letter)
        )
        return [(row[0], row[1]) for row in await self.session.execute(stmt)]

    async def lock_school(self, school_id: uuid.UUID) -> None:
        """Hold the school until commit: hires into it take turns (who works there is checked, then grows)."""
        # A no-op UPDATE locks the row on PostgreSQL and takes SQLite's write lock (see OrgUnits.locked).
        stmt = update(OrgUnit).where(OrgUnit.org_unit_id == school_id).values(version=OrgUnit.version)
        await self.session.execute(stmt.execution_options(synchronize_session=False))

    async def lock_employment(self, employment_id: uuid.UUID) -> StaffEmployment | None:
        """The employment as it is now, held until commit (a dismissal and a restore take turns)."""
        stmt = (
            update(StaffEmployment)
            .where(StaffEmployment.staff_employment_id == employment_id)
            .values(version=StaffEmployment.version)
        )
        await self.session.execute(stmt.execution_options(synchronize_session=False))
        return await self.session.get(StaffEmployment, employment_id, populate_existing=True)
