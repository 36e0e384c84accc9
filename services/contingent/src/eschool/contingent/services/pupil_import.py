"""Import of a class's pupils from the template of seed 001: the whole file judged first, then a dry run's
report, or every new row enrolled in one transaction through the form's own path (``add_enrolment``).

A row whose personal file number this class already has with the same data is a re-import: counted as
``already_enrolled`` and skipped. Who imports: whoever enrols by form (``services.people``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.common.http.uploads import read_upload, refused_import
from eschool.common.logging import get_logger
from eschool.common.xlsx import ImportReport, RowError
from eschool.contingent.db.models import AcademicYear, SchoolClass
from eschool.contingent.db.people import ENROLLED, People
from eschool.contingent.domain.people import Enrolment, Order, PersonCard, Refusal, form_digest
from eschool.contingent.domain.pupil_import import (
    COLUMNS,
    ImportRow,
    Known,
    duplicate_numbers,
    overflow,
    read_workbook,
    row_errors,
    taken,
    template_workbook,
)
from eschool.contingent.services.people import card_of, today_in
from eschool.contingent.services.pupils import EnrolmentForm, add_enrolment, check_form, class_to_enrol_into

log = get_logger(__name__)
Checked = tuple[int, PersonCard, Enrolment]


@dataclass
class _Plan:
    errors: list[RowError] = field(default_factory=list)
    new: list[Checked] = field(default_factory=list)
    already: int = 0


async def import_pupils(
    uow: UnitOfWork, class_id: uuid.UUID, content: bytes, *, actor: Principal, dry_run: bool
) -> ImportReport:
    """Judge the file whole; unless a dry run, enrol all its new rows in one transaction, or none (422)."""
    school_class, year, school = await class_to_enrol_into(uow, class_id, actor=actor, lock=not dry_run)
    rows = await read_upload(read_workbook, content)
    report, new = await _judged(uow, rows, school_class, year, today_in(school))
    if dry_run:
        return report
    if not report.valid:
        detail = (
            f"В файле ошибок: {len(report.errors)}. Никто не зачислен: исправьте файл и загрузите его снова"
        )
        raise refused_import(report, detail, whole="class")
    for _, card, enrolment in new:
        digest = form_digest(class_id, card, enrolment, None)
        await add_enrolment(uow, school_class, card, enrolment, None, digest=digest, actor=actor)
    await uow.commit()
    skipped = report.counts["already_enrolled"]
    log.info("contingent.pupils.imported", class_id=str(class_id), enrolled=len(new), skipped=skipped)
    return report


async def import_template(uow: UnitOfWork, class_id: uuid.UUID, *, actor: Principal) -> bytes:
    """The empty import template, for those who import into the class."""
    await class_to_enrol_into(uow, class_id, actor=actor, lock=False)
    return template_workbook()


async def _judged(
    uow: UnitOfWork, rows: list[ImportRow], school_class: SchoolClass, year: AcademicYear, today: date
) -> tuple[ImportReport, list[Checked]]:
    """Every row checked by the form's rules, against the file itself and the school's numbers."""
    plan = _Plan()
    checked: list[Checked] = []
    for row in rows:
        try:
            card, enrolment, _ = check_form(EnrolmentForm(row.card, row.enrolment), year, today)
            broken = []
        except Refusal as refusal:
            broken = refusal.broken
        errors = row_errors(row, broken)
        plan.errors.extend(errors)
        if not errors:
            checked.append((row.row, card, enrolment))
    numbered = [(r.row, r.enrolment.personal_file_number) for r in rows if r.enrolment.personal_file_number]
    duplicates = duplicate_numbers(numbered)
    plan.errors.extend(duplicates)
    repeated = {e.row for e in duplicates}
    known = await _known(uow, school_class.school_id, {number for _, number in numbered})
    for row_checked in (c for c in checked if c[0] not in repeated):
        _place(plan, row_checked, known, school_class.class_id)
    size = await People(uow.session).class_size(school_class.class_id)
    plan.errors.extend(overflow(len(plan.new), size, school_class.max_size))
    plan.errors.sort(key=lambda e: (e.row is None, e.row or 0))
    counts = {"would_enrol": len(plan.new), "already_enrolled": plan.already}
    return ImportReport(len(rows), plan.errors, counts, COLUMNS), plan.new


def _place(plan: _Plan, row: Checked, known: dict[str, Known], class_id: uuid.UUID) -> None:
    row_number, card, enrolment = row
    there = known.get(enrolment.personal_file_number)
    if there is None:
        plan.new.append(row)
    elif (error := taken(row_number, card, enrolment.order, there, class_id)) is not None:
        plan.errors.append(error)
    else:
        plan.already += 1


async def _known(uow: UnitOfWork, school_id: uuid.UUID, numbers: set[str]) -> dict[str, Known]:
    """What the school has under the file's personal file numbers, in one query for the whole file."""
    return {
        enrolment.personal_file_number: Known(
            enrolment.class_id,
            enrolment.status == ENROLLED,
            card_of(person),
            Order(enrolment.order_number, enrolment.order_date, enrolment.order_series),
        )
        for enrolment, person in await People(uow.session).by_file_numbers(school_id, numbers)
    }
