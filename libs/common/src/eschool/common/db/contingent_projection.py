"""The handlers that keep a service's projection of contingent's facts (scheduling and the journal keep
one, in tables of the same names): a unit's place in the org tree and its state (time zone, closed), a
class's card and its class teacher, subgroups with their pupils' dated stays, class rosters by date,
people's names, and staff.

Each fact is stored with ``upsert_newer`` keyed on its ``occurred_at``: an older fact arriving late
changes nothing. A unit's place and its state are separate rows, so a late registration neither moves
a unit back nor reopens a closed one; a class's teacher is its own row, so a late card does not take
back a newer assignment. The class stays' rules are ``class_stays.ClassStays``. Names: the newest of an
enrolment's, a hire's and a correction's wins, in the names and in the staff alike, whatever the order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any, Self

from pydantic import BaseModel
from sqlalchemy import MetaData, Table, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.common.db.class_stays import ClassStays
from eschool.common.db.person_names import keep_name, kept_name
from eschool.common.db.projection import upsert_newer
from eschool.common.db.staff import project_dismissal, project_hire, project_rename
from eschool.common.events import Envelope, Event
from eschool.common.events.contingent import (
    ClassSavedV1,
    ClassTeacherAssignedV1,
    OrgUnitChangedV1,
    OrgUnitReassignedV1,
    OrgUnitRegisteredV1,
    PersonChangedV1,
    PupilArrivedV1,
    PupilEnrolledV1,
    PupilPromotedV1,
    PupilTransferredV1,
    PupilWithdrawnV1,
    StaffDismissedV1,
    StaffHiredV1,
    SubgroupMembershipChangedV1,
    SubgroupSavedV1,
)

if TYPE_CHECKING:
    from eschool.common.bus.consumer import Handler
    from eschool.common.db.uow import UnitOfWork


def columns(data: BaseModel, table: Table) -> dict[str, Any]:
    """The fields of an event (or its part) the table has columns for (a v1 may gain others)."""
    return data.model_dump(include=set(table.columns.keys()) - {"source_version"})


async def keep_card(uow: UnitOfWork, table: Table, data: Any, *, key: str) -> None:
    """Keep the fields of an event that carries a whole card (a class, a year, a subgroup) in the table's
    columns, versioned by the event's ``occurred_at``: an older card arriving late changes nothing."""
    values = columns(data, table) | {"source_version": data.occurred_at}
    await upsert_newer(uow.session, table, values, key=(key,))


class ClassTeacherNode:
    """The columns of a class's class teacher (mix into a service's model of table ``class_teacher``): its
    own row and version, so a late class card does not take back a newer assignment (None: none)."""

    class_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    source_version: Mapped[datetime] = mapped_column(UtcDateTime)


@dataclass(frozen=True)
class OrgTreeProjection:
    """A service's tables of contingent's org tree (a unit's place, its state), and their handlers: all a
    service that only needs to know the schools keeps (enrolment)."""

    org_unit: Table
    org_unit_state: Table

    @classmethod
    def of(cls, metadata: MetaData) -> Self:
        """The projection in the service's tables named after the fields (``org_unit``, ``class_stay``...)."""
        return cls(**{field.name: metadata.tables[field.name] for field in fields(cls)})

    def handlers(self) -> dict[type[Event], Handler]:
        """The handler of each contingent event these tables follow."""
        return {
            OrgUnitRegisteredV1: self.on_org_unit_registered,
            OrgUnitChangedV1: self.on_org_unit_changed,
            OrgUnitReassignedV1: self.on_org_unit_reassigned,
        }

    async def on_org_unit_registered(self, event: Envelope[OrgUnitRegisteredV1], uow: UnitOfWork) -> None:
        """A new unit: its place in the tree, and its state (its name, open, in its time zone)."""
        data = event.data
        await self._place(uow, data.org_unit_id, data.kind, data.parent_id, data.occurred_at)
        await self._state(uow, data.org_unit_id, data.short_name, data.time_zone, False, data.occurred_at)

    async def on_org_unit_changed(self, event: Envelope[OrgUnitChangedV1], uow: UnitOfWork) -> None:
        """A unit's card changed: its name, its time zone, closed or reopened."""
        data = event.data
        await self._state(
            uow, data.org_unit_id, data.short_name, data.time_zone, data.closed, data.occurred_at
        )

    async def on_org_unit_reassigned(self, event: Envelope[OrgUnitReassignedV1], uow: UnitOfWork) -> None:
        """A unit moved under another parent (a school to another municipality)."""
        data = event.data
        await self._place(uow, data.org_unit_id, data.kind, data.parent_id, data.occurred_at)

    async def _place(
        self, uow: UnitOfWork, org_unit_id: uuid.UUID, kind: str, parent_id: uuid.UUID | None, at: datetime
    ) -> None:
        values = {"org_unit_id": org_unit_id, "kind": kind, "parent_id": parent_id, "source_version": at}
        await upsert_newer(uow.session, self.org_unit, values, key=("org_unit_id",))

    async def _state(
        self,
        uow: UnitOfWork,
        org_unit_id: uuid.UUID,
        short_name: str | None,
        time_zone: str | None,
        closed: bool,
        at: datetime,
    ) -> None:
        values = {
            "org_unit_id": org_unit_id,
            "short_name": short_name,
            "time_zone": time_zone,
            "closed": closed,
            "source_version": at,
        }
        await upsert_newer(uow.session, self.org_unit_state, values, key=("org_unit_id",))


