"""Every query of scheduling's projections of contingent's classes, subgroups and staff."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select

from eschool.common.db import Repository
from eschool.scheduling.db.calendar import TermScheme
from eschool.scheduling.db.contingent import (
    ClassTeacher,
    SchoolClass,
    StaffMember,
    Subgroup,
    SubgroupMembership,
)
from eschool.scheduling.db.models import OrgUnitState


@dataclass(frozen=True)
class ClassRow:
    """A class with its class teacher (and their staff card, once known) and its term scheme, if the
    scheme the card names is one of the school's in the class's year."""

    school_class: SchoolClass
    class_teacher_person_id: uuid.UUID | None
    class_teacher: StaffMember | None
    term_scheme: TermScheme | None


class ContingentViews(Repository):
    """Classes, subgroups with their dated stays, and staff, as contingent last said."""

    async def classes(self, school_id: uuid.UUID, year_id: uuid.UUID | None) -> list[ClassRow]:
        """The school's classes (of one year, if given), by year, grade and letter."""
        scheme_matches = and_(
            TermScheme.term_scheme_id == SchoolClass.term_scheme_id,
            TermScheme.school_id == SchoolClass.school_id,
            TermScheme.academic_year_id == SchoolClass.academic_year_id,
        )
        teacher_matches = and_(
            StaffMember.school_id == SchoolClass.school_id, StaffMember.person_id == ClassTeacher.person_id
        )
        stmt = (
            select(SchoolClass, ClassTeacher.person_id, StaffMember, TermScheme)
            .outerjoin(ClassTeacher, ClassTeacher.class_id == SchoolClass.class_id)
            .outerjoin(StaffMember, teacher_matches)
            .outerjoin(TermScheme, scheme_matches)
            .where(SchoolClass.school_id == school_id)
        )
        if year_id is not None:
            stmt = stmt.where(SchoolClass.academic_year_id == year_id)
        stmt = stmt.order_by(
            SchoolClass.academic_year_id, SchoolClass.grade, SchoolClass.letter, SchoolClass.class_id
        )
        return [ClassRow(*row) for row in await self.session.execute(stmt)]

    async def school_class(self, class_id: uuid.UUID) -> SchoolClass | None:
        """A projected class."""
        return await self.session.get(SchoolClass, class_id)

    async def subgroups(self, school_id: uuid.UUID, class_id: uuid.UUID) -> Sequence[Subgroup]:
        """The class's subgroups, by division then name."""
        stmt = select(Subgroup).where(Subgroup.school_id == school_id, Subgroup.class_id == class_id)
        stmt = stmt.order_by(Subgroup.division, Subgroup.name, Subgroup.subgroup_id)
        return (await self.session.execute(stmt)).scalars().all()

    async def stays_on(
        self, school_id: uuid.UUID, class_id: uuid.UUID, day: date
    ) -> Sequence[SubgroupMembership]:
        """The stays in the class's subgroups that include ``day`` (both ends included)."""
        stmt = select(SubgroupMembership).where(
            SubgroupMembership.school_id == school_id,
            SubgroupMembership.class_id == class_id,
            SubgroupMembership.from_on <= day,
            or_(SubgroupMembership.until_on.is_(None), SubgroupMembership.until_on >= day),
        )
        stmt = stmt.order_by(SubgroupMembership.subgroup_id, SubgroupMembership.person_id)
        return (await self.session.execute(stmt)).scalars().all()

    async def staff(self, school_id: uuid.UUID, *, include_dismissed: bool) -> Sequence[StaffMember]:
        """The school's staff (the dismissed too, if asked), by name."""
        stmt = select(StaffMember).where(StaffMember.school_id == school_id)
        if not include_dismissed:
            stmt = stmt.where(StaffMember.dismissed_on.is_(None))
        stmt = stmt.order_by(
            StaffMember.last_name.is_(None),
            StaffMember.last_name,
            StaffMember.first_name,
            StaffMember.middle_name,
            StaffMember.person_id,
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def time_zone(self, school_id: uuid.UUID) -> str | None:
        """The school's time zone, as contingent said."""
        state = await self.session.get(OrgUnitState, school_id)
        return state.time_zone if state is not None else None
