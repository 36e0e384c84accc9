"""Scheduling's term dates, kept for the subgroup rule: a pupil moves between subgroups at a term
boundary. The newest announcement of a scheme wins; an older one arriving late changes nothing."""

from __future__ import annotations

from eschool.common.bus import ConsumerDefinition
from eschool.common.db import UnitOfWork, upsert_newer
from eschool.common.events import Envelope
from eschool.common.events.scheduling import TermSchemeSavedV1
from eschool.contingent.db.subgroups import TermScheme


async def on_term_scheme_saved(event: Envelope[TermSchemeSavedV1], uow: UnitOfWork) -> None:
    """Keep the scheme's terms and their dates."""
    data = event.data
    terms = [term.model_dump(mode="json") for term in sorted(data.terms, key=lambda t: t.starts_on)]
    values = {
        "term_scheme_id": data.term_scheme_id,
        "school_id": data.school_id,
        "name": data.name,
        "terms": terms,
        "source_version": data.occurred_at,
    }
    await upsert_newer(uow.session, TermScheme.__table__, values, key=("term_scheme_id",))


SCHEDULING_EVENTS = ConsumerDefinition.of(
    "contingent.scheduling-events", {TermSchemeSavedV1: on_term_scheme_saved}
)
