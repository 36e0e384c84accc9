"""The contingent service's definition for the platform."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from eschool.common.service import ServiceDefinition
from eschool.contingent.api.classes import classes_router
from eschool.contingent.api.guardians import guardians_router
from eschool.contingent.api.imports import imports_router
from eschool.contingent.api.movement import movement_router
from eschool.contingent.api.org import org_router
from eschool.contingent.api.org_read import org_read_router
from eschool.contingent.api.persons import persons_router
from eschool.contingent.api.pupils import pupils_router
from eschool.contingent.api.rollover import rollover_router
from eschool.contingent.api.search import search_router
from eschool.contingent.api.staff import staff_router
from eschool.contingent.api.subgroups import subgroups_router
from eschool.contingent.api.years import years_router
from eschool.contingent.consumers.enrolment import ENROLMENT_EVENTS
from eschool.contingent.consumers.scheduling import SCHEDULING_EVENTS
from eschool.contingent.demo import DEMO_LINES, load_demo_region, stop_demo_loading
from eschool.contingent.settings import ContingentSettings


def routers() -> list[APIRouter]:
    """Every router of the API, under ``/api/contingent``."""
    return [
        years_router(),
        classes_router(),
        org_read_router(),
        org_router(),
        pupils_router(),
        guardians_router(),
        staff_router(),
        movement_router(),
        imports_router(),
        search_router(),
        rollover_router(),
        subgroups_router(),
        persons_router(),
    ]


service = ServiceDefinition(
    name="contingent",
    title="eschool contingent",
    settings=ContingentSettings,
    migrations=Path(__file__).resolve().parents[3] / "migrations",
    routers=routers,
    consumers=[ENROLMENT_EVENTS, SCHEDULING_EVENTS],
    on_start=[load_demo_region],
    on_stop=[stop_demo_loading],
    demo_lines=DEMO_LINES,
)
