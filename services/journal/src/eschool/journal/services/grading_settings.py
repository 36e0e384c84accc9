"""A school's grading settings: the rounding policy (versioned: a change is a new version, and every
average says which version made it), the work types with their weights (the region's defaults, which a
school overrides under the same code, and the school's own), and the subjects marked pass/fail.

The school's administration changes them; its teachers, the municipality and the ministry read them
(``grading_scope``). A work type's new weight counts for marks given after the change: a mark keeps the
weight it was given with. Every change leaves an audit row (who, when, old, new): a weight or a scale
changes the averages families read, so who changed it and when must be answerable (``settings_audit``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import Page, UnitOfWork, utcnow
from eschool.common.errors import FieldError, conflict, forbidden, not_found, unprocessable_fields
from eschool.journal.db.grading import Grading
from eschool.journal.db.journal_queries import JournalRecords
from eschool.journal.db.records import GradingPolicy, JournalAudit, SubjectScale, WorkType
from eschool.journal.db.term_mark_queries import GradingSettings
from eschool.journal.domain.averages import DEFAULT_POLICY, DISPLAY_PLACES, RoundingPolicy
from eschool.journal.domain.scales import GradingScale
from eschool.journal.services.audit import add_audit
from eschool.journal.services.grading_scope import check_settings
from eschool.journal.services.lesson_access import administers, in_school


@dataclass(frozen=True)
class PolicyHistory:
    """The school's policy in force (the default until it sets one) and its versions, newest first."""

    school_id: uuid.UUID
    current: RoundingPolicy
    is_default: bool
    versions: list[GradingPolicy]


@dataclass(frozen=True)
class WorkTypeChange:
    """What a school changes of a work type (None: keep); a new own type needs a name and a weight."""

    name: str | None = None
    weight: Decimal | None = None
    retired: bool | None = None
    control: bool | None = None
    multiple: bool | None = None


async def grading_policy(uow: UnitOfWork, school_id: uuid.UUID, *, actor: Principal) -> PolicyHistory:
    """The school's rounding policy in force and every version of it."""
    await check_settings(uow, actor, school_id, write=False)
    return await _history(uow, school_id)


async def change_grading_policy(
    uow: UnitOfWork, school_id: uuid.UUID, threshold: Decimal, min_marks: int, *, actor: Principal
) -> PolicyHistory:
    """Make a new version of the school's rounding policy: new averages and term marks use it."""
    await check_settings(uow, actor, school_id, write=True)
    newest = await Grading(uow.session).policy(school_id)
    # The first version a school sets follows the region's default (version 1), so a term mark set
    # under the default never names the same version as one set under the school's own rule.
    version = max(newest.version, DEFAULT_POLICY.version) + 1
    RoundingPolicy(threshold=threshold, min_marks=min_marks, version=version)
    policy = RoundingPolicy(threshold.quantize(DISPLAY_PLACES), min_marks=min_marks, version=version)
    row = GradingPolicy(
        school_id=school_id,
        version=version,
        rounding_threshold=policy.threshold,
        min_marks=min_marks,
        created_at=utcnow(),
        created_by=actor.person_id,
    )
    uow.session.add(row)
    _audit(uow, actor, school_id, "grading_policy", school_id, _policy_state(newest), _policy_state(policy))
    try:
        await uow.commit()
    except IntegrityError:
        detail = "Правило округления только что изменили, обновите страницу и повторите"
        raise conflict("grading_policy_changed", detail) from None
    return await _history(uow, school_id)


async def work_types(uow: UnitOfWork, school_id: uuid.UUID, *, actor: Principal) -> list[WorkType]:
    """The work types in force at the school: its own rows over the region's of the same code."""
    await check_settings(uow, actor, school_id, write=False)
    chosen = await Grading(uow.session).work_types(school_id)
    return sorted(chosen.values(), key=lambda row: (row.retired, row.name, row.code))