@dataclass(frozen=True)
class ContingentProjection(OrgTreeProjection):
    """A service's tables of contingent's facts, and the handlers keeping them (``handlers()``)."""

    school_class: Table
    class_teacher: Table
    subgroup: Table
    subgroup_membership: Table
    staff_member: Table
    person_name: Table
    class_stay: Table

    def handlers(self) -> dict[type[Event], Handler]:
        """The handler of each contingent event these tables follow."""
        return {
            **super().handlers(),
            ClassSavedV1: self.on_class_saved,
            ClassTeacherAssignedV1: self.on_class_teacher_assigned,
            SubgroupSavedV1: self.on_subgroup_saved,
            SubgroupMembershipChangedV1: self.on_subgroup_membership_changed,
            StaffHiredV1: self.on_staff_hired,
            StaffDismissedV1: self.on_staff_dismissed,
            PupilEnrolledV1: self.on_pupil_enrolled,
            PupilArrivedV1: self.on_pupil_arrived,
            PupilWithdrawnV1: self.on_pupil_withdrawn,
            PupilTransferredV1: self.on_pupil_transferred,
            PupilPromotedV1: self.on_pupil_promoted,
            PersonChangedV1: self.on_person_changed,
        }

    async def on_class_saved(self, event: Envelope[ClassSavedV1], uow: UnitOfWork) -> None:
        """A class's whole card (the columns the service keeps of it), and its class teacher."""
        data = event.data
        await keep_card(uow, self.school_class, data, key="class_id")
        await self._class_teacher(
            uow, data.class_id, data.school_id, data.class_teacher_person_id, data.occurred_at
        )

    async def on_class_teacher_assigned(
        self, event: Envelope[ClassTeacherAssignedV1], uow: UnitOfWork
    ) -> None:
        """A class's new class teacher, or none."""
        data = event.data
        await self._class_teacher(uow, data.class_id, data.school_id, data.person_id, data.occurred_at)

    async def on_subgroup_saved(self, event: Envelope[SubgroupSavedV1], uow: UnitOfWork) -> None:
        """A subgroup of a class, created or renamed."""
        await keep_card(uow, self.subgroup, event.data, key="subgroup_id")

    async def on_subgroup_membership_changed(
        self, event: Envelope[SubgroupMembershipChangedV1], uow: UnitOfWork
    ) -> None:
        """A pupil's stay in a subgroup began, or got its last day: the stay is kept with its dates."""
        await keep_card(uow, self.subgroup_membership, event.data, key="membership_id")

    async def on_staff_hired(self, event: Envelope[StaffHiredV1], uow: UnitOfWork) -> None:
        """A staff member hired or restored (no longer flagged), under the person's newest name (the
        hire's, or a later correction's)."""
        data, session = event.data, uow.session
        await project_hire(session, self.staff_member, data)
        if data.name is not None:
            await keep_name(session, self.person_name, data.person_id, data.name, data.occurred_at)
        kept = await kept_name(session, self.person_name, data.person_id)
        if kept is not None:
            await project_rename(session, self.staff_member, data.person_id, *kept, school_id=data.school_id)

    async def on_staff_dismissed(self, event: Envelope[StaffDismissedV1], uow: UnitOfWork) -> None:
        """A staff member dismissed: kept, flagged with the day (their records still name them)."""
        await project_dismissal(uow.session, self.staff_member, event.data)

    async def on_pupil_enrolled(self, event: Envelope[PupilEnrolledV1], uow: UnitOfWork) -> None:
        """A pupil enrolled into a class (or returned to it): in its roster from the day, under the name."""
        data = event.data
        await self._stays(uow).enrolled(data)
        if data.name is not None:
            await keep_name(uow.session, self.person_name, data.person_id, data.name, data.occurred_at)

    async def on_pupil_arrived(self, event: Envelope[PupilArrivedV1], uow: UnitOfWork) -> None:
        """A pupil accepted from the arrivals list: in the class's roster from the day of arrival."""
        await self._stays(uow).arrived(event.data)

    async def on_pupil_withdrawn(self, event: Envelope[PupilWithdrawnV1], uow: UnitOfWork) -> None:
        """A pupil left the school: the stay in the class ends on the day of withdrawal."""
        await self._stays(uow).withdrawn(event.data)

    async def on_pupil_transferred(self, event: Envelope[PupilTransferredV1], uow: UnitOfWork) -> None:
        """A pupil moved to another class of the school from a day."""
        await self._stays(uow).transferred(event.data)

    async def on_pupil_promoted(self, event: Envelope[PupilPromotedV1], uow: UnitOfWork) -> None:
        """A pupil carried into the next grade's class (or the promotion cancelled: the old stay goes on)."""
        await self._stays(uow).promoted(event.data)

    async def on_person_changed(self, event: Envelope[PersonChangedV1], uow: UnitOfWork) -> None:
        """A person's card corrected: the new name everywhere they are shown, unless a newer one is there."""
        data = event.data
        await keep_name(uow.session, self.person_name, data.person_id, data.name, data.occurred_at)
        await project_rename(uow.session, self.staff_member, data.person_id, data.name, data.occurred_at)

    def _stays(self, uow: UnitOfWork) -> ClassStays:
        return ClassStays(uow.session, self.class_stay)

    async def _class_teacher(
        self,
        uow: UnitOfWork,
        class_id: uuid.UUID,
        school_id: uuid.UUID,
        person_id: uuid.UUID | None,
        at: datetime,
    ) -> None:
        values = {"class_id": class_id, "school_id": school_id, "person_id": person_id, "source_version": at}
        await upsert_newer(uow.session, self.class_teacher, values, key=("class_id",))
