"""Staff: hired into a school by the administration, its municipality or the ministry (one person across
schools by SNILS, a mistyped SNILS refused, a retry answering the same employment), dismissed (never a
class's class teacher silently) and restored from the register of the dismissed, each announced to
identity; read by the school's teachers too; SNILS in clear in no answer, event or log."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.snils import snils_hash
from eschool.contingent.db.models import SchoolClass
from eschool.contingent.db.people import Person

from . import test_pupils
from .conftest import SNILS_KEY, As, published, school_today
from .test_pupils import School, add_school_class, snils_of
from .test_years import Tree, problem

# The test schools' zone (the region's default): near midnight UTC their today is a day ahead.
# The pupils' tests' fixtures, shared.
tree, school, school_b, debug_logs = (
    test_pupils.tree,
    test_pupils.school,
    test_pupils.school_b,
    test_pupils.debug_logs,
)

HIRED = "contingent.staff.hired.v1"
DISMISSED = "contingent.staff.dismissed.v1"
TEACHER_SNILS = snils_of("112233445")
YESTERDAY = str(school_today() - timedelta(days=1))


def teacher(**changes: Any) -> dict[str, Any]:
    """A teacher of Russian as the school's administration adds her, with SNILS."""
    form = {
        "last_name": "Смирнова",
        "first_name": "Ольга",
        "middle_name": "Ивановна",
        "birth_date": "1985-03-15",
        "sex": "ж",
        "snils": TEACHER_SNILS,
        "position": " учитель  русского языка ",
        "hired_on": "2020-09-01",
    }
    return form | changes


def staff_of(school_id: uuid.UUID) -> str:
    return f"/v1/schools/{school_id}/staff"


async def hired(api: httpx.AsyncClient, school: School, **changes: Any) -> dict[str, Any]:
    """A staff member hired into the school by its administrator; their employment."""
    response = await api.post(staff_of(school.school_id), json=teacher(**changes), headers=school.admin)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def dismiss(
    api: httpx.AsyncClient, employment: dict[str, Any], headers: dict[str, str], **body: Any
) -> Any:
    url = f"/v1/staff/{employment['staff_employment_id']}/dismiss"
    return await api.post(url, json={"dismissed_on": YESTERDAY} | body, headers=headers)


async def persons(runtime: ServiceRuntime) -> int:
    async with runtime.database.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(Person)) or 0)


