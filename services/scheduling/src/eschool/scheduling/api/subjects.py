"""Subjects: the regional catalogue (the ministry's) and each school's list (catalogue and own)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from eschool.common.auth import CurrentPrincipal, Principal
from eschool.common.http.request import database_of
from eschool.scheduling.api.subject_schemas import (
    CatalogueSubjectCreate,
    CatalogueSubjectUpdate,
    SchoolSubjectCreate,
    SchoolSubjectRead,
    SchoolSubjectUpdate,
    SubjectRead,
    SubjectsChoose,
)
from eschool.scheduling.services.catalogue import (
    add_catalogue_subject,
    catalogue_subjects,
    change_catalogue_subject,
)
from eschool.scheduling.services.school_subjects import (
    add_school_subject,
    change_school_subject,
    choose_subjects,
    retire_school_subject,
    school_subjects,
)

Retired = Annotated[bool, Query(description="Also the retired ones")]
SCHOOL = "/v1/schools/{school_id}/subjects"


def subjects_router() -> APIRouter:
    """Routes under /v1/subjects (the catalogue) and /v1/schools/{school_id}/subjects."""
    router = APIRouter(tags=["subjects"])

    @router.get("/v1/subjects")
    async def list_catalogue(
        request: Request, actor: CurrentPrincipal, include_retired: Retired = False
    ) -> list[SubjectRead]:
        """The regional catalogue of subjects, by name."""
        async with database_of(request).uow() as uow:
            subjects = await catalogue_subjects(uow, include_retired=include_retired)
        return [SubjectRead.model_validate(s, from_attributes=True) for s in subjects]

    @router.post("/v1/subjects", status_code=201)
    async def create_catalogue(
        body: CatalogueSubjectCreate, request: Request, actor: CurrentPrincipal
    ) -> SubjectRead:
        """Add a subject to the regional catalogue (the ministry)."""
        async with database_of(request).uow() as uow:
            subject = await add_catalogue_subject(uow, body.draft(body.code), actor=actor)
            await uow.commit()
        return SubjectRead.model_validate(subject, from_attributes=True)

    @router.put("/v1/subjects/{subject_id}")
    async def update_catalogue(
        subject_id: uuid.UUID, body: CatalogueSubjectUpdate, request: Request, actor: CurrentPrincipal
    ) -> SubjectRead:
        """Rename or retire a catalogue subject (the ministry; 409 ``stale_version``)."""
        async with database_of(request).uow() as uow:
            subject = await change_catalogue_subject(
                uow,
                subject_id,
                body.draft(body.code),
                retired=body.retired,
                version=body.version,
                actor=actor,
            )
            await uow.commit()
        return SubjectRead.model_validate(subject, from_attributes=True)

    @router.get(SCHOOL)
    async def list_school(
        school_id: uuid.UUID, request: Request, actor: CurrentPrincipal, include_retired: Retired = False
    ) -> list[SchoolSubjectRead]:
        """The subjects the school teaches, by name."""
        async with database_of(request).uow() as uow:
            views = await school_subjects(uow, school_id, include_retired=include_retired, actor=actor)
        return [SchoolSubjectRead.of(v) for v in views]

    @router.post(SCHOOL + "/chosen")
    async def choose(
        school_id: uuid.UUID, body: SubjectsChoose, request: Request, actor: CurrentPrincipal
    ) -> list[SchoolSubjectRead]:
        """Teach these catalogue subjects (again, if retired); choosing twice changes nothing."""
        async with database_of(request).uow() as uow:
            views = await choose_subjects(uow, school_id, body.subject_ids, actor=actor)
            await uow.commit()
        return [SchoolSubjectRead.of(v) for v in views]

    @router.post(SCHOOL, status_code=201)
    async def create_own(
        school_id: uuid.UUID, body: SchoolSubjectCreate, request: Request, actor: CurrentPrincipal
    ) -> SchoolSubjectRead:
        """Add a subject of the school's own (an elective) to its list."""
        async with database_of(request).uow() as uow:
            view = await add_school_subject(uow, school_id, body.draft(), actor=actor)
            await uow.commit()
        return SchoolSubjectRead.of(view)

    @router.put(SCHOOL + "/{subject_id}")
    async def update_own(
        school_id: uuid.UUID,
        subject_id: uuid.UUID,
        body: SchoolSubjectUpdate,
        request: Request,
        actor: CurrentPrincipal,
    ) -> SchoolSubjectRead:
        """Rename the school's own subject (409 ``stale_version``)."""
        async with database_of(request).uow() as uow:
            view = await change_school_subject(
                uow, school_id, subject_id, body.draft(), version=body.version, actor=actor
            )
            await uow.commit()
        return SchoolSubjectRead.of(view)

    @router.post(SCHOOL + "/{subject_id}/retire")
    async def retire(
        school_id: uuid.UUID, subject_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> SchoolSubjectRead:
        """Stop teaching the subject: it leaves the list, its lessons keep referring to it."""
        return await _retirement(request, school_id, subject_id, retired=True, actor=actor)

    @router.post(SCHOOL + "/{subject_id}/restore")
    async def restore(
        school_id: uuid.UUID, subject_id: uuid.UUID, request: Request, actor: CurrentPrincipal
    ) -> SchoolSubjectRead:
        """Teach a retired subject again."""
        return await _retirement(request, school_id, subject_id, retired=False, actor=actor)

    return router


async def _retirement(
    request: Request, school_id: uuid.UUID, subject_id: uuid.UUID, *, retired: bool, actor: Principal
) -> SchoolSubjectRead:
    async with database_of(request).uow() as uow:
        view = await retire_school_subject(uow, school_id, subject_id, retired=retired, actor=actor)
        await uow.commit()
    return SchoolSubjectRead.of(view)
