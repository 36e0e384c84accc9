"""Term schemes: generated with default dates for a school's year (seed 003, 3.7), listed, read, and
their terms corrected by hand on the version the editor saw."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, conflict, not_found
from eschool.scheduling.db.calendar import Holiday, Term, TermScheme
from eschool.scheduling.db.repositories import Calendar
from eschool.scheduling.db.sub_terms import SubTerms
from eschool.scheduling.domain.holidays import HolidayDraft, default_vacations
from eschool.scheduling.domain.lifecycle import TermStatus
from eschool.scheduling.domain.rules import Violation
from eschool.scheduling.domain.terms import SchemeKind, TermDraft, check_terms, default_terms
from eschool.scheduling.services import announce
from eschool.scheduling.services.common import check_version, refused, touch
from eschool.scheduling.services.holidays import holiday_row
from eschool.scheduling.services.scope import check_school
from eschool.scheduling.services.years import span_of, year_of_school


@dataclass(frozen=True)
class SchemeView:
    """A scheme with its terms, by number."""

    scheme: TermScheme
    terms: Sequence[Term]


def scheme_not_found() -> Problem:
    """The 404 for a scheme that does not exist or is out of the caller's sight."""
    return not_found("term_scheme_not_found", "Схема учебных периодов не найдена")


async def create_term_scheme(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    academic_year_id: uuid.UUID,
    name: str,
    kind: SchemeKind,
    *,
    actor: Principal,
    term_scheme_id: uuid.UUID | None = None,
) -> SchemeView:
    """A new scheme of the school's year with default terms, and the vacations between them
    (``term_scheme_id``: under that id, as the demo's fixed ones)."""
    await check_school(uow, actor, school_id, write=True)
    year = await year_of_school(uow, school_id, academic_year_id, lock=True)
    name = name.strip()
    if not name:
        raise refused([Violation("name", "name_blank", "Укажите название схемы")])
    if await Calendar(uow.session).scheme_named(school_id, academic_year_id, name) is not None:
        raise _scheme_exists(name)
    now = utcnow()
    scheme = TermScheme(
        term_scheme_id=term_scheme_id or uuid.uuid4(),
        school_id=school_id,
        academic_year_id=academic_year_id,
        name=name,
        kind=kind.value,
        created_at=now,
        updated_at=now,
        version=1,
    )
    drafts = default_terms(kind, span_of(year))
    terms = [_term(scheme, number, draft) for number, draft in enumerate(drafts, start=1)]
    uow.session.add(scheme)
    try:
        await uow.session.flush()
    except IntegrityError:
        raise _scheme_exists(name) from None  # the same scheme created twice at once
    uow.session.add_all(terms)
    uow.session.add_all(_vacation(scheme, draft) for draft in default_vacations(drafts))
    await announce.scheme_saved(uow, scheme, terms)
    await announce.holidays_changed(uow, year, now)
    return SchemeView(scheme, terms)


async def school_term_schemes(
    uow: UnitOfWork, school_id: uuid.UUID, academic_year_id: uuid.UUID | None, *, actor: Principal
) -> list[SchemeView]:
    """The school's schemes (of one year, if given) with their terms."""
    await check_school(uow, actor, school_id, write=False)
    calendar = Calendar(uow.session)
    schemes = await calendar.schemes(school_id, academic_year_id)
    terms = await calendar.terms(school_id, [s.term_scheme_id for s in schemes])
    return [SchemeView(s, [t for t in terms if t.term_scheme_id == s.term_scheme_id]) for s in schemes]


async def scheme_for(
    uow: UnitOfWork, term_scheme_id: uuid.UUID, *, actor: Principal, write: bool
) -> SchemeView:
    """The scheme (locked when ``write``) if the actor may read or change it; 404 out of sight."""
    calendar = Calendar(uow.session)
    scheme = await calendar.scheme(term_scheme_id, lock=write)
    if scheme is None:
        raise scheme_not_found()
    await check_school(uow, actor, scheme.school_id, write=write, hidden=scheme_not_found())
    return SchemeView(scheme, await calendar.terms(scheme.school_id, [term_scheme_id]))


async def replace_terms(
    uow: UnitOfWork, term_scheme_id: uuid.UUID, drafts: Sequence[TermDraft], *, version: int, actor: Principal
) -> SchemeView:
    """Give the scheme's terms new names and dates, in order, inside its year, never overlapping; a
    closed term keeps its own."""
    view = await scheme_for(uow, term_scheme_id, actor=actor, write=True)
    scheme = view.scheme
    check_version(scheme, version)
    year = await year_of_school(uow, scheme.school_id, scheme.academic_year_id)
    drafts = [TermDraft(d.name.strip(), d.starts_on, d.ends_on) for d in drafts]
    if broken := check_terms(SchemeKind(scheme.kind), drafts, span_of(year)):
        raise refused(broken)
    changed = [(i, t, d) for i, (t, d) in enumerate(zip(view.terms, drafts, strict=True)) if _differs(t, d)]
    if not changed:
        return view
    for index, term, draft in changed:
        if term.status == TermStatus.closed:
            raise conflict(
                "term_closed",
                f"Период «{term.name}» закрыт: его даты и название не меняются, пока его не откроют",
                field_name=f"body.terms.{index}",
            )
        await _keeps_sub_terms(uow, term, draft, index)
        term.name, term.starts_on, term.ends_on = draft.name, draft.starts_on, draft.ends_on
    touch(scheme)
    await announce.scheme_saved(uow, scheme, view.terms)
    return view


async def _keeps_sub_terms(uow: UnitOfWork, term: Term, draft: TermDraft, index: int) -> None:
    """409 when the term's new dates would leave one of its sub-periods outside them."""
    for sub in await SubTerms(uow.session).of_terms(term.school_id, [term.term_id]):
        if sub.starts_on < draft.starts_on or sub.ends_on > draft.ends_on:
            detail = f"Подпериод «{sub.name}» выйдет за новые даты периода: сначала измените подпериоды"
            raise conflict("sub_terms_outside_term", detail, field_name=f"body.terms.{index}")


def _differs(term: Term, draft: TermDraft) -> bool:
    return (term.name, term.starts_on, term.ends_on) != (draft.name, draft.starts_on, draft.ends_on)


def _term(scheme: TermScheme, number: int, draft: TermDraft) -> Term:
    return Term(
        term_id=uuid.uuid4(),
        school_id=scheme.school_id,
        term_scheme_id=scheme.term_scheme_id,
        number=number,
        name=draft.name,
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        status=TermStatus.open.value,
        status_changed_at=scheme.created_at,
    )


def _vacation(scheme: TermScheme, draft: HolidayDraft) -> Holiday:
    return holiday_row(
        scheme.school_id, scheme.academic_year_id, scheme.term_scheme_id, draft, scheme.created_at
    )


def _scheme_exists(name: str) -> Problem:
    return conflict(
        "term_scheme_exists", f"Схема «{name}» в этом учебном году уже есть", field_name="body.name"
    )
