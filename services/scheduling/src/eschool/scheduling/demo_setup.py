"""The demo's school setup (``make run`` only), loaded beside the demo calendar once a demo school's
year has arrived (``demo``): every common subject of the catalogue chosen, 25 rooms, and a «1 смена»
bell schedule of the default lessons in this academic year, through the same use cases as the API.

Idempotent: the year's «1 смена» says the school is loaded (everything goes in one transaction); a
school that already has subjects or rooms keeps its own.
"""

from __future__ import annotations

from eschool.common.auth import Role, RoleBinding, service_principal
from eschool.common.demo import REGION_ID
from eschool.common.service import ServiceRuntime
from eschool.scheduling.db.models import AcademicYear
from eschool.scheduling.db.setup_repositories import BellSchedules, Rooms, Subjects
from eschool.scheduling.domain.bells import default_slots
from eschool.scheduling.domain.names import name_key
from eschool.scheduling.domain.rooms import RoomKind
from eschool.scheduling.services.bells import BellDraft, create_bell_schedule
from eschool.scheduling.services.rooms import RoomDraft, add_room
from eschool.scheduling.services.school_subjects import choose_subjects

DEMO_ACTOR = service_principal("scheduling", RoleBinding(Role.ministry, REGION_ID))
DEMO_BELLS = "1 смена"
# 25 rooms: classrooms on three floors, the labs, two computer labs, the gym, a workshop, the hall.
DEMO_ROOMS = (
    *(
        RoomDraft(str(number), RoomKind.classroom, 30)
        for number in (*range(101, 107), *range(201, 207), 301, 302)
    ),
    RoomDraft("303", RoomKind.laboratory, 28),
    RoomDraft("304", RoomKind.laboratory, 28),
    RoomDraft("305", RoomKind.laboratory, 28),
    RoomDraft("306", RoomKind.computer_lab, 15),
    RoomDraft("307", RoomKind.computer_lab, 15),
    RoomDraft("Спортзал", RoomKind.gym, 60),
    RoomDraft("Малый спортзал", RoomKind.gym, 30),
    RoomDraft("Мастерская", RoomKind.workshop, 20),
    RoomDraft("Актовый зал", RoomKind.hall, 200),
    RoomDraft("Библиотека", RoomKind.library, 25),
    RoomDraft("Кабинет музыки", RoomKind.classroom, 30),
)


async def load_school_setup(runtime: ServiceRuntime, year: AcademicYear) -> None:
    """The school's subjects, rooms and «1 смена» in the year, unless already there."""
    school_id = year.school_id
    async with runtime.database.uow() as uow:
        bells = BellSchedules(uow.session)
        if await bells.named(school_id, year.academic_year_id, name_key(DEMO_BELLS)) is not None:
            return
        subjects = Subjects(uow.session)
        if not await subjects.chosen(school_id):
            catalogue = await subjects.catalogue(include_retired=False)
            ids = [s.subject_id for s in catalogue]
            await choose_subjects(uow, school_id, ids, actor=DEMO_ACTOR)
        if not await Rooms(uow.session).rooms(school_id, include_retired=True):
            for room in DEMO_ROOMS:
                await add_room(uow, school_id, room, actor=DEMO_ACTOR)
        draft = BellDraft(DEMO_BELLS, 1, default_slots())
        await create_bell_schedule(uow, school_id, year.academic_year_id, draft, actor=DEMO_ACTOR)
        await uow.commit()


DEMO_SETUP_LINES = ("demo school setup: the catalogue's subjects, 25 rooms, a «1 смена» bell schedule",)