async def test_staff_member_hired_and_announced_with_the_snils_hash_only(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    employment = await hired(api, school)
    expected = {
        "last_name": "Смирнова",
        "sex": "female",
        "snils": "***-***-*** 95",
        "position": "учитель русского языка",
        "hired_on": "2020-09-01",
        "dismissed_on": None,
        "school_id": str(school.school_id),
    }
    assert {k: employment[k] for k in expected} == expected
    [event] = await published(contingent, HIRED)
    assert event["data"] == {
        "person_id": employment["person_id"],
        "school_id": str(school.school_id),
        "snils_hash": snils_hash(TEACHER_SNILS, SNILS_KEY.encode()),
        "name": {"last_name": "Смирнова", "first_name": "Ольга", "middle_name": "Ивановна"},
        "restored": False,
        "occurred_at": event["data"]["occurred_at"],
    }
    assert (event["subject"], event["school_id"]) == (employment["person_id"], str(school.school_id))
    url = f"/v1/staff/{employment['staff_employment_id']}"
    assert (await api.get(url, headers=school.admin)).json() == employment
    assert (await api.get(staff_of(school.school_id), headers=school.admin)).json()["items"] == [employment]
    unnamed = await hired(api, school, first_name="Пётр", sex="м", snils=None)
    assert (await published(contingent, HIRED))[1]["data"]["snils_hash"] is None
    assert unnamed["snils"] is None


async def test_one_person_working_in_two_schools_is_one_person(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School, school_b: School
) -> None:
    first = await hired(api, school)
    second = await hired(api, school_b, last_name="Смирнова-Петрова", position="педагог-психолог")
    assert second["person_id"] == first["person_id"]
    assert second["staff_employment_id"] != first["staff_employment_id"]
    events = [(e["data"]["person_id"], e["data"]["school_id"]) for e in await published(contingent, HIRED)]
    assert events == [
        (first["person_id"], str(school.school_id)),
        (first["person_id"], str(school_b.school_id)),
    ]
    assert await persons(contingent) == 1


async def test_a_mistyped_snils_does_not_hand_over_another_persons_record(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School, school_b: School
) -> None:
    await hired(api, school)
    for stranger in (teacher(first_name="Мария"), teacher(birth_date="1990-01-01")):
        refused = await api.post(staff_of(school_b.school_id), json=stranger, headers=school_b.admin)
        assert problem(refused) == (409, "snils_of_another_person", ["body.snils"])
    assert len(await published(contingent, HIRED)) == 1
    assert await persons(contingent) == 1


async def test_a_retry_answers_the_same_employment(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    url = staff_of(school.school_id)
    first = await api.post(url, json=teacher(), headers=school.admin)
    again = await api.post(url, json=teacher(last_name="смирнова"), headers=school.admin)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    other = await api.post(url, json=teacher(position="завуч"), headers=school.admin)
    assert problem(other) == (409, "staff_already_employed", ["body.snils"])
    # Without SNILS, the same full name and birth date in the school are the same person.
    unnamed = teacher(first_name="Пётр", sex="м", snils=None)
    answers = [await api.post(url, json=unnamed, headers=school.admin) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 200]
    doubled = await api.post(url, json=unnamed | {"snils": snils_of("123456789")}, headers=school.admin)
    assert problem(doubled) == (409, "staff_without_snils", ["body.snils"])
    assert len(await published(contingent, HIRED)) == 2
    assert await persons(contingent) == 2


async def test_a_retry_sent_while_the_first_is_in_flight_hires_once(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    url = staff_of(school.school_id)
    both = await asyncio.gather(*(api.post(url, json=teacher(), headers=school.admin) for _ in range(2)))
    assert sorted(r.status_code for r in both) == [200, 201]
    assert both[0].json() == both[1].json()
    assert len(await published(contingent, HIRED)) == 1


async def test_bad_forms_name_every_field(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    url = staff_of(school.school_id)
    bad = teacher(last_name=" ", snils="112-233-445 96", position="  ", birth_date="2010-01-01")
    assert problem(await api.post(url, json=bad, headers=school.admin)) == (
        422,
        "validation_error",
        ["body.last_name", "body.snils", "body.position", "body.birth_date"],
    )
    young = await api.post(
        url, json=teacher(birth_date="2008-01-01", hired_on="2020-09-01"), headers=school.admin
    )
    assert problem(young) == (422, "staff_too_young", ["body.birth_date"])
    assert await published(contingent, HIRED) == []


async def test_dismissal_is_announced_and_kept_in_the_register(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    employment = await hired(api, school)
    early = await dismiss(api, employment, school.admin, dismissed_on="2020-08-31")
    assert problem(early) == (422, "dismissed_before_hired", ["body.dismissed_on"])
    future = await dismiss(
        api, employment, school.admin, dismissed_on=str(school_today() + timedelta(days=2))
    )
    assert problem(future) == (422, "dismissed_on_in_future", ["body.dismissed_on"])
    dismissed = await dismiss(api, employment, school.admin, reason=" по собственному  желанию ")
    assert dismissed.status_code == 200, dismissed.text
    card = dismissed.json()
    assert (card["dismissed_on"], card["dismissal_reason"]) == (YESTERDAY, "по собственному желанию")
    assert card["version"] == employment["version"] + 1
    [event] = await published(contingent, DISMISSED)
    assert event["data"] == {
        "person_id": employment["person_id"],
        "school_id": str(school.school_id),
        "dismissed_on": YESTERDAY,
        "occurred_at": event["data"]["occurred_at"],
    }
    assert problem(await dismiss(api, employment, school.admin))[:2] == (409, "staff_already_dismissed")
    listed = f"{staff_of(school.school_id)}?include_dismissed="
    assert (await api.get(listed + "false", headers=school.admin)).json()["items"] == []
    assert (await api.get(listed + "true", headers=school.admin)).json()["items"] == [card]
    rehired = await api.post(staff_of(school.school_id), json=teacher(), headers=school.admin)
    assert problem(rehired) == (409, "staff_dismissed", ["body.snils"])
    assert len(await published(contingent, DISMISSED)) == 1


async def test_a_class_teacher_is_not_dismissed_before_the_class_has_another(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School
) -> None:
    employment = await hired(api, school)
    await add_school_class(api, school.tree, as_, school.school_id, "Б")

    async def lead(person_id: str | None) -> None:
        async with contingent.database.uow() as uow:
            stmt = update(SchoolClass).where(SchoolClass.school_id == school.school_id)
            await uow.session.execute(stmt.values(class_teacher_person_id=person_id and uuid.UUID(person_id)))
            await uow.commit()

    await lead(employment["person_id"])
    refused = await dismiss(api, employment, school.admin)
    assert problem(refused)[:2] == (409, "class_teacher_first")
    assert refused.json()["detail"] == "Сначала назначьте другого классного руководителя: 5 А, 5 Б"
    assert await published(contingent, DISMISSED) == []
    await lead(None)
    assert (await dismiss(api, employment, school.admin)).status_code == 200


async def test_restored_from_the_register_and_announced_as_hired_again(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    employment = await hired(api, school)
    restore = f"/v1/staff/{employment['staff_employment_id']}/restore"
    assert problem(await api.post(restore, headers=school.admin))[:2] == (409, "staff_not_dismissed")
    await dismiss(api, employment, school.admin, reason="перевод")
    restored = await api.post(restore, headers=school.admin)
    assert restored.status_code == 200, restored.text
    card = restored.json()
    assert (card["dismissed_on"], card["dismissal_reason"], card["version"]) == (None, None, 3)
    first, again = await published(contingent, HIRED)
    assert (first["data"]["restored"], again["data"]["restored"]) == (False, True)
    same = {"occurred_at": None, "restored": None}
    assert again["data"] | same == first["data"] | same
    assert (await api.get(staff_of(school.school_id), headers=school.admin)).json()["items"] == [card]


async def test_who_hires_dismisses_and_reads_staff(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, tree: Tree, school: School
) -> None:
    employment = await hired(api, school)
    one = f"/v1/staff/{employment['staff_employment_id']}"

    async def answers(headers: dict[str, str], first_name: str) -> tuple[int, int, int, int]:
        form = teacher(first_name=first_name, snils=None)
        posted = await api.post(staff_of(tree.school_a), json=form, headers=headers)
        return (
            (await api.get(staff_of(tree.school_a), headers=headers)).status_code,
            (await api.get(one, headers=headers)).status_code,
            posted.status_code,
            (await api.post(f"{one}/restore", headers=headers)).status_code,
        )

    for writer, name in (
        ((Role.director, tree.school_a), "Анна"),
        ((Role.secretary, tree.school_a), "Вера"),
        ((Role.municipality, tree.rayon_a), "Галина"),
        ((Role.ministry, tree.region), "Дарья"),
    ):
        assert await answers(as_(*writer), name) == (200, 200, 201, 409), writer
    for reader in ((Role.subject_teacher, tree.school_a), (Role.class_teacher, tree.school_a)):
        assert await answers(as_(*reader), "Зоя") == (200, 200, 403, 403), reader
        assert problem(await dismiss(api, employment, as_(*reader)))[:2] == (403, "staff_write_denied")
    for outsider in ((Role.school_admin, tree.school_b), (Role.municipality, tree.rayon_b)):
        assert await answers(as_(*outsider), "Инна") == (404, 404, 404, 404), outsider
        assert (await dismiss(api, employment, as_(*outsider))).status_code == 404
    assert await answers(as_(Role.guardian, tree.school_a), "Лена") == (403, 403, 403, 403)
    missing = await api.get(f"/v1/staff/{uuid.uuid4()}", headers=school.admin)
    assert problem(missing)[:2] == (404, "staff_not_found")
    for anonymous in (
        api.get(staff_of(tree.school_a)),
        api.get(one),
        api.post(staff_of(tree.school_a), json=teacher()),
        api.post(f"{one}/dismiss", json={"dismissed_on": YESTERDAY}),
        api.post(f"{one}/restore"),
    ):
        assert (await anonymous).status_code == 401
    closed = await api.post(
        staff_of(tree.closed), json=teacher(), headers=as_(Role.municipality, tree.rayon_a)
    )
    assert problem(closed)[:2] == (409, "school_closed")
    assert len(await published(contingent, HIRED)) == 5
    assert await published(contingent, DISMISSED) == []


async def test_snils_never_in_clear(
    api: httpx.AsyncClient,
    contingent: ServiceRuntime,
    school: School,
    school_b: School,
    debug_logs: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    answers = [await api.post(staff_of(school.school_id), json=teacher(), headers=school.admin)]
    answers.append(await api.post(staff_of(school.school_id), json=teacher(), headers=school.admin))
    answers.append(await api.post(staff_of(school_b.school_id), json=teacher(), headers=school_b.admin))
    stranger = teacher(first_name="Мария")
    answers.append(await api.post(staff_of(school_b.school_id), json=stranger, headers=school_b.admin))
    employment = answers[0].json()
    answers.append(await dismiss(api, employment, school.admin))
    answers.append(
        await api.post(f"/v1/staff/{employment['staff_employment_id']}/restore", headers=school.admin)
    )
    answers.append(await api.get(staff_of(school.school_id), headers=school.admin))
    logs = capsys.readouterr().out
    assert "contingent.staff.hired" in logs  # the log did capture this run
    envelopes = str(await published(contingent))
    async with contingent.database.uow() as uow:
        stored = [
            str(value)
            for p in (await uow.session.execute(select(Person))).scalars()
            for value in vars(p).values()
        ]
    digits = TEACHER_SNILS.replace("-", "").replace(" ", "")
    for spelling in (TEACHER_SNILS, digits, TEACHER_SNILS[:11], digits[:9]):
        for text in (logs, envelopes, *stored, *(a.text for a in answers)):
            assert spelling not in text
