"""Classes: create one in a school's academic year, list, read, change the card, set the class teacher."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from eschool.common.auth import CurrentPrincipal
from eschool.common.errors import unprocessable
from eschool.common.events.contingent import ClassKind
from eschool.contingent.api.deps import Cursor, Limit, Stamp, database_of
from eschool.contingent.domain.classes import (
    DEFAULT_SIZE,
    MAX_GRADE,
    MAX_PROFILE_LENGTH,
    MAX_SIZE,
    MIN_GRADE,
    MIN_SIZE,
    ClassCard,
)
from eschool.contingent.services.classes import (
    assign_class_teacher,
    class_for,
    create_class,
    school_classes,
    update_class,
)

Grade = Annotated[int, Field(ge=MIN_GRADE, le=MAX_GRADE, description="0: a pre-school group")]
Letter = Annotated[str, Field(max_length=50, examples=["Б"])]
Profile = Annotated[str, Field(max_length=MAX_PROFILE_LENGTH, examples=["естественно-научный"])]
Shift = Literal[1, 2]
MaxSize = Annotated[int, Field(ge=MIN_SIZE, le=MAX_SIZE)]


class ClassCreate(BaseModel):
    """A new class of a school's academic year (profile only, and then required, for a profile class)."""

    model_config = ConfigDict(extra="forbid")

    academic_year_id: uuid.UUID
    grade: Grade
    letter: Letter
    kind: ClassKind = "general"
    profile: Profile | None = None
    shift: Shift = 1
    term_scheme_id: uuid.UUID | None = None
    max_size: MaxSize = DEFAULT_SIZE
    class_teacher_person_id: uuid.UUID | None = None


class ClassUpdate(BaseModel):
    """The fields of the card to change (absent: unchanged), and the version they were based on.

    The class teacher is changed on its own (``PUT /v1/classes/{id}/class-teacher``).
    """

    model_config = ConfigDict(extra="forbid")

    version: int
    grade: Grade | None = None
    letter: Letter | None = None
    kind: ClassKind | None = None
    profile: Profile | None = None
    shift: Shift | None = None
    term_scheme_id: uuid.UUID | None = None
    max_size: MaxSize | None = None


class ClassTeacherSet(BaseModel):
    """The class teacher (null: none), and optionally the version of the class it was based on."""

    model_config = ConfigDict(extra="forbid")

    person_id: uuid.UUID | None
    version: int | None = None


class ClassRead(BaseModel):
    """A class's card."""

    class_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    grade: int
    letter: str
    kind: ClassKind
    profile: str | None
    shift: int
    term_scheme_id: uuid.UUID | None
    max_size: int
    class_teacher_person_id: uuid.UUID | None
    promoted_from_class_id: uuid.UUID | None
    version: int
    created_at: Stamp
    updated_at: Stamp


class ClassPage(BaseModel):
    """A page of classes by grade, then letter, and the cursor of the next page."""

    items: list[ClassRead]
    next_cursor: str | None


# Fields that may be set to null on a change; the others only to a value.
_NULLABLE = frozenset({"profile", "term_scheme_id"})


def _changes(body: ClassUpdate) -> dict[str, object]:
    changes = {name: getattr(body, name) for name in body.model_fields_set - {"version"}}
    for name, value in changes.items():
        if value is None and name not in _NULLABLE:
            raise unprocessable("value_required", "Значение не может быть пустым", field_name="body." + name)
    return changes


def classes_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/classes and /v1/classes/{class_id}."""
    router = APIRouter(prefix="/v1", tags=["classes"])

    @router.post("/schools/{school_id}/classes", status_code=201)
    async def add_class(
        school_id: uuid.UUID, body: ClassCreate, request: Request, actor: CurrentPrincipal
    ) -> ClassRead:
        """Create a class in one of the school's academic years (422 if the year is not set up)."""
        card = ClassCard(
            **body.model_dump(exclude={"academic_year_id", "class_teacher_person_id"}),
        )
        async with database_of(request).uow() as uow:
            row = await create_class(
                uow,
                school_id,
                body.academic_year_id,
                card,
                actor=actor,
                class_teacher_person_id=body.class_teacher_person_id,
            )
            await uow.commit()
        return ClassRead.model_validate(row, from_attributes=True)

    @router.get("/schools/{school_id}/classes")
    async def list_classes(
        school_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        academic_year_id: uuid.UUID | None = None,
        grade: Annotated[int | None, Query(ge=MIN_GRADE, le=MAX_GRADE)] = None,
        cursor: Cursor = None,
        limit: Limit = 100,
    ) -> ClassPage:
        """The school's classes (of one year, of one grade), by grade, then letter."""
        async with database_of(request).uow() as uow:
            page = await school_classes(
                uow,
                school_id,
                actor=actor,
                academic_year_id=academic_year_id,
                grade=grade,
                cursor=cursor,
                limit=limit,
            )
        return ClassPage(
            items=[ClassRead.model_validate(c, from_attributes=True) for c in page.items],
            next_cursor=page.next_cursor,
        )

    @router.get("/classes/{class_id}")
    async def read_class(class_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> ClassRead:
        """A class's card."""
        async with database_of(request).uow() as uow:
            row = await class_for(uow, class_id, actor=actor, write=False)
        return ClassRead.model_validate(row, from_attributes=True)

    @router.patch("/classes/{class_id}")
    async def change_class(
        class_id: uuid.UUID, body: ClassUpdate, request: Request, actor: CurrentPrincipal
    ) -> ClassRead:
        """Change the class's card (409 ``stale_version`` if it changed since ``version``)."""
        async with database_of(request).uow() as uow:
            row = await update_class(uow, class_id, _changes(body), actor=actor, version=body.version)
            await uow.commit()
        return ClassRead.model_validate(row, from_attributes=True)

    @router.put("/classes/{class_id}/class-teacher")
    async def set_class_teacher(
        class_id: uuid.UUID, body: ClassTeacherSet, request: Request, actor: CurrentPrincipal
    ) -> ClassRead:
        """Make a person the class teacher, or leave the class without one (``person_id`` null)."""
        async with database_of(request).uow() as uow:
            row = await assign_class_teacher(uow, class_id, body.person_id, actor=actor, version=body.version)
            await uow.commit()
        return ClassRead.model_validate(row, from_attributes=True)

    return router
