"""Every query of class rosters and individual curricula."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import or_, select

from eschool.common.db import Repository
from eschool.scheduling.db.individual_curricula import IndividualCurriculum
from eschool.scheduling.db.rosters import ClassStay, PersonName


class Rosters(Repository):
    """Who is in a class on a day, under which name."""

    async def roster(
        self, school_id: uuid.UUID, class_id: uuid.UUID, day: date
    ) -> list[tuple[ClassStay, PersonName | None]]:
        """The class's pupils on ``day`` (both ends of a stay included), by name."""
        stmt = (
            select(ClassStay, PersonName)
            .outerjoin(PersonName, PersonName.person_id == ClassStay.person_id)
            .where(ClassStay.school_id == school_id, ClassStay.class_id == class_id)
            .where(ClassStay.from_on <= day, or_(ClassStay.until_on.is_(None), ClassStay.until_on >= day))
            .order_by(
                PersonName.last_name, PersonName.first_name, PersonName.middle_name, ClassStay.person_id
            )
        )
        return [(stay, name) for stay, name in await self.session.execute(stmt)]

    async def in_class(
        self, school_id: uuid.UUID, class_id: uuid.UUID, person_id: uuid.UUID, day: date
    ) -> bool:
        """Whether the pupil is in the class on ``day``."""
        stay = await self.session.get(ClassStay, (school_id, person_id, class_id))
        return (
            stay is not None
            and stay.from_on is not None
            and stay.from_on <= day
            and (stay.until_on is None or stay.until_on >= day)
        )


class IndividualCurricula(Repository):
    """Pupils' individual curricula of a class."""

    async def one(self, individual_id: uuid.UUID, *, lock: bool = False) -> IndividualCurriculum | None:
        """An individual curriculum (locked: its edits queue)."""
        return await self.session.get(
            IndividualCurriculum, individual_id, with_for_update=lock, populate_existing=lock
        )

    async def of_class(self, school_id: uuid.UUID, class_id: uuid.UUID) -> Sequence[IndividualCurriculum]:
        """The class's individual curricula, by pupil and day."""
        stmt = select(IndividualCurriculum).where(
            IndividualCurriculum.school_id == school_id, IndividualCurriculum.class_id == class_id
        )
        stmt = stmt.order_by(IndividualCurriculum.person_id, IndividualCurriculum.from_on)
        return (await self.session.execute(stmt)).scalars().all()

    async def same_day(
        self, school_id: uuid.UUID, class_id: uuid.UUID, person_id: uuid.UUID, day: date
    ) -> IndividualCurriculum | None:
        """The pupil's individual curriculum in the class from that day."""
        stmt = select(IndividualCurriculum).where(
            IndividualCurriculum.school_id == school_id,
            IndividualCurriculum.class_id == class_id,
            IndividualCurriculum.person_id == person_id,
            IndividualCurriculum.from_on == day,
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()
