"""An application refused by contingent and assigned again later (another class, once places are found)
is tried again; a child who comes back through an application brings their guardians along."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver

from . import test_pupils
from .conftest import As, published
from .test_application_enrolment import ENROLLED, LINKED, REFUSED, assigned, child, hash_of, outcome
from .test_pupils import School, add_school_class, enrolled, snils_of, withdraw

tree, school = test_pupils.tree, test_pupils.school


async def test_a_refused_application_assigned_again_later_is_carried_out_once(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School, deliver: Deliver
) -> None:
    small = await add_school_class(api, school.tree, as_, school.tree.school_a, "Б", max_size=1)
    await enrolled(api, small, "1")
    first = assigned(small)
    await deliver(first)
    assert [e["data"]["code"] for e in await published(contingent, REFUSED)] == ["class_full"]

    later = first.model_copy(
        update={"class_id": uuid.UUID(school.class_id), "occurred_at": first.occurred_at + timedelta(hours=1)}
    )
    await deliver(later)
    await deliver(first)  # the old assignment re-sent: nothing
    await deliver(later)  # the new one re-sent: nothing
    carried = [e for e in await published(contingent, ENROLLED) if e["data"]["application_id"]]
    assert [(e["data"]["application_id"], e["data"]["class_id"]) for e in carried] == [
        (str(first.application_id), school.class_id)
    ]
    assert len(await published(contingent, REFUSED)) == 1
    row = await outcome(contingent, first.application_id)
    assert row is not None
    assert (row.outcome, row.refusal_code, row.class_id) == ("enrolled", None, uuid.UUID(school.class_id))


async def test_a_child_known_before_brings_their_guardians_into_the_school(
    api: httpx.AsyncClient, contingent: ServiceRuntime, as_: As, school: School, deliver: Deliver
) -> None:
    before = await add_school_class(api, school.tree, as_, school.tree.school_b)
    born = str(assigned(school).child.birth_date)
    person = await enrolled(
        api, before, "7", first_name="Мария", birth_date=born, snils=snils_of("112233445")
    )
    father = {"kind": "father", "last_name": "Петров", "first_name": "Иван"}
    linked = await api.post(f"/v1/pupils/{person}/guardians", json=father, headers=before.admin)
    assert linked.status_code == 201, linked.text
    await withdraw(contingent, person)

    back = assigned(school, child=child(assigned(school), snils_hash=hash_of("112233445")))
    await deliver(back.model_copy(update={"occurred_at": datetime.now(UTC)}))
    links = [(e["data"]["school_id"], e["data"]["kind"]) for e in await published(contingent, LINKED)]
    assert links == [
        (str(before.school_id), "father"),
        (str(school.school_id), "father"),  # the father's link, announced again where the child is now
        (str(school.school_id), "mother"),  # the applicant
    ]
