"""The journal archive at a year's end: the school's administration (or the ministry) sends a closed year's
journals to the archive, after which nothing of that year changes (``lesson_access.journal_archived``);
the administration and the jurisdiction list the archives and read their exports.

Seed 004, 6.5: journals are kept 5 years, the summary sheets of final marks 25 (``JournalSettings``);
``retention`` purges what has been kept its time. Archiving is idempotent: a second request answers the
existing archive and emits nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal, Role
from eschool.common.db import UnitOfWork, today_in_zone, utcnow
from eschool.common.errors import Problem, conflict, forbidden, not_found
from eschool.common.events.journal import JournalArchivedV1
from eschool.common.logging import get_logger
from eschool.journal.db.archive import JournalArchive
from eschool.journal.db.archive_queries import Archives
from eschool.journal.db.projection_queries import Projections
from eschool.journal.db.schedule import Term
from eschool.journal.services.lesson_access import ADMINISTRATION, administers, in_school
from eschool.journal.settings import JournalSettings

log = get_logger(__name__)


@dataclass(frozen=True)
class Archived:
    """The year's archive, and whether this request made it."""

    archive: JournalArchive
    created: bool


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later (the 29th of February becomes the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


async def refusal(uow: UnitOfWork, actor: Principal, school_id: uuid.UUID, detail: str) -> Problem:
    """403 for someone of the school or over it, 404 (the school unknown to them) for anyone else."""
    if in_school(actor, school_id) or await administers(uow, actor, school_id):
        return forbidden("archive_denied", detail)
    return not_found("school_not_found", "Школа не найдена")


async def check_reader(uow: UnitOfWork, actor: Principal, school_id: uuid.UUID) -> None:
    """Pass the school's administration, its municipality and the ministry; else 403 or 404."""
    if not await administers(uow, actor, school_id):
        detail = "Архив журналов видят администрация школы, муниципалитет и министерство"
        raise await refusal(uow, actor, school_id, detail)


async def archive_year(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    academic_year_id: uuid.UUID,
    *,
    actor: Principal,
    keep: JournalSettings,
) -> Archived:
    """Send the school's closed year to the archive (read-only from then on); again: the same archive."""
    if not (actor.has_role(*ADMINISTRATION, org_unit_id=school_id) or actor.has_role(Role.ministry)):
        detail = "Передать журналы в архив может администрация школы или министерство"
        raise await refusal(uow, actor, school_id, detail)
    archives = Archives(uow.session)
    if (found := await archives.get(school_id, academic_year_id)) is not None:
        return Archived(found, created=False)
    _check_closed(await archives.terms(school_id, academic_year_id))
    today = today_in_zone(await Projections(uow.session).school_time_zone(school_id))
    archive = _new_archive(school_id, academic_year_id, today, actor=actor, keep=keep)
    uow.session.add(archive)
    uow.outbox.add(_event(archive), subject=academic_year_id, school_id=school_id, time=archive.archived_at)
    try:
        await uow.commit()
    except IntegrityError:
        # The same year archived by a concurrent request: its archive is the answer, its event the one.
        await uow.rollback()
        return Archived(await _existing(archives, school_id, academic_year_id), created=False)
    log.info("journal.archive.created", school_id=str(school_id), academic_year_id=str(academic_year_id))
    return Archived(archive, created=True)


async def list_archives(uow: UnitOfWork, school_id: uuid.UUID, *, actor: Principal) -> list[JournalArchive]:
    """The school's archived years, the newest first."""
    await check_reader(uow, actor, school_id)
    return await Archives(uow.session).of_school(school_id)


def _check_closed(terms: list[Term]) -> None:
    """The year must be known and every term of it closed in scheduling first (409 naming the open ones)."""
    if not terms:
        raise not_found("academic_year_not_found", "Учебный год школы не найден")
    still_open = list(dict.fromkeys(t.name for t in terms if not t.closed))
    if still_open:
        names = ", ".join(f"«{name}»" for name in still_open)
        detail = f"Учебный год не закрыт: открыты периоды {names}. Закройте их в расписании"
        raise conflict("academic_year_not_closed", detail)


async def _existing(archives: Archives, school_id: uuid.UUID, academic_year_id: uuid.UUID) -> JournalArchive:
    found = await archives.get(school_id, academic_year_id)
    assert found is not None  # the insert that lost the race collided with it
    return found


def _new_archive(
    school_id: uuid.UUID, academic_year_id: uuid.UUID, today: date, *, actor: Principal, keep: JournalSettings
) -> JournalArchive:
    """The archive row: archived now by the actor, each part kept its years from the school's today."""
    return JournalArchive(
        school_id=school_id,
        academic_year_id=academic_year_id,
        archived_at=utcnow(),
        archived_by=actor.user_id,
        archived_by_person_id=actor.person_id,
        journals_kept_until=years_after(today, keep.journals_retention_years),
        summary_sheets_kept_until=years_after(today, keep.summary_sheets_retention_years),
        journals_purged_at=None,
        summary_sheets_purged_at=None,
    )


def _event(archive: JournalArchive) -> JournalArchivedV1:
    kept = ("school_id", "academic_year_id", "journals_kept_until", "summary_sheets_kept_until")
    return JournalArchivedV1(
        **{name: getattr(archive, name) for name in kept}, occurred_at=archive.archived_at
    )
