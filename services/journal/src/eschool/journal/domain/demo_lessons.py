"""What the demo's teachers write in a lesson (``make run`` only): a topic, homework, a few answers
marked, a control work now and then, absences that last a whole day. Deterministic: the same lesson
always gets the same entries, so a restart writes what a first run would have."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date

TOPIC_KINDS = (
    "Новый материал",
    "Закрепление",
    "Решение задач",
    "Повторение",
    "Работа с текстом",
    "Практикум",
)
CONTROL_EVERY = 8
ANSWER_MARKS = ((5, 35), (4, 40), (3, 20), (2, 5))
COMMENTS = ("Молодец!", "Хороший ответ", "Не выполнено домашнее задание", "Нужно повторить правило")
DAY_ABSENCES = (("ill", 50), ("absent", 30), ("excused", 20))


@dataclass(frozen=True)
class DemoMark:
    """A mark the demo gives: the pupil, the value, the work type's code, a comment or none."""

    pupil: uuid.UUID
    value: str
    work_type: str
    comment: str | None


@dataclass(frozen=True)
class DemoLesson:
    """What the demo writes in one lesson."""

    topic: str
    homework: str | None
    control: bool
    marks: list[DemoMark]
    attendance: dict[uuid.UUID, str]


def _weighted(rng: random.Random, choices: tuple[tuple[object, int], ...]) -> object:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def day_absence(pupil: uuid.UUID, day: date) -> str | None:
    """A pupil's absence for the whole day (about one school day in twenty-five), or None."""
    rng = random.Random(f"absence:{pupil}:{day}")
    return str(_weighted(rng, DAY_ABSENCES)) if rng.random() < 0.04 else None


def demo_lesson(
    lesson_id: uuid.UUID,
    day: date,
    subject: str,
    planned: str | None,
    roster: list[uuid.UUID],
    *,
    marks: bool,
) -> DemoLesson:
    """The entries of a lesson on ``day`` (about one in eight a control work); ``marks`` False: the first
    grade (topic and attendance only, seed 004 3.7)."""
    rng = random.Random(f"lesson:{lesson_id}")
    control = marks and rng.random() < 1 / CONTROL_EVERY
    topic = planned or f"{subject}: {'контрольная работа' if control else rng.choice(TOPIC_KINDS).lower()}"
    attendance: dict[uuid.UUID, str] = {}
    for pupil in roster:
        code = day_absence(pupil, day) or ("late" if rng.random() < 0.01 else None)
        if code is not None:
            attendance[pupil] = code
    present = [p for p in roster if attendance.get(p) in (None, "late")]
    given: list[DemoMark] = []
    if marks and control:
        given = [DemoMark(p, str(_weighted(rng, ANSWER_MARKS)), "control", None) for p in present]
    elif marks and present:
        for pupil in rng.sample(present, k=min(len(present), rng.randint(2, 5))):
            comment = rng.choice(COMMENTS) if rng.random() < 0.15 else None
            given.append(DemoMark(pupil, str(_weighted(rng, ANSWER_MARKS)), "answer", comment))
    homework = f"§ {rng.randint(1, 40)}, упр. {rng.randint(1, 300)}" if marks else None
    return DemoLesson(topic=topic, homework=homework, control=control, marks=given, attendance=attendance)
