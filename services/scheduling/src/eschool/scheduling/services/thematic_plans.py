"""Thematic plans (КТП) of a class's subjects: read with the hours check against the curriculum, and
replaced whole on the version the editor saw (version 0: there was no plan). The same topics again
change nothing and announce nothing; other topics are announced whole."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import conflict, unprocessable
from eschool.scheduling.db.contingent import SchoolClass
from eschool.scheduling.db.contingent_queries import ContingentViews
from eschool.scheduling.db.load_repositories import Curricula
from eschool.scheduling.db.setup_repositories import Subjects
from eschool.scheduling.db.thematic_plans import ThematicPlan, ThematicPlans
from eschool.scheduling.domain.thematic_plans import (
    HoursCheck,
    Topic,
    check_topics,
    curriculum_hours,
    topics_of,
    total_hours,
)
from eschool.scheduling.services.announce_plans import plan_changed
from eschool.scheduling.services.class_curricula import class_not_found
from eschool.scheduling.services.common import refused
from eschool.scheduling.services.lesson_topics import refresh_topics
from eschool.scheduling.services.plan_scope import check_plan


@dataclass(frozen=True)
class PlanView:
    """A class's plan of a subject as people read it (``plan`` None: none yet) with its hours check."""

    school_class: SchoolClass
    subject_id: uuid.UUID
    plan: ThematicPlan | None
    hours: HoursCheck

    @property
    def topics(self) -> list[Topic]:
        """The plan's topics in order."""
        return topics_of(self.plan.topics) if self.plan is not None else []

    @property
    def version(self) -> int:
        """The plan's version (0: none yet)."""
        return self.plan.version if self.plan is not None else 0


async def plan_class(
    uow: UnitOfWork, class_id: uuid.UUID, subject_id: uuid.UUID, *, actor: Principal, write: bool
) -> SchoolClass:
    """The class whose plan of the subject the actor may read (``write``: change); 404 or 403 else."""
    school_class = await ContingentViews(uow.session).school_class(class_id)
    if school_class is None:
        raise class_not_found()
    await check_plan(uow, actor, school_class, subject_id, write=write)
    if write:
        choice = await Subjects(uow.session).choice(school_class.school_id, subject_id)
        if choice is None or choice.retired:
            raise unprocessable("subject_not_taught", "Предмет не входит в список предметов школы")
    return school_class


async def plan_of(
    uow: UnitOfWork, class_id: uuid.UUID, subject_id: uuid.UUID, *, actor: Principal
) -> PlanView:
    """The plan of the class's subject (empty, version 0, when there is none)."""
    school_class = await plan_class(uow, class_id, subject_id, actor=actor, write=False)
    plan = await ThematicPlans(uow.session).plan(school_class.school_id, class_id, subject_id)
    return await view_of(uow, school_class, subject_id, plan)


async def save_plan(
    uow: UnitOfWork,
    class_id: uuid.UUID,
    subject_id: uuid.UUID,
    topics: Sequence[Topic],
    *,
    version: int,
    actor: Principal,
) -> PlanView:
    """Replace the plan of the class's subject whole, on the version the editor saw."""
    school_class = await plan_class(uow, class_id, subject_id, actor=actor, write=True)
    if broken := check_topics(topics):
        raise refused(broken)
    plan = await store_plan(uow, school_class, subject_id, topics, version=version)
    return await view_of(uow, school_class, subject_id, plan)


async def store_plan(
    uow: UnitOfWork,
    school_class: SchoolClass,
    subject_id: uuid.UUID,
    topics: Sequence[Topic],
    *,
    version: int | None,
) -> ThematicPlan:
    """The plan with these topics (``version`` None: whatever it was), announced if they changed."""
    repo = ThematicPlans(uow.session)
    plan = await repo.plan(school_class.school_id, school_class.class_id, subject_id, lock=True)
    if version is not None and version != (plan.version if plan is not None else 0):
        raise conflict(
            "stale_version",
            "КТП уже изменён другим пользователем: обновите его и повторите",
            field_name="body.version",
        )
    rows, now = [topic.as_json() for topic in topics], utcnow()
    if plan is not None and plan.topics == rows:
        return plan
    if plan is None:
        plan = ThematicPlan(
            thematic_plan_id=uuid.uuid4(),
            school_id=school_class.school_id,
            academic_year_id=school_class.academic_year_id,
            class_id=school_class.class_id,
            subject_id=subject_id,
            created_at=now,
            version=1,
        )
        uow.session.add(plan)
    else:
        plan.version += 1
    plan.topics, plan.total_hours, plan.updated_at = rows, total_hours(topics), now
    try:
        await uow.session.flush()
    except IntegrityError:  # two first plans of the class's subject at once
        raise conflict(
            "stale_version", "КТП уже создан другим пользователем: обновите его и повторите"
        ) from None
    plan_changed(uow, plan)
    await refresh_topics(uow, school_class.school_id, school_class.class_id, [subject_id])
    return plan


async def view_of(
    uow: UnitOfWork, school_class: SchoolClass, subject_id: uuid.UUID, plan: ThematicPlan | None
) -> PlanView:
    """The plan with its hours against the class's curriculum."""
    planned = plan.total_hours if plan is not None else 0
    hours = HoursCheck(planned, await hours_of(uow, school_class, subject_id))
    return PlanView(school_class, subject_id, plan, hours)


async def hours_of(uow: UnitOfWork, school_class: SchoolClass, subject_id: uuid.UUID) -> int | None:
    """The year's hours the class's curriculum gives the subject (None: none)."""
    repo = Curricula(uow.session)
    follows = await repo.of_class(school_class.class_id)
    curriculum = await repo.curriculum(follows.curriculum_id) if follows is not None else None
    weekly = next(
        (
            Decimal(s["weekly_hours"])
            for s in (curriculum.subjects if curriculum else [])
            if s["subject_id"] == str(subject_id)
        ),
        None,
    )
    return curriculum_hours(weekly, school_class.grade)
