"""A term's sub-periods replaced whole on the scheme's version (the school's administration and
dispatchers, as the terms), read by those who read the scheme, and announced with the scheme."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.common.errors import conflict, not_found
from eschool.scheduling.db.calendar import Term
from eschool.scheduling.db.sub_terms import SubTerm, SubTerms
from eschool.scheduling.domain.lifecycle import TermStatus
from eschool.scheduling.domain.sub_terms import SubTermDraft, check_sub_terms
from eschool.scheduling.services import announce
from eschool.scheduling.services.common import check_version, refused, touch
from eschool.scheduling.services.term_schemes import scheme_for


async def term_sub_terms(
    uow: UnitOfWork, term_scheme_id: uuid.UUID, term_id: uuid.UUID, *, actor: Principal
) -> tuple[Term, list[SubTerm]]:
    """The term and its sub-terms in order."""
    view = await scheme_for(uow, term_scheme_id, actor=actor, write=False)
    term = _term_of(view.terms, term_id)
    return term, await SubTerms(uow.session).of_terms(term.school_id, [term_id])


async def replace_sub_terms(
    uow: UnitOfWork,
    term_scheme_id: uuid.UUID,
    term_id: uuid.UUID,
    drafts: Sequence[SubTermDraft],
    *,
    version: int,
    actor: Principal,
) -> tuple[Term, list[SubTerm]]:
    """Give the term these sub-terms (none: it has none); the same ones again change nothing."""
    view = await scheme_for(uow, term_scheme_id, actor=actor, write=True)
    term = _term_of(view.terms, term_id)
    check_version(view.scheme, version)
    drafts = [SubTermDraft(d.name.strip(), d.starts_on, d.ends_on) for d in drafts]
    if broken := check_sub_terms(drafts, term.starts_on, term.ends_on):
        raise refused(broken)
    repo = SubTerms(uow.session)
    current = await repo.of_terms(term.school_id, [term_id])
    if [(s.name, s.starts_on, s.ends_on) for s in current] == [
        (d.name, d.starts_on, d.ends_on) for d in drafts
    ]:
        return term, current
    if term.status == TermStatus.closed:
        detail = f"Период «{term.name}» закрыт: его подпериоды не меняются, пока его не откроют"
        raise conflict("term_closed", detail, field_name="path.term_id")
    await repo.drop_of_term(term.school_id, term_id)
    rows = [
        SubTerm(
            sub_term_id=uuid.uuid4(),
            school_id=term.school_id,
            term_id=term_id,
            number=n,
            name=d.name,
            starts_on=d.starts_on,
            ends_on=d.ends_on,
        )
        for n, d in enumerate(drafts, 1)
    ]
    uow.session.add_all(rows)
    touch(view.scheme)
    await announce.scheme_saved(uow, view.scheme, view.terms)
    await uow.commit()
    return term, rows


def _term_of(terms: Sequence[Term], term_id: uuid.UUID) -> Term:
    term = next((t for t in terms if t.term_id == term_id), None)
    if term is None:
        raise not_found("term_not_found", "Период не найден")
    return term
