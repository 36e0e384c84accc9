"""The HTTP shapes of contingent's classes, subgroups and staff as scheduling keeps them."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, Field

from eschool.common.db.staff import StaffMemberNode
from eschool.scheduling.api.schemas import Stamp
from eschool.scheduling.db.contingent import SchoolClass
from eschool.scheduling.services.contingent_views import ClassView, SubgroupView, TermSchemeState


class PersonName(BaseModel):
    """A person's full name as the school wrote it."""

    last_name: str
    first_name: str
    middle_name: str | None


def _name_of(member: StaffMemberNode | None) -> PersonName | None:
    name = member.name if member is not None else None
    return PersonName.model_validate(name.model_dump()) if name is not None else None


class ClassRead(BaseModel):
    """A class of the school's year, with its class teacher and the state of its term scheme."""

    class_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    grade: int
    letter: str
    kind: str
    profile: str | None
    shift: int
    max_size: int
    term_scheme_id: uuid.UUID | None = Field(description="The scheme the class card names")
    term_scheme_state: TermSchemeState = Field(
        description="missing: none named; unknown: not one of the school's schemes of the class's year; "
        "defined: it is"
    )
    term_scheme_name: str | None = Field(description="The scheme's name, when defined")
    class_teacher_person_id: uuid.UUID | None
    class_teacher_name: PersonName | None = Field(description="None until the teacher's hire is known")

    @classmethod
    def of(cls, view: ClassView) -> ClassRead:
        """The shape of a class."""
        row = view.row
        card = {column.key: getattr(row.school_class, column.key) for column in SchoolClass.__table__.columns}
        return cls.model_validate(
            {
                **card,
                "term_scheme_state": view.term_scheme_state,
                "term_scheme_name": row.term_scheme.name if row.term_scheme is not None else None,
                "class_teacher_person_id": row.class_teacher_person_id,
                "class_teacher_name": _name_of(row.class_teacher),
            }
        )


class SubgroupRead(BaseModel):
    """A subgroup of the class and the pupils in it on the day."""

    subgroup_id: uuid.UUID
    division: str = Field(examples=["Английский язык"])
    name: str = Field(examples=["1 группа"])
    person_ids: list[uuid.UUID]

    @classmethod
    def of(cls, view: SubgroupView) -> SubgroupRead:
        """The shape of a subgroup on a day."""
        s = view.subgroup
        return cls(subgroup_id=s.subgroup_id, division=s.division, name=s.name, person_ids=view.person_ids)


class ClassSubgroupsRead(BaseModel):
    """The class's subgroups on a day."""

    class_id: uuid.UUID
    on: date
    subgroups: list[SubgroupRead]


class TeacherRead(BaseModel):
    """A member of the school's staff: name, newest hire or restoration, dismissal day if dismissed."""

    person_id: uuid.UUID
    school_id: uuid.UUID
    name: PersonName | None = Field(description="None until the hire is known")
    hired_at: Stamp | None
    dismissed: bool
    dismissed_on: date | None

    @classmethod
    def of(cls, member: StaffMemberNode) -> TeacherRead:
        """The shape of a staff member."""
        return cls(
            person_id=member.person_id,
            school_id=member.school_id,
            name=_name_of(member),
            hired_at=member.hired_at,
            dismissed=member.dismissed_on is not None,
            dismissed_on=member.dismissed_on,
        )
