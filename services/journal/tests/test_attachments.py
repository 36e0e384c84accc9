"""Homework files: uploaded by the lesson's writers and judged by their bytes, downloaded by the lesson's
readers, its pupils and their guardians (anyone else: the 404 of a file that does not exist), deleted
softly, and counted in the lesson's ``LessonConductedV1``."""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import AsyncIterator
from urllib.parse import unquote

import httpx
from openpyxl import Workbook

from eschool.common.auth import Role
from eschool.common.db import utcnow
from eschool.common.events.contingent import GuardianLinkedV1
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As

from .diary_helpers import WEEK_OF_SEPTEMBER_8
from .journal_helpers import LESSON_CONDUCTED, cancel_maths_lesson, events
from .journal_world import World, term_1_closed

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _zipped(entries: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


ALLOWED = [
    ("Задание.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n", "application/pdf"),
    ("Схема.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "image/png"),
    ("Фото доски.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    ("Упражнения.doc", OLE2, "application/msword"),
    ("Таблица.xls", OLE2, "application/vnd.ms-excel"),
    (
        "Реферат.docx",
        _zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("Данные.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (
        "Сочинение.odt",
        _zipped({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<c/>"}),
        "application/vnd.oasis.opendocument.text",
    ),
]


def teacher(as_: As, w: World, person: uuid.UUID | None = None) -> dict[str, str]:
    return as_(Role.subject_teacher, w.school, person_id=person or w.maths_teacher)


async def upload(
    api: httpx.AsyncClient, headers: dict[str, str], lesson: uuid.UUID, name: str, content: object
) -> httpx.Response:
    """POST the file as the body, its name in the query (the client's content type means nothing)."""
    return await api.post(
        f"/v1/lessons/{lesson}/attachments",
        params={"file_name": name},
        content=content,  # type: ignore[arg-type]
        headers={**headers, "Content-Type": "application/octet-stream"},
    )


async def test_each_allowed_type_is_accepted_and_listed_in_the_diary(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    lesson = w.maths_lessons[0]
    for name, content, media_type in ALLOWED:
        response = await upload(api, teacher(as_, w), lesson, name, content)
        assert response.status_code == 201, (name, response.text)
        found = response.json()
        assert (found["file_name"], found["content_type"], found["size_bytes"]) == (
            name,
            media_type,
            len(content),
        )
        downloaded = await api.get(f"/v1/attachments/{found['attachment_id']}", headers=teacher(as_, w))
        assert downloaded.status_code == 200
        assert (downloaded.content, downloaded.headers["content-type"]) == (content, media_type)
        assert downloaded.headers["x-content-type-options"] == "nosniff"
        assert name in unquote(downloaded.headers["content-disposition"])
    guardian = as_(Role.guardian, w.school, person_id=w.guardian)
    week = await api.get(
        f"/v1/pupils/{w.pupils[0]}/diary/week", params={"start": str(WEEK_OF_SEPTEMBER_8)}, headers=guardian
    )
    first = next(x for day in week.json()["days"] for x in day["lessons"] if x["lesson_id"] == str(lesson))
    assert [a["file_name"] for a in first["attachments"]] == [name for name, _, _ in ALLOWED]


async def test_files_that_are_none_of_the_types_are_refused(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    for name, content in [
        ("Задание.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),  # a program renamed
        ("notes.txt", "Просто текст".encode()),
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ]:
        response = await upload(api, teacher(as_, w), w.maths_lessons[0], name, content)
        assert response.status_code == 415, response.text
        problem = response.json()
        assert problem["code"] == "unsupported_file_type"
        assert problem["errors"][0]["field"] == "file"
        assert "допустимы" in problem["detail"]


async def test_an_oversized_file_is_refused_before_it_is_read_whole(
    api: httpx.AsyncClient, as_: As, world: World, journal: ServiceRuntime
) -> None:
    w = world
    limit = journal.settings.attachment_max_bytes  # type: ignore[attr-defined]
    big = b"%PDF-1.4\n" + b"\x00" * limit
    response = await upload(api, teacher(as_, w), w.maths_lessons[0], "big.pdf", big)
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "attachment_too_large"

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        yield b"%PDF-1.4\n"
        for _ in range(limit // (1024 * 1024) + 1):
            yield b"\x00" * (1024 * 1024)

    streamed = await upload(api, teacher(as_, w), w.maths_lessons[0], "big.pdf", chunks())
    assert streamed.status_code == 413


async def test_who_downloads_a_file(api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver) -> None:
    w = world
    other_guardian = uuid.uuid4()
    await deliver(
        GuardianLinkedV1(
            guardian_person_id=other_guardian,
            pupil_person_id=w.first_graders[0],
            school_id=w.school,
            kind="father",
            occurred_at=utcnow(),
        )
    )
    maths = (await upload(api, teacher(as_, w), w.maths_lessons[0], "a.pdf", b"%PDF-1.4")).json()
    english_teacher = teacher(as_, w, w.english_teacher)
    english = (await upload(api, english_teacher, w.english_lessons[0], "b.pdf", b"%PDF-1.4")).json()
    allowed = {
        "guardian of a pupil of the class": as_(Role.guardian, w.school, person_id=w.guardian),
        "a pupil of the class": as_(Role.pupil, w.school, person_id=w.pupils[2]),
        "the class teacher": as_(Role.class_teacher, w.school, person_id=w.maths_teacher),
        "the director": as_(Role.director, w.school, person_id=uuid.uuid4()),
        "the municipality": as_(Role.municipality, w.municipality),
    }
    for who, headers in allowed.items():
        response = await api.get(f"/v1/attachments/{maths['attachment_id']}", headers=headers)
        assert response.status_code == 200, who
    hidden = {
        "guardian of another child": as_(Role.guardian, w.school, person_id=other_guardian),
        "a pupil of another class": as_(Role.pupil, w.school, person_id=w.first_graders[0]),
        "a teacher of school B": as_(Role.subject_teacher, w.school_b, person_id=w.teacher_b),
        "another teacher of the school": teacher(as_, w, w.other_teacher),
        "another municipality": as_(Role.municipality, w.municipality_b),
    }
    for who, headers in hidden.items():
        response = await api.get(f"/v1/attachments/{maths['attachment_id']}", headers=headers)
        assert (response.status_code, response.json()["code"]) == (404, "attachment_not_found"), who
    # The English lesson is its subgroup's: P2 is not in it, P0 (the guardian's child) is.
    outside = await api.get(
        f"/v1/attachments/{english['attachment_id']}",
        headers=as_(Role.pupil, w.school, person_id=w.pupils[2]),
    )
    assert outside.status_code == 404
    guardian = as_(Role.guardian, w.school, person_id=w.guardian)
    assert (await api.get(f"/v1/attachments/{english['attachment_id']}", headers=guardian)).status_code == 200
    missing = await api.get(f"/v1/attachments/{uuid.uuid4()}", headers=teacher(as_, w))
    assert missing.status_code == 404


async def test_only_the_lessons_writers_upload_and_delete(
    api: httpx.AsyncClient, as_: As, world: World
) -> None:
    w = world
    lesson = w.maths_lessons[0]
    refused = await upload(api, teacher(as_, w, w.other_teacher), lesson, "a.pdf", b"%PDF-1.4")
    assert (refused.status_code, refused.json()["code"]) == (403, "lesson_write_denied")
    stranger = as_(Role.subject_teacher, w.school_b, person_id=w.teacher_b)
    assert (await upload(api, stranger, lesson, "a.pdf", b"%PDF-1.4")).status_code == 404
    found = (await upload(api, teacher(as_, w), lesson, "a.pdf", b"%PDF-1.4")).json()
    path = f"/v1/attachments/{found['attachment_id']}"
    assert (await api.delete(path, headers=teacher(as_, w, w.other_teacher))).status_code == 403
    assert (await api.delete(path, headers=stranger)).status_code == 404
    assert (await api.delete(path, headers=teacher(as_, w))).status_code == 204
    assert (await api.get(path, headers=teacher(as_, w))).status_code == 404
    assert (await api.delete(path, headers=teacher(as_, w))).status_code == 404
    audit = (await api.get(f"/v1/lessons/{lesson}/audit", headers=teacher(as_, w))).json()
    assert [(r["entity"], r["action"]) for r in audit["items"]] == [
        ("attachment", "deleted"),
        ("attachment", "created"),
    ]


async def test_the_lessons_record_is_announced_again_with_the_count(
    api: httpx.AsyncClient, as_: As, world: World, journal: ServiceRuntime
) -> None:
    w = world
    lesson = w.maths_lessons[1]
    # Without a record there is nothing to announce yet.
    first = (await upload(api, teacher(as_, w), lesson, "a.pdf", b"%PDF-1.4")).json()
    assert await events(journal, LESSON_CONDUCTED) == []
    recorded = await api.put(
        f"/v1/lessons/{lesson}/record", json={"homework": "§ 2"}, headers=teacher(as_, w)
    )
    assert recorded.status_code == 200, recorded.text
    await upload(api, teacher(as_, w), lesson, "b.png", b"\x89PNG\r\n\x1a\n")
    await api.delete(f"/v1/attachments/{first['attachment_id']}", headers=teacher(as_, w))
    announced = await events(journal, LESSON_CONDUCTED)
    assert [(e["version"], e["attachments"]) for e in announced] == [(1, 1), (2, 2), (3, 1)]


async def test_an_upload_sent_again_under_its_key_is_one_file(
    api: httpx.AsyncClient, as_: As, world: World, journal: ServiceRuntime
) -> None:
    w, lesson = world, world.maths_lessons[0]
    keyed = {**teacher(as_, w), "Idempotency-Key": "upload-1"}
    first = await upload(api, keyed, lesson, "a.pdf", b"%PDF-1.4 first")
    again = await upload(api, keyed, lesson, "a.pdf", b"%PDF-1.4 first")
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json()["attachment_id"] == first.json()["attachment_id"]
    other = await upload(api, keyed, lesson, "a.pdf", b"%PDF-1.4 other bytes")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    week = await api.get(
        f"/v1/pupils/{w.pupils[0]}/diary/week",
        params={"start": WEEK_OF_SEPTEMBER_8.isoformat()},
        headers=as_(Role.guardian, w.school, person_id=w.guardian),
    )
    files = [f for day in week.json()["days"] for x in day["lessons"] for f in x["attachments"]]
    assert [f["attachment_id"] for f in files] == [first.json()["attachment_id"]]


async def test_first_grade_closed_term_cancelled_lesson_and_the_eleventh_file_are_refused(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    w = world
    first_grade = teacher(as_, w, w.first_grade_teacher)
    refused = await upload(api, first_grade, w.first_grade_lesson, "a.pdf", b"%PDF-1.4")
    assert (refused.status_code, refused.json()["code"]) == (422, "first_grade_no_homework")
    for i in range(10):
        assert (
            await upload(api, teacher(as_, w), w.maths_lessons[2], f"{i}.pdf", b"%PDF-1.4")
        ).status_code == 201
    eleventh = await upload(api, teacher(as_, w), w.maths_lessons[2], "11.pdf", b"%PDF-1.4")
    assert (eleventh.status_code, eleventh.json()["code"]) == (422, "too_many_attachments")
    await cancel_maths_lesson(deliver, w, 3)
    cancelled = await upload(api, teacher(as_, w), w.maths_lessons[3], "a.pdf", b"%PDF-1.4")
    assert (cancelled.status_code, cancelled.json()["code"]) == (409, "lesson_cancelled")
    await deliver(term_1_closed(w))
    closed = await upload(api, teacher(as_, w), w.maths_lessons[4], "a.pdf", b"%PDF-1.4")
    assert (closed.status_code, closed.json()["code"]) == (409, "term_closed")
