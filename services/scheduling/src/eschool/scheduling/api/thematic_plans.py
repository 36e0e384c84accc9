"""Thematic plans (КТП) of a class's subjects: read, replace whole, xlsx template, import and export,
copy from the previous year.

The import's upload is the workbook itself as the request body (``common.http.uploads``): more than
5 MB is 413, another media type 415, a body that is not the template 422.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of
from eschool.common.http.uploads import (
    UPLOAD_REFUSALS,
    XLSX_ANSWER,
    XLSX_BODY,
    DryRun,
    uploaded_workbook,
    xlsx_download,
)
from eschool.common.xlsx import XlsxFile
from eschool.scheduling.api.thematic_plan_schemas import (
    ThematicPlanCopy,
    ThematicPlanImportRead,
    ThematicPlanRead,
    ThematicPlanUpdate,
)
from eschool.scheduling.services.thematic_plan_copy import copy_previous_year
from eschool.scheduling.services.thematic_plan_import import export_plan, import_plan, plan_template
from eschool.scheduling.services.thematic_plans import plan_of, save_plan

PLAN = "/v1/classes/{class_id}/thematic-plans/{subject_id}"
_TEMPLATE = XlsxFile("Шаблон КТП.xlsx", "ktp-template.xlsx", b"")


def thematic_plans_router() -> APIRouter:
    """Routes under /v1/classes/{class_id}/thematic-plans/{subject_id}."""
    router = APIRouter(tags=["thematic plans"])

    @router.get(PLAN)
    async def read(
        class_id: uuid.UUID, subject_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> ThematicPlanRead:
        """The class's plan of the subject with its hours against the curriculum."""
        async with database_of(request).uow() as uow:
            view = await plan_of(uow, class_id, subject_id, actor=actor)
        return ThematicPlanRead.of(view)

    @router.put(PLAN)
    async def replace(
        class_id: uuid.UUID,
        subject_id: uuid.UUID,
        body: ThematicPlanUpdate,
        request: Request,
        actor: CurrentPrincipal,
    ) -> ThematicPlanRead:
        """Replace the plan whole, on the version seen (0: there was none)."""
        topics = [t.topic() for t in body.topics]
        async with database_of(request).uow() as uow:
            view = await save_plan(uow, class_id, subject_id, topics, version=body.version, actor=actor)
            await uow.commit()
        return ThematicPlanRead.of(view)

    @router.post(PLAN + "/copy-from-previous-year")
    async def copy(
        class_id: uuid.UUID,
        subject_id: uuid.UUID,
        body: ThematicPlanCopy,
        request: Request,
        actor: CurrentPrincipal,
    ) -> ThematicPlanRead:
        """Copy the subject's plan of last year's class (a grade lower, same letter, or the one named) when
        its hours equal this year's curriculum hours; else 422 naming both."""
        async with database_of(request).uow() as uow:
            view = await copy_previous_year(
                uow,
                class_id,
                subject_id,
                source_class_id=body.source_class_id,
                version=body.version,
                actor=actor,
            )
            await uow.commit()
        return ThematicPlanRead.of(view)

    @router.get(PLAN + "/import-template", response_class=Response, responses=XLSX_ANSWER)
    async def template(
        class_id: uuid.UUID, subject_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> Response:
        """The empty plan template (xlsx), for those who change the plan."""
        async with database_of(request).uow() as uow:
            content = await plan_template(uow, class_id, subject_id, actor=actor)
        return xlsx_download(XlsxFile(_TEMPLATE.name, _TEMPLATE.ascii_name, content))

    @router.post(PLAN + "/import", openapi_extra=XLSX_BODY, responses=UPLOAD_REFUSALS)
    async def import_file(
        class_id: uuid.UUID, subject_id: uuid.UUID, request: Request, actor: CurrentPrincipal, dry_run: DryRun
    ) -> ThematicPlanImportRead:
        """Check the filled template whole; with dry_run=false replace the plan with it, or change nothing
        (422 with the same report); the plan it already is stays as it is."""
        content = await uploaded_workbook(request, too_large="в шаблоне должен быть один КТП")
        async with database_of(request).uow() as uow:
            report = await import_plan(uow, class_id, subject_id, content, actor=actor, dry_run=dry_run)
        return ThematicPlanImportRead.model_validate(report.as_dict() | {"applied": not dry_run})

    @router.get(PLAN + "/export", response_class=Response, responses=XLSX_ANSWER)
    async def export(
        class_id: uuid.UUID, subject_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> Response:
        """The plan as xlsx in the template's layout (it imports back unchanged)."""
        async with database_of(request).uow() as uow:
            file = await export_plan(uow, class_id, subject_id, actor=actor)
        return xlsx_download(file)

    return router
