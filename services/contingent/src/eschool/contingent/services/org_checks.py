"""What a write to the org tree must pass: a parent of the kind above, a clean card, unique requisites,
one region; and the commit that turns what the database refused meanwhile into the same 409s."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError

from eschool.common.db import UnitOfWork
from eschool.common.errors import Problem, conflict, unprocessable
from eschool.contingent.db.models import REGION_INDEX, OrgUnit
from eschool.contingent.db.repositories import OrgUnits
from eschool.contingent.domain.requisites import CardInvalid, clean_card
from eschool.contingent.services.common import conflict_at, refused

PARENT_KIND: dict[str, str | None] = {"region": None, "municipality": "region", "school": "municipality"}
# The unique requisites, how each database names a violation (PostgreSQL, SQLite), and what people read.
UNIQUE = {
    "inn": ("uq_org_unit_inn", "org_unit.inn", "Организация с таким ИНН уже есть"),
    "ogrn": ("uq_org_unit_ogrn", "org_unit.ogrn", "Организация с таким ОГРН уже есть"),
}


def cleaned(values: Mapping[str, str | None]) -> dict[str, str | None]:
    """The card's fields trimmed, or a 422 naming every bad one."""
    try:
        return clean_card(values)
    except CardInvalid as invalid:
        raise refused(*invalid.errors) from None


async def check_parent(uow: UnitOfWork, kind: str, parent_id: uuid.UUID | None) -> None:
    """422 unless the unit goes under an open unit of the kind above (the region under none)."""
    expected = PARENT_KIND[kind]
    if expected is None or parent_id is None:
        if expected is None and parent_id is not None:
            raise _bad_parent("parent_not_allowed", "У региона нет вышестоящей организации")
        if expected is not None:
            raise _bad_parent("required", "Укажите вышестоящую организацию")
        return
    parent = await OrgUnits(uow.session).locked(parent_id)
    if parent is None:
        raise _bad_parent("parent_not_found", "Вышестоящая организация не найдена")
    if parent.kind != expected:
        name = {"region": "регион", "municipality": "муниципалитет"}[expected]
        raise _bad_parent("parent_kind_mismatch", f"Вышестоящей организацией должен быть {name}")
    if parent.closed_at is not None:
        raise _bad_parent("parent_closed", "Вышестоящая организация закрыта")


async def check_one_region(uow: UnitOfWork, kind: str) -> None:
    """409 for a second region."""
    if kind == "region" and await OrgUnits(uow.session).exists(OrgUnit.kind == "region"):
        raise region_exists()


async def check_unique(uow: UnitOfWork, card: Mapping[str, Any], *, other_than: uuid.UUID | None) -> None:
    """409 naming the field when another unit already has the card's ИНН or ОГРН."""
    for field, (_, _, detail) in UNIQUE.items():
        value = card.get(field)
        if value is not None and await OrgUnits(uow.session).holds(field, value, other_than=other_than):
            raise duplicate(field, detail)


async def commit_tree(uow: UnitOfWork) -> None:
    """Commit, a unique requisite or the region taken meanwhile by another writer becoming a 409."""
    try:
        await uow.commit()
    except IntegrityError as error:
        # Two cards with one ИНН saved at once: both passed check_unique, the database let one in.
        text = str(error.orig)
        for field, (constraint, column, detail) in UNIQUE.items():
            if constraint in text or column in text:
                raise duplicate(field, detail) from None
        if REGION_INDEX in text or "org_unit.kind" in text:
            raise region_exists() from None
        raise


def duplicate(field: str, detail: str) -> Problem:
    """The 409 of a requisite another unit already has, naming the field."""
    return conflict_at(field + "_taken", detail, "body." + field)


def region_exists() -> Problem:
    """The 409 of a second region."""
    return conflict("region_exists", "Регион уже заведён: он может быть только один")


def _bad_parent(code: str, detail: str) -> Problem:
    return unprocessable(code, detail, field_name="body.parent_id")