async def override_work_type(
    uow: UnitOfWork, school_id: uuid.UUID, code: str, change: WorkTypeChange, *, actor: Principal
) -> WorkType:
    """Override a regional work type for the school (weight, name, retired), or add or change its own."""
    await check_settings(uow, actor, school_id, write=True)
    await uow.serialize()
    regional, own = await GradingSettings(uow.session).work_type_rows(school_id, code)
    row = own or _own_copy(school_id, code, regional, change)
    # Before: the school's own row, else the region's it overrides (None: a new type of the school's own).
    before = own or regional
    old = None if before is None else _work_type_state(before)
    for field in ("name", "weight", "retired", "control", "multiple"):
        if (value := getattr(change, field)) is not None:
            setattr(row, field, value.quantize(DISPLAY_PLACES) if field == "weight" else value)
    row.updated_at = utcnow()
    if own is None:
        uow.session.add(row)
    if (new := _work_type_state(row)) != old:
        _audit(uow, actor, school_id, "work_type", row.work_type_id, old, new)
    try:
        await uow.commit()
    except IntegrityError:
        # Another administrator's first override of the code won the race: theirs stands, retry on it.
        detail = "Вид работы только что изменили, обновите страницу и повторите"
        raise conflict("work_type_changed", detail) from None
    return row


async def set_subject_scale(
    uow: UnitOfWork, school_id: uuid.UUID, subject_id: uuid.UUID, scale: GradingScale, *, actor: Principal
) -> SubjectScale:
    """Mark a subject on the five-point scale or pass/fail at the school (the first grade gets none)."""
    await check_settings(uow, actor, school_id, write=True)
    if await GradingSettings(uow.session).subject(school_id, subject_id) is None:
        raise not_found("subject_not_found", "Предмет не найден")
    row = await uow.session.get(SubjectScale, (school_id, subject_id))
    old = None if row is None else {"scale": row.scale}
    if row is None:
        row = SubjectScale(school_id=school_id, subject_id=subject_id)
        uow.session.add(row)
    row.scale, row.updated_at = scale.value, utcnow()
    if old != {"scale": row.scale}:
        _audit(uow, actor, school_id, "subject_scale", subject_id, old, {"scale": row.scale})
    await uow.commit()
    return row


async def settings_audit(
    uow: UnitOfWork, school_id: uuid.UUID, *, actor: Principal, cursor: str | None, limit: int
) -> Page[JournalAudit]:
    """The changes of the school's grading settings, newest first: for its administration and the
    authorities over it."""
    if not await administers(uow, actor, school_id):
        if not in_school(actor, school_id):
            raise not_found("school_not_found", "Школа не найдена")
        raise forbidden("audit_access_denied", "Историю изменений настроек видит администрация школы")
    return await JournalRecords(uow.session).audit(
        school_id, entities=SETTINGS_ENTITIES, cursor=cursor, limit=limit
    )


SETTINGS_ENTITIES = ("grading_policy", "work_type", "subject_scale")


def _audit(
    uow: UnitOfWork,
    actor: Principal,
    school_id: uuid.UUID,
    entity: str,
    entity_id: uuid.UUID,
    old: dict[str, Any] | None,
    new: dict[str, Any],
) -> None:
    action = "set" if old is None else "changed"
    add_audit(
        uow,
        actor,
        school_id=school_id,
        entity=entity,
        entity_id=entity_id,
        lesson_id=None,
        pupil_id=None,
        action=action,
        old=old,
        new=new,
    )


def _policy_state(policy: RoundingPolicy) -> dict[str, Any]:
    return {
        "version": policy.version,
        "rounding_threshold": str(policy.threshold),
        "min_marks": policy.min_marks,
    }


def _work_type_state(row: WorkType) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.name,
        "weight": str(Decimal(row.weight).quantize(DISPLAY_PLACES)),
        "retired": row.retired,
        "control": row.control,
        "multiple": row.multiple,
    }


async def _history(uow: UnitOfWork, school_id: uuid.UUID) -> PolicyHistory:
    versions = await GradingSettings(uow.session).policies(school_id)
    current = await Grading(uow.session).policy(school_id)
    return PolicyHistory(school_id, current, not versions, versions)


def _own_copy(school_id: uuid.UUID, code: str, regional: WorkType | None, change: WorkTypeChange) -> WorkType:
    """The school's row of a code: a copy of the region's to override, or a new type of the school's own."""
    if regional is None:
        missing = [
            FieldError(f"body.{name}", "required", "Для нового вида работы укажите название и вес")
            for name in ("name", "weight")
            if getattr(change, name) is None
        ]
        if missing:
            raise unprocessable_fields(missing)
    return WorkType(
        work_type_id=uuid.uuid4(),
        school_id=school_id,
        code=code,
        name=regional.name if regional else change.name,
        weight=regional.weight if regional else change.weight,
        multiple=regional.multiple if regional else False,
        control=regional.control if regional else False,
        retired=False,
    )
