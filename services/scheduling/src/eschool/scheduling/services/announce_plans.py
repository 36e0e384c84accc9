"""The event of a thematic plan, written to the outbox in the use case's transaction."""

from __future__ import annotations

from eschool.common.db import UnitOfWork
from eschool.common.events.scheduling import PlannedTopic, ThematicPlanChangedV1
from eschool.scheduling.db.thematic_plans import ThematicPlan


def plan_changed(uow: UnitOfWork, plan: ThematicPlan) -> None:
    """The whole plan with its topics."""
    event = ThematicPlanChangedV1(
        thematic_plan_id=plan.thematic_plan_id,
        school_id=plan.school_id,
        academic_year_id=plan.academic_year_id,
        class_id=plan.class_id,
        subject_id=plan.subject_id,
        topics=[PlannedTopic.model_validate(topic) for topic in plan.topics],
        total_hours=plan.total_hours,
        version=plan.version,
        occurred_at=plan.updated_at,
    )
    uow.outbox.add(event, subject=plan.thematic_plan_id, school_id=plan.school_id)
