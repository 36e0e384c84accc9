"""An application arrives: from a portal (seed 000, point 1: in «Подтверждение документов», the source
"portal") or entered by the school (point 12: new), checked field by field, ranked, stored once.

Once: a portal's application is keyed by the portal and its own number. Re-sent (the portal did not hear
the answer), it is answered with the first answer and nothing more is written; two sends at once meet on
that key, the second waiting for the first's transaction. The same number with different content is a
409 naming ``portal_number``: the portal reused a number. The unique index on (source, portal_number)
stands behind it.

Every field rule is checked before anything is written and all broken ones are named at once, so a
portal shows each next to its field. The receipt time is the server's, to the microsecond: it orders
the applications of one priority group. An open application for the same child (the same SNILS, or the
same name and birth date) to the same school is found and named (``duplicate_of``), for the school to
decide: the applicant may have sent it again on purpose, after a mistake in the first one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.db.idempotency import IdempotentRequests, request_hash
from eschool.common.errors import FieldError, Problem, conflict, unprocessable_fields
from eschool.common.events.enrolment import ApplicationSubmittedV1
from eschool.common.snils import InvalidSnilsError, normalize_snils, snils_hash
from eschool.enrolment.api.schemas import ApplicationFields, ApplicationIn, IntakeReceipt, SchoolApplicationIn
from eschool.enrolment.db.models import Application, IdempotentRequest
from eschool.enrolment.db.queries import open_school_zone
from eschool.enrolment.domain.ranking import (
    first_grade_age_out_of_range,
    months_old,
    open_school_years,
    priority_group,
)
from eschool.enrolment.domain.workflow import OPEN, STATUS_TITLES, Status
from eschool.enrolment.services.applications import may_handle, record_step, school_not_found
from eschool.enrolment.services.feed import announce
from eschool.enrolment.services.reads import application_read

INTAKE_SCOPE = "enrolment.intake"
GRADE_OF_KIND = {"first_grade": 1, "tenth_grade": 10}
# Youngest and oldest a pupil of any grade may be on 1 September (months): past it, a typing mistake.
AGE_MONTHS = (5 * 12, 19 * 12)


async def submit_from_portal(
    uow: UnitOfWork, body: ApplicationIn, *, actor: Principal, snils_key: bytes
) -> tuple[int, dict[str, Any]]:
    """The portal's application stored once, in documents check: (status, the receipt)."""
    await uow.serialize()
    requests = IdempotentRequests(uow.session, IdempotentRequest.__table__)
    scope, key = f"intake:{body.source}", body.portal_number
    try:
        replayed = await requests.replay(scope, key, request_hash(body.model_dump(mode="json")))
    except Problem as problem:
        if problem.code != "idempotency_key_reused":
            raise
        detail = (
            "Заявление с этим номером уже получено с другим содержанием: номер портала не может повторяться"
        )
        raise conflict("portal_number_reused", detail, field_name="body.portal_number") from None
    if replayed is not None:
        if replayed[0] is None:  # the first send's transaction committed no answer: never expected
            raise conflict("intake_in_progress", "Заявление с этим номером ещё принимается, повторите позже")
        return replayed[0], replayed[1]
    # No answer remembered (it was removed, or never kept): the application with the number answers as it
    # stands, rather than the unique index refusing a second one with a 500.
    application = await _by_portal_number(uow, body.source, body.portal_number)
    if application is None:
        where = Where(body.school_id, body.source, body.portal_number)
        application = await receive(
            uow, body, where, Status.documents_check, actor=actor, snils_key=snils_key
        )
    receipt = IntakeReceipt(
        application_id=application.application_id,
        portal_number=application.portal_number,
        status=application.status,  # type: ignore[arg-type]
        status_title=STATUS_TITLES[Status(application.status)],
        received_at=application.received_at,
        priority_group=application.priority_group,
        duplicate_of=application.duplicate_of,
    ).model_dump(mode="json")
    await requests.remember(scope, key, 201, receipt)
    return 201, receipt


async def _by_portal_number(uow: UnitOfWork, source: str, number: str) -> Application | None:
    a = Application
    found = await uow.session.execute(select(a).where(a.source == source, a.portal_number == number))
    return found.scalar_one_or_none()


@dataclass(frozen=True)
class Where:
    """Where an application comes from and goes: the school asked for, the source, the portal's number."""

    school_id: uuid.UUID
    source: str
    portal_number: str | None


