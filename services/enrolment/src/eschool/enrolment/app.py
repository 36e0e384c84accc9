"""The enrolment service's definition for the platform."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from eschool.common.service import ServiceDefinition
from eschool.enrolment.api.applicant import applicant_router
from eschool.enrolment.api.applications import applications_router
from eschool.enrolment.api.feed import feed_router
from eschool.enrolment.api.intake import intake_router
from eschool.enrolment.api.monitoring import monitoring_router
from eschool.enrolment.api.places import places_router
from eschool.enrolment.api.settings import settings_router
from eschool.enrolment.consumers.contingent import CONTINGENT_EVENTS
from eschool.enrolment.demo import DEMO_LINES, load_demo_enrolment, stop_demo_enrolment
from eschool.enrolment.partners import PARTNER_EXCHANGE_SPEC, feed_sequencer
from eschool.enrolment.settings import EnrolmentSettings
from eschool.enrolment.tasks import periodic_runner


def routers() -> list[APIRouter]:
    """Every router of the API, under ``/api/enrolment``."""
    return [
        intake_router(),
        applications_router(),
        places_router(),
        settings_router(),
        applicant_router(),
        monitoring_router(),
        feed_router(),
    ]


service = ServiceDefinition(
    name="enrolment",
    title="eschool enrolment",
    settings=EnrolmentSettings,
    migrations=Path(__file__).resolve().parents[3] / "migrations",
    routers=routers,
    consumers=[CONTINGENT_EVENTS],
    workers=[feed_sequencer, periodic_runner],
    partner_exchanges=[PARTNER_EXCHANGE_SPEC],
    on_start=[load_demo_enrolment],
    on_stop=[stop_demo_enrolment],
    demo_lines=DEMO_LINES,
)
