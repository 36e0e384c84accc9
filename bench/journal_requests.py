"""Our requests in bench/journal.py, made through the gateway or straight at the journal: a mark, the whole
lesson saved, the diary's week; and the world they are made in (the region, tokens, client, pool)."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import asyncpg
from httpclient import RawClient
from journal_data import Dataset, Lesson
from journal_load import Call
from journal_processes import Tokens

LESSON_MARKS, LESSON_ABSENCES = 8, 2


@dataclass
class World:
    """The loaded region, the tokens, the client, the bare layer's pool."""

    data: Dataset
    tokens: Tokens
    client: RawClient
    pool: asyncpg.Pool
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    fresh: Iterator[int] = field(default_factory=itertools.count)

    @property
    def answer(self) -> uuid.UUID:
        return self.data.work_types["answer"].work_type_id

    def lesson(self, index: int) -> Lesson:
        return self.data.lessons[(index * 7919) % len(self.data.lessons)]

    def unused_lesson(self) -> Lesson:
        """A lesson no whole-lesson save of ours has written in yet (cycling when all have been)."""
        return self.data.lessons[next(self.fresh) % len(self.data.lessons)]


async def expect(
    client: RawClient, method: str, url: str, headers: dict[str, str], body: bytes, status: int
) -> bytes:
    async with asyncio.timeout(120):
        got, content = await client.request(method, url, headers, body)
    if got != status:
        raise RuntimeError(f"{method} {url}: {got} {content[:800]!r}")
    return content


def mark_call(world: World, base: str) -> Call:
    """``POST /v1/lessons/{id}/marks``: an answer in class, by the lesson's teacher."""

    async def call(index: int) -> None:
        lesson = world.lesson(index)
        body = {"pupil_person_id": str(lesson.pupils[index % len(lesson.pupils)]), "value": "5"}
        body["work_type_id"] = str(world.answer)
        headers = world.tokens.teacher(lesson.teacher_id, lesson.school_id)
        url = f"{base}/v1/lessons/{lesson.lesson_id}/marks"
        await expect(world.client, "POST", url, headers, json.dumps(body).encode(), 201)

    return call


def lesson_body(world: World, lesson: Lesson) -> dict[str, Any]:
    absent = lesson.pupils[:LESSON_ABSENCES]
    marked = lesson.pupils[LESSON_ABSENCES : LESSON_ABSENCES + LESSON_MARKS]
    return {
        "record": {"topic": "Решение задач на движение", "homework": "§ 14, № 210, 212"},
        "attendance": [{"pupil_person_id": str(p), "code": "absent"} for p in absent],
        "marks": [
            {"pupil_person_id": str(p), "value": "4", "work_type_id": str(world.answer)} for p in marked
        ],
    }


def lesson_call(world: World, base: str) -> Call:
    """``PUT /v1/lessons/{id}/journal``: topic and homework, two absences, eight marks; a fresh lesson."""

    async def call(_index: int) -> None:
        lesson = world.unused_lesson()
        headers = world.tokens.teacher(lesson.teacher_id, lesson.school_id)
        body = json.dumps(lesson_body(world, lesson)).encode()
        await expect(world.client, "PUT", f"{base}/v1/lessons/{lesson.lesson_id}/journal", headers, body, 200)

    return call


def diary_call(world: World, base: str) -> Call:
    """``GET /v1/pupils/{id}/diary/week?start=``: a guardian reads a random pupil's week of the term."""
    pupils = world.data.pupils
    schools = {p: s.school_id for s in world.data.schools for c in s.classes for p in c.pupils}

    async def call(index: int) -> None:
        pupil = pupils[(index * 104729) % len(pupils)]
        start = world.data.term_start + timedelta(weeks=index % world.data.size.weeks)
        headers = world.tokens.guardian(world.data.guardians[pupil], schools[pupil], pupil)
        headers = {k: v for k, v in headers.items() if k != "content-type"}
        url = f"{base}/v1/pupils/{pupil}/diary/week?start={start.isoformat()}"
        answer = await expect(world.client, "GET", url, headers, b"", 200)
        # The week asked for, with its lessons (a week without any would measure an empty answer).
        if f'"week_start":"{start.isoformat()}"'.encode() not in answer or b'"lessons":[{' not in answer:
            raise RuntimeError(f"diary: not the week of {start} with lessons for {pupil}: {answer[:300]!r}")

    return call
