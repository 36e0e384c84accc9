"""How the schools handle the applications submitted in electronic form: the municipality's and the
ministry's monitoring (seed 001, Приложение 6: «Обработка заявлений, поданных в электронном виде», a
monitoring held several times a year), and the school's own view of the same figures.

Per school of the org unit asked for (a school, a municipality's schools, the region's), for one school
year: the applications received (from the portals among them), how many stand in each status, how many
wait unhandled (new or in the documents check) longer than the days given, the mean days from receipt to
registration, the assignments contingent has not answered in time, and the open applications of past
school years (none may stay, seed 000 point 12). Counts only: no child, no applicant.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from eschool.common.auth import Principal, Role
from eschool.common.auth.jurisdiction import jurisdiction_of
from eschool.common.db import UnitOfWork, as_utc
from eschool.common.db.org_tree import schools_under
from eschool.common.errors import not_found
from eschool.enrolment.db.models import Application, OrgUnit, OrgUnitState, StatusChange
from eschool.enrolment.domain.ranking import open_school_years
from eschool.enrolment.domain.workflow import Status
from eschool.enrolment.services.applications import left_open, may_handle

UNHANDLED = (Status.new.value, Status.documents_check.value)


@dataclass
class SchoolFigures:
    """One school's figures for the school year."""

    school_id: uuid.UUID
    school_name: str | None
    received: int = 0
    from_portals: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    unhandled_too_long: int = 0
    mean_days_to_registration: float | None = None
    answers_overdue: int = 0
    past_years_open: int = 0


def org_unit_not_found() -> Exception:
    return not_found("org_unit_not_found", "Организация не найдена")


async def monitoring(
    uow: UnitOfWork,
    org_unit_id: uuid.UUID,
    school_year: int,
    stale_days: int,
    now: datetime,
    *,
    actor: Principal,
) -> list[SchoolFigures]:
    """The figures of every school under ``org_unit_id`` the actor looks after, by school name."""
    schools = await _schools_of(uow, org_unit_id, actor)
    names = dict(
        (
            await uow.session.execute(
                select(OrgUnitState.org_unit_id, OrgUnitState.short_name).where(
                    OrgUnitState.org_unit_id.in_(schools)
                )
            )
        ).all()
    )
    figures = {s: SchoolFigures(s, names.get(s)) for s in schools}
    await _counts(uow, figures, school_year, now - timedelta(days=stale_days))
    await _days_to_registration(uow, figures, school_year)
    await _past_years(uow, figures, open_school_years(now.date())[0])
    return sorted(figures.values(), key=lambda f: (f.school_name or "", str(f.school_id)))


async def _schools_of(uow: UnitOfWork, org_unit_id: uuid.UUID, actor: Principal) -> list[uuid.UUID]:
    """The schools under the unit that the actor may read (404 if none: the unit is not theirs to see).
    Schools sit under a municipality, municipalities under the region (contingent's tree)."""
    unit = await uow.session.get(OrgUnit, org_unit_id)
    if unit is None or actor.is_machine:
        raise org_unit_not_found()
    under = schools_under(uow.session, OrgUnit.__table__)
    if unit.kind == "school":
        candidates: Collection[uuid.UUID] = [unit.org_unit_id]
    elif unit.kind == "municipality":
        candidates = await under(frozenset({unit.org_unit_id}))
    else:
        stmt = select(OrgUnit.org_unit_id).where(OrgUnit.parent_id == unit.org_unit_id)
        candidates = await under(frozenset((await uow.session.scalars(stmt)).all()))
    looks_after = actor.has_role(Role.municipality, Role.ministry)
    jurisdiction = await jurisdiction_of(actor, under) if looks_after else None
    allowed = [
        school_id
        for school_id in candidates
        if may_handle(actor, school_id)
        or (jurisdiction is not None and jurisdiction.covers_school(school_id))
    ]
    if not allowed:
        raise org_unit_not_found()
    return allowed


async def _counts(
    uow: UnitOfWork, figures: dict[uuid.UUID, SchoolFigures], school_year: int, stale: datetime
) -> None:
    a = Application
    rows = await uow.session.execute(
        select(a.school_id, a.status, a.source, a.status_since, a.answer_overdue_at).where(
            a.school_id.in_(figures), a.school_year == school_year
        )
    )
    for school_id, status, source, since, overdue in rows.all():
        f = figures[school_id]
        f.received += 1
        f.from_portals += source != "school"
        f.by_status[status] = f.by_status.get(status, 0) + 1
        f.unhandled_too_long += status in UNHANDLED and as_utc(since) <= stale
        f.answers_overdue += status == Status.assigned_to_class and overdue is not None


async def _days_to_registration(
    uow: UnitOfWork, figures: dict[uuid.UUID, SchoolFigures], school_year: int
) -> None:
    a, c = Application, StatusChange
    rows = await uow.session.execute(
        select(a.school_id, a.received_at, c.at)
        .join(c, (c.application_id == a.application_id) & (c.school_id == a.school_id))
        .where(
            a.school_id.in_(figures),
            a.school_year == school_year,
            c.to_status == Status.registered.value,
            c.from_status.in_(UNHANDLED),
        )
    )
    days: dict[uuid.UUID, list[float]] = defaultdict(list)
    for school_id, received_at, registered_at in rows.all():
        days[school_id].append((as_utc(registered_at) - as_utc(received_at)).total_seconds() / 86400)
    for school_id, spans in days.items():
        figures[school_id].mean_days_to_registration = round(sum(spans) / len(spans), 1)


async def _past_years(uow: UnitOfWork, figures: dict[uuid.UUID, SchoolFigures], current: int) -> None:
    a = Application
    rows = await uow.session.execute(
        select(a.school_id, func.count())
        .where(a.school_id.in_(figures), left_open(current))
        .group_by(a.school_id)
    )
    for school_id, count in rows.all():
        figures[school_id].past_years_open = int(count)
