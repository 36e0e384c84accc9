"""The events of subjects and bell schedules, written to the outbox in the use case's transaction."""

from __future__ import annotations

from datetime import time

from eschool.common.db import UnitOfWork
from eschool.common.events.scheduling import BellScheduleSavedV1, BellSlot, SubjectSavedV1
from eschool.scheduling.db.bells import BellSchedule
from eschool.scheduling.db.subjects import Subject


def subject_saved(uow: UnitOfWork, subject: Subject) -> None:
    """The whole subject (the journal and reporting show its names)."""
    event = SubjectSavedV1(
        subject_id=subject.subject_id,
        school_id=subject.school_id,
        code=subject.code,
        name=subject.name,
        short_name=subject.short_name,
        translations=dict(subject.translations),
        retired=subject.retired,
        occurred_at=subject.updated_at,
    )
    uow.outbox.add(event, subject=subject.subject_id, school_id=subject.school_id)


def bell_schedule_saved(uow: UnitOfWork, schedule: BellSchedule) -> None:
    """The whole schedule with its slots."""
    event = BellScheduleSavedV1(
        bell_schedule_id=schedule.bell_schedule_id,
        school_id=schedule.school_id,
        academic_year_id=schedule.academic_year_id,
        name=schedule.name,
        shift=schedule.shift,
        slots=[
            BellSlot(
                number=s["number"],
                starts_at=time.fromisoformat(s["starts_at"]),
                ends_at=time.fromisoformat(s["ends_at"]),
            )
            for s in schedule.slots
        ],
        occurred_at=schedule.updated_at,
    )
    uow.outbox.add(event, subject=schedule.bell_schedule_id, school_id=schedule.school_id)
