"""A thematic plan copied from the previous year (seed 001, Приложение 8, stage 4): the plan of the
same subject in a class of the school's previous year — by default the class a grade lower with the
same letter (last year's 5 «А» is this year's 6 «А»), or the class named — taken only when its hours
equal the hours this year's curriculum gives the subject. Copying again changes nothing."""

from __future__ import annotations

import uuid

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.common.errors import Problem, unprocessable
from eschool.scheduling.db.contingent import SchoolClass
from eschool.scheduling.db.contingent_queries import ContingentViews
from eschool.scheduling.db.repositories import Calendar
from eschool.scheduling.db.thematic_plans import ThematicPlans
from eschool.scheduling.domain.names import name_key
from eschool.scheduling.domain.thematic_plans import topics_of
from eschool.scheduling.services.thematic_plans import PlanView, hours_of, plan_class, store_plan, view_of


async def copy_previous_year(
    uow: UnitOfWork,
    class_id: uuid.UUID,
    subject_id: uuid.UUID,
    *,
    source_class_id: uuid.UUID | None,
    version: int | None,
    actor: Principal,
) -> PlanView:
    """The subject's plan of a class of the previous year becomes this class's, when the hours match."""
    school_class = await plan_class(uow, class_id, subject_id, actor=actor, write=True)
    source = await _source_class(uow, school_class, source_class_id)
    repo = ThematicPlans(uow.session)
    plan = await repo.plan(source.school_id, source.class_id, subject_id)
    if plan is None:
        raise _refusal(
            "source_plan_not_found",
            f"В классе {_name(source)} прошлого учебного года нет КТП по этому предмету",
        )
    needed = await hours_of(uow, school_class, subject_id)
    if needed != plan.total_hours:
        given = "нет часов этого предмета" if needed is None else f"{needed} ч"
        raise _refusal(
            "hours_mismatch",
            f"КТП не скопирован: в КТП класса {_name(source)} прошлого года {plan.total_hours} ч, "
            f"а в учебном плане класса {_name(school_class)} — {given}",
        )
    copied = await store_plan(uow, school_class, subject_id, topics_of(plan.topics), version=version)
    return await view_of(uow, school_class, subject_id, copied)


async def _source_class(
    uow: UnitOfWork, school_class: SchoolClass, source_class_id: uuid.UUID | None
) -> SchoolClass:
    """The named class, or last year's class a grade lower with the same letter; of the previous year."""
    year = await Calendar(uow.session).year(school_class.academic_year_id)
    repo = ThematicPlans(uow.session)
    previous = await repo.year_before(school_class.school_id, year.starts_on) if year is not None else None
    if previous is None:
        raise _refusal("previous_year_not_found", "У школы нет прошлого учебного года")
    if source_class_id is not None:
        source = await ContingentViews(uow.session).school_class(source_class_id)
        if source is None or (source.school_id, source.academic_year_id) != (
            school_class.school_id,
            previous.academic_year_id,
        ):
            raise _refusal(
                "source_class_not_found",
                "Класс не найден в прошлом учебном году этой школы",
                field="body.source_class_id",
            )
        return source
    letter = name_key(school_class.letter)
    for candidate in await repo.classes_of_grade(
        school_class.school_id, previous.academic_year_id, school_class.grade - 1
    ):
        if name_key(candidate.letter) == letter:
            return candidate
    raise _refusal(
        "source_class_not_found",
        f"В прошлом учебном году нет класса {school_class.grade - 1} «{school_class.letter}»: укажите класс",
        field="body.source_class_id",
    )


def _name(school_class: SchoolClass) -> str:
    return f"{school_class.grade} «{school_class.letter}»"


def _refusal(code: str, detail: str, *, field: str | None = None) -> Problem:
    return unprocessable(code, detail, field_name=field)
