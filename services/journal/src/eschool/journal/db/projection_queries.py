"""Reads of the journal's projections of contingent and scheduling (``db.models``, ``db.schedule``): a
lesson and who is in it on its day, classes and their class teachers, names, substitutes, terms,
guardians' links, and a school's time zone."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy import BindParameter, ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from eschool.common.events.contingent import FullName
from eschool.journal.db.models import (
    ClassStay,
    ClassTeacher,
    GuardianLink,
    OrgUnitState,
    PersonName,
    SchoolClass,
    SubgroupMembership,
)
from eschool.journal.db.schedule import Lesson, Substitution, Term


def covers(
    stay: type[ClassStay] | type[SubgroupMembership], day: date | BindParameter[date]
) -> ColumnElement[bool]:
    """The stay takes in ``day``, a date or a statement's parameter (a stay whose first day is not known
    yet takes in none)."""
    return (stay.from_on <= day) & or_(stay.until_on.is_(None), stay.until_on >= day)


class Projections:
    """Queries of what the journal keeps of other services' facts."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lesson(self, lesson_id: uuid.UUID) -> Lesson | None:
        """The lesson as scheduling last said (cancelled ones too)."""
        return await self.session.get(Lesson, lesson_id)

    async def class_of(self, class_id: uuid.UUID) -> SchoolClass | None:
        """The class's card."""
        return await self.session.get(SchoolClass, class_id)

    async def term(self, term_id: uuid.UUID) -> Term | None:
        """The term with its dates and state."""
        return await self.session.get(Term, term_id)

    async def roster_on(self, school_id: uuid.UUID, class_id: uuid.UUID, day: date) -> list[uuid.UUID]:
        """The class's pupils on the day."""
        s = ClassStay
        stmt = select(s.person_id).where(s.school_id == school_id, s.class_id == class_id, covers(s, day))
        return list((await self.session.scalars(stmt.order_by(ClassStay.person_id))).all())

    async def subgroup_roster_on(
        self, school_id: uuid.UUID, subgroup_id: uuid.UUID, day: date
    ) -> list[uuid.UUID]:
        """The subgroup's pupils on the day."""
        member = SubgroupMembership
        stmt = select(member.person_id).where(
            member.school_id == school_id, member.subgroup_id == subgroup_id
        )
        stmt = stmt.where(covers(member, day))
        return list((await self.session.scalars(stmt.distinct().order_by(member.person_id))).all())

    async def lesson_roster(self, lesson: Lesson) -> list[uuid.UUID]:
        """Who the lesson is for on its day: its subgroup's pupils, or its class's."""
        if lesson.subgroup_id is not None:
            return await self.subgroup_roster_on(lesson.school_id, lesson.subgroup_id, lesson.lesson_on)
        return await self.roster_on(lesson.school_id, lesson.class_id, lesson.lesson_on)

    async def names(self, person_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, FullName]:
        """The kept names of the people (those without one are left out)."""
        stmt = select(PersonName).where(PersonName.person_id.in_(set(person_ids)))
        return {row.person_id: row.name for row in await self.session.scalars(stmt)}

    async def active_substitute(self, lesson_id: uuid.UUID) -> uuid.UUID | None:
        """The substitute teaching the lesson now, if any (the newest, should there be two)."""
        stmt = select(Substitution.substitute_person_id).where(
            Substitution.lesson_id == lesson_id, Substitution.removed.is_(False)
        )
        return await self.session.scalar(stmt.order_by(Substitution.source_version.desc()).limit(1))

    async def class_teacher_of(self, class_id: uuid.UUID) -> uuid.UUID | None:
        """The class's class teacher, if it has one."""
        return await self.session.scalar(
            select(ClassTeacher.person_id).where(ClassTeacher.class_id == class_id)
        )

    async def guardian_of(self, guardian_person_id: uuid.UUID, pupil_person_id: uuid.UUID) -> bool:
        """Whether the guardian is linked to the pupil (in any school)."""
        stmt = select(GuardianLink.school_id).where(
            GuardianLink.guardian_person_id == guardian_person_id,
            GuardianLink.pupil_person_id == pupil_person_id,
            GuardianLink.linked.is_(True),
        )
        return await self.session.scalar(stmt.limit(1)) is not None

    async def children_of(self, guardian_person_id: uuid.UUID) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """The pupils the guardian is linked to, each with its school: (pupil, school)."""
        link = GuardianLink
        stmt = select(link.pupil_person_id, link.school_id).where(
            link.guardian_person_id == guardian_person_id, link.linked.is_(True)
        )
        rows = await self.session.execute(stmt.order_by(link.school_id, link.pupil_person_id))
        return [(pupil, school) for pupil, school in rows]

    async def classes_of_pupil_on(self, pupil_person_id: uuid.UUID, day: date) -> list[ClassStay]:
        """The pupil's stays in classes that take in the day, in any school."""
        stmt = select(ClassStay).where(ClassStay.person_id == pupil_person_id, covers(ClassStay, day))
        return list((await self.session.scalars(stmt)).all())

    async def school_time_zone(self, school_id: uuid.UUID) -> str | None:
        """The school's IANA time zone, if contingent said it."""
        stmt = select(OrgUnitState.time_zone).where(OrgUnitState.org_unit_id == school_id)
        return await self.session.scalar(stmt)

    time_zone = school_time_zone

    async def unit_name(self, org_unit_id: uuid.UUID) -> str | None:
        """The unit's name as reports show it (a school's), if contingent said it."""
        stmt = select(OrgUnitState.short_name).where(OrgUnitState.org_unit_id == org_unit_id)
        return await self.session.scalar(stmt)
