"""A school's enrolment settings (seed 000, point 7, «Настройки зачисления», the tab «Общие сведения»):
the fill type and the numbers of days after which the system changes statuses and enrols by itself.

Fill type: ``grade_places`` counts an assignment against the grade's free places (the tab «Количество
свободных мест в параллелях») and the class's maximum size; ``class_max_size`` («Максимальная
наполняемость») counts it against the class's maximum size only, as the school set it on the class card.
Days: ``register_after_days`` registers an application still in the documents check that many days after
it arrived there; ``enrol_after_days`` assigns a registered application to a class of its grade with room
that many days after its registration (contingent then enrols the child), under the order the school
names here, for the automatic enrolments. None: the school takes the step itself. The school's
administration sets them; its municipality and the ministry read them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import conflict, unprocessable
from eschool.common.events.enrolment import EnrolmentOrder
from eschool.enrolment.db.models import SchoolSettings
from eschool.enrolment.services.applications import may_handle, may_read, school_not_found


class FillType(StrEnum):
    grade_places = "grade_places"
    class_max_size = "class_max_size"


@dataclass(frozen=True)
class SettingsForm:
    """What the school sets; ``version`` is the one the change is based on (0: never set)."""

    fill_type: FillType
    register_after_days: int | None
    enrol_after_days: int | None
    order: EnrolmentOrder | None
    version: int | None


def defaults(school_id: uuid.UUID) -> SchoolSettings:
    """A school's settings until it sets them: free places per grade, nothing automatic."""
    return SchoolSettings(
        school_id=school_id,
        fill_type=FillType.grade_places.value,
        register_after_days=None,
        enrol_after_days=None,
        order_series=None,
        order_number=None,
        order_date=None,
        updated_at=None,
        updated_by=None,
        version=0,
    )


async def settings_of(uow: UnitOfWork, school_id: uuid.UUID, *, lock: bool = False) -> SchoolSettings | None:
    """The school's settings row, if it set them."""
    stmt = select(SchoolSettings).where(SchoolSettings.school_id == school_id)
    return (await uow.session.execute(stmt.with_for_update() if lock else stmt)).scalar_one_or_none()


async def fill_type_of(uow: UnitOfWork, school_id: uuid.UUID) -> FillType:
    """What fills the school's grades."""
    found = await settings_of(uow, school_id)
    return FillType(found.fill_type) if found else FillType.grade_places


async def school_settings(uow: UnitOfWork, school_id: uuid.UUID, *, actor: Principal) -> SchoolSettings:
    """The school's settings (its defaults if never set), for those who may read its applications."""
    if not await may_read(uow, actor, school_id):
        raise school_not_found()
    return await settings_of(uow, school_id) or defaults(school_id)


async def set_school_settings(
    uow: UnitOfWork, school_id: uuid.UUID, form: SettingsForm, *, actor: Principal
) -> SchoolSettings:
    """Set the school's settings (its administration); a stale version is refused."""
    if not may_handle(actor, school_id):
        raise school_not_found()
    if form.enrol_after_days is not None and form.order is None:
        raise unprocessable(
            "order_required",
            "Для автоматического зачисления укажите приказ, по которому зачислять",
            field_name="body.order",
        )
    await uow.serialize()
    row = await settings_of(uow, school_id, lock=True)
    if form.version is not None and form.version != (row.version if row else 0):
        detail = "Настройки изменились с тех пор, как их открыли: обновите страницу"
        raise conflict("stale_version", detail, field_name="body.version")
    if row is None:
        row = defaults(school_id)
        uow.session.add(row)
    order = form.order
    row.fill_type = form.fill_type.value
    row.register_after_days, row.enrol_after_days = form.register_after_days, form.enrol_after_days
    row.order_series = order.series if order else None
    row.order_number = order.number if order else None
    row.order_date = order.date if order else None
    row.updated_at, row.updated_by = utcnow(), actor.user_id
    row.version += 1
    return row


def automatic_order(row: SchoolSettings) -> EnrolmentOrder | None:
    """The order automatic enrolments go under, if the school named one."""
    if row.order_number is None or row.order_date is None:
        return None
    return EnrolmentOrder(series=row.order_series, number=row.order_number, date=row.order_date)
