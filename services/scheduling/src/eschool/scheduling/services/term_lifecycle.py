"""A term's lifecycle (open → closing → closed, reopened with a reason) and its history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, conflict, not_found
from eschool.common.events.scheduling import TermClosedV1, TermReopenedV1
from eschool.scheduling.db.calendar import Term, TermScheme, TermStatusChange
from eschool.scheduling.db.repositories import Calendar
from eschool.scheduling.domain.lifecycle import (
    IllegalTransition,
    ReasonRequired,
    TermStatus,
    check_transition,
    is_reopening,
)
from eschool.scheduling.services.common import refused
from eschool.scheduling.services.term_schemes import scheme_for


def term_not_found() -> Problem:
    """The 404 for a term that is not the scheme's."""
    return not_found("term_not_found", "Учебный период не найден")


async def change_term_status(
    uow: UnitOfWork,
    term_scheme_id: uuid.UUID,
    term_id: uuid.UUID,
    target: TermStatus,
    *,
    reason: str | None,
    actor: Principal,
) -> Term:
    """Move the term one step of its lifecycle; recorded with who, when and why."""
    view = await scheme_for(uow, term_scheme_id, actor=actor, write=True)
    term = _term_of(view.terms, term_id)
    current = TermStatus(term.status)
    try:
        reason = check_transition(current, target, reason)
    except IllegalTransition as illegal:
        raise conflict("illegal_transition", illegal.detail, field_name="body.status") from None
    except ReasonRequired as missing:
        raise refused([missing.violation]) from None
    now = utcnow()
    term.status, term.status_changed_at = target.value, now
    uow.session.add(_step(term, current, target, reason, actor, now))
    _announce(uow, view.scheme, term, current, reason)
    return term


async def term_history(
    uow: UnitOfWork, term_scheme_id: uuid.UUID, term_id: uuid.UUID, *, actor: Principal
) -> Sequence[TermStatusChange]:
    """The term's lifecycle steps, oldest first."""
    view = await scheme_for(uow, term_scheme_id, actor=actor, write=False)
    term = _term_of(view.terms, term_id)
    return await Calendar(uow.session).history(term.school_id, term.term_id)


def _term_of(terms: Sequence[Term], term_id: uuid.UUID) -> Term:
    for term in terms:
        if term.term_id == term_id:
            return term
    raise term_not_found()


def _step(
    term: Term, current: TermStatus, target: TermStatus, reason: str | None, actor: Principal, now: datetime
) -> TermStatusChange:
    return TermStatusChange(
        term_status_change_id=uuid.uuid4(),
        school_id=term.school_id,
        term_id=term.term_id,
        from_status=current.value,
        to_status=target.value,
        reason=reason,
        changed_by_user_id=actor.user_id,
        changed_by_person_id=actor.person_id,
        changed_by_client_id=actor.client_id,
        changed_at=now,
    )


def _announce(uow: UnitOfWork, scheme: TermScheme, term: Term, was: TermStatus, reason: str | None) -> None:
    """Closing and reopening are the journal's business (it locks and unlocks marks); the other steps
    stay inside scheduling."""
    common = {
        "term_id": term.term_id,
        "term_scheme_id": scheme.term_scheme_id,
        "school_id": scheme.school_id,
        "academic_year_id": scheme.academic_year_id,
        "number": term.number,
        "name": term.name,
        "occurred_at": term.status_changed_at,
    }
    if term.status == TermStatus.closed:
        event: TermClosedV1 | TermReopenedV1 = TermClosedV1(
            **common, starts_on=term.starts_on, ends_on=term.ends_on
        )
    elif is_reopening(was, TermStatus(term.status)):
        event = TermReopenedV1(**common, reason=reason or "")
    else:
        return
    uow.outbox.add(event, subject=term.term_id, school_id=scheme.school_id)
