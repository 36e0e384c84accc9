"""Contingent's class rosters and people's names, as scheduling keeps them (``db.rosters``).

A transfer or a promotion is the last day of the stay in the old class (the day before) and the first
of the stay in the new one; a cancelled promotion ends the new stay before it begins and lets the old
one go on. Names: the newest of an enrolment's, a hire's and a correction's wins, in the pupils' names
and in the staff projection alike, whatever order they arrive in.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import or_, update

from eschool.common.db import UnitOfWork, upsert_newer
from eschool.common.db.person_names import keep_name, kept_name
from eschool.common.db.staff import project_hire, project_rename
from eschool.common.events import Envelope
from eschool.common.events.contingent import (
    PersonChangedV1,
    PupilArrivedV1,
    PupilEnrolledV1,
    PupilPromotedV1,
    PupilTransferredV1,
    PupilWithdrawnV1,
    StaffHiredV1,
)
from eschool.scheduling.db.contingent import StaffMember
from eschool.scheduling.db.rosters import ClassStay, PersonName

STAFF = StaffMember.__table__
STAYS = ClassStay.__table__
NAMES = PersonName.__table__


async def on_pupil_enrolled(event: Envelope[PupilEnrolledV1], uow: UnitOfWork) -> None:
    """A pupil enrolled into a class (or returned to it): in its roster from the day, under the name."""
    data = event.data
    await _open(uow, data.school_id, data.person_id, data.class_id, data.enrolled_on, data.occurred_at)
    if data.name is not None:
        await keep_name(uow.session, NAMES, data.person_id, data.name, data.occurred_at)


async def on_pupil_arrived(event: Envelope[PupilArrivedV1], uow: UnitOfWork) -> None:
    """A pupil accepted from the arrivals list: in the class's roster from the day of arrival."""
    data = event.data
    await _open(uow, data.school_id, data.person_id, data.class_id, data.arrived_on, data.occurred_at)


async def on_pupil_withdrawn(event: Envelope[PupilWithdrawnV1], uow: UnitOfWork) -> None:
    """A pupil left the school: the stay in the class ends on the day of withdrawal."""
    data = event.data
    if data.class_id is not None:
        await _end(uow, data.school_id, data.person_id, data.class_id, data.withdrawn_on, data.occurred_at)
        return
    stmt = (
        update(STAYS)
        .where(STAYS.c.school_id == data.school_id, STAYS.c.person_id == data.person_id)
        .where(STAYS.c.until_on.is_(None), STAYS.c.source_version < data.occurred_at)
        .values(until_on=data.withdrawn_on, source_version=data.occurred_at)
    )
    await uow.session.execute(stmt)


async def on_pupil_transferred(event: Envelope[PupilTransferredV1], uow: UnitOfWork) -> None:
    """A pupil moved to another class of the school from a day."""
    data = event.data
    ids = (data.school_id, data.person_id, data.from_class_id, data.to_class_id)
    await _move(uow, *ids, data.transferred_on, data.occurred_at)


async def on_pupil_promoted(event: Envelope[PupilPromotedV1], uow: UnitOfWork) -> None:
    """A pupil carried into the next grade's class (or the promotion cancelled: the old stay goes on)."""
    data = event.data
    ids, at = (data.school_id, data.person_id), data.occurred_at
    if not data.cancelled:
        await _move(uow, *ids, data.from_class_id, data.to_class_id, data.promoted_on, at)
        return
    await _end(uow, *ids, data.to_class_id, data.promoted_on - timedelta(days=1), at)
    await _end(uow, *ids, data.from_class_id, None, at)


async def hire_under_newest_name(uow: UnitOfWork, data: StaffHiredV1) -> None:
    """Keep a hire or a restoration, under the person's newest name (the hire's, or a later correction's)."""
    await project_hire(uow.session, STAFF, data)
    if data.name is not None:
        await keep_name(uow.session, NAMES, data.person_id, data.name, data.occurred_at)
    kept = await kept_name(uow.session, NAMES, data.person_id)
    if kept is not None:
        await project_rename(uow.session, STAFF, data.person_id, *kept, school_id=data.school_id)


async def on_person_changed(event: Envelope[PersonChangedV1], uow: UnitOfWork) -> None:
    """A person's card corrected: the new name everywhere they are shown, unless a newer one is there."""
    data = event.data
    await keep_name(uow.session, NAMES, data.person_id, data.name, data.occurred_at)
    await project_rename(uow.session, STAFF, data.person_id, data.name, data.occurred_at)


async def _move(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    person_id: uuid.UUID,
    from_class_id: uuid.UUID,
    to_class_id: uuid.UUID,
    day: date,
    at: datetime,
) -> None:
    await _end(uow, school_id, person_id, from_class_id, day - timedelta(days=1), at)
    await _open(uow, school_id, person_id, to_class_id, day, at)


async def _open(
    uow: UnitOfWork, school_id: uuid.UUID, person_id: uuid.UUID, class_id: uuid.UUID, day: date, at: datetime
) -> None:
    await _end(uow, school_id, person_id, class_id, None, at)
    stmt = (
        update(STAYS)
        .where(STAYS.c.school_id == school_id, STAYS.c.person_id == person_id, STAYS.c.class_id == class_id)
        .where(or_(STAYS.c.opened_at.is_(None), STAYS.c.opened_at < at))
        .values(from_on=day, opened_at=at)
    )
    await uow.session.execute(stmt)


async def _end(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    person_id: uuid.UUID,
    class_id: uuid.UUID,
    last_day: date | None,
    at: datetime,
) -> None:
    """The stay's state as of ``at``: going on (``last_day`` None) or ended on ``last_day``."""
    values = {"school_id": school_id, "person_id": person_id, "class_id": class_id}
    values |= {"until_on": last_day, "source_version": at}
    await upsert_newer(uow.session, STAYS, values, key=("school_id", "person_id", "class_id"))
