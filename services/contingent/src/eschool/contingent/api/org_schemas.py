"""The HTTP shapes of the org tree's units, their cards and their history."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from eschool.common.events.contingent import OrgUnitKind
from eschool.contingent.api.deps import Stamp
from eschool.contingent.db.models import OrgUnit
from eschool.contingent.domain.requisites import CARD_FIELDS
from eschool.contingent.services.org_read import OrgUnitView

# A guard against huge bodies only: the card's own limits are the domain's, with their Russian details.
Text = Annotated[str, Field(max_length=2000)]
CARD = set(CARD_FIELDS)


class CardFields(BaseModel):
    """The card's optional fields (null or "" leaves one empty)."""

    model_config = ConfigDict(extra="forbid")

    inn: Text | None = None
    ogrn: Text | None = None
    okato: Text | None = None
    oktmo: Text | None = None
    address: Text | None = None
    phone: Text | None = None
    email: Text | None = None
    website: Text | None = None


class OrgUnitCreate(CardFields):
    """A unit to register: its kind, the unit above (none for the region), and its card."""

    # Chosen by the client, so that a retried POST finds the unit it made instead of making a twin.
    org_unit_id: uuid.UUID | None = Field(default=None, description="The new unit's id, for safe retries")
    kind: OrgUnitKind
    parent_id: uuid.UUID | None = None
    full_name: Text
    short_name: Text
    time_zone: Text | None = Field(default=None, description="IANA name; the region's default if omitted")


class OrgUnitUpdate(CardFields):
    """The card's fields to change (only those sent), and the version they are based on."""

    version: int | None = Field(default=None, description="Or the If-Match header")
    full_name: Text | None = None
    short_name: Text | None = None
    time_zone: Text | None = None


class VersionSeen(BaseModel):
    """The version of the card the caller saw (optional here; or the If-Match header)."""

    model_config = ConfigDict(extra="forbid")

    version: int | None = None


class OrgUnitMove(VersionSeen):
    """The municipality to hand the school over to."""

    parent_id: uuid.UUID


class RequisitesRead(BaseModel):
    """The unit's requisites, shown to those who administer it."""

    inn: str | None
    ogrn: str | None
    okato: str | None
    oktmo: str | None


class OrgUnitRead(BaseModel):
    """A unit's card: public fields, and ``requisites`` when the caller administers the unit (else null)."""

    org_unit_id: uuid.UUID
    kind: OrgUnitKind
    parent_id: uuid.UUID | None
    full_name: str
    short_name: str
    address: str | None
    time_zone: str
    phone: str | None
    email: str | None
    website: str | None
    closed_at: Stamp | None
    version: int
    created_at: Stamp
    updated_at: Stamp
    requisites: RequisitesRead | None = None


class OrgUnitPage(BaseModel):
    """A page of units in order of the short name, and the cursor of the next page."""

    items: list[OrgUnitRead]
    next_cursor: str | None


class OrgUnitChangeRead(BaseModel):
    """One change of a unit: what was done, by whom, when, and each field's old and new value."""

    org_unit_change_id: int
    action: str
    actor_user_id: uuid.UUID | None
    occurred_at: Stamp
    version: int
    changes: dict[str, Any]


class OrgUnitChangePage(BaseModel):
    """A page of a unit's changes, newest first."""

    items: list[OrgUnitChangeRead]
    next_cursor: str | None


def etag(unit: OrgUnit) -> str:
    """The card's version as its ETag: ``"3"``."""
    return f'"{unit.version}"'


def org_unit_read(view: OrgUnitView) -> OrgUnitRead:
    """The card as the caller may see it: the requisites only if they are shown to them."""
    read = OrgUnitRead.model_validate(view.unit, from_attributes=True)
    if view.requisites_shown:
        read.requisites = RequisitesRead.model_validate(view.unit, from_attributes=True)
    return read
