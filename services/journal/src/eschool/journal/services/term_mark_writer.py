"""Writing one save of term marks: the rows, their audit rows and their events, for a whole class in a few
statements (new rows and audit rows are inserted together at the commit, changed rows updated in one
executemany), without an ORM object per row: a school's term-end rush is thousands of them.

A change keeps the row and raises its version; a removal sets ``deleted_at`` and raises it too; a mark
set again after a removal is a new row whose version follows the removed one's, so consumers that keep
the newest version per pupil and period never take an old fact for a new one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from sqlalchemy import bindparam, update

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.events.journal import TermMarkSetV1
from eschool.journal.db.models import SchoolClass
from eschool.journal.db.records import TermMark
from eschool.journal.db.schedule import Term
from eschool.journal.db.term_mark_queries import LiveTermMark, TermMarkQueries
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


_TABLE = TermMark.__table__
_BY_ID = _TABLE.c.term_mark_id == bindparam("b_term_mark_id")
_CHANGE = (
    update(_TABLE)
    .where(_BY_ID)
    .values(
        value=bindparam("b_value"),
        numeric_value=bindparam("b_numeric_value"),
        computed_average=bindparam("b_computed_average"),
        policy_version=bindparam("b_policy_version"),
        override_reason=bindparam("b_override_reason"),
        set_by=bindparam("b_set_by"),
        set_at=bindparam("b_set_at"),
        version=bindparam("b_version"),
    )
)
_REMOVE = (
    update(_TABLE).where(_BY_ID).values(deleted_at=bindparam("b_deleted_at"), version=bindparam("b_version"))
)


class TermMarkWriter:
    """Writes one save's changes: the term mark rows, their audit rows and their events."""

    def __init__(
        self, uow: UnitOfWork, target: Target, policy: RoundingPolicy, *, actor: Principal, reason: str | None
    ) -> None:
        self.uow, self.target, self.policy, self.actor, self.reason = uow, target, policy, actor, reason
        self.now = utcnow()
        self._changes: list[dict] = []
        self._removals: list[dict] = []

    async def write(self, parsed: Parsed, averages: dict[uuid.UUID, Decimal | None]) -> list[SavedTermMark]:
        """Write the entries that differ from the live marks."""
        c = self.target.school_class
        rows = await TermMarkQueries(self.uow.session).live_term_marks(
            c.school_id,
            self.target.subject_id,
            c.academic_year_id,
            self.target.period_key,
            [p for p, _ in parsed],
        )
        live = {r.pupil_person_id: r for r in rows if r.deleted_at is None}
        versions = {r.pupil_person_id: r.version for r in rows}  # oldest first: the last is the newest
        saved = [self._one(p, mark, live.get(p), versions.get(p, 0), averages.get(p)) for p, mark in parsed]
        if self._changes:
            await self.uow.session.execute(_CHANGE, self._changes)
        if self._removals:
            await self.uow.session.execute(_REMOVE, self._removals)
        return saved

    def _one(
        self,
        pupil: uuid.UUID,
        mark: MarkValue | None,
        row: LiveTermMark | None,
        version: int,
        average: Decimal | None,
    ) -> SavedTermMark:
        if (row is None and mark is None) or (
            row is not None and mark is not None and row.value == mark.text
        ):
            return _kept(pupil, row)
        if mark is None:
            assert row is not None
            return self._remove(row, version + 1)
        return self._set(pupil, mark, row, version + 1, average)

    def _remove(self, row: LiveTermMark, version: int) -> SavedTermMark:
        self._removals.append(
            {"b_term_mark_id": row.term_mark_id, "b_deleted_at": self.now, "b_version": version}
        )
        gone = SavedTermMark(
            row.pupil_person_id, row.term_mark_id, row.value, row.numeric_value, None, None, version, True
        )
        self._record(gone, row.class_id, "deleted", _state(row), live=False)
        return SavedTermMark(row.pupil_person_id, None, None, None, None, None, None, True)

    def _set(
        self,
        pupil: uuid.UUID,
        mark: MarkValue,
        row: LiveTermMark | None,
        version: int,
        average: Decimal | None,
    ) -> SavedTermMark:
        term_mark_id = uuid.uuid4() if row is None else row.term_mark_id
        now = SavedTermMark(
            pupil, term_mark_id, mark.text, mark.numeric, average, self.policy.version, version, True
        )
        if row is None:
            self._insert(now)
            self._record(now, self.target.school_class.class_id, "set", None, live=True)
        else:
            change = {f"b_{k}": v for k, v in self._values(now).items()}
            self._changes.append(change | {"b_term_mark_id": row.term_mark_id})
            # A pupil who moved between classes keeps the row (and its class) of the first class's save.
            self._record(now, row.class_id, "changed", _state(row), live=True)
        return now

    def _values(self, mark: SavedTermMark) -> dict:
        """The columns a save sets on a live mark."""
        return {
            "value": mark.value,
            "numeric_value": mark.numeric_value,
            "computed_average": mark.computed_average,
            "policy_version": mark.policy_version,
            "override_reason": self.reason,
            "set_by": self.actor.person_id,
            "set_at": self.now,
            "version": mark.version,
        }

    def _insert(self, mark: SavedTermMark) -> None:
        c, target = self.target.school_class, self.target
        row = {
            "term_mark_id": mark.term_mark_id,
            "school_id": c.school_id,
            "pupil_person_id": mark.pupil_person_id,
            "subject_id": target.subject_id,
            "class_id": c.class_id,
            "academic_year_id": c.academic_year_id,
            "period": target.period,
            "term_id": target.term_ids[0] if target.period == "term" else None,
            "period_key": target.period_key,
            "deleted_at": None,
            **self._values(mark),
        }
        # Nothing reads it back in this transaction: the commit inserts a class's rows in one statement.
        self.uow.stage(_TABLE, row)

    def _record(
        self, mark: SavedTermMark, class_id: uuid.UUID, action: str, old: dict | None, *, live: bool
    ) -> None:
        c, target = self.target.school_class, self.target
        new = {"value": mark.value, "computed_average": _text(mark.computed_average)} if live else None
        add_audit(
            self.uow,
            self.actor,
            school_id=c.school_id,
            entity="term_mark",
            entity_id=mark.term_mark_id,
            lesson_id=None,
            pupil_id=mark.pupil_person_id,
            action="overridden" if self.reason else action,
            old=old,
            new=new,
            reason=self.reason,
        )
        event = TermMarkSetV1(
            term_mark_id=mark.term_mark_id,
            school_id=c.school_id,
            pupil_person_id=mark.pupil_person_id,
            class_id=class_id,
            subject_id=target.subject_id,
            academic_year_id=c.academic_year_id,
            period=target.period,
            term_id=target.term_ids[0] if target.period == "term" else None,
            value=mark.value if live else None,
            numeric_value=mark.numeric_value if live else None,
            computed_average=mark.computed_average if live else None,
            overridden=self.reason is not None,
            version=mark.version,
            occurred_at=self.now,
        )
        self.uow.outbox.add(event, subject=mark.term_mark_id, school_id=c.school_id, time=self.now)


def _state(row: LiveTermMark) -> dict:
    """What the audit keeps of a live mark before the change."""
    return {"value": row.value, "computed_average": _text(row.computed_average)}


def _kept(pupil: uuid.UUID, row: LiveTermMark | None) -> SavedTermMark:
    if row is None:
        return SavedTermMark(pupil, None, None, None, None, None, None, False)
    average = None if row.computed_average is None else Decimal(row.computed_average)
    return SavedTermMark(
        pupil, row.term_mark_id, row.value, row.numeric_value, average, row.policy_version, row.version, False
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
