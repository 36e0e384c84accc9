"""Import of a school's staff from the xlsx template: the whole file judged first, then a dry run's report,
or every new row hired in one transaction through the form's own path (``check_hire``, ``add_employment``).

Each row that passes the form's rules is hired in a savepoint, exactly as the form would hire it (the
person found by SNILS or by name in the school, the SNILS protected, ``StaffHiredV1``), so a dry run
reports what the import will do: it runs the same code and rolls everything back. A row whose person the
school employs already with the same position and first day is a re-import: counted as
``already_employed``, its savepoint rolled back, as a retried form changes nothing. Who imports: whoever
hires by form; the school is held meanwhile, as for a hire.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.common.errors import Problem
from eschool.common.http.uploads import read_upload, refused_import
from eschool.common.logging import get_logger
from eschool.common.xlsx import ImportReport, RowError, row_errors
from eschool.contingent.db.people import SnilsKeys
from eschool.contingent.db.staff import Staff
from eschool.contingent.domain.people import Refusal
from eschool.contingent.domain.staff import HireForm, check_hire
from eschool.contingent.domain.staff_import import (
    COLUMNS,
    StaffRow,
    duplicates,
    read_workbook,
    template_workbook,
)
from eschool.contingent.services.people import today_in
from eschool.contingent.services.staff import add_employment, school_of_staff

log = get_logger(__name__)


@dataclass
class _Plan:
    errors: list[RowError] = field(default_factory=list)
    hired: int = 0
    already: int = 0


@dataclass(frozen=True)
class _Hiring:
    """What every row's hire needs besides its form."""

    uow: UnitOfWork
    school_id: uuid.UUID
    actor: Principal
    keys: SnilsKeys


async def import_staff(
    uow: UnitOfWork, school_id: uuid.UUID, content: bytes, *, actor: Principal, keys: SnilsKeys, dry_run: bool
) -> ImportReport:
    """Judge the file whole; unless a dry run, hire all its new rows in one transaction, or none (422)."""
    school = await school_of_staff(uow, actor, school_id, write=True)
    await Staff(uow.session).lock_school(school_id)
    rows = await read_upload(read_workbook, content)
    report = await _judged(_Hiring(uow, school_id, actor, keys), rows, today_in(school))
    if dry_run or not report.valid:
        await uow.rollback()
        if dry_run:
            return report
        detail = f"В файле ошибок: {len(report.errors)}. Никто не принят: исправьте файл и загрузите снова"
        raise refused_import(report, detail)
    await uow.commit()
    counts = report.counts
    log.info("contingent.staff.imported", school_id=str(school_id), **counts)
    return report


async def staff_import_template(uow: UnitOfWork, school_id: uuid.UUID, *, actor: Principal) -> bytes:
    """The empty staff import template, for those who hire in the school."""
    await school_of_staff(uow, actor, school_id, write=True)
    return template_workbook()


async def _judged(hiring: _Hiring, rows: list[StaffRow], today: date) -> ImportReport:
    """Every row checked by the form's rules and against the file itself, then tried as a hire."""
    plan = _Plan(errors=duplicates(rows))
    repeated = {e.row for e in plan.errors}
    for row in rows:
        checked, errors = _checked(row, today)
        plan.errors.extend(errors)
        if checked is None or row.row in repeated:
            continue
        outcome = await _tried(hiring, row.row, checked)
        if isinstance(outcome, RowError):
            plan.errors.append(outcome)
        elif outcome:
            plan.hired += 1
        else:
            plan.already += 1
    plan.errors.sort(key=lambda e: e.row or 0)
    counts = {"would_hire": plan.hired, "already_employed": plan.already}
    return ImportReport(len(rows), plan.errors, counts, COLUMNS)


def _checked(row: StaffRow, today: date) -> tuple[HireForm | None, list[RowError]]:
    """The row's form normalized by the hiring form's rules, or the row's errors."""
    # A first day that could not be read stands in as today, so the age rule still runs.
    form = HireForm(row.card, row.position, row.hired_on or today, row.snils)
    try:
        checked, broken = check_hire(form, today), []
    except Refusal as refusal:
        checked, broken = None, refusal.broken
    errors = row_errors(row.row, row.unread, broken)
    return (None if errors else checked), errors


async def _tried(hiring: _Hiring, row: int, checked: HireForm) -> bool | RowError:
    """The row hired in a savepoint (True, kept), an employment it repeats (False, nothing kept), or why
    the form would be refused."""
    savepoint = await hiring.uow.session.begin_nested()
    try:
        _, created = await add_employment(
            hiring.uow, hiring.school_id, checked, actor=hiring.actor, keys=hiring.keys
        )
    except Problem as problem:
        await savepoint.rollback()
        return _row_error(row, problem)
    await (savepoint.commit() if created else savepoint.rollback())
    return created


def _row_error(row: int, problem: Problem) -> RowError:
    """A refusal of the hiring path (409: a SNILS of another person, the register of the dismissed...)
    at the row and field it names."""
    named = problem.errors[0].field.removeprefix("body.") if problem.errors else "snils"
    return RowError(row, named, problem.code, problem.detail)
