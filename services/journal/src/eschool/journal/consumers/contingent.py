"""Contingent's facts the journal keeps (``db.models``): the org tree with each unit's time zone, classes
with their class teachers, subgroups, class rosters by date, staff, pupils' names, guardians' links.

Each fact is kept with the time it happened (``occurred_at``) and an older one arriving late changes
nothing. The handlers are ``eschool.common.db.contingent_projection``'s (scheduling keeps the same facts
in tables of the same names), but for the guardians' links, which only the journal keeps.
"""

from __future__ import annotations

from eschool.common.bus import ConsumerDefinition
from eschool.common.db import UnitOfWork, upsert_newer
from eschool.common.db.contingent_projection import ContingentProjection
from eschool.common.events import Envelope
from eschool.common.events.contingent import GuardianLinkedV1, GuardianUnlinkedV1
from eschool.journal.db import metadata
from eschool.journal.db.models import GuardianLink

PROJECTION = ContingentProjection.of(metadata())
LINK_KEY = ("guardian_person_id", "pupil_person_id", "school_id")


async def on_guardian_linked(event: Envelope[GuardianLinkedV1], uow: UnitOfWork) -> None:
    """A guardian linked to a pupil of a school: the pupil's diary opens to them."""
    await _link(uow, event.data, linked=True)


async def on_guardian_unlinked(event: Envelope[GuardianUnlinkedV1], uow: UnitOfWork) -> None:
    """A guardian unlinked from a pupil of a school: the diary closes to them (the row is kept, so an
    older link arriving late does not open it again)."""
    await _link(uow, event.data, linked=False)


async def _link(uow: UnitOfWork, data: GuardianLinkedV1 | GuardianUnlinkedV1, *, linked: bool) -> None:
    values = {name: getattr(data, name) for name in LINK_KEY}
    values |= {"linked": linked, "source_version": data.occurred_at}
    await upsert_newer(uow.session, GuardianLink.__table__, values, key=LINK_KEY)


CONTINGENT_EVENTS = ConsumerDefinition.of(
    "journal.contingent-events",
    {**PROJECTION.handlers(), GuardianLinkedV1: on_guardian_linked, GuardianUnlinkedV1: on_guardian_unlinked},
)
