"""A thematic plan in xlsx: the empty template, the export of a plan, and the import of a filled
template — the whole file judged first (a dry run answers only the report), then the plan replaced
whole, or nothing written (422 with the same report). Importing the plan it already has changes
nothing and announces nothing."""

from __future__ import annotations

import uuid

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.common.http.uploads import off_loop, read_upload, refused_import
from eschool.common.logging import get_logger
from eschool.common.xlsx import ImportReport, XlsxFile
from eschool.scheduling.db.setup_repositories import Subjects
from eschool.scheduling.db.thematic_plans import ThematicPlans
from eschool.scheduling.domain.thematic_plan_xlsx import (
    COLUMNS,
    plan_workbook,
    read_workbook,
    template_workbook,
)
from eschool.scheduling.domain.thematic_plans import topics_of, total_hours
from eschool.scheduling.services.thematic_plans import hours_of, plan_class, store_plan

log = get_logger(__name__)


async def import_plan(
    uow: UnitOfWork,
    class_id: uuid.UUID,
    subject_id: uuid.UUID,
    content: bytes,
    *,
    actor: Principal,
    dry_run: bool,
) -> ImportReport:
    """Judge the file whole; unless a dry run, replace the plan with its topics, or write nothing (422)."""
    school_class = await plan_class(uow, class_id, subject_id, actor=actor, write=True)
    read = await read_upload(read_workbook, content)
    current = await ThematicPlans(uow.session).plan(school_class.school_id, class_id, subject_id)
    same = current is not None and [t.as_json() for t in read.topics] == current.topics
    planned = total_hours(read.topics)
    counts = {
        "topics": len(read.topics),
        "total_hours": planned,
        "curriculum_hours": await hours_of(uow, school_class, subject_id),
        "unchanged": int(same and not read.errors),
    }
    report = ImportReport(read.rows, read.errors, counts, COLUMNS)
    if dry_run:
        return report
    if not report.valid:
        detail = f"В файле ошибок: {len(report.errors)}. КТП не изменён: исправьте файл и загрузите его снова"
        raise refused_import(report, detail)
    await store_plan(uow, school_class, subject_id, read.topics, version=None)
    await uow.commit()
    log.info(
        "scheduling.thematic_plan.imported",
        class_id=str(class_id),
        subject_id=str(subject_id),
        unchanged=same,
    )
    return report


async def plan_template(
    uow: UnitOfWork, class_id: uuid.UUID, subject_id: uuid.UUID, *, actor: Principal
) -> bytes:
    """The empty template, for those who may change the plan."""
    await plan_class(uow, class_id, subject_id, actor=actor, write=True)
    return await off_loop(template_workbook)


async def export_plan(
    uow: UnitOfWork, class_id: uuid.UUID, subject_id: uuid.UUID, *, actor: Principal
) -> XlsxFile:
    """The plan in the template's layout, named by the class and the subject."""
    school_class = await plan_class(uow, class_id, subject_id, actor=actor, write=False)
    plan = await ThematicPlans(uow.session).plan(school_class.school_id, class_id, subject_id)
    subject = await Subjects(uow.session).subject(subject_id)
    topics = topics_of(plan.topics) if plan is not None else []
    content = await off_loop(plan_workbook, topics)
    name = f"КТП {school_class.grade} {school_class.letter} {subject.name if subject else ''}".strip()
    return XlsxFile(f"{name}.xlsx", f"ktp-{school_class.grade}.xlsx", content)
