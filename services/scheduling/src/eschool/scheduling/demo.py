"""The demo's calendar (``make run`` only): each demo school gets a quarters scheme for grades 1–11 in
this academic year, with the vacations between the quarters and the public holidays, loaded through the
same use cases as the API.

Scheduling learns the demo schools' years from contingent's events (it never reads contingent's
database): the year is found by the demo schools' fixed ids and the name of today's academic year
(``eschool.common.demo``), waiting in the background until contingent's events have arrived. Loading is
idempotent: a school whose scheme exists is taken as loaded (scheme and holidays go in one transaction).
Then, as contingent's classes, subgroups and staff arrive, each school's curricula, teaching load and
weekly timetable (``demo_timetable``). At stop the loading ends between two transactions.
"""

from __future__ import annotations

import asyncio
from datetime import date

from eschool.common.aio import BackgroundWork, background_of
from eschool.common.auth import Role, RoleBinding, service_principal
from eschool.common.demo import REGION_ID, SCHOOL_IDS, academic_year_name, demo_term_scheme_id
from eschool.common.logging import get_logger
from eschool.common.service import ServiceRuntime
from eschool.scheduling.db.models import AcademicYear
from eschool.scheduling.db.repositories import Calendar
from eschool.scheduling.demo_lessons import generate_demo_lessons
from eschool.scheduling.demo_setup import DEMO_SETUP_LINES, load_school_setup
from eschool.scheduling.demo_timetable import demo_classes, load_school_timetable
from eschool.scheduling.domain.holidays import public_holidays
from eschool.scheduling.domain.terms import SchemeKind
from eschool.scheduling.services.holidays import add_holiday
from eschool.scheduling.services.term_schemes import create_term_scheme
from eschool.scheduling.services.years import span_of
from eschool.scheduling.settings import SchedulingSettings

DEMO_ACTOR = service_principal("scheduling", RoleBinding(Role.ministry, REGION_ID))
DEMO_SCHEME = "Четверти, 1–11 классы"
POLL_S = 0.5
log = get_logger(__name__)


async def load_demo_calendar(runtime: ServiceRuntime) -> None:
    """Start loading the demo calendar in the background (it waits for contingent's years)."""
    settings = runtime.settings
    assert isinstance(settings, SchedulingSettings)
    if settings.demo_data:
        _work(runtime).start(_load(runtime, settings.demo_wait_s))


async def stop_demo_loading(runtime: ServiceRuntime) -> None:
    """At stop: the background loading ends between its transactions (``BackgroundWork``)."""
    await _work(runtime).stop()


def _work(runtime: ServiceRuntime) -> BackgroundWork:
    return background_of(runtime, "scheduling_demo")


def _stopping(runtime: ServiceRuntime) -> bool:
    return _work(runtime).stopping


async def _pause(runtime: ServiceRuntime) -> None:
    """Wait a poll's time, or less if the service stops meanwhile."""
    await _work(runtime).pause(POLL_S)


async def demo_loaded(runtime: ServiceRuntime) -> None:
    """Wait until the background loading is over (tests, tools)."""
    await _work(runtime).finished()


async def _load(runtime: ServiceRuntime, wait_s: float) -> None:
    name, pending = academic_year_name(date.today()), list(SCHOOL_IDS)
    loop, years = asyncio.get_running_loop(), []
    deadline = loop.time() + wait_s
    while pending and not _stopping(runtime):
        for school_id in list(pending):
            async with runtime.database.uow() as uow:
                year = await Calendar(uow.session).year_named(school_id, name)
            if year is not None and not _stopping(runtime):
                await load_school_calendar(runtime, year)
                await load_school_setup(runtime, year)
                pending.remove(school_id)
                years.append(year)
        if pending and loop.time() > deadline:
            log.warning("scheduling.demo.years_missing", schools=[str(s) for s in pending], year=name)
            break
        if pending:
            await _pause(runtime)
    await _load_timetables(runtime, years, wait_s)
    log.info("scheduling.demo.loaded", schools=len(years), year=name)


async def _load_timetables(runtime: ServiceRuntime, years: list[AcademicYear], wait_s: float) -> None:
    """Each school's load and timetable once its classes are in; the wait starts again at each school
    (contingent loads its schools one after another)."""
    loop, pending = asyncio.get_running_loop(), list(years)
    deadline = loop.time() + wait_s
    while pending and not _stopping(runtime):
        for year in list(pending):
            classes = await demo_classes(runtime, year)
            if classes is not None and not _stopping(runtime):
                await load_school_timetable(runtime, year, classes, lambda: _stopping(runtime))
                await generate_demo_lessons(runtime, year, lambda: _stopping(runtime))
                pending.remove(year)
                deadline = loop.time() + wait_s
        if pending and loop.time() > deadline:
            log.warning("scheduling.demo.classes_missing", schools=[str(y.school_id) for y in pending])
            return
        if pending:
            await _pause(runtime)


async def load_school_calendar(runtime: ServiceRuntime, year: AcademicYear) -> None:
    """The school's quarters scheme with its vacations, and the public holidays, unless already there."""
    async with runtime.database.uow() as uow:
        if await Calendar(uow.session).scheme_named(year.school_id, year.academic_year_id, DEMO_SCHEME):
            return
        ids = (year.school_id, year.academic_year_id)
        scheme_id = demo_term_scheme_id(year.school_id, year.name)
        await create_term_scheme(
            uow, *ids, DEMO_SCHEME, SchemeKind.quarters, actor=DEMO_ACTOR, term_scheme_id=scheme_id
        )
        for draft in public_holidays(span_of(year)):
            await add_holiday(uow, *ids, draft, term_scheme_id=None, actor=DEMO_ACTOR)
        await uow.commit()


DEMO_LINES = (
    "demo calendar: each demo school's quarters (1–11 классы) with vacations and public holidays, "
    "this academic year",
    *DEMO_SETUP_LINES,
    "demo timetable: a curriculum per grade, teaching assignments (English by subgroup) and a clash-free "
    "week for every class, once contingent's classes and staff have arrived",
)
