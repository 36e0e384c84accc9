"""Contingent's facts scheduling keeps: which schools exist, under which municipality, in which time
zone, closed or not; each school's academic years with their dates; its classes with their class
teachers, subgroups with their pupils' dated stays, and staff (a dismissed member kept, flagged).

Each fact is stored with ``upsert_newer`` keyed on its ``occurred_at``: an older fact arriving late
changes nothing. A unit's place and its state are separate rows (``db.models``), so a late registration
neither moves a unit back nor reopens a closed one.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from eschool.common.bus import ConsumerDefinition
from eschool.common.db import UnitOfWork, upsert_newer
from eschool.common.db.staff import project_dismissal
from eschool.common.events import Envelope, Event
from eschool.common.events.contingent import (
    AcademicYearSetUpV1,
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
from eschool.scheduling.consumers.rosters import (
    hire_under_newest_name,
    on_person_changed,
    on_pupil_arrived,
    on_pupil_enrolled,
    on_pupil_promoted,
    on_pupil_transferred,
    on_pupil_withdrawn,
)
from eschool.scheduling.db.contingent import (
    ClassTeacher,
    SchoolClass,
    StaffMember,
    Subgroup,
    SubgroupMembership,
)
from eschool.scheduling.db.models import AcademicYear, Base, OrgUnit, OrgUnitState


async def on_org_unit_registered(event: Envelope[OrgUnitRegisteredV1], uow: UnitOfWork) -> None:
    """A new unit: its place in the tree, and its state (open, in its time zone)."""
    data = event.data
    await _place(uow, data.org_unit_id, data.kind, data.parent_id, data.occurred_at)
    await _state(uow, data.org_unit_id, data.time_zone, False, data.occurred_at)


async def on_org_unit_changed(event: Envelope[OrgUnitChangedV1], uow: UnitOfWork) -> None:
    """A unit's card changed: its time zone, closed or reopened."""
    data = event.data
    await _state(uow, data.org_unit_id, data.time_zone, data.closed, data.occurred_at)


async def on_org_unit_reassigned(event: Envelope[OrgUnitReassignedV1], uow: UnitOfWork) -> None:
    """A unit moved under another parent (a school to another municipality)."""
    data = event.data
    await _place(uow, data.org_unit_id, data.kind, data.parent_id, data.occurred_at)


async def on_academic_year_set_up(event: Envelope[AcademicYearSetUpV1], uow: UnitOfWork) -> None:
    """A school's academic year, or its new dates."""
    data = event.data
    values = {
        "academic_year_id": data.academic_year_id,
        "school_id": data.school_id,
        "name": data.name,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "source_version": data.occurred_at,
    }
    await upsert_newer(uow.session, AcademicYear.__table__, values, key=("academic_year_id",))


async def on_class_saved(event: Envelope[ClassSavedV1], uow: UnitOfWork) -> None:
    """A class's whole card: grade, letter, kind, shift, term scheme, size, and its class teacher."""
    data = event.data
    values = _columns(data, SchoolClass) | {"source_version": data.occurred_at}
    await upsert_newer(uow.session, SchoolClass.__table__, values, key=("class_id",))
    await _class_teacher(uow, data.class_id, data.school_id, data.class_teacher_person_id, data.occurred_at)


async def on_class_teacher_assigned(event: Envelope[ClassTeacherAssignedV1], uow: UnitOfWork) -> None:
    """A class's new class teacher, or none."""
    data = event.data
    await _class_teacher(uow, data.class_id, data.school_id, data.person_id, data.occurred_at)


async def on_subgroup_saved(event: Envelope[SubgroupSavedV1], uow: UnitOfWork) -> None:
    """A subgroup of a class, created or renamed."""
    data = event.data
    values = _columns(data, Subgroup) | {"source_version": data.occurred_at}
    await upsert_newer(uow.session, Subgroup.__table__, values, key=("subgroup_id",))


async def on_subgroup_membership_changed(
    event: Envelope[SubgroupMembershipChangedV1], uow: UnitOfWork
) -> None:
    """A pupil's stay in a subgroup began, or got its last day: the stay is kept with its dates."""
    data = event.data
    values = _columns(data, SubgroupMembership) | {"source_version": data.occurred_at}
    await upsert_newer(uow.session, SubgroupMembership.__table__, values, key=("membership_id",))


async def on_staff_hired(event: Envelope[StaffHiredV1], uow: UnitOfWork) -> None:
    """A staff member hired, or restored from the register of the dismissed (no longer flagged)."""
    await hire_under_newest_name(uow, event.data)


async def on_staff_dismissed(event: Envelope[StaffDismissedV1], uow: UnitOfWork) -> None:
    """A staff member dismissed: kept, flagged with the day (their future lessons need a substitute)."""
    await project_dismissal(uow.session, StaffMember.__table__, event.data)


def _columns(data: Event, model: type[Base]) -> dict[str, Any]:
    """The event's fields the projection's table has columns for (a v1 may gain fields it does not keep)."""
    return data.model_dump(include=set(model.__table__.columns.keys()) - {"source_version"})


async def _class_teacher(
    uow: UnitOfWork, class_id: uuid.UUID, school_id: uuid.UUID, person_id: uuid.UUID | None, at: datetime
) -> None:
    values = {"class_id": class_id, "school_id": school_id, "person_id": person_id, "source_version": at}
    await upsert_newer(uow.session, ClassTeacher.__table__, values, key=("class_id",))


async def _place(
    uow: UnitOfWork, org_unit_id: uuid.UUID, kind: str, parent_id: uuid.UUID | None, at: datetime
) -> None:
    values = {"org_unit_id": org_unit_id, "kind": kind, "parent_id": parent_id, "source_version": at}
    await upsert_newer(uow.session, OrgUnit.__table__, values, key=("org_unit_id",))


async def _state(
    uow: UnitOfWork, org_unit_id: uuid.UUID, time_zone: str | None, closed: bool, at: datetime
) -> None:
    values = {"org_unit_id": org_unit_id, "time_zone": time_zone, "closed": closed, "source_version": at}
    await upsert_newer(uow.session, OrgUnitState.__table__, values, key=("org_unit_id",))


CONTINGENT_EVENTS = ConsumerDefinition.of(
    "scheduling.contingent-events",
    {
        OrgUnitRegisteredV1: on_org_unit_registered,
        OrgUnitChangedV1: on_org_unit_changed,
        OrgUnitReassignedV1: on_org_unit_reassigned,
        AcademicYearSetUpV1: on_academic_year_set_up,
        ClassSavedV1: on_class_saved,
        ClassTeacherAssignedV1: on_class_teacher_assigned,
        SubgroupSavedV1: on_subgroup_saved,
        SubgroupMembershipChangedV1: on_subgroup_membership_changed,
        StaffHiredV1: on_staff_hired,
        StaffDismissedV1: on_staff_dismissed,
        PupilEnrolledV1: on_pupil_enrolled,
        PupilArrivedV1: on_pupil_arrived,
        PupilWithdrawnV1: on_pupil_withdrawn,
        PupilTransferredV1: on_pupil_transferred,
        PupilPromotedV1: on_pupil_promoted,
        PersonChangedV1: on_person_changed,
    },
)
