"""Contingent's class rosters and people's names, as scheduling keeps them (``db.rosters``; the stays'
rules are ``eschool.common.db.class_stays``). Names: the newest of an enrolment's, a hire's and a
correction's wins, in the pupils' names and in the staff projection alike, whatever order they arrive.
"""

from __future__ import annotations

from eschool.common.db import UnitOfWork
from eschool.common.db.class_stays import ClassStays
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
    await ClassStays(uow.session, STAYS).enrolled(data)
    if data.name is not None:
        await keep_name(uow.session, NAMES, data.person_id, data.name, data.occurred_at)


async def on_pupil_arrived(event: Envelope[PupilArrivedV1], uow: UnitOfWork) -> None:
    """A pupil accepted from the arrivals list: in the class's roster from the day of arrival."""
    await ClassStays(uow.session, STAYS).arrived(event.data)


async def on_pupil_withdrawn(event: Envelope[PupilWithdrawnV1], uow: UnitOfWork) -> None:
    """A pupil left the school: the stay in the class ends on the day of withdrawal."""
    await ClassStays(uow.session, STAYS).withdrawn(event.data)


async def on_pupil_transferred(event: Envelope[PupilTransferredV1], uow: UnitOfWork) -> None:
    """A pupil moved to another class of the school from a day."""
    await ClassStays(uow.session, STAYS).transferred(event.data)


async def on_pupil_promoted(event: Envelope[PupilPromotedV1], uow: UnitOfWork) -> None:
    """A pupil carried into the next grade's class (or the promotion cancelled: the old stay goes on)."""
    await ClassStays(uow.session, STAYS).promoted(event.data)


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
