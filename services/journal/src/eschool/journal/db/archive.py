"""The journal archive: a school's year made read-only at its end, and how long its parts are kept.

Seed 004, 6.5: the journals (lesson records, marks, attendance) are kept five years, the summary sheets
of final marks (term, annual and final marks) twenty-five. The row says who archived the year and when,
until when each part is kept, and when retention purged it (None until then).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db.base import UtcDateTime
from eschool.journal.db.models import Base


class JournalArchive(Base):
    """A school's academic year in the archive: one row per school and year (its natural key)."""

    __tablename__ = "journal_archive"

    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    archived_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The account that archived it, and its person when it has one (the ministry's may not).
    archived_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    archived_by_person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    journals_kept_until: Mapped[date] = mapped_column(Date)
    summary_sheets_kept_until: Mapped[date] = mapped_column(Date)
    journals_purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    summary_sheets_purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
