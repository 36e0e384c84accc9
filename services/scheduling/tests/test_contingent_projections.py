"""Contingent's classes, subgroups and staff kept by scheduling: once per event, and never overwritten by
an older one; a dismissed teacher kept and flagged, a restored one no longer flagged."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from eschool.common.db import as_utc, utcnow
from eschool.common.events.contingent import ClassTeacherAssignedV1
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.scheduling.db.contingent import (
    ClassTeacher,
    SchoolClass,
    StaffMember,
    Subgroup,
    SubgroupMembership,
)

from .contingent_facts import class_saved, dismissed, hired, stay, subgroup_saved

MINUTE = timedelta(minutes=1)


async def _get(scheduling: ServiceRuntime, model: type, *key: object) -> object:
    async with scheduling.database.uow() as uow:
        row = await uow.session.get(model, key if len(key) > 1 else key[0])
    assert row is not None
    return row


async def test_a_class_card_delivered_twice_is_kept_once_and_an_older_one_changes_nothing(
    scheduling: ServiceRuntime, deliver: Deliver
) -> None:
    class_id, school, year, teacher, now = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), utcnow()
    card, event_id = class_saved(class_id, school, year, letter="Б", teacher=teacher, at=now), uuid.uuid4()
    await deliver(card, event_id=event_id)
    await deliver(card, event_id=event_id)
    await deliver(class_saved(class_id, school, year, letter="А", teacher=None, at=now - MINUTE))
    kept = await _get(scheduling, SchoolClass, class_id)
    assert isinstance(kept, SchoolClass)
    assert (kept.grade, kept.letter, kept.shift, kept.max_size, kept.kind) == (5, "Б", 2, 25, "general")
    assert kept.school_id == school
    assert kept.academic_year_id == year
    led = await _get(scheduling, ClassTeacher, class_id)
    assert isinstance(led, ClassTeacher)
    assert led.person_id == teacher


async def test_an_assignment_before_the_card_is_not_taken_back_by_the_older_card(
    scheduling: ServiceRuntime, deliver: Deliver
) -> None:
    class_id, school, year, old, new, now = (*(uuid.uuid4() for _ in range(5)), utcnow())
    assigned = ClassTeacherAssignedV1(
        class_id=class_id, school_id=school, person_id=new, previous_person_id=old, occurred_at=now
    )
    await deliver(assigned)
    await deliver(class_saved(class_id, school, year, teacher=old, at=now - MINUTE))
    led = await _get(scheduling, ClassTeacher, class_id)
    assert isinstance(led, ClassTeacher)
    assert led.person_id == new
    assert isinstance(await _get(scheduling, SchoolClass, class_id), SchoolClass)
    none = assigned.model_copy(
        update={"person_id": None, "previous_person_id": new, "occurred_at": now + MINUTE}
    )
    await deliver(none)
    led = await _get(scheduling, ClassTeacher, class_id)
    assert isinstance(led, ClassTeacher)
    assert led.person_id is None


async def test_a_subgroup_keeps_its_newest_name_and_a_stay_its_last_day(
    scheduling: ServiceRuntime, deliver: Deliver
) -> None:
    subgroup, class_id, school, year, pupil, membership = (uuid.uuid4() for _ in range(6))
    now = utcnow()
    await deliver(subgroup_saved(subgroup, class_id, school, year, name="Группа Ивановой", at=now))
    await deliver(subgroup_saved(subgroup, class_id, school, year, name="1 группа", at=now - MINUTE))
    kept = await _get(scheduling, Subgroup, subgroup)
    assert isinstance(kept, Subgroup)
    assert (kept.division, kept.name) == ("Английский язык", "Группа Ивановой")
    begun = stay(membership, subgroup, class_id, school, pupil, date(2025, 9, 1), at=now - MINUTE)
    ended = stay(membership, subgroup, class_id, school, pupil, date(2025, 9, 1), date(2025, 12, 31), at=now)
    event_id = uuid.uuid4()
    await deliver(ended)
    await deliver(begun, event_id=event_id)
    await deliver(begun, event_id=event_id)
    kept_stay = await _get(scheduling, SubgroupMembership, membership)
    assert isinstance(kept_stay, SubgroupMembership)
    assert (kept_stay.from_on, kept_stay.until_on) == (date(2025, 9, 1), date(2025, 12, 31))
    assert (kept_stay.person_id, kept_stay.subgroup_id, kept_stay.school_id) == (pupil, subgroup, school)


async def test_a_dismissed_teacher_is_kept_flagged_and_a_late_hire_does_not_clear_the_flag(
    scheduling: ServiceRuntime, deliver: Deliver
) -> None:
    person, school, now = uuid.uuid4(), uuid.uuid4(), utcnow()
    hire, event_id = hired(person, school, at=now - MINUTE), uuid.uuid4()
    await deliver(hire, event_id=event_id)
    await deliver(dismissed(person, school, on=date(2025, 11, 14), at=now))
    await deliver(hire, event_id=event_id)
    await deliver(hired(person, school, last_name="Сидорова", at=now - 2 * MINUTE))
    member = await _get(scheduling, StaffMember, school, person)
    assert isinstance(member, StaffMember)
    assert member.dismissed_on == date(2025, 11, 14)
    assert member.last_name == "Петрова"
    assert member.hired_at is not None
    assert as_utc(member.hired_at) == hire.occurred_at


async def test_a_restoration_clears_the_flag(scheduling: ServiceRuntime, deliver: Deliver) -> None:
    person, school, now = uuid.uuid4(), uuid.uuid4(), utcnow()
    await deliver(hired(person, school, at=now - 2 * MINUTE), dismissed(person, school, at=now - MINUTE))
    await deliver(hired(person, school, last_name="Петрова-Иванова", restored=True, at=now))
    member = await _get(scheduling, StaffMember, school, person)
    assert isinstance(member, StaffMember)
    assert member.dismissed_on is None
    assert member.last_name == "Петрова-Иванова"


async def test_a_dismissal_arriving_before_the_hire_keeps_both_the_flag_and_the_name(
    scheduling: ServiceRuntime, deliver: Deliver
) -> None:
    person, school, now = uuid.uuid4(), uuid.uuid4(), utcnow()
    await deliver(dismissed(person, school, at=now))
    member = await _get(scheduling, StaffMember, school, person)
    assert isinstance(member, StaffMember)
    assert member.name is None
    await deliver(hired(person, school, at=now - MINUTE))
    member = await _get(scheduling, StaffMember, school, person)
    assert isinstance(member, StaffMember)
    assert member.dismissed_on == date(2025, 11, 14)
    assert (member.last_name, member.first_name, member.middle_name) == ("Петрова", "Анна", "Сергеевна")


async def test_one_person_in_two_schools_is_two_staff_members(
    scheduling: ServiceRuntime, deliver: Deliver
) -> None:
    person, school_a, school_b = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await deliver(hired(person, school_a), hired(person, school_b))
    await deliver(dismissed(person, school_a))
    kept_a = await _get(scheduling, StaffMember, school_a, person)
    kept_b = await _get(scheduling, StaffMember, school_b, person)
    assert isinstance(kept_a, StaffMember)
    assert isinstance(kept_b, StaffMember)
    assert kept_a.dismissed_on is not None
    assert kept_b.dismissed_on is None
