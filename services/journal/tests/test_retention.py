"""Retention of the archive: journals go after their 5 years while the summary sheet stays, the summary
sheet goes after its 25, a second run changes nothing, and only the ministry runs it over HTTP."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As
from eschool.journal.db.records import Attendance, JournalAudit, LessonRecord, Mark, TermMark
from eschool.journal.services.retention import Purged, purge_expired, run_purge
from eschool.journal.settings import JournalSettings

from .journal_world import World
from .term_helpers import count, director
from .test_archive import archived_year, year_url


async def purge(journal: ServiceRuntime, today: date) -> Purged:
    """One run of retention as of ``today``."""
    async with journal.database.uow() as uow:
        return await purge_expired(uow, today)


async def left(journal: ServiceRuntime, w: World) -> dict[str, int]:
    """How many rows of each kind school A still has."""
    kinds: dict[str, Any] = {
        "marks": Mark,
        "attendance": Attendance,
        "records": LessonRecord,
        "term_marks": TermMark,
        "audit": JournalAudit,
    }
    return {name: await count(journal, model, school_id=w.school) for name, model in kinds.items()}


async def test_journals_go_after_their_time_and_the_summary_sheet_stays(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    archive = await archived_year(journal, api, as_, w, deliver)
    kept_until = date.fromisoformat(archive["journals_kept_until"])
    before = await left(journal, w)

    assert (await purge(journal, kept_until)).journals == 0  # the last day it is kept
    purged = await purge(journal, kept_until + timedelta(days=1))

    assert (purged.journals, purged.summary_sheets) == (1, 0)
    assert (purged.rows["marks"], purged.rows["attendance"], purged.rows["lesson_records"]) == (3, 1, 1)
    assert purged.rows["audit"] == 1  # the mark given through the API
    after = await left(journal, w)
    assert (after["marks"], after["attendance"], after["records"]) == (0, 0, 0)
    assert after["term_marks"] == before["term_marks"] == 6
    assert after["audit"] == before["audit"] - 1 == 6  # the term marks' audit stays with them
    again = await purge(journal, kept_until + timedelta(days=1))
    assert (again.journals, again.summary_sheets, sum(again.rows.values())) == (0, 0, 0)
    headers = director(as_, w)
    gone = await api.get(
        year_url(w, f"journal-export?class_id={w.class_5a}&subject_id={w.maths}"), headers=headers
    )
    assert (gone.status_code, gone.json()["code"]) == (410, "journal_purged")
    assert (
        await api.get(year_url(w, f"summary-sheet?class_id={w.class_5a}"), headers=headers)
    ).status_code == 200
    listed = await api.get(f"/v1/schools/{w.school}/archives", headers=headers)
    assert listed.json()[0]["journals_purged_at"] is not None


async def test_summary_sheets_go_after_twenty_five_years_and_a_second_run_changes_nothing(
    journal: ServiceRuntime, api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, db_url: str
) -> None:
    w = world
    archive = await archived_year(journal, api, as_, w, deliver)
    day_after = date.fromisoformat(archive["summary_sheets_kept_until"]) + timedelta(days=1)

    purged = await purge(journal, day_after)

    assert (purged.journals, purged.summary_sheets) == (1, 1)
    assert (purged.rows["term_marks"], purged.rows["term_mark_audit"]) == (6, 6)
    assert await left(journal, w) == {"marks": 0, "attendance": 0, "records": 0, "term_marks": 0, "audit": 0}
    settings = JournalSettings(database_url=db_url, bus_url="memory://")
    again = await run_purge(settings, day_after)  # as a scheduled job runs it
    assert (again.journals, again.summary_sheets, sum(again.rows.values())) == (0, 0, 0)
    sheet = await api.get(year_url(w, f"summary-sheet?class_id={w.class_5a}"), headers=director(as_, w))
    assert (sheet.status_code, sheet.json()["code"]) == (410, "summary_sheet_purged")
    listed = await api.get(f"/v1/schools/{w.school}/archives", headers=director(as_, w))
    assert listed.json()[0]["summary_sheets_purged_at"] is not None


async def test_only_the_ministry_runs_retention(api: httpx.AsyncClient, as_: As, world: World) -> None:
    w = world
    refused = await api.post("/v1/retention/purge", headers=director(as_, w))
    assert (refused.status_code, refused.json()["code"]) == (403, "retention_denied")
    done = await api.post("/v1/retention/purge", headers=as_(Role.ministry, w.region))
    assert done.status_code == 200, done.text
    assert (done.json()["journals"], done.json()["marks"]) == (0, 0)


def test_retention_years_are_at_least_one() -> None:
    with pytest.raises(ValidationError):
        JournalSettings(journals_retention_years=0)
    with pytest.raises(ValidationError):
        JournalSettings(summary_sheets_retention_years=0)
