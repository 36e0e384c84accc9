"""Setting a class's term, annual and final marks in a subject, a whole class in one request (seed 004,
4.4.5; seed 003, 4.6).

The request is atomic: any bad entry refuses it whole, naming the entry. It is retry-safe: with an
idempotency key a retry gets the first answer and changes nothing; without one, an entry equal to the
live mark changes nothing either. Each mark keeps the average computed when it was set and the version
of the policy that computed it (seed 004, 5.1: a term mark must be justified). A closed period refuses
its teachers; the administration may still change it, with a reason that the mark, the audit and the
event keep. Nothing is deleted: a removed mark keeps its row with ``deleted_at``, every change an audit
row. A save is a handful of statements for the whole class (term_mark_scope_queries, term_mark_writer):
at a term's end a school's teachers save hundreds of classes' subjects within minutes.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pydantic import TypeAdapter
from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.common.db.idempotency import IdempotentRequests, request_hash
from eschool.common.errors import FieldError, conflict, not_found, unprocessable, unprocessable_fields
from eschool.journal.db.grading import Grading
from eschool.journal.db.records import IdempotentRequest
from eschool.journal.db.term_mark_queries import TermMarkQueries
from eschool.journal.db.term_mark_scope_queries import TermMarkFacts, term_mark_facts
from eschool.journal.domain.averages import RoundingPolicy, annual_average, averages_by_pupil
from eschool.journal.domain.scales import GradingScale, InvalidMark, MarkValue, parse_mark, scale_of
from eschool.journal.services.averages import ClassTerm, class_term, due_on, pupil_names
from eschool.journal.services.grading_scope import check_class_subject, class_not_found
from eschool.journal.services.lesson_access import journal_archived
from eschool.journal.services.term_mark_writer import Period, SavedTermMark, Target, TermMarkWriter

Parsed = list[tuple[uuid.UUID, MarkValue | None]]


@dataclass(frozen=True)
class TermMarkEntry:
    """One pupil's mark in the request (None: remove it)."""

    pupil_person_id: uuid.UUID
    value: str | None


@dataclass(frozen=True)
class TermMarksCommand:
    """A class's marks in a subject for one period (``term_id`` for a term mark), with a reason when the
    administration changes a closed period."""

    class_id: uuid.UUID
    subject_id: uuid.UUID
    period: Period
    term_id: uuid.UUID | None
    marks: list[TermMarkEntry]
    reason: str | None = None


@dataclass(frozen=True)
class SavedTermMarks:
    """The answer to a save: how many marks it changed, and every entry's mark after it."""

    class_id: uuid.UUID
    subject_id: uuid.UUID
    period: Period
    term_id: uuid.UUID | None
    overridden: bool
    changed: int
    marks: list[SavedTermMark]


ANSWER = TypeAdapter(SavedTermMarks)


async def set_term_marks(
    uow: UnitOfWork, cmd: TermMarksCommand, *, actor: Principal, idempotency_key: str | None = None
) -> SavedTermMarks:
    """Set, change or remove the term marks of a class's pupils in a subject, all or none."""
    await uow.serialize()
    facts = await term_mark_facts(uow.session, cmd.class_id, cmd.subject_id)
    if facts is None:
        raise class_not_found()
    target = _target(facts, cmd)
    admin = await check_class_subject(
        uow, actor, target.school_class, cmd.subject_id, target.term_ids, write=True
    )
    requests = IdempotentRequests(uow.session, IdempotentRequest.__table__)
    scope = (
        f"term-marks:{actor.user_id or actor.client_id}:{cmd.class_id}:{cmd.subject_id}:{target.period_key}"
    )
    if idempotency_key is not None:
        replayed = await requests.replay(scope, idempotency_key, request_hash(dataclasses.asdict(cmd)))
        if replayed is not None:
            return _replayed(*replayed)
    if facts.archived:
        raise journal_archived()  # not even the administration's override: the archive is read-only
    overridden = _check_lock(target, admin=admin, reason=cmd.reason)
    parsed = await _parse(uow, target, facts.subject_scale, cmd.marks)
    averages = await _averages(uow, target, [p for p, _ in parsed], facts.policy)
    writer = TermMarkWriter(uow, target, facts.policy, actor=actor, reason=cmd.reason if overridden else None)
    marks = await writer.write(parsed, averages)
    saved = SavedTermMarks(
        cmd.class_id,
        cmd.subject_id,
        cmd.period,
        cmd.term_id,
        overridden,
        sum(m.changed for m in marks),
        marks,
    )
    if idempotency_key is not None:
        await requests.remember(scope, idempotency_key, 200, ANSWER.dump_python(saved, mode="json"))
    await _commit(uow)
    return saved


