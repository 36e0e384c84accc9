"""A teacher reads the lists of the classes they teach or lead, once scheduling says who teaches where
(its teaching assignments); until the school has distributed its load, their whole school's."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from eschool.common.auth import Role
from eschool.common.events.scheduling import TeachingAssignmentChangedV1
from eschool.common.testing.events import Deliver

from . import test_pupils
from .conftest import As
from .test_pupils import School, add_school_class, enrolled
from .test_years import problem

tree, school = test_pupils.tree, test_pupils.school
T0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def assignment(
    school: School,
    class_id: str,
    teacher: uuid.UUID,
    *,
    removed: bool = False,
    at: datetime = T0,
    **ids: uuid.UUID,
) -> TeachingAssignmentChangedV1:
    return TeachingAssignmentChangedV1(
        teaching_assignment_id=ids.get("assignment_id", uuid.uuid4()),
        school_id=school.school_id,
        academic_year_id=uuid.UUID(school.year),
        class_id=uuid.UUID(class_id),
        subject_id=uuid.uuid4(),
        teacher_person_id=teacher,
        weekly_hours=3,
        removed=removed,
        occurred_at=at,
    )


async def status(api: httpx.AsyncClient, path: str, headers: dict[str, str]) -> int:
    return (await api.get(path, headers=headers)).status_code


async def test_a_teacher_reads_the_classes_they_teach_or_lead_once_the_load_is_distributed(
    api: httpx.AsyncClient, as_: As, school: School, deliver: Deliver
) -> None:
    other = await add_school_class(api, school.tree, as_, school.school_id, "Б")
    ours, theirs = await enrolled(api, school, "1р"), await enrolled(api, other, "2р", first_name="Вера")
    lists = f"/v1/classes/{school.class_id}/pupils", f"/v1/classes/{other.class_id}/pupils"
    maths = uuid.uuid4()
    subject_teacher = as_(Role.subject_teacher, school.school_id, person_id=maths)
    leader = as_(Role.class_teacher, school.school_id, person_id=school.teacher)
    # Not distributed yet: the school's teachers read the school's lists.
    assert [await status(api, p, subject_teacher) for p in lists] == [200, 200]

    one_id = uuid.uuid4()
    await deliver(assignment(school, other.class_id, maths, assignment_id=one_id))
    assert [await status(api, p, subject_teacher) for p in lists] == [403, 200]
    refused = await api.get(lists[0], headers=subject_teacher)
    assert problem(refused)[:2] == (403, "class_not_taught")
    assert await status(api, f"/v1/pupils/{ours}", subject_teacher) == 403
    assert await status(api, f"/v1/pupils/{theirs}", subject_teacher) == 200
    found = (await api.get("/v1/search/pupils?q=Иванова", headers=subject_teacher)).json()["items"]
    assert [p["person_id"] for p in found] == [theirs]
    # The class teacher reads the class they lead, not the other.
    assert [await status(api, p, leader) for p in lists] == [200, 403]
    # The administration and the secretary read every list.
    secretary = as_(Role.secretary, school.school_id)
    assert [await status(api, p, h) for p in lists for h in (school.admin, secretary)] == [200] * 4

    # The maths teacher's assignment removed (another teacher keeps the school's load distributed).
    await deliver(assignment(school, school.class_id, school.teacher))
    await deliver(
        assignment(school, other.class_id, maths, removed=True, at=T0 + timedelta(1), assignment_id=one_id)
    )
    assert [await status(api, p, subject_teacher) for p in lists] == [403, 403]
    # An older event arriving late changes nothing.
    await deliver(assignment(school, other.class_id, maths, at=T0 - timedelta(1), assignment_id=one_id))
    assert await status(api, lists[1], subject_teacher) == 403
