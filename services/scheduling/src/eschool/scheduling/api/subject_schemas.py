"""The HTTP shapes of subjects: the regional catalogue and a school's list."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from eschool.scheduling.api.schemas import Stamp
from eschool.scheduling.domain.subjects import MAX_TRANSLATIONS, SubjectDraft
from eschool.scheduling.services.school_subjects import SchoolSubjectView

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", examples=["mathematics"])]
Translations = Annotated[
    dict[Annotated[str, Field(max_length=3)], Annotated[str, Field(max_length=200)]],
    Field(max_length=MAX_TRANSLATIONS, examples=[{"ky": "Математика"}]),
]


class SubjectFields(BaseModel):
    """A subject's names: full, short (the timetable's cells), in other languages (language → name)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200, examples=["Математика"])]
    short_name: Annotated[str | None, Field(max_length=50, examples=["Матем."])] = None
    translations: Translations = Field(default_factory=dict)

    def draft(self, code: str | None = None) -> SubjectDraft:
        """The names as the use cases take them."""
        return SubjectDraft(self.name, self.short_name, dict(self.translations), code)


class CatalogueSubjectCreate(SubjectFields):
    """A subject to add to the regional catalogue, with its code."""

    code: Code


class CatalogueSubjectUpdate(CatalogueSubjectCreate):
    """A catalogue subject's new names and code, retired or not, and the version they were based on."""

    retired: bool = False
    version: int


class SubjectRead(BaseModel):
    """A subject of the catalogue (``school_id`` None) or a school's own."""

    subject_id: uuid.UUID
    school_id: uuid.UUID | None
    code: str | None
    name: str
    short_name: str | None
    translations: dict[str, str]
    retired: bool
    version: int
    created_at: Stamp
    updated_at: Stamp


class SchoolSubjectCreate(SubjectFields):
    """A subject of the school's own (an elective) to add to its list."""


class SchoolSubjectUpdate(SubjectFields):
    """The school's own subject's new names, and the version they were based on."""

    version: int


class SubjectsChoose(BaseModel):
    """Catalogue subjects the school teaches (again, if it stopped)."""

    model_config = ConfigDict(extra="forbid")

    subject_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=200)]


class SchoolSubjectRead(BaseModel):
    """A subject of the school's list: the subject, where it comes from, whether the school still
    teaches it (``retired``: it stopped)."""

    subject: SubjectRead
    source: Annotated[str, Field(description="catalogue or school", examples=["catalogue"])]
    retired: bool

    @classmethod
    def of(cls, view: SchoolSubjectView) -> SchoolSubjectRead:
        """The shape of a subject of the school's list."""
        subject = SubjectRead.model_validate(view.subject, from_attributes=True)
        source = "catalogue" if view.subject.school_id is None else "school"
        return cls(subject=subject, source=source, retired=view.choice.retired)