def _target(facts: TermMarkFacts, cmd: TermMarksCommand) -> Target:
    school_class, terms = facts.school_class, facts.terms
    if cmd.period != "term":
        if cmd.term_id is not None:
            detail = "Годовая и итоговая отметки выставляются без учебного периода"
            raise unprocessable("term_not_expected", detail, field_name="body.term_id")
        return Target(school_class, cmd.subject_id, cmd.period, terms, cmd.period)
    if cmd.term_id is None:
        raise unprocessable("term_required", "Укажите учебный период", field_name="body.term_id")
    term = next((t for t in terms if t.term_id == cmd.term_id), None)
    if term is None:
        raise not_found("term_not_found", "Учебный период класса не найден")
    return Target(school_class, cmd.subject_id, "term", [term], str(term.term_id))


def _replayed(status: int | None, body: object) -> SavedTermMarks:
    if status is None:
        raise conflict("request_in_progress", "Запрос с этим ключом ещё выполняется, повторите позже")
    return ANSWER.validate_python(body)


def _check_lock(target: Target, *, admin: bool, reason: str | None) -> bool:
    """Whether the save overrides a closed period: a teacher is refused, the administration needs a reason."""
    if not target.closed:
        return False
    if not admin:
        detail = "Учебный период закрыт: изменить итоговые отметки может только администрация"
        raise conflict("term_closed", detail)
    if not (reason or "").strip():
        detail = "Укажите причину изменения итоговых отметок закрытого периода"
        raise unprocessable("override_reason_required", detail, field_name="body.reason")
    return True


async def _parse(
    uow: UnitOfWork, target: Target, subject_scale: GradingScale | None, entries: list[TermMarkEntry]
) -> Parsed:
    """Every entry's mark on the subject's scale, for pupils of the class in the period; else 422 for all."""
    school_class = target.school_class
    scale = scale_of(school_class.grade, subject_scale)
    if scale is GradingScale.none:
        raise unprocessable(
            "no_marks_in_grade", "В 1 классе итоговые отметки не выставляются", field_name="body.marks"
        )
    roster = set(await TermMarkQueries(uow.session).roster(school_class, *target.span))
    errors: list[FieldError] = []
    parsed: Parsed = []
    for i, entry in enumerate(entries):
        pupil = entry.pupil_person_id
        if pupil not in roster or pupil in {p for p, _ in parsed}:
            code, detail = (
                ("pupil_not_in_class", "Обучающийся не учился в классе в этом периоде")
                if pupil not in roster
                else ("pupil_repeated", "Обучающийся указан в запросе дважды")
            )
            errors.append(FieldError(f"body.marks.{i}.pupil_person_id", code, detail))
        try:
            parsed.append((pupil, None if entry.value is None else parse_mark(entry.value, scale)))
        except InvalidMark as error:
            errors.append(FieldError(f"body.marks.{i}.value", "invalid_mark", str(error)))
    if errors:
        raise unprocessable_fields(errors)
    return parsed


