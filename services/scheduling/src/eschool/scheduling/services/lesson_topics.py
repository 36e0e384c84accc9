"""The planned topics of a class's dated lessons kept in line with its thematic plans (КТП): after a
plan changes, lessons are generated or regenerated, or a lesson is cancelled or moved. The caller owns
the transaction; each class, subject and subgroup whose topics changed is announced whole.

The topic is stored on the lesson rather than computed on each read: a change is then found by
comparing (so the journal hears of it only when it happens), and a teacher's lessons across classes
read without loading every class's plan and year of lessons.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection

from eschool.common.db import UnitOfWork, utcnow
from eschool.scheduling.db.lesson_queries import Lessons
from eschool.scheduling.db.lessons import Lesson
from eschool.scheduling.db.thematic_plans import ThematicPlans
from eschool.scheduling.domain.lesson_topics import topics_in_order
from eschool.scheduling.domain.thematic_plans import topics_of
from eschool.scheduling.services.announce_lessons import lesson_topics_changed


async def refresh_topics(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    class_id: uuid.UUID,
    subject_ids: Collection[uuid.UUID] | None = None,
) -> int:
    """Bring the planned topics of the class's lessons (of those subjects; all when None) in line with
    its plans; the number of lessons whose topic changed."""
    lessons = await Lessons(uow.session).of_class_subjects(school_id, class_id, subject_ids)
    plans = await ThematicPlans(uow.session).of_class(school_id, class_id)
    topics = {p.subject_id: topics_of(p.topics) for p in plans}
    groups: dict[tuple[uuid.UUID, uuid.UUID | None], list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        groups[lesson.subject_id, lesson.subgroup_id].append(lesson)
    changed, now = 0, utcnow()
    for (subject_id, subgroup_id), group in groups.items():
        wanted = topics_in_order(group, topics.get(subject_id, []))
        moved = [x for x in group if _topic(x) != wanted[x.lesson_id]]
        for lesson in moved:
            lesson.planned_topic_number, lesson.planned_topic_title = wanted[lesson.lesson_id] or (None, None)
        if moved:
            lesson_topics_changed(uow, school_id, class_id, subject_id, subgroup_id, wanted, now)
            changed += len(moved)
    await uow.session.flush()
    return changed


def _topic(lesson: Lesson) -> tuple[int, str] | None:
    if lesson.planned_topic_number is None or lesson.planned_topic_title is None:
        return None
    return lesson.planned_topic_number, lesson.planned_topic_title
