"""The scheduling service's definition for the platform."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from eschool.common.service import ServiceDefinition
from eschool.scheduling.api.bell_schedules import bell_schedules_router
from eschool.scheduling.api.classes import classes_router
from eschool.scheduling.api.curricula import curricula_router
from eschool.scheduling.api.handover import handover_router
from eschool.scheduling.api.holidays import holidays_router
from eschool.scheduling.api.individual_curricula import individual_curricula_router
from eschool.scheduling.api.lessons import lessons_router
from eschool.scheduling.api.rooms import rooms_router
from eschool.scheduling.api.subjects import subjects_router
from eschool.scheduling.api.substitutions import substitutions_router
from eschool.scheduling.api.teachers import teachers_router
from eschool.scheduling.api.teaching_assignments import teaching_assignments_router
from eschool.scheduling.api.term_schemes import term_schemes_router
from eschool.scheduling.api.terms import terms_router
from eschool.scheduling.api.thematic_plans import thematic_plans_router
from eschool.scheduling.api.timetable import timetable_router
from eschool.scheduling.api.timetable_exports import timetable_exports_router
from eschool.scheduling.consumers.contingent import CONTINGENT_EVENTS
from eschool.scheduling.demo import DEMO_LINES, load_demo_calendar, stop_demo_loading
from eschool.scheduling.services.catalogue import seed_catalogue
from eschool.scheduling.settings import SchedulingSettings


def routers() -> list[APIRouter]:
    """Every router of the API, under ``/api/scheduling``."""
    school_setup = [subjects_router(), rooms_router(), bell_schedules_router()]
    return [
        term_schemes_router(),
        terms_router(),
        holidays_router(),
        classes_router(),
        teachers_router(),
        *school_setup,
        curricula_router(),
        individual_curricula_router(),
        teaching_assignments_router(),
        timetable_router(),
        timetable_exports_router(),
        thematic_plans_router(),
        lessons_router(),
        substitutions_router(),
        handover_router(),
    ]


service = ServiceDefinition(
    name="scheduling",
    title="eschool scheduling",
    settings=SchedulingSettings,
    migrations=Path(__file__).resolve().parents[3] / "migrations",
    routers=routers,
    consumers=[CONTINGENT_EVENTS],
    # The catalogue first: the demo's schools choose their subjects from it.
    on_start=[seed_catalogue, load_demo_calendar],
    on_stop=[stop_demo_loading],
    demo_lines=DEMO_LINES,
)