async def _averages(
    uow: UnitOfWork, target: Target, pupils: list[uuid.UUID], policy: RoundingPolicy
) -> dict[uuid.UUID, Decimal | None]:
    """The average each pupil's mark is set beside: the term's weighted average, or for the year the
    mean of the numeric term marks (seed 003, 4.6: computed automatically from the quarters)."""
    queries = TermMarkQueries(uow.session)
    if target.period == "term":
        rows = await queries.weighted_marks(target.school_class, target.subject_id, target.term_ids[0])
        averages = averages_by_pupil(rows)
        return {p: averages.get(p) for p in pupils}
    c = target.school_class
    keys = [str(t) for t in target.term_ids]
    rows = await queries.term_marks(
        c.school_id, target.subject_id, c.academic_year_id, pupils, period_keys=keys
    )
    numeric: dict[uuid.UUID, list[int]] = defaultdict(list)
    for row in rows:
        if row.numeric_value is not None:
            numeric[row.pupil_person_id].append(row.numeric_value)
    return {p: annual_average(numeric[p], policy).average for p in pupils}


async def _commit(uow: UnitOfWork) -> None:
    try:
        await uow.commit()
    except IntegrityError:
        # Another save of one of these pupils' marks (from the class they moved from) won the race.
        detail = "Итоговые отметки изменились одновременно с сохранением, повторите"
        raise conflict("term_marks_changed", detail) from None


@dataclass(frozen=True)
class Finding:
    """Something to put right before the term closes: a stable code and a message for people."""

    code: str
    message: str


@dataclass(frozen=True)
class PupilFindings:
    """A pupil's findings and how many marks they have."""

    pupil_person_id: uuid.UUID
    name: str | None
    marks_count: int
    findings: list[Finding]


@dataclass(frozen=True)
class PreCloseCheck:
    """What the check before a term closes found in a class's subject (seed 004, 5.1–5.3 and 6.2)."""

    target: ClassTerm
    subject_id: uuid.UUID
    policy: RoundingPolicy
    due_on: date | None
    has_control_work: bool
    findings: list[Finding]
    pupils: list[PupilFindings]


async def pre_close_check(
    uow: UnitOfWork, class_id: uuid.UUID, subject_id: uuid.UUID, term_id: uuid.UUID, *, actor: Principal
) -> PreCloseCheck:
    """The pupils with too few marks or no term mark, and whether the term had a control work."""
    queries = TermMarkQueries(uow.session)
    found = await class_term(queries, class_id, term_id)
    c = found.school_class
    await check_class_subject(uow, actor, c, subject_id, [term_id], write=False)
    policy = await Grading(uow.session).policy(c.school_id)
    exempted = await queries.exempted(c.school_id, subject_id, *found.span)
    pupils = [p for p in await queries.roster(c, *found.span) if p not in exempted]
    counts = await queries.marks_counts(c, subject_id, term_id)
    rows = await queries.term_marks(
        c.school_id, subject_id, c.academic_year_id, pupils, period_keys=[str(term_id)]
    )
    with_mark = {row.pupil_person_id for row in rows}
    names = await pupil_names(uow, pupils)
    listed = [_pupil_findings(p, names.get(p), counts.get(p, 0), p in with_mark, policy) for p in pupils]
    control = await queries.has_control_work(c, subject_id, term_id)
    findings = [] if control else [Finding("no_control_work", "Нет ни одной контрольной работы за период")]
    pupil_rows = sorted(
        (p for p in listed if p.findings), key=lambda p: (p.name or "", str(p.pupil_person_id))
    )
    return PreCloseCheck(found, subject_id, policy, due_on(found.term), control, findings, pupil_rows)


def _pupil_findings(
    pupil: uuid.UUID, name: str | None, count: int, has_mark: bool, policy: RoundingPolicy
) -> PupilFindings:
    findings = []
    if count < policy.min_marks:
        message = f"Мало отметок для аттестации: {count}, нужно не меньше {policy.min_marks}"
        findings.append(Finding("too_few_marks", message))
    if not has_mark:
        findings.append(Finding("no_term_mark", "Не выставлена отметка за период"))
    return PupilFindings(pupil, name, count, findings)
