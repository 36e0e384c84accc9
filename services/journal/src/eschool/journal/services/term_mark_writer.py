"""Writing one save of term marks: the rows, their audit rows and their events, for a whole class in a few
statements (the ORM batches the inserts and updates of a flush).

A change keeps the row and raises its version; a removal sets ``deleted_at`` and raises it too; a mark
set again after a removal is a new row whose version follows the removed one's, so consumers that keep
the newest version per pupil and period never take an old fact for a new one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.events.journal import TermMarkSetV1
from eschool.journal.db.models import SchoolClass
from eschool.journal.db.records import TermMark
from eschool.journal.db.schedule import Term
from eschool.journal.db.term_mark_queries import TermMarkQueries
from eschool.journal.domain.averages import RoundingPolicy
from eschool.journal.domain.scales import MarkValue
from eschool.journal.services.audit import add_audit
from eschool.journal.services.averages import ClassTerm

Period = Literal["term", "annual", "final"]
Parsed = list[tuple[uuid.UUID, MarkValue | None]]


@dataclass(frozen=True)
class SavedTermMark:
    """A pupil's live mark of the period after the save (None: none), and whether this save changed it."""

    pupil_person_id: uuid.UUID
    term_mark_id: uuid.UUID | None
    value: str | None
    numeric_value: int | None
    computed_average: Decimal | None
    policy_version: int | None
    version: int | None
    changed: bool


@dataclass(frozen=True)
class Target:
    """What a save is about: the class, the subject, the period and its terms (every term for the year)."""

    school_class: SchoolClass
    subject_id: uuid.UUID
    period: Period
    terms: list[Term]
    period_key: str

    @property
    def term_ids(self) -> list[uuid.UUID]:
        return [t.term_id for t in self.terms]

    @property
    def closed(self) -> bool:
        """A term mark is locked with its term; the annual and final marks once every term is closed."""
        return bool(self.terms) and all(t.closed for t in self.terms)

    @property
    def span(self) -> tuple[date, date]:
        """The period's days: the term's, or the year's from its first term to its last."""
        return ClassTerm.year_span(self.terms)


class TermMarkWriter:
    """Writes one save's changes: the term mark rows, their audit rows and their events."""

    def __init__(
        self, uow: UnitOfWork, target: Target, policy: RoundingPolicy, *, actor: Principal, reason: str | None
    ) -> None:
        self.uow, self.target, self.policy, self.actor, self.reason = uow, target, policy, actor, reason
        self.now = utcnow()

    async def write(self, parsed: Parsed, averages: dict[uuid.UUID, Decimal | None]) -> list[SavedTermMark]:
        c, queries = self.target.school_class, TermMarkQueries(self.uow.session)
        await queries.lock_class(c.class_id)
        pupils = [p for p, _ in parsed]
        keys = [self.target.period_key]
        rows = await queries.term_marks(
            c.school_id, self.target.subject_id, c.academic_year_id, pupils, period_keys=keys, live=False
        )
        live = {r.pupil_person_id: r for r in rows if r.deleted_at is None}
        versions = {r.pupil_person_id: r.version for r in rows}  # oldest first: the last is the newest
        saved = [self._one(p, mark, live.get(p), versions.get(p, 0), averages.get(p)) for p, mark in parsed]
        await self.uow.session.flush()
        return saved

    def _one(
        self,
        pupil: uuid.UUID,
        mark: MarkValue | None,
        row: TermMark | None,
        version: int,
        average: Decimal | None,
    ) -> SavedTermMark:
        if (row is None and mark is None) or (
            row is not None and mark is not None and row.value == mark.text
        ):
            return _saved(pupil, row, changed=False)
        old = None if row is None else {"value": row.value, "computed_average": _text(row.computed_average)}
        if mark is None:
            row.deleted_at = self.now  # type: ignore[union-attr]
            row.version += 1  # type: ignore[union-attr]
            action = "deleted"
        elif row is None:
            row = self._new(pupil, mark, version + 1, average)
            action = "set"
        else:
            self._change(row, mark, average)
            row.version += 1
            action = "changed"
        self._record(row, "overridden" if self.reason else action, old, live=mark is not None)
        return _saved(pupil, None if mark is None else row, changed=True)

    def _new(self, pupil: uuid.UUID, mark: MarkValue, version: int, average: Decimal | None) -> TermMark:
        c, target = self.target.school_class, self.target
        row = TermMark(
            term_mark_id=uuid.uuid4(),
            school_id=c.school_id,
            pupil_person_id=pupil,
            subject_id=target.subject_id,
            class_id=c.class_id,
            academic_year_id=c.academic_year_id,
            period=target.period,
            term_id=target.term_ids[0] if target.period == "term" else None,
            period_key=target.period_key,
            deleted_at=None,
            version=version,
        )
        self._change(row, mark, average)
        self.uow.session.add(row)
        return row

    def _change(self, row: TermMark, mark: MarkValue, average: Decimal | None) -> None:
        row.value, row.numeric_value, row.computed_average = mark.text, mark.numeric, average
        row.policy_version, row.override_reason = self.policy.version, self.reason
        row.set_by, row.set_at = self.actor.person_id, self.now

    def _record(self, row: TermMark, action: str, old: dict | None, *, live: bool) -> None:
        new = {"value": row.value, "computed_average": _text(row.computed_average)} if live else None
        add_audit(
            self.uow,
            self.actor,
            school_id=row.school_id,
            entity="term_mark",
            entity_id=row.term_mark_id,
            lesson_id=None,
            pupil_id=row.pupil_person_id,
            action=action,
            old=old,
            new=new,
            reason=self.reason,
        )
        self.uow.outbox.add(
            _event(row, live=live, overridden=self.reason is not None, at=self.now),
            subject=row.term_mark_id,
            school_id=row.school_id,
            time=self.now,
        )


def _event(row: TermMark, *, live: bool, overridden: bool, at: datetime) -> TermMarkSetV1:
    return TermMarkSetV1(
        term_mark_id=row.term_mark_id,
        school_id=row.school_id,
        pupil_person_id=row.pupil_person_id,
        class_id=row.class_id,
        subject_id=row.subject_id,
        academic_year_id=row.academic_year_id,
        period=row.period,  # type: ignore[arg-type]
        term_id=row.term_id,
        value=row.value if live else None,
        numeric_value=row.numeric_value if live else None,
        computed_average=row.computed_average if live else None,
        overridden=overridden,
        version=row.version,
        occurred_at=at,
    )


def _saved(pupil: uuid.UUID, row: TermMark | None, *, changed: bool) -> SavedTermMark:
    if row is None:
        return SavedTermMark(pupil, None, None, None, None, None, None, changed)
    average = None if row.computed_average is None else Decimal(row.computed_average)
    return SavedTermMark(
        pupil,
        row.term_mark_id,
        row.value,
        row.numeric_value,
        average,
        row.policy_version,
        row.version,
        changed,
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
