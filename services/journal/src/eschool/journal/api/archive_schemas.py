"""The HTTP shapes of the journal archive: an archived year, and what a run of retention deleted."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from eschool.common.http.request import Stamp

SheetFormat = Literal["xlsx", "pdf"]


class JournalArchiveRead(BaseModel):
    """A school's year in the archive: who sent it when, until when each part is kept, when it went."""

    model_config = ConfigDict(from_attributes=True)

    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    archived_at: Stamp
    archived_by: uuid.UUID | None = Field(description="The account that archived the year")
    archived_by_person_id: uuid.UUID | None
    journals_kept_until: date = Field(description="Lesson records, marks and attendance: 5 years")
    summary_sheets_kept_until: date = Field(description="Term, annual and final marks: 25 years")
    journals_purged_at: Stamp | None
    summary_sheets_purged_at: Stamp | None


class PurgedRead(BaseModel):
    """What a run of retention deleted, in counts: archives whose journals and summary sheets went, and
    the rows of each kind."""

    journals: int = Field(examples=[1])
    summary_sheets: int = Field(examples=[0])
    marks: int = 0
    attendance: int = 0
    lesson_records: int = 0
    attachments: int = 0
    audit: int = Field(default=0, description="Audit rows of the purged lessons")
    term_marks: int = 0
    term_mark_audit: int = 0
