"""Guardians: linked by the school's administration or the class teacher (one person wherever they are a
guardian, found by SNILS), announced with the SNILS's keyed hash only, unlinked with the history kept;
and SNILS in clear nowhere but the administration's own endpoint: not in answers, events or logs."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from eschool.common.auth import Role
from eschool.common.service import ServiceRuntime
from eschool.common.snils import snils_hash
from eschool.contingent.db.people import GuardianLink, Person

from . import test_pupils
from .conftest import SNILS_KEY, As, published
from .test_pupils import School, enrol, enrolled, pupil_form, snils_of, withdraw
from .test_years import Tree, problem

# The pupils' tests' fixtures, shared.
tree, school, school_b, debug_logs = (
    test_pupils.tree,
    test_pupils.school,
    test_pupils.school_b,
    test_pupils.debug_logs,
)

LINKED = "contingent.guardian.linked.v1"
UNLINKED = "contingent.guardian.unlinked.v1"
MOTHER_SNILS = snils_of("112233445")


def mother(**changes: Any) -> dict[str, Any]:
    """The mother as the class teacher enters her, with SNILS and contacts."""
    form = {
        "kind": "mother",
        "last_name": "Иванова",
        "first_name": "Елена",
        "middle_name": "Петровна",
        "snils": MOTHER_SNILS,
        "phone": "+7 (912) 345-67-89",
        "email": "ivanova@example.ru",
    }
    return form | changes


def guardians_of(pupil: str) -> str:
    return f"/v1/pupils/{pupil}/guardians"


async def test_guardian_linked_and_announced_with_the_snils_hash_only(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    pupil = await enrolled(api, school)
    linked = await api.post(guardians_of(pupil), json=mother(), headers=school.admin)
    assert linked.status_code == 201, linked.text
    guardian = linked.json()
    expected = {"kind": "mother", "last_name": "Иванова", "snils": "***-***-*** 95", "phone": "+79123456789"}
    assert {k: guardian[k] for k in expected} == expected
    assert (await api.get(guardians_of(pupil), headers=school.admin)).json()["items"] == [guardian]

    [event] = await published(contingent, LINKED)
    assert event["data"] == {
        "guardian_person_id": guardian["guardian_person_id"],
        "pupil_person_id": pupil,
        "school_id": str(school.school_id),
        "kind": "mother",
        "snils_hash": snils_hash(MOTHER_SNILS, SNILS_KEY.encode()),
        "occurred_at": event["data"]["occurred_at"],
    }
    assert (event["subject"], event["school_id"]) == (guardian["guardian_person_id"], str(school.school_id))
    father = await api.post(guardians_of(pupil), json=mother(kind="father", first_name="Олег", snils=None))
    assert father.status_code == 401
    father = await api.post(
        guardians_of(pupil), json=mother(kind="father", first_name="Олег", snils=None), headers=school.admin
    )
    assert father.status_code == 201
    assert (await published(contingent, LINKED))[1]["data"]["snils_hash"] is None


async def test_linking_again_answers_the_same_link(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    pupil = await enrolled(api, school)
    first = await api.post(guardians_of(pupil), json=mother(), headers=school.admin)
    again = await api.post(guardians_of(pupil), json=mother(last_name="Сидорова"), headers=school.admin)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    unnamed = mother(kind="father", first_name="Олег", snils=None)
    assert (await api.post(guardians_of(pupil), json=unnamed, headers=school.admin)).status_code == 201
    assert (await api.post(guardians_of(pupil), json=unnamed, headers=school.admin)).status_code == 200
    other_kind = await api.post(guardians_of(pupil), json=mother(kind="other"), headers=school.admin)
    assert problem(other_kind) == (409, "guardian_already_linked", ["body.kind"])
    stranger = await api.post(guardians_of(pupil), json=mother(first_name="Ольга"), headers=school.admin)
    assert problem(stranger) == (409, "snils_of_another_person", ["body.snils"])
    assert len(await published(contingent, LINKED)) == 2


async def test_one_guardian_of_pupils_in_two_schools_is_one_person(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School, school_b: School
) -> None:
    older = await enrolled(api, school)
    younger = await enrolled(api, school_b, first_name="Мария")
    first = await api.post(guardians_of(older), json=mother(), headers=school.admin)
    second = await api.post(guardians_of(younger), json=mother(phone=None), headers=school_b.admin)
    assert first.json()["guardian_person_id"] == second.json()["guardian_person_id"]
    events = [
        (e["data"]["pupil_person_id"], e["data"]["school_id"]) for e in await published(contingent, LINKED)
    ]
    assert events == [(older, str(school.school_id)), (younger, str(school_b.school_id))]
    assert {e["data"]["snils_hash"] for e in await published(contingent, LINKED)} == {
        snils_hash(MOTHER_SNILS, SNILS_KEY.encode())
    }
    async with contingent.database.uow() as uow:
        assert len((await uow.session.execute(select(Person))).all()) == 3


async def test_unlinking_is_announced_once_and_kept_as_history(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    pupil = await enrolled(api, school)
    guardian = (await api.post(guardians_of(pupil), json=mother(), headers=school.admin)).json()
    url = f"{guardians_of(pupil)}/{guardian['guardian_person_id']}"
    assert (await api.delete(url, headers=school.admin)).status_code == 204
    assert (await api.delete(url, headers=school.admin)).status_code == 204  # a retry changes nothing
    [event] = await published(contingent, UNLINKED)
    assert event["data"] == {
        "guardian_person_id": guardian["guardian_person_id"],
        "pupil_person_id": pupil,
        "school_id": str(school.school_id),
        "occurred_at": event["data"]["occurred_at"],
    }
    assert (await api.get(guardians_of(pupil), headers=school.admin)).json()["items"] == []
    missing = await api.delete(f"{guardians_of(pupil)}/{uuid.uuid4()}", headers=school.admin)
    assert problem(missing)[:2] == (404, "guardian_not_found")
    relinked = await api.post(guardians_of(pupil), json=mother(), headers=school.admin)
    assert relinked.json()["guardian_person_id"] == guardian["guardian_person_id"]
    assert len(await published(contingent, LINKED)) == 2
    async with contingent.database.uow() as uow:
        links = (await uow.session.execute(select(GuardianLink))).scalars().all()
    assert sorted(link.unlinked_at is None for link in links) == [False, True]


async def test_who_enters_and_reads_guardians(
    api: httpx.AsyncClient, as_: As, tree: Tree, school: School
) -> None:
    pupil = await enrolled(api, school)
    url = guardians_of(pupil)

    async def answers(headers: dict[str, str], first_name: str) -> tuple[int, int]:
        posted = await api.post(url, json=mother(first_name=first_name, snils=None), headers=headers)
        return (await api.get(url, headers=headers)).status_code, posted.status_code

    class_teacher = as_(Role.class_teacher, tree.school_a, person_id=school.teacher)
    assert await answers(class_teacher, "Анна") == (200, 201)
    assert await answers(as_(Role.director, tree.school_a), "Вера") == (200, 201)
    other_teacher = as_(Role.class_teacher, tree.school_a)
    assert await answers(other_teacher, "Галина") == (200, 403)
    assert await answers(as_(Role.municipality, tree.rayon_a), "Дарья") == (200, 403)
    for outsider in (as_(Role.school_admin, tree.school_b), as_(Role.municipality, tree.rayon_b)):
        assert await answers(outsider, "Зоя") == (404, 404)
    family = as_(Role.guardian, tree.school_a, pupils=[uuid.UUID(pupil)])
    assert await answers(family, "Инна") == (403, 403)
    assert await answers(as_(Role.pupil, tree.school_a, person_id=uuid.UUID(pupil)), "Лена") == (403, 403)
    bad = mother(snils="112-233-445 96", phone="12", email="nobody")
    assert problem(await api.post(url, json=bad, headers=school.admin)) == (
        422,
        "validation_error",
        ["body.phone", "body.email", "body.snils"],
    )
    own = snils_of("123456789")
    ward = await enrolled(api, school, "2", first_name="Мария", snils=own)
    itself = await api.post(
        guardians_of(ward), json=mother(first_name="Мария", snils=own), headers=school.admin
    )
    assert problem(itself) == (422, "guardian_is_pupil", ["body.snils"])


async def test_a_withdrawn_pupils_guardians_are_not_changed_here(
    api: httpx.AsyncClient, contingent: ServiceRuntime, school: School
) -> None:
    pupil = await enrolled(api, school)
    await withdraw(contingent, pupil)
    refused = await api.post(guardians_of(pupil), json=mother(), headers=school.admin)
    assert problem(refused)[:2] == (409, "pupil_not_enrolled")


async def test_snils_in_clear_only_for_the_administration(
    api: httpx.AsyncClient,
    contingent: ServiceRuntime,
    as_: As,
    school: School,
    debug_logs: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pupil_snils = snils_of("987654321")
    answers: list[httpx.Response] = []
    form = pupil_form(school, snils=pupil_snils.replace("-", "").replace(" ", ""))
    answers.append(await enrol(api, school.class_id, school.admin, form))
    answers.append(await enrol(api, school.class_id, school.admin, form))  # the retry
    pupil = answers[0].json()["person_id"]
    answers.append(await api.post(guardians_of(pupil), json=mother(), headers=school.admin))
    guardian = answers[-1].json()["guardian_person_id"]
    for url in (f"/v1/pupils/{pupil}", guardians_of(pupil), f"/v1/classes/{school.class_id}/pupils"):
        answers.append(await api.get(url, headers=school.admin))
    answers.append(await api.post(guardians_of(pupil), json=mother(first_name="Ольга"), headers=school.admin))
    for refused in (
        as_(Role.class_teacher, school.school_id, person_id=school.teacher),
        as_(Role.municipality, school.tree.rayon_a),
        as_(Role.guardian, school.school_id, pupils=[uuid.UUID(pupil)]),
    ):
        for url in (f"/v1/pupils/{pupil}/snils", f"{guardians_of(pupil)}/{guardian}/snils"):
            answers.append(denied := await api.get(url, headers=refused))
            assert denied.status_code == 403, (url, denied.text)

    shown = await api.get(f"/v1/pupils/{pupil}/snils", headers=school.admin)
    assert (shown.json()["snils"], shown.headers["cache-control"]) == (pupil_snils, "no-store")
    guardian_shown = await api.get(f"{guardians_of(pupil)}/{guardian}/snils", headers=school.admin)
    assert guardian_shown.json() == {"person_id": guardian, "snils": MOTHER_SNILS}

    logs = capsys.readouterr().out
    assert "contingent.person.snils_disclosed" in logs  # the log did capture this run
    async with contingent.database.uow() as uow:
        stored = [
            str(value)
            for person in (await uow.session.execute(select(Person))).scalars()
            for value in vars(person).values()
        ]
    envelopes = str(await published(contingent))
    for snils in (pupil_snils, MOTHER_SNILS):
        digits = snils.replace("-", "").replace(" ", "")
        for spelling in (snils, digits, snils[:11], digits[:9]):
            for text in (logs, envelopes, *stored, *(a.text for a in answers)):
                assert spelling not in text
    # Contacts do reach SQL; the platform's logging keeps the drivers' parameter lines out of every log.
    for contact in ("ivanova@example.ru", "79123456789"):
        assert contact not in envelopes
        assert contact not in logs
