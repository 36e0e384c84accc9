"""An application and a step of its history as the school reads them."""

from __future__ import annotations

from eschool.enrolment.api.schemas import (
    ApplicantRead,
    ApplicationRead,
    ChildRead,
    StatusChangeRead,
)
from eschool.enrolment.db.models import Application, StatusChange
from eschool.enrolment.domain.workflow import STATUS_TITLES, Status


def application_read(a: Application) -> ApplicationRead:
    """An application as the school reads it (SNILS only as whether one was declared)."""
    return ApplicationRead(
        application_id=a.application_id,
        school_id=a.school_id,
        kind=a.kind,  # type: ignore[arg-type]
        grade=a.grade,
        school_year=a.school_year,
        source=a.source,
        portal_number=a.portal_number,
        status=a.status,  # type: ignore[arg-type]
        status_title=STATUS_TITLES[Status(a.status)],
        received_at=a.received_at,
        priority_group=a.priority_group,
        benefit=a.benefit,  # type: ignore[arg-type]
        sibling_in_school=a.sibling_in_school,
        in_territory=a.in_territory,
        age_out_of_range=a.age_out_of_range,
        duplicate_of=a.duplicate_of,
        child=ChildRead(
            last_name=a.child_last_name,
            first_name=a.child_first_name,
            middle_name=a.child_middle_name,
            birth_date=a.child_birth_date,
            sex=a.child_sex,  # type: ignore[arg-type]
            citizenship=a.child_citizenship,
            snils_declared=a.child_snils_hash is not None,
        ),
        applicant=ApplicantRead(
            kind=a.applicant_kind,  # type: ignore[arg-type]
            last_name=a.applicant_last_name,
            first_name=a.applicant_first_name,
            middle_name=a.applicant_middle_name,
            email=a.applicant_email,
            phone=a.applicant_phone,
        ),
        address=a.address,
        documents=list(a.documents),
        class_id=a.class_id,
        status_since=a.status_since,
        answer_overdue_at=a.answer_overdue_at,
        version=a.version,
    )


def change_read(c: StatusChange) -> StatusChangeRead:
    return StatusChangeRead(
        from_status=c.from_status,  # type: ignore[arg-type]
        to_status=c.to_status,  # type: ignore[arg-type]
        to_status_title=STATUS_TITLES[Status(c.to_status)],
        reason_code=c.reason_code,
        comment=c.comment,
        by_user_id=c.actor_user_id,
        by_client_id=c.actor_client_id,
        at=c.at,
        version=c.version,
    )
