"""A school's rooms («Кабинеты»): added, listed, changed and retired by its administration."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, conflict, not_found
from eschool.scheduling.db.rooms import Room
from eschool.scheduling.db.setup_repositories import Rooms
from eschool.scheduling.domain.names import clean, name_key
from eschool.scheduling.domain.rooms import RoomKind, check_room
from eschool.scheduling.services.common import check_version, refused, touch
from eschool.scheduling.services.setup_scope import check_school_setup


@dataclass(frozen=True)
class RoomDraft:
    """A room's card: number or name, what it is for, how many it seats (None: not said)."""

    name: str
    kind: RoomKind
    capacity: int | None = None


def room_not_found() -> Problem:
    """The 404 for a room that does not exist or is out of the caller's sight."""
    return not_found("room_not_found", "Кабинет не найден")


async def add_room(uow: UnitOfWork, school_id: uuid.UUID, draft: RoomDraft, *, actor: Principal) -> Room:
    """A new room of the school."""
    await check_school_setup(uow, actor, school_id, write=True)
    draft = await _checked(uow, school_id, draft, except_id=None)
    now = utcnow()
    room = Room(
        room_id=uuid.uuid4(),
        school_id=school_id,
        name=draft.name,
        name_key=name_key(draft.name),
        kind=draft.kind.value,
        capacity=draft.capacity,
        retired=False,
        created_at=now,
        updated_at=now,
        version=1,
    )
    uow.session.add(room)
    try:
        await uow.session.flush()
    except IntegrityError:
        raise _room_exists(draft.name) from None  # the same room added twice at once
    return room


async def school_rooms(
    uow: UnitOfWork, school_id: uuid.UUID, *, include_retired: bool, actor: Principal
) -> Sequence[Room]:
    """The school's rooms by name (and, if asked, the retired ones)."""
    await check_school_setup(uow, actor, school_id, write=False)
    return await Rooms(uow.session).rooms(school_id, include_retired=include_retired)


async def change_room(
    uow: UnitOfWork, room_id: uuid.UUID, draft: RoomDraft, *, retired: bool, version: int, actor: Principal
) -> Room:
    """A room's new card, or its retirement (lessons held in it keep referring to it)."""
    rooms = Rooms(uow.session)
    room = await rooms.room(room_id)
    if room is None:
        raise room_not_found()
    await check_school_setup(uow, actor, room.school_id, write=True, hidden=room_not_found())
    room = await rooms.room(room_id, lock=True)
    if room is None:
        raise room_not_found()
    check_version(room, version)
    draft = await _checked(uow, room.school_id, draft, except_id=room_id)
    room.name, room.name_key, room.kind = draft.name, name_key(draft.name), draft.kind.value
    room.capacity, room.retired = draft.capacity, retired
    touch(room)
    return room


async def _checked(
    uow: UnitOfWork, school_id: uuid.UUID, draft: RoomDraft, *, except_id: uuid.UUID | None
) -> RoomDraft:
    draft = RoomDraft(clean(draft.name), draft.kind, draft.capacity)
    if broken := check_room(draft.name, draft.capacity):
        raise refused(broken)
    same = await Rooms(uow.session).named(school_id, name_key(draft.name))
    if same is not None and same.room_id != except_id:
        raise _room_exists(same.name)
    return draft


def _room_exists(name: str) -> Problem:
    return conflict("room_exists", f"Кабинет «{name}» в школе уже есть", field_name="body.name")
