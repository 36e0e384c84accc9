"""The events of curricula and teaching assignments, written to the outbox in the use case's
transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from eschool.common.db import UnitOfWork, utcnow
from eschool.common.events.scheduling import (
    CurriculumHours,
    CurriculumSavedV1,
    TeachingAssignmentChangedV1,
)
from eschool.scheduling.db.curricula import Curriculum, TeachingAssignment


def curriculum_saved(uow: UnitOfWork, curriculum: Curriculum, class_ids: Sequence[uuid.UUID]) -> None:
    """The whole curriculum with the classes following it."""
    event = CurriculumSavedV1(
        curriculum_id=curriculum.curriculum_id,
        school_id=curriculum.school_id,
        academic_year_id=curriculum.academic_year_id,
        name=curriculum.name,
        grade=curriculum.grade,
        profile=curriculum.profile,
        subjects=[
            CurriculumHours(subject_id=s["subject_id"], weekly_hours=float(s["weekly_hours"]))
            for s in curriculum.subjects
        ],
        class_ids=list(class_ids),
        occurred_at=utcnow(),
    )
    uow.outbox.add(event, subject=curriculum.curriculum_id, school_id=curriculum.school_id)


def assignment_changed(uow: UnitOfWork, assignment: TeachingAssignment, *, removed: bool = False) -> None:
    """The whole assignment, or its removal."""
    event = TeachingAssignmentChangedV1(
        teaching_assignment_id=assignment.teaching_assignment_id,
        school_id=assignment.school_id,
        academic_year_id=assignment.academic_year_id,
        class_id=assignment.class_id,
        subgroup_id=assignment.subgroup_id,
        subject_id=assignment.subject_id,
        teacher_person_id=assignment.person_id,
        weekly_hours=float(assignment.weekly_hours),
        removed=removed,
        occurred_at=utcnow() if removed else assignment.updated_at,
    )
    uow.outbox.add(event, subject=assignment.teaching_assignment_id, school_id=assignment.school_id)
