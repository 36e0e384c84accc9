"""Scheduling's facts contingent keeps: the term dates (a pupil moves between subgroups at a term
boundary) and the teaching assignments (a teacher reads the lists of the classes they teach). The newest
announcement wins; an older one arriving late changes nothing."""

from __future__ import annotations

from eschool.common.bus import ConsumerDefinition
from eschool.common.db import UnitOfWork, upsert_newer
from eschool.common.events import Envelope
from eschool.common.events.scheduling import TeachingAssignmentChangedV1, TermSchemeSavedV1
from eschool.contingent.db.subgroups import TermScheme
from eschool.contingent.db.teaching import TeachingAssignment


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


async def on_teaching_assignment_changed(
    event: Envelope[TeachingAssignmentChangedV1], uow: UnitOfWork
) -> None:
    """Keep who teaches in which class: a teacher reads the lists of those classes (``services.scope``)."""
    data = event.data
    values = {
        "teaching_assignment_id": data.teaching_assignment_id,
        "school_id": data.school_id,
        "academic_year_id": data.academic_year_id,
        "class_id": data.class_id,
        "teacher_person_id": data.teacher_person_id,
        "removed": data.removed,
        "source_version": data.occurred_at,
    }
    await upsert_newer(uow.session, TeachingAssignment.__table__, values, key=("teaching_assignment_id",))


SCHEDULING_EVENTS = ConsumerDefinition.of(
    "contingent.scheduling-events",
    {TermSchemeSavedV1: on_term_scheme_saved, TeachingAssignmentChangedV1: on_teaching_assignment_changed},
)
