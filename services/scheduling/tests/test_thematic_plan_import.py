"""A thematic plan's xlsx: a malformed file reported row by row in Russian and nothing written, a good
one applied whole, the same file again changing nothing, the export importing back."""

from __future__ import annotations

import httpx

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As, published
from eschool.common.xlsx import XLSX_MEDIA_TYPE
from eschool.scheduling.domain.thematic_plans import MAX_TOPICS

from .conftest import World
from .plan_helpers import plan_class, workbook

CHANGED = "scheduling.thematic_plan.changed.v1"
GOOD = [
    (1, "Глава 1. Натуральные числа", "Натуральные числа и шкалы", 20, None),
    (2, "Глава 1. Натуральные числа", "Сложение и вычитание", 13, "урок открытия новых знаний"),
    (3, None, "Контрольная работа №1", 1.0, "контрольная работа"),
]


def upload(headers: dict[str, str]) -> dict[str, str]:
    return headers | {"Content-Type": XLSX_MEDIA_TYPE}


async def test_a_malformed_file_is_reported_row_by_row_and_writes_nothing(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    admin = as_(Role.school_admin, world.school_a)
    cls = await plan_class(api, as_, world, deliver)
    rows = [
        (1, None, "Натуральные числа", 2, None),
        (2, None, "", 2, None),
        (3, None, "Сложение", "1,5", None),
        (4, None, "Вычитание", 0, None),
        (6, None, "Умножение", 2, None),
    ]
    content = workbook(rows)
    for dry_run in ("true", "false"):
        url = f"{cls.url}/import?dry_run={dry_run}"
        answer = await api.post(url, content=content, headers=upload(admin))
        report = answer.json() if dry_run == "true" else answer.json()["report"]
        assert answer.status_code == (200 if dry_run == "true" else 422), answer.text
        found = [(e["row"], e["column"], e["code"]) for e in report["errors"]]
        assert found == [
            (3, "C", "title_required"),
            (4, "D", "invalid_number"),
            (5, "D", "invalid_hours"),
            (6, "A", "number_out_of_sequence"),
        ]
        messages = [e["message"] for e in report["errors"]]
        assert messages[1] == "Не удалось прочитать часы «1,5»: нужно целое число"
        assert "ожидается номер 5, а тема под номером 6" in messages[3]
    assert (await api.get(cls.url, headers=admin)).json()["version"] == 0
    assert await published(scheduling, CHANGED) == []
    too_long = workbook([(n, None, f"Тема {n}", 1, None) for n in range(1, MAX_TOPICS + 3)])
    long_report = (
        await api.post(f"{cls.url}/import?dry_run=true", content=too_long, headers=upload(admin))
    ).json()
    assert [(e["row"], e["code"]) for e in long_report["errors"]] == [(MAX_TOPICS + 2, "too_many_rows")]
    foreign = workbook([(1, "Тема", 2)], header=("№", "Тема", "Часы"))
    unread = await api.post(f"{cls.url}/import?dry_run=true", content=foreign, headers=upload(admin))
    assert (unread.status_code, unread.json()["code"]) == (422, "import_file_unreadable")
    as_text = await api.post(
        f"{cls.url}/import?dry_run=true", content=b"x", headers=admin | {"Content-Type": "text/csv"}
    )
    assert as_text.status_code == 415


async def test_a_good_file_is_applied_whole_and_again_changes_nothing(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver, scheduling: ServiceRuntime
) -> None:
    admin = as_(Role.schedule_dispatcher, world.school_a)
    cls = await plan_class(api, as_, world, deliver)
    template = await api.get(f"{cls.url}/import-template", headers=admin)
    assert template.headers["content-type"] == XLSX_MEDIA_TYPE
    content = workbook(GOOD)
    dry = (await api.post(f"{cls.url}/import?dry_run=true", content=content, headers=upload(admin))).json()
    assert (dry["valid"], dry["topics"], dry["total_hours"], dry["curriculum_hours"]) == (True, 3, 34, 34)
    assert (await api.get(cls.url, headers=admin)).json()["version"] == 0
    applied = await api.post(f"{cls.url}/import?dry_run=false", content=content, headers=upload(admin))
    assert (applied.status_code, applied.json()["applied"]) == (200, True)
    plan = (await api.get(cls.url, headers=admin)).json()
    assert [t["title"] for t in plan["topics"]] == [row[2] for row in GOOD]
    assert plan["topics"][2] == {
        "number": 3,
        "title": "Контрольная работа №1",
        "hours": 1,
        "section": None,
        "lesson_type": "контрольная работа",
    }
    again = await api.post(f"{cls.url}/import?dry_run=false", content=content, headers=upload(admin))
    assert again.json()["unchanged"] == 1
    exported = await api.get(f"{cls.url}/export", headers=admin)
    assert "attachment" in exported.headers["content-disposition"]
    back = await api.post(f"{cls.url}/import?dry_run=false", content=exported.content, headers=upload(admin))
    assert back.json()["unchanged"] == 1
    assert (await api.get(cls.url, headers=admin)).json()["version"] == 1
    assert len(await published(scheduling, CHANGED)) == 1
