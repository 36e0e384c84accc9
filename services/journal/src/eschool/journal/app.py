"""The journal service's definition for the platform."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from eschool.common.service import ServiceDefinition
from eschool.journal.api.archive import archive_router
from eschool.journal.api.attachments import attachments_router
from eschool.journal.api.audit import audit_router
from eschool.journal.api.diary import diary_router
from eschool.journal.api.exemptions import exemptions_router
from eschool.journal.api.grading import grading_router
from eschool.journal.api.grid import grid_router
from eschool.journal.api.lessons import lessons_router
from eschool.journal.api.marks import marks_router
from eschool.journal.api.term_marks import term_marks_router
from eschool.journal.consumers.contingent import CONTINGENT_EVENTS
from eschool.journal.consumers.scheduling import SCHEDULING_EVENTS
from eschool.journal.demo import DEMO_LINES, load_demo_journal, stop_demo_journal
from eschool.journal.settings import JournalSettings


def routers() -> list[APIRouter]:
    """Every router of the API, under ``/api/journal``."""
    return [
        diary_router(),
        grading_router(),
        term_marks_router(),
        lessons_router(),
        marks_router(),
        audit_router(),
        exemptions_router(),
        attachments_router(),
        grid_router(),
        archive_router(),
    ]


service = ServiceDefinition(
    name="journal",
    title="eschool journal",
    settings=JournalSettings,
    migrations=Path(__file__).resolve().parents[3] / "migrations",
    routers=routers,
    consumers=[CONTINGENT_EVENTS, SCHEDULING_EVENTS],
    on_start=[load_demo_journal],
    on_stop=[stop_demo_journal],
    demo_lines=DEMO_LINES,
)
