"""The demo's dated lessons (``make run`` only): once a demo school's week is set, its classes' lessons
of the current term (the one holding today, else the next, else the last) are generated, a class per
transaction, through the generation's own use case; a class that has them already is left alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from eschool.common.demo import demo_term_scheme_id
from eschool.common.logging import get_logger
from eschool.common.service import ServiceRuntime
from eschool.scheduling.db.calendar import Term, TermScheme
from eschool.scheduling.db.lesson_queries import Lessons
from eschool.scheduling.db.models import AcademicYear
from eschool.scheduling.services.lesson_generation import generate_class_lessons

log = get_logger(__name__)


def current_term(terms: list[Term], today: date) -> Term | None:
    """The term holding today, else the next to come, else the last."""
    ordered = sorted(terms, key=lambda t: t.starts_on)
    return next((t for t in ordered if today <= t.ends_on), ordered[-1] if ordered else None)


async def generate_demo_lessons(
    runtime: ServiceRuntime, year: AcademicYear, stopping: Callable[[], bool]
) -> None:
    """The current term's lessons of the demo school's classes following the demo scheme."""
    scheme_id = demo_term_scheme_id(year.school_id, year.name)
    async with runtime.database.uow() as uow:
        scheme = await uow.session.get(TermScheme, scheme_id)
        terms = list((await uow.session.scalars(select(Term).where(Term.term_scheme_id == scheme_id))).all())
        classes = await Lessons(uow.session).scheme_classes(year.school_id, scheme_id)
    term = current_term(terms, date.today())
    if scheme is None or term is None:
        return
    created = 0
    for school_class in classes:
        if stopping():
            return
        async with runtime.database.uow() as uow:
            if term.term_id in await Lessons(uow.session).generated_terms(
                year.school_id, school_class.class_id
            ):
                continue
            done = await generate_class_lessons(uow, school_class, term, scheme)
            await uow.commit()
            created += done.created
    log.info("scheduling.demo.lessons", school_id=str(year.school_id), term=term.name, lessons=created)
