"""Retention of the journal archive (seed 004, 6.5): once an archive's journals were kept their time
(5 years), the year's lesson-level rows go (marks, attendance, lesson records, attachments, their audit
rows); once its summary sheets were kept theirs (25 years), the term, annual and final marks go too.

The one place where the journal really deletes. Each archive is purged in its own transaction and the
archive row notes when; a second run finds nothing due and changes nothing. Logged in counts only.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from eschool.common.auth import Principal, Role
from eschool.common.db import Database, UnitOfWork, utcnow
from eschool.common.errors import forbidden
from eschool.common.logging import get_logger
from eschool.journal.db.archive import JournalArchive
from eschool.journal.db.archive_queries import Archives, Purges
from eschool.journal.settings import JournalSettings

log = get_logger(__name__)


@dataclass
class Purged:
    """What a run deleted: how many archives lost their journals and their summary sheets, and the rows
    of each kind."""

    journals: int = 0
    summary_sheets: int = 0
    rows: Counter[str] = field(default_factory=Counter)


async def purge_expired(uow: UnitOfWork, today: date) -> Purged:
    """Delete what every archive has kept past its time, as of ``today``; idempotent."""
    purged = Purged()
    for summary_sheets in (False, True):
        for school_id, year_id in await Archives(uow.session).due(today, summary_sheets=summary_sheets):
            rows = await _purge(uow, school_id, year_id, today, summary_sheets=summary_sheets)
            if rows is not None:
                purged.rows.update(rows)
                purged.summary_sheets += summary_sheets
                purged.journals += not summary_sheets
    log.info("journal.retention.done", journals=purged.journals, summary_sheets=purged.summary_sheets)
    return purged


async def purge_as(uow: UnitOfWork, today: date, *, actor: Principal) -> Purged:
    """The ministry's run of retention (403 for anyone else)."""
    if not actor.has_role(Role.ministry):
        raise forbidden(
            "retention_denied", "Удалять данные с истёкшим сроком хранения может только министерство"
        )
    return await purge_expired(uow, today)


async def run_purge(settings: JournalSettings, today: date | None = None) -> Purged:
    """Retention from a command line or a scheduled job: its own connection, today in UTC by default."""
    database = Database(settings.database_url, source="journal")
    try:
        async with database.uow() as uow:
            return await purge_expired(uow, today or utcnow().date())
    finally:
        await database.dispose()


async def _purge(
    uow: UnitOfWork, school_id: uuid.UUID, year_id: uuid.UUID, today: date, *, summary_sheets: bool
) -> dict[str, int] | None:
    """One archive's part, in its own transaction; None when a concurrent run already took it."""
    archive = await Archives(uow.session).get(school_id, year_id, lock=True)
    if archive is None or not _due(archive, today, summary_sheets=summary_sheets):
        await uow.rollback()
        return None
    purges = Purges(uow.session)
    if summary_sheets:
        rows = await purges.summary_sheets(school_id, year_id)
        archive.summary_sheets_purged_at = utcnow()
    else:
        rows = await purges.journals(school_id, year_id)
        archive.journals_purged_at = utcnow()
    await uow.commit()
    part = "summary_sheets" if summary_sheets else "journals"
    log.info(
        "journal.retention.purged", school_id=str(school_id), academic_year_id=str(year_id), part=part, **rows
    )
    return rows


def _due(archive: JournalArchive, today: date, *, summary_sheets: bool) -> bool:
    if summary_sheets:
        return archive.summary_sheets_purged_at is None and archive.summary_sheets_kept_until < today
    return archive.journals_purged_at is None and archive.journals_kept_until < today
