"""Teaching assignments of a school's years (who teaches what where) and the check of the load."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.request import database_of, settings_of
from eschool.scheduling.api.load_schemas import (
    ClassLoadRead,
    SubjectCoverageRead,
    TeacherLoadRead,
    TeachingAssignmentCreate,
    TeachingAssignmentRead,
    TeachingAssignmentUpdate,
    TeachingLoadRead,
)
from eschool.scheduling.db.load_repositories import TeachingAssignments
from eschool.scheduling.services.load_scope import check_load
from eschool.scheduling.services.teaching_assignments import (
    assign_teacher,
    assignment_for,
    change_hours,
    remove_assignment,
)
from eschool.scheduling.services.teaching_load import LoadReport, teaching_load
from eschool.scheduling.settings import SchedulingSettings

Year = Annotated[uuid.UUID, Query(description="The academic year")]
SCHOOL = "/v1/schools/{school_id}"
ONE = "/v1/teaching-assignments/{teaching_assignment_id}"


def teaching_assignments_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/teaching-assignments, /teaching-load and
    /v1/teaching-assignments."""
    router = APIRouter(tags=["teaching load"])

    @router.post(SCHOOL + "/teaching-assignments", status_code=201)
    async def create(
        school_id: uuid.UUID, body: TeachingAssignmentCreate, request: Request, actor: CurrentPrincipal
    ) -> TeachingAssignmentRead:
        """Assign a teacher a subject in a class or subgroup (409 if already assigned there)."""
        async with database_of(request).uow() as uow:
            assignment = await assign_teacher(uow, school_id, body.draft(), actor=actor)
            await uow.commit()
        return TeachingAssignmentRead.of(assignment)

    @router.get(SCHOOL + "/teaching-assignments")
    async def list_all(
        school_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        academic_year_id: Year,
        class_id: uuid.UUID | None = None,
        person_id: uuid.UUID | None = None,
    ) -> list[TeachingAssignmentRead]:
        """The year's assignments (of a class, of a teacher)."""
        async with database_of(request).uow() as uow:
            await check_load(uow, actor, school_id, write=False)
            rows = await TeachingAssignments(uow.session).of_year(
                school_id, academic_year_id, class_id=class_id, person_id=person_id
            )
        return [TeachingAssignmentRead.of(a) for a in rows]

    @router.get(SCHOOL + "/teaching-load")
    async def check(
        school_id: uuid.UUID, request: Request, actor: CurrentPrincipal, academic_year_id: Year
    ) -> TeachingLoadRead:
        """Per class and subject the curriculum's hours against the assigned; per teacher the total."""
        max_hours = settings_of(request, SchedulingSettings).max_weekly_load
        async with database_of(request).uow() as uow:
            report = await teaching_load(uow, school_id, academic_year_id, max_hours=max_hours, actor=actor)
        return _report(report)

    @router.put(ONE)
    async def update(
        teaching_assignment_id: uuid.UUID,
        body: TeachingAssignmentUpdate,
        request: Request,
        actor: CurrentPrincipal,
    ) -> TeachingAssignmentRead:
        """Change the assignment's weekly hours (409 ``stale_version``)."""
        async with database_of(request).uow() as uow:
            assignment = await change_hours(
                uow, teaching_assignment_id, body.weekly_hours, version=body.version, actor=actor
            )
            await uow.commit()
        return TeachingAssignmentRead.of(assignment)

    @router.get(ONE)
    async def read(
        teaching_assignment_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> TeachingAssignmentRead:
        """A teaching assignment."""
        async with database_of(request).uow() as uow:
            assignment = await assignment_for(uow, teaching_assignment_id, actor=actor, write=False)
        return TeachingAssignmentRead.of(assignment)

    @router.delete(ONE, status_code=204)
    async def delete(
        teaching_assignment_id: uuid.UUID,
        request: Request,
        actor: CurrentPrincipal,
        version: Annotated[int | None, Query(description="The version seen")] = None,
    ) -> Response:
        """Remove the assignment (announced as removed)."""
        async with database_of(request).uow() as uow:
            await remove_assignment(uow, teaching_assignment_id, version=version, actor=actor)
            await uow.commit()
        return Response(status_code=204)

    return router


def _report(report: LoadReport) -> TeachingLoadRead:
    classes = [
        ClassLoadRead(
            class_id=c.school_class.class_id,
            grade=c.school_class.grade,
            letter=c.school_class.letter,
            curriculum_id=c.curriculum_id,
            subjects=[
                SubjectCoverageRead(
                    subject_id=s.subject_id,
                    planned_hours=s.planned,
                    assigned_hours=s.assigned,
                    coverage=s.coverage,
                )
                for s in c.subjects
            ],
        )
        for c in report.classes
    ]
    teachers = [
        TeacherLoadRead(
            person_id=t.person_id,
            last_name=t.staff.last_name if t.staff else None,
            first_name=t.staff.first_name if t.staff else None,
            middle_name=t.staff.middle_name if t.staff else None,
            dismissed=t.staff is not None and t.staff.dismissed_on is not None,
            weekly_hours=t.weekly_hours,
            over_max=t.over_max,
        )
        for t in report.teachers
    ]
    return TeachingLoadRead(max_weekly_hours=report.max_weekly_hours, classes=classes, teachers=teachers)
