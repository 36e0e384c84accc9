"""The enrolment applications contingent has acted on (``application_enrolment``), and their queries
(``Applications``).

One row per application, whatever the enrolment service sends: the pupil's stay it created, or the
refusal with its code and Russian detail (a later assignment of a refused application, to another class
say, is tried again on the same row). The row is claimed first, by its key, in the transaction
that enrols: a second delivery of the application (a redelivery, or a re-sent event with a new id)
waits on that key and then finds it taken, so no child is enrolled twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, Uuid, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db import Repository
from eschool.common.db.base import UtcDateTime, as_utc
from eschool.contingent.db.models import Base
from eschool.contingent.db.people import PupilEnrolment

ENROLLED = "enrolled"
REFUSED = "refused"


class ApplicationEnrolment(Base):
    """What came of an application assigned to a class: ``enrolled`` (the stay) or ``refused`` (why)."""

    __tablename__ = "application_enrolment"

    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    class_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    pupil_enrolment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("pupil_enrolment.pupil_enrolment_id")
    )
    outcome: Mapped[str] = mapped_column(String(10))  # enrolled, refused
    refusal_code: Mapped[str | None] = mapped_column(String(60))
    refusal_detail: Mapped[str | None] = mapped_column(Text)
    # When enrolment assigned the application (its event's occurred_at): a later assignment of a refused
    # application (another class, once places are found) is tried again; the same one never is.
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


_INSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


class Applications(Repository):
    """The queries of applications' outcomes and of the personal file numbers they are given."""

    async def claim(
        self,
        application_id: uuid.UUID,
        school_id: uuid.UUID,
        class_id: uuid.UUID,
        *,
        assigned_at: datetime,
        at: datetime,
    ) -> ApplicationEnrolment | None:
        """The application's row to act on, provisionally ``enrolled`` (the caller records a refusal on it
        before commit): inserted now, or a refused one taken back for a later assignment; None if the
        application was carried out, or refused for this assignment or a later one. A concurrent claim
        waits on the key (or the row's lock) until the first commits."""
        insert = _INSERTS.get(self.session.get_bind().dialect.name, sqlite_insert)
        values = {"application_id": application_id, "school_id": school_id, "class_id": class_id}
        stmt = (
            insert(ApplicationEnrolment)
            .values(**values, outcome=ENROLLED, assigned_at=assigned_at, created_at=at)
            .on_conflict_do_nothing(index_elements=["application_id"])
            .returning(ApplicationEnrolment.application_id)
        )
        if (await self.session.execute(stmt)).scalar() is not None:
            return await self.session.get(ApplicationEnrolment, application_id)
        row = await self.session.get(
            ApplicationEnrolment, application_id, with_for_update=True, populate_existing=True
        )
        if row is None or row.outcome != REFUSED or assigned_at <= as_utc(row.assigned_at):
            return None
        row.outcome, row.class_id, row.assigned_at = ENROLLED, class_id, assigned_at
        row.refusal_code = row.refusal_detail = None
        return row

    async def file_numbers_like(self, school_id: uuid.UUID, prefix: str) -> list[str]:
        """The school's personal file numbers (of any stay, past ones too) that start with ``prefix``."""
        stmt = select(PupilEnrolment.personal_file_number).where(
            PupilEnrolment.school_id == school_id,
            PupilEnrolment.personal_file_number.startswith(prefix, autoescape=True),
        )
        return list((await self.session.scalars(stmt)).all())
