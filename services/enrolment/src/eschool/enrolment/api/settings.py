"""A school's enrolment settings: read by those who read its applications, set by its administration."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from eschool.common.auth import CurrentPrincipal
from eschool.common.events.enrolment import EnrolmentOrder
from eschool.common.http.request import database_of
from eschool.enrolment.api.schemas import EnrolmentSettingsIn, EnrolmentSettingsRead, OrderIn
from eschool.enrolment.db.models import SchoolSettings
from eschool.enrolment.services.settings import (
    FillType,
    SettingsForm,
    automatic_order,
    school_settings,
    set_school_settings,
)


def settings_read(row: SchoolSettings) -> EnrolmentSettingsRead:
    order = automatic_order(row)
    return EnrolmentSettingsRead(
        fill_type=row.fill_type,  # type: ignore[arg-type]
        register_after_days=row.register_after_days,
        enrol_after_days=row.enrol_after_days,
        order=OrderIn(series=order.series, number=order.number, date=order.date) if order else None,
        updated_at=row.updated_at,
        version=row.version,
    )


def settings_router() -> APIRouter:
    """Routes under /v1/schools/{school_id}/enrolment-settings."""
    router = APIRouter(prefix="/v1/schools/{school_id}/enrolment-settings", tags=["settings"])

    @router.get("")
    async def read(school_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> EnrolmentSettingsRead:
        """The school's enrolment settings (its defaults until it sets them)."""
        async with database_of(request).reader() as uow:
            return settings_read(await school_settings(uow, school_id, actor=actor))

    @router.put("")
    async def put(
        school_id: uuid.UUID, body: EnrolmentSettingsIn, request: Request, actor: CurrentPrincipal
    ) -> EnrolmentSettingsRead:
        """Set the fill type and the days after which the system registers and enrols by itself."""
        order = body.order and EnrolmentOrder(
            series=body.order.series, number=body.order.number, date=body.order.date
        )
        form = SettingsForm(
            FillType(body.fill_type), body.register_after_days, body.enrol_after_days, order, body.version
        )
        async with database_of(request).uow() as uow:
            row = await set_school_settings(uow, school_id, form, actor=actor)
            await uow.commit()
        return settings_read(row)

    return router
