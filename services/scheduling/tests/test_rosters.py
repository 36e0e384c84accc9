"""Class rosters from contingent's pupil facts, and names from enrolments, hires and corrections of a
person's card: once per event, the newest wins whatever order the facts arrive in."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import httpx

from eschool.common.auth import Role
from eschool.common.db import utcnow
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.common.testing.service import As
from eschool.scheduling.db.contingent import StaffMember

from .conftest import World
from .contingent_facts import class_saved, hired
from .roster_facts import enrolled, person_changed, promoted, transferred, withdrawn


async def roster(api: httpx.AsyncClient, headers: dict[str, str], class_id: uuid.UUID, on: date) -> list[str]:
    """The class's pupils on the day: surnames (or person ids while unnamed)."""
    response = await api.get(f"/v1/classes/{class_id}/pupils", params={"on": on.isoformat()}, headers=headers)
    assert response.status_code == 200, response.text
    return [p["name"]["last_name"] if p["name"] else p["person_id"] for p in response.json()]


async def test_a_roster_follows_enrolments_transfers_and_withdrawals_by_day(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    teacher = as_(Role.subject_teacher, world.school_a)
    a, b, masha, petya = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await deliver(class_saved(a, world.school_a, world.year_a), class_saved(b, world.school_a, world.year_a))
    event_id = uuid.uuid4()
    await deliver(enrolled(masha, a, world.school_a, world.year_a), event_id=event_id)
    await deliver(enrolled(masha, a, world.school_a, world.year_a), event_id=event_id)
    await deliver(enrolled(petya, a, world.school_a, world.year_a, last_name="Алексеев"))
    await deliver(transferred(masha, world.school_a, a, b, date(2025, 10, 6)))
    await deliver(withdrawn(petya, a, world.school_a, date(2025, 12, 26)))
    assert await roster(api, teacher, a, date(2025, 10, 5)) == ["Алексеев", "Смирнова"]
    assert await roster(api, teacher, a, date(2025, 10, 6)) == ["Алексеев"]
    assert await roster(api, teacher, b, date(2025, 10, 6)) == ["Смирнова"]
    assert await roster(api, teacher, a, date(2025, 12, 27)) == []
    guardian = await api.get(
        f"/v1/classes/{a}/pupils?on=2025-10-01", headers=as_(Role.guardian, world.school_a)
    )
    assert guardian.status_code == 403
    elsewhere = await api.get(
        f"/v1/classes/{a}/pupils?on=2025-10-01", headers=as_(Role.school_admin, world.school_b)
    )
    assert elsewhere.status_code == 404


async def test_a_withdrawal_before_its_enrolment_keeps_the_first_day_and_the_end(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    admin, a, pupil, now = as_(Role.school_admin, world.school_a), uuid.uuid4(), uuid.uuid4(), utcnow()
    await deliver(class_saved(a, world.school_a, world.year_a))
    await deliver(withdrawn(pupil, a, world.school_a, date(2025, 11, 1), at=now))
    await deliver(
        enrolled(pupil, a, world.school_a, world.year_a, on=date(2025, 9, 15), at=now - timedelta(1))
    )
    assert await roster(api, admin, a, date(2025, 9, 14)) == []
    assert await roster(api, admin, a, date(2025, 11, 1)) == ["Смирнова"]
    assert await roster(api, admin, a, date(2025, 11, 2)) == []


async def test_a_cancelled_promotion_leaves_the_pupil_in_the_old_class(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    admin, old, new, pupil = as_(Role.school_admin, world.school_a), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await deliver(
        class_saved(old, world.school_a, world.year_a), class_saved(new, world.school_a, world.year_a)
    )
    await deliver(enrolled(pupil, old, world.school_a, world.year_a))
    await deliver(promoted(pupil, world.school_a, old, new, world.year_a))
    assert await roster(api, admin, new, date(2026, 9, 1)) == ["Смирнова"]
    assert await roster(api, admin, old, date(2026, 9, 1)) == []
    await deliver(promoted(pupil, world.school_a, old, new, world.year_a, cancelled=True))
    assert await roster(api, admin, new, date(2026, 9, 1)) == []
    assert await roster(api, admin, old, date(2026, 9, 1)) == ["Смирнова"]


async def test_a_late_enrolment_brings_no_old_name_back(
    api: httpx.AsyncClient, as_: As, world: World, deliver: Deliver
) -> None:
    admin, a, first, second, now = (
        as_(Role.school_admin, world.school_a),
        *(uuid.uuid4() for _ in range(3)),
        utcnow(),
    )
    await deliver(class_saved(a, world.school_a, world.year_a))
    await deliver(enrolled(first, a, world.school_a, world.year_a, at=now - timedelta(1)))
    await deliver(person_changed(first, "Кузнецова", at=now))
    await deliver(enrolled(first, a, world.school_a, world.year_a, at=now - timedelta(1)))
    # The correction first, the enrolment it corrects after.
    await deliver(person_changed(second, "Васильева", at=now))
    await deliver(
        enrolled(second, a, world.school_a, world.year_a, last_name="Белова", at=now - timedelta(1))
    )
    assert await roster(api, admin, a, date(2025, 9, 1)) == ["Васильева", "Кузнецова"]


async def test_a_renamed_teacher_keeps_the_new_name_whatever_order_the_facts_arrive_in(
    scheduling: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    first, second, now = uuid.uuid4(), uuid.uuid4(), utcnow()
    event_id = uuid.uuid4()
    await deliver(hired(first, world.school_a, at=now - timedelta(1)))
    await deliver(person_changed(first, "Кузнецова", at=now), event_id=event_id)
    await deliver(person_changed(first, "Кузнецова", at=now), event_id=event_id)
    await deliver(hired(first, world.school_a, restored=True, at=now - timedelta(hours=1)))
    await deliver(person_changed(first, "Орлова", at=now - timedelta(hours=2)))  # older than the newest
    await deliver(person_changed(second, "Васильева", at=now))
    await deliver(hired(second, world.school_a, at=now - timedelta(1)), hired(second, world.school_b))
    async with scheduling.database.uow() as uow:
        names = {
            (m.person_id, m.school_id): m.last_name
            for m in [
                await uow.session.get(StaffMember, key)
                for key in ((world.school_a, first), (world.school_a, second), (world.school_b, second))
            ]
            if m is not None
        }
    assert names == {
        (first, world.school_a): "Кузнецова",
        (second, world.school_a): "Васильева",
        (second, world.school_b): "Петрова",  # a hire newer than the correction names her anew
    }
