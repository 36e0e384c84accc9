"""The demo's first-grade campaign (``make run`` only): next school year's first grade open in every
demo school, its free places set, and fifteen applications a school (``demo_plan``) received and moved
through the workflow by the same use cases as the API: the portals' intake as a portal's machine client,
the paper ones and every step as the school's administration, the assignment to a class within the
places.

Enrolment learns the schools, next year and its classes 1 А and 1 Б from contingent's events (contingent's
demo sets them up): the loading runs in the background, polls until a school's first grade has arrived
(the same classes seen twice, so a batch still arriving is not taken half), loads that school, and gives
up after ``WAIT_S``. The free places are the first grade's classes' maximum sizes together, set once.
The assignments to a class come last, every school's in one transaction.

Idempotent: a portal's application is found by its number, a paper one by the child, before either is
sent; a step is taken only from the status the plan expects before it, so an application already past
it (or moved by someone since) is left alone, and an application that was assigned once is not assigned
again. At stop the loading ends between two transactions.

Assigned to a class is a waiting status: contingent enrols the child and answers (the saga), in make
run's one process within seconds, so the four applications a school assigns are enrolled soon after the
demo is loaded, their history keeping the assignment. The demo does not hold contingent's answer back
(nor its own event) to fake a waiting one; where nobody answers (this service alone, as in its tests)
they stay assigned.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date

from eschool.common.aio import BackgroundWork, background_of
from eschool.common.auth import Principal, school_service_principal
from eschool.common.db import today_in_zone, utcnow
from eschool.common.demo import SCHOOL_IDS
from eschool.common.errors import Problem
from eschool.common.events.enrolment import EnrolmentOrder
from eschool.common.logging import get_logger
from eschool.common.service import ServiceRuntime
from eschool.enrolment.api.schemas import ApplicationIn, SchoolApplicationIn
from eschool.enrolment.db.demo_queries import DemoQueries
from eschool.enrolment.db.queries import classes_of_grade, open_school_zone
from eschool.enrolment.demo_plan import SLOTS, DemoApplication, school_campaign
from eschool.enrolment.domain.ranking import open_school_years
from eschool.enrolment.domain.workflow import Status
from eschool.enrolment.services.applications import application_of, change_status
from eschool.enrolment.services.intake import INTAKE_SCOPE, enter_at_school, submit_from_portal
from eschool.enrolment.services.places import Assignment, assign_to_class, school_places, set_places
from eschool.enrolment.settings import EnrolmentSettings

GRADE = 1
# How long the demo waits for contingent's first grade of next year before giving up (s), and how often
# it looks (module constants: enrolment's settings have no demo timings).
WAIT_S = 180.0
POLL_S = 0.5
log = get_logger(__name__)


def campaign_year(today: date) -> int:
    """The school year the first-grade campaign enrols for: the one starting next September."""
    return open_school_years(today)[1]


_YEAR = campaign_year(date.today())
DEMO_LINES = (
    f"demo enrolment: first-grade campaign {_YEAR}/{_YEAR + 1} open in {len(SCHOOL_IDS)} schools (places of "
    f"1 А and 1 Б), {len(SLOTS)} applications a school in every status; those assigned to a class are "
    "enrolled by contingent within seconds",
)


async def load_demo_enrolment(runtime: ServiceRuntime) -> None:
    """Start loading the demo campaign in the background (it waits for contingent's first grade)."""
    settings = runtime.settings
    assert isinstance(settings, EnrolmentSettings)
    if settings.demo_data:
        _work(runtime).start(_load(runtime, WAIT_S))


async def stop_demo_enrolment(runtime: ServiceRuntime) -> None:
    """At stop: the background loading ends between its transactions."""
    await _work(runtime).stop()


async def demo_loaded(runtime: ServiceRuntime) -> None:
    """Wait until the background loading is over (tests, tools)."""
    await _work(runtime).finished()


def _work(runtime: ServiceRuntime) -> BackgroundWork:
    return background_of(runtime, "enrolment_demo")


@dataclass(frozen=True)
class Campaign:
    """What a school's campaign needs from contingent: its time zone and its first grade's classes."""

    time_zone: str
    classes: tuple[tuple[uuid.UUID, int], ...]  # (class id, maximum size), by letter

    @property
    def places(self) -> int:
        return sum(size for _, size in self.classes)


async def _load(runtime: ServiceRuntime, wait_s: float) -> None:
    year, loop = campaign_year(utcnow().date()), asyncio.get_running_loop()
    deadline, pending = loop.time() + wait_s, dict(enumerate(SCHOOL_IDS, start=1))
    seen: dict[uuid.UUID, Campaign | None] = {}
    assignments: list[Pending] = []
    while pending and not _work(runtime).stopping:
        for school_no, school_id in list(pending.items()):
            found = await _arrived(runtime, school_id, year)
            if found is not None and found == seen.get(school_id):
                assignments += await load_demo_school(runtime, school_no, school_id, year, found)
                del pending[school_no]
            seen[school_id] = found
        if pending and loop.time() > deadline:
            log.warning("enrolment.demo.first_grade_missing", schools=[str(s) for s in pending.values()])
            break
        if pending:
            await _work(runtime).pause(POLL_S)
    # The assignments go last, together: contingent's answers then come once the demo is written.
    if assignments and not _work(runtime).stopping:
        await _assign(runtime, assignments)
    log.info("enrolment.demo.loaded", schools=len(SCHOOL_IDS) - len(pending), school_year=year)


async def _arrived(runtime: ServiceRuntime, school_id: uuid.UUID, year: int) -> Campaign | None:
    """The school's campaign if contingent's school and next year's first grade have arrived."""
    async with runtime.database.reader() as uow:
        zone = await open_school_zone(uow.session, school_id)
        classes = await classes_of_grade(uow.session, school_id, year, GRADE)
    if zone is None or not classes:
        return None
    return Campaign(zone, tuple((c.class_id, c.max_size) for c in classes))


@dataclass(frozen=True)
class Pending:
    """A registered application the demo sends to a class, as the school's administration."""

    application_id: uuid.UUID
    assignment: Assignment
    admin: Principal


async def load_demo_school(
    runtime: ServiceRuntime, school_no: int, school_id: uuid.UUID, year: int, campaign: Campaign
) -> list[Pending]:
    """The school's first-grade places, its applications received, then each taken to its status short
    of the assignment to a class: those are returned, for 1 А and 1 Б in turn."""
    admin = _school_admin(school_id)
    await _open_places(runtime, school_id, year, campaign.places, admin)
    received: list[tuple[DemoApplication, uuid.UUID]] = []
    for planned in school_campaign(school_no, school_id, year):
        if _work(runtime).stopping:
            return []
        received.append((planned, await _received(runtime, school_id, year, planned, admin)))
    for planned, application_id in received:
        for source, target in _path(planned):
            if _work(runtime).stopping:
                return []
            await _step(runtime, application_id, source, target, planned, admin)
    log.info("enrolment.demo.school_loaded", school_id=str(school_id), applications=len(received))
    order = EnrolmentOrder(number=f"{20 + school_no}-у", date=today_in_zone(campaign.time_zone))
    assigned = [
        application_id for planned, application_id in received if planned.goal is Status.assigned_to_class
    ]
    classes = [class_id for class_id, _ in campaign.classes]
    return [
        Pending(application_id, Assignment(classes[i % len(classes)], order, None, None), admin)
        for i, application_id in enumerate(assigned)
    ]


async def _open_places(
    runtime: ServiceRuntime, school_id: uuid.UUID, year: int, places: int, admin: Principal
) -> None:
    """The first grade's free places, unless the school has them set (by the demo or by hand)."""
    async with runtime.database.uow() as uow:
        if any(f.grade == GRADE for f in await school_places(uow, school_id, year)):
            return
        await set_places(uow, school_id, year, GRADE, places, version=None, actor=admin)
        await uow.commit()


async def _received(
    runtime: ServiceRuntime, school_id: uuid.UUID, year: int, planned: DemoApplication, admin: Principal
) -> uuid.UUID:
    """The application's id: found, or sent now as its source sends it (the portal, the school)."""
    settings = runtime.settings
    assert isinstance(settings, EnrolmentSettings)
    key = settings.snils_hmac_key.get_secret_value().encode()
    body, child = planned.body, planned.body.child
    async with runtime.database.uow() as uow:
        # A portal's application is found by the intake itself (its number is its idempotency key); a
        # paper one, entered without a key, is looked for first.
        if not planned.from_portal:
            found = await DemoQueries(uow.session).entered_at_school(
                school_id, year, child.last_name, child.first_name, child.birth_date
            )
            if found is not None:
                return found.application_id
        if isinstance(body, ApplicationIn):
            _, answer = await submit_from_portal(uow, body, actor=_portal(body.source), snils_key=key)
        else:
            assert isinstance(body, SchoolApplicationIn)
            _, answer = await enter_at_school(uow, school_id, body, key=None, actor=admin, snils_key=key)
        await uow.commit()
    return uuid.UUID(str(answer["application_id"]))


def _path(planned: DemoApplication) -> list[tuple[Status, Status]]:
    """The steps (from, to) that take the application from where its source leaves it to its goal, short
    of an assignment."""
    start = Status.documents_check if planned.from_portal else Status.new
    goal = planned.goal
    if goal is Status.assigned_to_class:
        return [(start, Status.registered)]  # the assignment itself comes last (``_assign``)
    return [] if goal is start or goal is Status.new else [(start, goal)]


async def _step(
    runtime: ServiceRuntime,
    application_id: uuid.UUID,
    source: Status,
    target: Status,
    planned: DemoApplication,
    admin: Principal,
) -> None:
    """Take the step by ``change_status`` if the application stands where the plan expects it (else it
    is past the step, or someone moved it)."""
    closing = target is planned.goal
    async with runtime.database.uow() as uow:
        await uow.serialize()
        application = await application_of(uow, application_id, actor=admin, for_update=True)
        if application.status != source:
            return
        await change_status(
            uow,
            application_id,
            target,
            reason_code=planned.reason_code if closing else None,
            comment=planned.comment if closing else None,
            version=None,
            actor=admin,
        )
        await uow.commit()


async def _assign(runtime: ServiceRuntime, assignments: list[Pending]) -> None:
    """Send the registered applications never assigned to their classes by ``assign_to_class``, in one
    transaction; one the rules refuse now (the places taken by hand meanwhile) is left to the school."""
    async with runtime.database.uow() as uow:
        await uow.serialize()
        for pending in assignments:
            application_id, admin = pending.application_id, pending.admin
            application = await application_of(uow, application_id, actor=admin, for_update=True)
            if application.status != Status.registered or application.class_id is not None:
                continue
            try:
                await assign_to_class(uow, application_id, pending.assignment, actor=admin)
            except Problem as refused:  # raised before it writes anything
                log.info(
                    "enrolment.demo.assignment_skipped", application_id=str(application_id), code=refused.code
                )
        await uow.commit()


def _portal(source: str) -> Principal:
    """The portal the application comes from, as its machine client with the intake scope."""
    client = "demo-state-portal" if source == "state_portal" else "demo-regional-portal"
    return Principal(
        user_id=None, person_id=None, client_id=client, bindings=(), scopes=frozenset({INTAKE_SCOPE})
    )


def _school_admin(school_id: uuid.UUID) -> Principal:
    """The demo acting with the rights of the school's administration there: its steps' history names
    ``service:enrolment-demo``."""
    return school_service_principal("enrolment-demo", school_id)