async def receive(
    uow: UnitOfWork,
    body: ApplicationFields,
    where: Where,
    status: Status,
    *,
    actor: Principal,
    snils_key: bytes,
) -> Application:
    """Check every rule, then store the application in ``status`` with its first step, and announce it."""
    received_at = utcnow()
    errors = await _field_errors(uow, body, where.school_id, received_at.date())
    child_snils = _snils_hash(body.child.snils, "body.child.snils", snils_key, errors)
    applicant_snils = _snils_hash(body.applicant.snils, "body.applicant.snils", snils_key, errors)
    if child_snils is not None and child_snils == applicant_snils:
        errors.append(
            FieldError("body.applicant.snils", "same_snils", "СНИЛС заявителя совпадает со СНИЛС ребёнка")
        )
    if errors:
        raise unprocessable_fields(errors)
    group = priority_group(
        body.benefit, sibling_in_school=body.sibling_in_school, in_territory=body.in_territory
    )
    child, applicant = body.child, body.applicant
    application = Application(
        application_id=uuid.uuid4(),
        school_id=where.school_id,
        kind=body.kind,
        grade=body.grade,
        school_year=body.school_year,
        source=where.source,
        portal_number=where.portal_number,
        status=status.value,
        status_since=received_at,
        received_at=received_at,
        benefit=body.benefit,
        sibling_in_school=body.sibling_in_school,
        in_territory=body.in_territory,
        priority_group=group,
        child_last_name=child.last_name,
        child_first_name=child.first_name,
        child_middle_name=child.middle_name,
        child_birth_date=child.birth_date,
        child_sex=child.sex,
        child_citizenship=child.citizenship,
        child_snils_hash=child_snils,
        applicant_kind=applicant.kind,
        applicant_last_name=applicant.last_name,
        applicant_first_name=applicant.first_name,
        applicant_middle_name=applicant.middle_name,
        applicant_snils_hash=applicant_snils,
        applicant_email=applicant.email,
        applicant_phone=applicant.phone,
        address=body.address,
        documents=list(body.documents),
        age_out_of_range=body.kind == "first_grade"
        and first_grade_age_out_of_range(child.birth_date, body.school_year),
        duplicate_of=await _open_duplicate(uow, body, where.school_id, child_snils),
        created_at=received_at,
        updated_at=received_at,
        version=1,
    )
    uow.session.add(application)
    record_step(uow, application, None, None, None, actor, received_at)
    await announce(
        uow,
        ApplicationSubmittedV1(
            application_id=application.application_id,
            school_id=application.school_id,
            kind=body.kind,
            grade=body.grade,
            school_year=body.school_year,
            source=where.source,  # type: ignore[arg-type]
            portal_number=where.portal_number,
            status=status.value,  # type: ignore[arg-type]
            priority_group=group,
            received_at=received_at,
            duplicate_of=application.duplicate_of,
            version=1,
            occurred_at=received_at,
        ),
        subject=application.application_id,
        school_id=application.school_id,
    )
    return application


async def _field_errors(
    uow: UnitOfWork, body: ApplicationFields, school_id: uuid.UUID, today: date
) -> list[FieldError]:
    """Every rule the application breaks, each naming its field."""
    errors: list[FieldError] = []

    def refuse(field: str, code: str, detail: str) -> None:
        errors.append(FieldError(f"body.{field}", code, detail))

    if await open_school_zone(uow.session, school_id) is None:
        refuse("school_id", "school_not_found", "Образовательная организация не найдена или закрыта")
    expected = GRADE_OF_KIND.get(body.kind)
    if expected is not None and body.grade != expected:
        refuse("grade", "grade_mismatch", f"Для этого вида заявления класс должен быть {expected}-м")
    current, _ = open_school_years(today)
    if body.school_year not in open_school_years(today):
        detail = f"Приём ведётся на {current}/{current + 1} и {current + 1}/{current + 2} учебные годы"
        refuse("school_year", "school_year_closed", detail)
    if body.child.birth_date >= today:
        refuse("child.birth_date", "birth_date_in_future", "Дата рождения должна быть в прошлом")
    elif (
        not AGE_MONTHS[0] <= months_old(body.child.birth_date, date(body.school_year, 9, 1)) <= AGE_MONTHS[1]
    ):
        refuse(
            "child.birth_date",
            "age_implausible",
            "Возраст ребёнка на 1 сентября не подходит для обучения в школе",
        )
    if body.applicant.email is None and body.applicant.phone is None:
        refuse("applicant.phone", "contact_missing", "Укажите телефон или адрес электронной почты заявителя")
    if len(set(body.documents)) != len(body.documents):
        refuse("documents", "documents_repeated", "Документ указан несколько раз")
    if body.benefit != "none" and "benefit_proof" not in body.documents:
        refuse("documents", "benefit_proof_missing", "Для льготы нужен документ, подтверждающий право")
    return errors


def _snils_hash(value: str | None, field: str, key: bytes, errors: list[FieldError]) -> str | None:
    if value is None:
        return None
    try:
        return snils_hash(normalize_snils(value), key)
    except InvalidSnilsError as error:
        errors.append(FieldError(field, "invalid_snils", str(error)))
        return None


async def _open_duplicate(
    uow: UnitOfWork, body: ApplicationFields, school_id: uuid.UUID, child_snils: str | None
) -> uuid.UUID | None:
    """The earliest open application for the same child to the same school."""
    a = Application
    rows = await uow.session.execute(
        select(a.application_id, a.child_snils_hash, a.child_last_name, a.child_first_name)
        .where(a.school_id == school_id, a.child_birth_date == body.child.birth_date)
        .where(a.status.in_([s.value for s in OPEN]))
        .order_by(a.received_at)
    )
    name = (body.child.last_name.casefold(), body.child.first_name.casefold())
    for application_id, snils, last_name, first_name in rows:
        if (child_snils is not None and snils == child_snils) or (
            last_name.casefold(),
            first_name.casefold(),
        ) == name:
            return application_id
    return None


async def enter_at_school(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    body: SchoolApplicationIn,
    *,
    key: str | None,
    actor: Principal,
    snils_key: bytes,
) -> tuple[int, dict[str, Any]]:
    """An application the school's administration enters (seed 000, point 12: a paper one brought in), as
    new: (status, the application). With an ``Idempotency-Key`` a retry is answered as the first time."""
    if not may_handle(actor, school_id):
        raise school_not_found()
    await uow.serialize()
    requests = IdempotentRequests(uow.session, IdempotentRequest.__table__)
    scope = f"school:{school_id}:{actor.user_id}"
    if key is not None:
        replayed = await requests.replay(scope, key, request_hash(body.model_dump(mode="json")))
        if replayed is not None and replayed[0] is not None:
            return replayed[0], replayed[1]
    where = Where(school_id, "school", None)
    application = await receive(uow, body, where, Status.new, actor=actor, snils_key=snils_key)
    answer = application_read(application).model_dump(mode="json")
    if key is not None:
        await requests.remember(scope, key, 201, answer)
    return 201, answer
